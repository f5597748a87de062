#include "placement/mip.hpp"

#include <Cbc_C_Interface.h>
#include <Clp_C_Interface.h>
#include <CoinFinite.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace lightcone {

namespace {
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

MipResult Mip::solve(double time_limit_s, int threads, const std::vector<double>& start, double cutoff) const {
  const int n = columns();
  // Column-major arrays for Cbc_loadProblem.
  std::vector<std::size_t> order(m_trip_val.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return m_trip_col[a] != m_trip_col[b] ? m_trip_col[a] < m_trip_col[b] : m_trip_row[a] < m_trip_row[b];
  });
  std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
  std::vector<int> index(order.size());
  std::vector<double> value(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    index[k] = m_trip_row[order[k]];
    value[k] = m_trip_val[order[k]];
    ++starts[static_cast<std::size_t>(m_trip_col[order[k]]) + 1];
  }
  for (int j = 0; j < n; ++j) starts[j + 1] += starts[j];
  const std::vector<double> lower = finite(m_lower), upper = finite(m_upper);
  const std::vector<double> rlower = finite(m_row_lower), rupper = finite(m_row_upper);

  // Pure LPs go to Clp's dual simplex directly: CBC's LP path (through CbcMain1 and
  // ClpPresolve) crashed on small transportation LPs (seen: SIGSEGV in
  // ClpPresolve::gutsOfPresolvedModel), and Clp without presolve is deterministic.
  if (std::none_of(m_integer.begin(), m_integer.end(), [](char c) { return c != 0; })) {
    Clp_Simplex* clp = Clp_newModel();
    Clp_setLogLevel(clp, 0);
    Clp_loadProblem(clp, n, rows(), starts.data(), index.data(), value.data(), lower.data(), upper.data(), m_obj.data(),
                    rlower.data(), rupper.data());
    Clp_setMaximumSeconds(clp, time_limit_s);
    Clp_dual(clp, 0);
    MipResult r;
    const int status = Clp_status(clp);  // 0 optimal, 1 primal infeasible, 3 stopped on limits
    r.proven_infeasible = status == 1;
    r.time_limit = status == 3;
    if (status == 0) {
      const double* x = Clp_getColSolution(clp);
      r.x.assign(x, x + n);
      r.objective = Clp_objectiveValue(clp);
      r.bound = r.objective;
      r.has_solution = satisfies(r.x);
      r.proven_optimal = r.has_solution;
      if (!r.has_solution) r.x.clear();
    }
    Clp_deleteModel(clp);
    return r;
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
  auto run = [&](bool with_start) {
    Cbc_Model* model = Cbc_newModel();
    Cbc_loadProblem(model, n, rows(), starts.data(), index.data(), value.data(), lower.data(), upper.data(),
                    m_obj.data(), rlower.data(), rupper.data());
    for (int j = 0; j < n; ++j)
      if (m_integer[static_cast<std::size_t>(j)]) Cbc_setInteger(model, j);
    Cbc_setObjSense(model, 1.0);
    Cbc_setLogLevel(model, 0);
    Cbc_setMaximumSeconds(model, time_limit_s);
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
  Cbc_Model* model = run(!start.empty());
  if (Cbc_status(model) < 0 && !start.empty()) {
    Cbc_deleteModel(model);
    model = run(false);
  }
  MipResult r;
  const bool ran = Cbc_status(model) >= 0;
  r.proven_optimal = ran && Cbc_isProvenOptimal(model) != 0;
  r.proven_infeasible = ran && Cbc_isProvenInfeasible(model) != 0;
  r.time_limit = ran && Cbc_isSecondsLimitReached(model) != 0;
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
  Cbc_deleteModel(model);
  return r;
}

IncrementalLp::IncrementalLp(const std::vector<double>& objective, const std::vector<double>& lower,
                             const std::vector<double>& upper)
    : m_columns(static_cast<int>(objective.size())) {
  const std::vector<double> lo = finite(lower), up = finite(upper);
  const std::vector<CoinBigIndex> starts(static_cast<std::size_t>(m_columns) + 1, 0);
  Clp_Simplex* clp = Clp_newModel();
  Clp_setLogLevel(clp, 0);
  Clp_loadProblem(clp, m_columns, 0, starts.data(), nullptr, nullptr, lo.data(), up.data(), objective.data(), nullptr,
                  nullptr);
  m_clp = clp;
}

IncrementalLp::~IncrementalLp() { Clp_deleteModel(static_cast<Clp_Simplex*>(m_clp)); }

void IncrementalLp::add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper) {
  m_index.insert(m_index.end(), cols.begin(), cols.end());
  m_value.insert(m_value.end(), coefs.begin(), coefs.end());
  m_start.push_back(static_cast<int>(m_index.size()));
  m_row_lower.push_back(finite(lower));
  m_row_upper.push_back(finite(upper));
}

int IncrementalLp::rows() const {
  return Clp_numberRows(static_cast<Clp_Simplex*>(m_clp)) + static_cast<int>(m_row_lower.size());
}

bool IncrementalLp::solve(double time_limit_s) {
  Clp_Simplex* clp = static_cast<Clp_Simplex*>(m_clp);
  if (!m_row_lower.empty()) {
    const std::vector<CoinBigIndex> starts(m_start.begin(), m_start.end());
    Clp_addRows(clp, static_cast<int>(m_row_lower.size()), m_row_lower.data(), m_row_upper.data(), starts.data(),
                m_index.data(), m_value.data());
    m_start.assign(1, 0);
    m_index.clear();
    m_value.clear();
    m_row_lower.clear();
    m_row_upper.clear();
  }
  Clp_setMaximumSeconds(clp, std::max(0.01, time_limit_s));
  Clp_dual(clp, 0);
  if (Clp_status(clp) != 0) return false;
  const double* x = Clp_getColSolution(clp);
  m_x.assign(x, x + m_columns);
  m_objective = Clp_objectiveValue(clp);
  return true;
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
