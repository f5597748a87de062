#include "placement/mip.hpp"

#include <Cbc_C_Interface.h>
#include <ClpDualRowSteepest.hpp>
#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#include <Idiot.hpp>
#include <CoinFinite.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>

namespace lightcone {

namespace {
// Stops Clp at the deadline: checked after every iteration and factorization (Clp then
// returns with status 5, "stopped by event").
class DeadlineHandler : public ClpEventHandler {
 public:
  explicit DeadlineHandler(const Deadline& deadline) : m_deadline(deadline) {}
  int event(Event which) override {
    if ((which == endOfIteration || which == endOfFactorization) && m_deadline.expired()) return 0;
    return -1;
  }
  ClpEventHandler* clone() const override { return new DeadlineHandler(*this); }

 private:
  Deadline m_deadline;
};

// The Idiot crash before a first primal simplex (IncrementalLp::solve): on LPs of at
// least this many nonzeros, when the deadline leaves kIdiotMargin times its estimated
// time (1.5–3.9 µs per nonzero measured on Benders masters of 1.1–1.7 M nonzeros, so
// 1.5 × 5 µs still holds about twice the slowest measured). A margin of 3 skipped the
// crash under --time-limit 20 or 30 s on 5,000² p-median, whose master LP then stayed
// at its first round: bounds 0.02 % lower (tests/bench/README.md, session 29).
constexpr double kIdiotMinNonzeros = 100'000;
constexpr double kIdiotSecondsPerNonzero = 5e-6;
constexpr double kIdiotMargin = 1.5;

// A Clp model that stops at the deadline, without log output.
std::unique_ptr<ClpSimplex> new_clp(const Deadline& deadline) {
  auto clp = std::make_unique<ClpSimplex>();
  clp->setLogLevel(0);
  const DeadlineHandler handler(deadline);
  clp->passInEventHandler(&handler);
  return clp;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Bounds for COIN: ±infinity as ±COIN_DBL_MAX.
double finite(double x) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return x == inf ? COIN_DBL_MAX : x == -inf ? -COIN_DBL_MAX : x;
}
std::vector<double> finite(std::vector<double> v) {
  for (double& x : v) x = finite(x);
  return v;
}
}  // namespace

int Mip::add_column(double objective, double lower, double upper, bool integer) {
  m_obj.push_back(objective);
  m_lower.push_back(lower);
  m_upper.push_back(upper);
  m_integer.push_back(integer ? 1 : 0);
  return static_cast<int>(m_obj.size()) - 1;
}

void Mip::add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper) {
  const int r = rows();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    m_trip_row.push_back(r);
    m_trip_col.push_back(cols[i]);
    m_trip_val.push_back(coefs[i]);
  }
  m_row_lower.push_back(lower);
  m_row_upper.push_back(upper);
}

MipResult Mip::solve(const Deadline& deadline, int threads, const std::vector<double>& start, double cutoff) const {
  const int n = columns();
  const bool all_continuous = std::none_of(m_integer.begin(), m_integer.end(), [](char c) { return c != 0; });
  if (deadline.expired()) {
    // No time left: neither the LP nor CBC would run, so do not build the model either
    // (on survivable models of millions of nonzeros that alone took seconds).
    MipResult r;
    r.time_limit = true;
    if (!all_continuous) r.bound = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  // Column-major arrays for Cbc_loadProblem: a counting sort by column. Rows are added in
  // ascending order, so each column's entries come out by ascending row (the order of a
  // stable sort by (column, row)) in one pass, without comparing.
  std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
  for (const int c : m_trip_col) ++starts[static_cast<std::size_t>(c) + 1];
  for (int j = 0; j < n; ++j) starts[j + 1] += starts[j];
  std::vector<int> index(m_trip_val.size());
  std::vector<double> value(m_trip_val.size());
  {
    std::vector<CoinBigIndex> at(starts.begin(), starts.end() - 1);
    for (std::size_t k = 0; k < m_trip_val.size(); ++k) {
      const auto q = static_cast<std::size_t>(at[static_cast<std::size_t>(m_trip_col[k])]++);
      index[q] = m_trip_row[k];
      value[q] = m_trip_val[k];
    }
  }
  const std::vector<double> lower = finite(m_lower), upper = finite(m_upper);
  const std::vector<double> rlower = finite(m_row_lower), rupper = finite(m_row_upper);

  // Pure LPs go to Clp's dual simplex directly: CBC's LP path (through CbcMain1 and
  // ClpPresolve) crashed on small transportation LPs (seen: SIGSEGV in
  // ClpPresolve::gutsOfPresolvedModel), and Clp without presolve is deterministic.
  // The same call solves a MIP's root LP (integrality dropped) before CBC sees it.
  auto solve_lp = [&](MipResult& r) {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<ClpSimplex> clp = new_clp(deadline);
    clp->loadProblem(n, rows(), starts.data(), index.data(), value.data(), lower.data(), upper.data(), m_obj.data(),
                     rlower.data(), rupper.data());
    int status = -1;  // not started: no time left
    if (!deadline.expired()) {
      clp->dual(0);
      status = clp->status();  // 0 optimal, 1 primal infeasible, 3 limits, 5 stopped by the deadline
    }
    r.lp_s = seconds_since(t0);
    r.proven_infeasible = status == 1;
    r.time_limit = status != 0 && status != 1 && status != 2;
    if (status == 0) {
      r.lp_solved = true;
      r.lp_bound = clp->objectiveValue();
      const double* x = clp->getColSolution();
      r.x.assign(x, x + n);
      r.objective = r.lp_bound;
      r.bound = r.objective;
    }
  };
  if (all_continuous) {
    MipResult r;
    solve_lp(r);
    if (r.lp_solved) {
      r.has_solution = satisfies(r.x);
      r.proven_optimal = r.has_solution;
      if (!r.has_solution) r.x.clear();
    }
    return r;
  }
  // The root LP first on all but small models: CBC's own root LP ignores its time limit.
  double lp_bound = -std::numeric_limits<double>::infinity();
  double lp_s = 0.0;  // what the root LP took: CBC solves it again before its clock starts
  if (m_trip_val.size() >= kProbeNonzeros || deadline.expired()) {
    MipResult lp;
    solve_lp(lp);
    lp.x.clear();
    lp.objective = 0.0;
    if (!lp.lp_solved) {  // infeasible LP: infeasible MIP; else out of time, CBC never runs
      lp.bound = std::numeric_limits<double>::quiet_NaN();
      return lp;
    }
    lp_bound = lp.lp_bound;
    lp_s = lp.lp_s;
    if (std::isfinite(cutoff) && lp_bound > cutoff + 1e-9 * std::max(1.0, std::abs(cutoff))) {
      lp.proven_infeasible = true;  // nothing below the cutoff
      return lp;
    }
    if (deadline.remaining_s() < kRootLpRepeats * lp.lp_s + 0.5) {
      lp.time_limit = true;  // CBC would solve the LP again and run past the deadline
      return lp;
    }
  }

  // CBC 2.10's preprocessing (CglPreProcess) returned "proven optimal" answers that are
  // not optimal on capacitated assignment models (continuous z_ij ≤ x_j with capacity
  // rows Σ load·z ≤ cap·x; e.g. a capacitated p-median 2 % above the optimum, with the
  // right sites but a worse assignment). Models with continuous columns skip it; pure
  // 0-1 covering models keep it.
  const bool all_integer = std::all_of(m_integer.begin(), m_integer.end(), [](char c) { return c != 0; });
  // CBC 2.10's CbcMain1 can abort inside its MIP-start handling after preprocessing
  // (seen: "Illegal index <columns> in ClpModel::getColumnName" on MCLP models whose
  // objective lies on continuous columns); Cbc_solve then returns with status −1 and a
  // meaningless "best solution". Such a run is repeated without the start.
  double cbc_limit_s = 0.0;
  auto run = [&](bool with_start) {
    Cbc_Model* model = Cbc_newModel();
    Cbc_loadProblem(model, n, rows(), starts.data(), index.data(), value.data(), lower.data(), upper.data(),
                    m_obj.data(), rlower.data(), rupper.data());
    for (int j = 0; j < n; ++j)
      if (m_integer[static_cast<std::size_t>(j)]) Cbc_setInteger(model, j);
    Cbc_setObjSense(model, 1.0);
    Cbc_setLogLevel(model, 0);
    // Wall time ("elapsed"), counted by CBC from the start of its branch and bound, after
    // its own root LP: what is left now, less that LP again and a margin for the answer.
    Cbc_setParameter(model, "timeMode", "elapsed");
    const double left = deadline.remaining_s() - 1.2 * lp_s;
    cbc_limit_s = std::max(0.05, std::min(0.95 * left, left - 0.2));
    Cbc_setMaximumSeconds(model, cbc_limit_s);
    Cbc_setAllowableGap(model, 1e-9);
    Cbc_setAllowableFractionGap(model, 1e-9);
    // "threads 1" still runs CBC's threaded code (a worker thread per solve, handing
    // off through futexes: many times slower in wall time on a busy machine); one
    // thread means no threads.
    if (threads > 1) Cbc_setParameter(model, "threads", std::to_string(threads).c_str());
    Cbc_setParameter(model, "randomCbcSeed", "1");
    if (std::isfinite(cutoff)) Cbc_setCutoff(model, cutoff);
    if (!all_integer) Cbc_setParameter(model, "preprocess", "off");
    if (with_start) {
      std::vector<int> cols;
      std::vector<double> vals;
      for (int j = 0; j < n; ++j)
        if (m_integer[static_cast<std::size_t>(j)]) {
          cols.push_back(j);
          vals.push_back(std::round(start[static_cast<std::size_t>(j)]));
        }
      Cbc_setMIPStartI(model, static_cast<int>(cols.size()), cols.data(), vals.data());
    }
    Cbc_solve(model);
    return model;
  };
  const auto cbc_started = std::chrono::steady_clock::now();
  Cbc_Model* model = run(!start.empty());
  if (Cbc_status(model) < 0 && !start.empty() && !deadline.expired()) {
    Cbc_deleteModel(model);
    model = run(false);
  }
  MipResult r;
  const bool ran = Cbc_status(model) >= 0;
  r.proven_optimal = ran && Cbc_isProvenOptimal(model) != 0;
  // Stopped by its time limit, CBC 2.10 may call a model infeasible (seen under load: a
  // feasible survivable cover "proven infeasible"): only a run that ended well within its
  // limit proves infeasibility.
  const bool out_of_time = Cbc_isSecondsLimitReached(model) != 0 || deadline.expired() ||
                           seconds_since(cbc_started) >= 0.9 * cbc_limit_s;
  r.proven_infeasible = ran && Cbc_isProvenInfeasible(model) != 0 && !out_of_time;
  r.time_limit = ran && out_of_time;
  const double* x = Cbc_bestSolution(model);
  if (ran && x && !r.proven_infeasible) {
    r.x.assign(x, x + n);
    r.objective = Cbc_getObjValue(model);
    r.has_solution = satisfies(r.x);
  }
  if (!r.has_solution) {
    r.x.clear();
    r.proven_optimal = false;
  }
  r.bound = Cbc_getBestPossibleObjValue(model);
  if (std::isfinite(lp_bound)) {
    r.lp_solved = true;
    r.lp_bound = lp_bound;
    if (!(r.bound >= lp_bound)) r.bound = lp_bound;  // CBC stopped before its own root
  }
  Cbc_deleteModel(model);
  return r;
}

IncrementalLp::IncrementalLp(const std::vector<double>& objective, const std::vector<double>& lower,
                             const std::vector<double>& upper)
    : m_columns(static_cast<int>(objective.size())) {
  const std::vector<double> lo = finite(lower), up = finite(upper);
  const std::vector<CoinBigIndex> starts(static_cast<std::size_t>(m_columns) + 1, 0);
  auto* clp = new ClpSimplex();
  clp->setLogLevel(0);
  clp->loadProblem(m_columns, 0, starts.data(), nullptr, nullptr, lo.data(), up.data(), objective.data(), nullptr,
                   nullptr);
  // The dual simplex prices by full steepest edge from the start (Clp's default starts
  // with partial pricing and may switch): on Benders masters, whose rows arrive a
  // thousand at a time and reach over hundreds of columns each, 5,000² p = 10 seed 1 ran
  // 22 cutting-plane rounds in 20 s instead of 14 in 35 s, and branch and bound at
  // 1,000² p = 10 seed 1 took half the time (tests/bench/README.md, session 26).
  ClpDualRowSteepest steepest(1);  // mode 1: full; Clp clones it
  clp->setDualRowPivotAlgorithm(steepest);
  m_clp = clp;
}

IncrementalLp::IncrementalLp(const IncrementalLp& o)
    : m_internal(o.m_internal), m_clp(new ClpSimplex(*static_cast<const ClpSimplex*>(o.m_clp))), m_columns(o.m_columns), m_start(o.m_start),
      m_index(o.m_index), m_value(o.m_value), m_row_lower(o.m_row_lower), m_row_upper(o.m_row_upper),
      m_col_obj(o.m_col_obj), m_col_lower(o.m_col_lower), m_col_upper(o.m_col_upper), m_infeasible(o.m_infeasible),
      m_primal_first(o.m_primal_first), m_solved(o.m_solved), m_crashed(o.m_crashed), m_objective(o.m_objective), m_x(o.m_x),
      m_reduced(o.m_reduced), m_activity(o.m_activity) {}

IncrementalLp::~IncrementalLp() { delete static_cast<ClpSimplex*>(m_clp); }

void IncrementalLp::add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper) {
  if (m_internal.empty()) {
    m_index.insert(m_index.end(), cols.begin(), cols.end());
    m_value.insert(m_value.end(), coefs.begin(), coefs.end());
  } else {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const int c = internal(cols[k]);
      if (c < 0) continue;  // a removed column: always 0
      m_index.push_back(c);
      m_value.push_back(coefs[k]);
    }
  }
  m_start.push_back(static_cast<int>(m_index.size()));
  m_row_lower.push_back(finite(lower));
  m_row_upper.push_back(finite(upper));
}

int IncrementalLp::rows() const {
  return static_cast<ClpSimplex*>(m_clp)->numberRows() + static_cast<int>(m_row_lower.size());
}

int IncrementalLp::add_column(double objective, double lower, double upper) {
  if (!m_internal.empty())
    m_internal.push_back(static_cast<ClpSimplex*>(m_clp)->numberColumns() + static_cast<int>(m_col_obj.size()));
  m_col_obj.push_back(objective);
  m_col_lower.push_back(finite(lower));
  m_col_upper.push_back(finite(upper));
  return columns() - 1;
}

bool IncrementalLp::solve(const Deadline& deadline) {
  auto* clp = static_cast<ClpSimplex*>(m_clp);
  m_infeasible = false;
  if (!m_col_obj.empty()) {
    const int n = static_cast<int>(m_col_obj.size());
    const std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
    clp->addColumns(n, m_col_lower.data(), m_col_upper.data(), m_col_obj.data(), starts.data(), nullptr, nullptr);
    m_columns += n;
    m_col_obj.clear();
    m_col_lower.clear();
    m_col_upper.clear();
  }
  if (!m_row_lower.empty()) {
    const std::vector<CoinBigIndex> starts(m_start.begin(), m_start.end());
    clp->addRows(static_cast<int>(m_row_lower.size()), m_row_lower.data(), m_row_upper.data(), starts.data(),
                 m_index.data(), m_value.data());
    m_start.assign(1, 0);
    m_index.clear();
    m_value.clear();
    m_row_lower.clear();
    m_row_upper.clear();
  }
  if (deadline.expired()) return false;
  const DeadlineHandler handler(deadline);
  clp->passInEventHandler(&handler);
  if (m_primal_first && !m_solved) {
    // A large first LP starts from Clp's Idiot crash (a few passes of a penalty method
    // towards an approximate solution, then a crossover to a basis), as Clp's own
    // initialSolve does for the primal: on Benders masters of 1.1–1.7 M nonzeros the
    // primal from the slack basis took 17 s and more than 22 s, the crash and primal
    // 1.8 and 5.2 s. The crash does not watch the deadline: only when the time left holds
    // several times its estimate.
    const double nonzeros = static_cast<double>(clp->getNumElements());
    if (nonzeros >= kIdiotMinNonzeros && deadline.remaining_s() >= kIdiotMargin * kIdiotSecondsPerNonzero * nonzeros) {
      Idiot idiot(*clp);
      idiot.setStrategy(512 | 32 | idiot.getStrategy());  // scaled; ClpSolve's crossover choice
      idiot.crash(0, clp->messageHandler(), clp->messagesPointer(), true);
      m_crashed = true;
      clp->primal(1);  // from the crash's values
    } else {
      clp->primal(0);
    }
  } else {
    clp->dual(0);
  }
  m_solved = true;
  m_infeasible = clp->status() == 1;
  if (clp->status() != 0) return false;
  const double* x = clp->getColSolution();
  const double* d = clp->getReducedCost();
  if (m_internal.empty()) {
    m_x.assign(x, x + m_columns);
    m_reduced.assign(d, d + m_columns);
  } else {
    m_x.assign(static_cast<std::size_t>(m_columns), 0.0);
    m_reduced.assign(static_cast<std::size_t>(m_columns), 0.0);
    for (std::size_t j = 0; j < m_x.size(); ++j)
      if (const int c = m_internal[j]; c >= 0) {
        m_x[j] = x[c];
        m_reduced[j] = d[c];
      }
  }
  const double* a = clp->getRowActivity();
  m_activity.assign(a, a + clp->numberRows());
  m_objective = clp->objectiveValue();
  return true;
}

double IncrementalLp::probe(int external, double lower, double upper, int iterations, const Deadline& deadline) {
  auto* clp = static_cast<ClpSimplex*>(m_clp);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const int column = internal(external);
  if (!m_solved || deadline.expired() || !m_row_lower.empty() || !m_col_obj.empty() || column < 0) return nan;
  const int n = clp->numberColumns(), m = clp->numberRows();
  const std::size_t un = static_cast<std::size_t>(n), um = static_cast<std::size_t>(m);
  const std::vector<unsigned char> status(clp->statusArray(), clp->statusArray() + un + um);
  const std::vector<double> col(clp->primalColumnSolution(), clp->primalColumnSolution() + un);
  const std::vector<double> row(clp->primalRowSolution(), clp->primalRowSolution() + um);
  const std::vector<double> dual(clp->dualRowSolution(), clp->dualRowSolution() + um);
  const std::vector<double> reduced(clp->dualColumnSolution(), clp->dualColumnSolution() + un);
  const double old_lower = clp->getColLower()[column], old_upper = clp->getColUpper()[column];
  const int old_limit = clp->maximumIterations();
  const double old_objective = clp->objectiveValue();
  const int old_status = clp->status();
  clp->setColumnBounds(column, finite(lower), finite(upper));
  clp->setMaximumIterations(iterations);
  double value = nan;
  {
    const DeadlineHandler handler(deadline);
    clp->passInEventHandler(&handler);
    clp->dual(0);
    if (clp->status() == 1) value = std::numeric_limits<double>::infinity();
    else if (clp->status() == 0 || (clp->status() == 3 && clp->secondaryStatus() != 9 && !deadline.expired()))
      value = clp->objectiveValue();
  }
  clp->setMaximumIterations(old_limit);
  clp->setColumnBounds(column, old_lower, old_upper);
  std::copy(status.begin(), status.end(), clp->statusArray());
  std::copy(col.begin(), col.end(), clp->primalColumnSolution());
  std::copy(row.begin(), row.end(), clp->primalRowSolution());
  std::copy(dual.begin(), dual.end(), clp->dualRowSolution());
  std::copy(reduced.begin(), reduced.end(), clp->dualColumnSolution());
  clp->setObjectiveValue(old_objective);
  clp->setProblemStatus(old_status);
  return value;
}

void IncrementalLp::set_column_bounds(int external, double lower, double upper) {
  const int column = internal(external);
  if (column < 0) {
    if (lower > 0.0 || upper < 0.0) throw std::logic_error("IncrementalLp: bounds beyond 0 for a removed column");
    return;
  }
  static_cast<ClpSimplex*>(m_clp)->setColumnBounds(column, finite(lower), finite(upper));
}

std::size_t IncrementalLp::remove_columns_at_zero(const std::vector<int>& columns) {
  auto* clp = static_cast<ClpSimplex*>(m_clp);
  if (!m_solved || !m_row_lower.empty() || !m_col_obj.empty()) return 0;
  const int n = clp->numberColumns();
  std::vector<char> gone(static_cast<std::size_t>(n), 0);
  std::vector<int> which;
  for (const int external : columns) {
    const int c = internal(external);
    if (c < 0 || gone[static_cast<std::size_t>(c)]) continue;
    if (clp->getColLower()[c] != 0.0 || clp->getColUpper()[c] != 0.0) continue;
    if (clp->getColumnStatus(c) == ClpSimplex::basic) continue;  // keeps the basis whole
    gone[static_cast<std::size_t>(c)] = 1;
    which.push_back(c);
  }
  if (which.empty()) return 0;
  std::sort(which.begin(), which.end());
  clp->deleteColumns(static_cast<int>(which.size()), which.data());
  // Renumber: each remaining column moves down by the removed ones before it.
  std::vector<int> renumber(static_cast<std::size_t>(n), -1);
  for (int c = 0, next = 0; c < n; ++c)
    if (!gone[static_cast<std::size_t>(c)]) renumber[static_cast<std::size_t>(c)] = next++;
  if (m_internal.empty()) {
    m_internal.resize(static_cast<std::size_t>(m_columns));
    for (int j = 0; j < m_columns; ++j) m_internal[static_cast<std::size_t>(j)] = j;
  }
  for (int& c : m_internal)
    if (c >= 0) c = renumber[static_cast<std::size_t>(c)];
  return which.size();
}

void IncrementalLp::delete_rows(const std::vector<int>& rows) {
  if (!rows.empty()) static_cast<ClpSimplex*>(m_clp)->deleteRows(static_cast<int>(rows.size()), rows.data());
}

bool Mip::satisfies(const std::vector<double>& x) const {
  constexpr double kTol = 1e-6;
  if (x.size() != m_obj.size()) return false;
  std::vector<double> activity(m_row_lower.size(), 0.0);
  for (std::size_t k = 0; k < m_trip_val.size(); ++k)
    activity[static_cast<std::size_t>(m_trip_row[k])] += m_trip_val[k] * x[static_cast<std::size_t>(m_trip_col[k])];
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (!std::isfinite(x[j]) || x[j] < m_lower[j] - kTol || x[j] > m_upper[j] + kTol) return false;
    if (m_integer[j] && std::abs(x[j] - std::round(x[j])) > kTol) return false;
  }
  for (std::size_t i = 0; i < activity.size(); ++i) {
    const double scale = kTol * std::max(1.0, std::abs(activity[i]));
    if (activity[i] < m_row_lower[i] - scale || activity[i] > m_row_upper[i] + scale) return false;
  }
  return true;
}

}  // namespace lightcone
