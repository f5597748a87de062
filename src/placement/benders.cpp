#include "placement/benders.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <thread>

#include "placement/mip.hpp"

namespace lightcone::placement_detail {

namespace {

// A cut of row i: θ_i + Σ_{q < count} (D − d_q)·y_{c_q} ≥ D over the row's first `count`
// options by latency (those nearer than D); D < 0: the feasibility cut Σ_options y ≥ 1.
struct Cut {
  std::uint32_t row = 0;
  std::uint32_t count = 0;
  double d = 0.0;
  std::uint32_t slack_age = 0;  // consecutive LP solves with the cut slack
};

// Each row's options (columns not closed), sorted by latency, ties by column: r's rows by
// latency with the closed columns taken out in place.
struct Sorted {
  std::vector<std::uint32_t> first;  // row i: [first[i], first[i + 1])
  std::vector<std::uint32_t> col;
  std::vector<double> lat;
  Sorted(RowsByLatency&& rows, const std::vector<signed char>& state)
      : first(std::move(rows.first)), col(std::move(rows.col)), lat(std::move(rows.lat)) {
    if (!state.empty()) keep([&](std::uint32_t j) { return state[j] >= 0; });
  }
  // Keeps the options of the columns `open(j)` allows, in place.
  template <class Open>
  void keep(Open open) {
    std::uint32_t k = 0, from = first[0];
    for (std::size_t i = 0; i + 1 < first.size(); ++i) {
      const std::uint32_t to = first[i + 1];
      for (std::uint32_t q = from; q < to; ++q)
        if (open(col[q])) {
          col[k] = col[q];
          lat[k] = lat[q];
          ++k;
        }
      from = to;
      first[i + 1] = k;
    }
    col.resize(k);
    lat.resize(k);
    col.shrink_to_fit();
    lat.shrink_to_fit();
  }
  LatencyRows view() const { return {first, col, lat}; }
  // How many of row i's options lie below latency d (a cut's count at level d).
  std::uint32_t below(std::uint32_t i, double d) const {
    const auto b = lat.begin() + first[i], e = lat.begin() + first[i + 1];
    return static_cast<std::uint32_t>(std::lower_bound(b, e, d) - b);
  }
};

// The cut of row i at y: D the latency at which the open fraction, options by latency,
// reaches 1; value: the row's assignment LP at y (+inf when the fraction never reaches
// 1: then D is the row's farthest latency).
struct Separated {
  Cut cut;
  double value = 0.0;
};

Separated separate(const Sorted& s, std::uint32_t i, const std::vector<double>& y) {
  Separated out;
  out.cut.row = i;
  double cum = 0.0, value = 0.0;
  std::uint32_t q = s.first[i];
  const std::uint32_t end = s.first[i + 1];
  while (q < end) {
    const double d = s.lat[q];
    const std::uint32_t level = q;
    double open = 0.0;
    for (; q < end && s.lat[q] == d; ++q) open += y[s.col[q]];
    if (cum + open >= 1.0 - 1e-9) {
      out.cut.d = d;
      out.cut.count = level - s.first[i];
      out.value = value + std::max(0.0, 1.0 - cum) * d;
      return out;
    }
    cum += open;
    value += open * d;
    out.cut.d = d;
    out.cut.count = level - s.first[i];
  }
  out.value = std::numeric_limits<double>::infinity();
  return out;
}

// The cut's left side less its right side at (y, θ) (negative: violated).
double cut_slack(const Sorted& s, const Cut& c, const std::vector<double>& y, double theta) {
  const std::uint32_t b = s.first[c.row];
  if (c.d < 0.0) {
    double sum = 0.0;
    for (std::uint32_t q = b; q < s.first[c.row + 1]; ++q) sum += y[s.col[q]];
    return sum - 1.0;
  }
  double lhs = theta;
  for (std::uint32_t q = b; q < b + c.count; ++q) lhs += (c.d - s.lat[q]) * y[s.col[q]];
  return lhs - c.d;
}

// The cut as a row over (y columns, θ column).
void cut_row(const Sorted& s, const Cut& c, int theta, std::vector<int>& cols, std::vector<double>& coefs,
             double& lower) {
  cols.clear();
  coefs.clear();
  const std::uint32_t b = s.first[c.row];
  if (c.d < 0.0) {
    for (std::uint32_t q = b; q < s.first[c.row + 1]; ++q) {
      cols.push_back(static_cast<int>(s.col[q]));
      coefs.push_back(1.0);
    }
    lower = 1.0;
    return;
  }
  cols.push_back(theta);
  coefs.push_back(1.0);
  for (std::uint32_t q = b; q < b + c.count; ++q) {
    if (s.lat[q] >= c.d) continue;
    cols.push_back(static_cast<int>(s.col[q]));
    coefs.push_back(c.d - s.lat[q]);
  }
  lower = c.d;
}

// Every kRoundEvery-th branch-and-bound node whose LP ends fractional (no cut left, or
// tailing off) is rounded into a plan and improved by swaps: a cheaper plan prunes more.
constexpr std::size_t kRoundEvery = 3;
// The master LP whose y is first rounded into a plan (and improved by swaps).
constexpr std::size_t kEarlyRounding = 2;
// Perturbation rounds beside the root's LP (BendersOptions::perturb_beside_root): the
// root's end stops them first on the models that ask for them.
constexpr std::size_t kBesideRootRounds = 100'000;
constexpr double kRoundingMinSeconds = 3.0;
// A node's cut rounds stop when one raises its LP by less than this (relative).
// (1,000² p = 10: 85 nodes, 17.2 s CPU against 87 nodes, 19.4 s when cutting to the end.)
constexpr double kTailingOff = 1e-5;
// Branch and bound drops cuts slack in this many node LPs in a row (at most; the root's
// LP keeps them for BendersOptions::drop_slack_after). Side by side on 2026-12-06: 1,000²
// p = 10 seed 1 10.6–11.5 s CPU instead of 13.8–15.0 s, seed 4 3.6–3.9 s instead of
// 4.3–4.8 s; 5,000² p = 100 at 60 s 0.0145 % instead of 0.0175–0.0297 %. Dropping them
// after 2 solves at the root as well made 5,000² p = 100 worse (0.041–0.047 %).
constexpr std::uint32_t kTreeDropSlackAfter = 2;

double violation_tolerance(double d) { return 1e-7 * std::max(1.0, std::abs(d)); }

// Reliability branching: a column is strong-branched until each side was seen this often,
// with at most this many dual simplex iterations per side and at most kMaxProbes columns
// per node; the choice ends after kLookahead columns in a row that did not beat the best.
// (8 probes of 15 iterations against 16 of 30: 1,000² p = 10 seeds 1, 4, 7 4.9, 1.1, 0.7 s
// against 5.7, 1.1, 0.8 s; 5,000² p = 100 seed 3 proven in 55 s against 74 s.)
constexpr std::uint32_t kReliable = 1;
constexpr int kProbeIterations = 15;
constexpr std::size_t kMaxProbes = 8;
constexpr std::size_t kLookahead = 4;

// Pseudocost branching: per column and side (0: closed, 1: opened), the mean rise of the
// children's LPs per unit the branching moved the column; a column never branched on
// that side gets the mean over the columns that were. The score of a fractional column
// is the product of its two sides' expected rises (the product rule), ties to the lower
// column; with nothing seen yet that is x·(1 − x): the most fractional.
class Pseudocosts {
 public:
  explicit Pseudocosts(std::size_t columns) : m_sum{std::vector<double>(columns, 0.0), std::vector<double>(columns, 0.0)},
        m_seen{std::vector<std::uint32_t>(columns, 0), std::vector<std::uint32_t>(columns, 0)} {}
  void observe(std::uint32_t column, char side, double rise_per_unit) {
    if (!std::isfinite(rise_per_unit)) return;
    const double r = std::max(0.0, rise_per_unit);
    const int s = side != 0;
    m_sum[s][column] += r;
    ++m_seen[s][column];
    m_all_sum[s] += r;
    ++m_all_seen[s];
  }
  // Whether both sides of the column were seen at least `times` times.
  bool reliable(std::size_t column, std::uint32_t times) const {
    return m_seen[0][column] >= times && m_seen[1][column] >= times;
  }
  // The product rule's score of the rises of the two sides.
  double score(double rise0, double rise1) const {
    const double e = eps();
    return std::max(rise0, e) * std::max(rise1, e);
  }
  // The expected rises of the column's sides at value f.
  std::pair<double, double> rises(std::size_t column, double f) const {
    double rise[2];
    for (int s = 0; s < 2; ++s) {
      const double psi = m_seen[s][column] > 0 ? m_sum[s][column] / static_cast<double>(m_seen[s][column]) : mean(s);
      rise[s] = psi * (s == 1 ? 1.0 - f : f);
    }
    return {rise[0], rise[1]};
  }

 private:
  double mean(int s) const { return m_all_seen[s] > 0 ? m_all_sum[s] / static_cast<double>(m_all_seen[s]) : 1.0; }
  double eps() const { return 1e-6 * std::max({1e-12, mean(0), mean(1)}); }

  std::vector<double> m_sum[2];
  std::vector<std::uint32_t> m_seen[2];
  double m_all_sum[2] = {0.0, 0.0};
  std::uint64_t m_all_seen[2] = {0, 0};
};

// The master LP and its cuts (the LP's rows after the count row, in order). Branch and
// bound solves nodes on two copies (each with its own cuts, dropped on its own).
struct Master {
  Master(const Sorted& sorted, std::size_t columns, std::uint32_t rows, const std::vector<double>& obj,
         const std::vector<double>& lower, const std::vector<double>& upper, std::size_t* counter)
      : s(&sorted), nc(columns), lp(obj, lower, upper), has_cover(rows, 0), cuts(counter) {}
  const Sorted* s;
  std::size_t nc;
  IncrementalLp lp;
  std::vector<Cut> pool;
  std::vector<char> has_cover;  // the row's feasibility cut is in the pool
  std::uint32_t drop_after = 5;
  std::size_t* cuts;  // counts the cuts added
  std::vector<int> cols;
  std::vector<double> coefs;

  void add_cut(const Cut& c) {
    double lower = 0.0;
    cut_row(*s, c, static_cast<int>(nc + c.row), cols, coefs, lower);
    lp.add_row(cols, coefs, lower, IncrementalLp::kInf);
    pool.push_back(c);
    ++*cuts;
  }
  // Row i's feasibility cut (Σ its options' y ≥ 1), added once, when y violates it: 1 if added.
  std::size_t add_cover(std::uint32_t i, const std::vector<double>& y, double theta) {
    if (has_cover[i]) return 0;
    Cut cover;
    cover.row = i;
    cover.d = -1.0;
    if (!(cut_slack(*s, cover, y, theta) < -1e-7)) return 0;
    add_cut(cover);
    has_cover[i] = 1;
    return 1;
  }
  // Optimality cuts slack in `drop_after` solved LPs in a row leave the LP (call right
  // after a solve).
  void drop_slack() {
    const std::vector<double>& act = lp.row_activity();
    std::vector<int> drop;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < pool.size(); ++k) {
      Cut& c = pool[k];
      const double rhs = c.d < 0.0 ? 1.0 : c.d;
      c.slack_age = act[k + 1] > rhs + 1e-6 * std::max(1.0, rhs) ? c.slack_age + 1 : 0;
      if (c.slack_age >= drop_after && c.d >= 0.0) drop.push_back(static_cast<int>(k + 1));
      else pool[kept++] = c;
    }
    pool.resize(kept);
    lp.delete_rows(drop);
  }
};

}  // namespace

BendersSolve median_benders(const Reduced& r, RowsByLatency sorted, int p, const MedianPlan& start,
                            const Deadline& deadline, const std::vector<signed char>& fix, double fix_upper,
                            const BendersOptions& options) {
  const std::uint32_t nr = static_cast<std::uint32_t>(r.rows());
  const std::size_t nc = r.cols();
  const bool fixing = !fix.empty() && std::isfinite(fix_upper) &&
                      std::any_of(fix.begin(), fix.end(), [](signed char f) { return f != 0; });
  const std::vector<signed char> none;
  Sorted s(std::move(sorted), fixing ? fix : none);
  auto tolerance = [](double c) { return 1e-9 * std::max(1.0, std::abs(c)); };
  BendersSolve out;
  if (start.serves_all) {
    out.open = start.open;
    out.cost = plan_cost(r, start.open);
  }
  // Columns' bounds: fixed sites open, the fixings' closed (open) ones at 0 (1).
  std::vector<double> lo(nc), up(nc);
  std::size_t new_cols = 0;
  for (std::size_t j = 0; j < nc; ++j) {
    const signed char f = fixing ? fix[j] : 0;
    lo[j] = r.col_fixed[j] || f > 0 ? 1.0 : 0.0;
    up[j] = f < 0 ? 0.0 : 1.0;
    new_cols += !r.col_existing[j];
  }
  const double count = std::min<double>(p, static_cast<double>(new_cols));
  // A row whose options are all closed: every plan serving it costs at least fix_upper.
  bool stranded = false;
  for (std::uint32_t i = 0; i < nr; ++i) stranded = stranded || s.first[i] == s.first[i + 1];
  auto finish = [&]() {
    if (fixing) out.bound = stranded ? fix_upper : std::min(out.bound, fix_upper);
    if (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) {
      out.optimal = true;
      out.bound = out.cost;
    }
    if (!out.optimal && !out.infeasible && deadline.expired()) out.time_limit = true;
    return out;
  };
  if (stranded || nr == 0) {
    if (nr == 0 && start.serves_all) out.bound = out.cost;
    return finish();
  }

  // The master LP: y_j (columns 0..nc−1), θ_i (nc + i) at least the row's nearest option.
  std::vector<double> obj(nc + nr, 0.0), clo = lo, cup = up;
  clo.resize(nc + nr);
  cup.resize(nc + nr, std::numeric_limits<double>::infinity());
  for (std::uint32_t i = 0; i < nr; ++i) {
    obj[nc + i] = r.row_weight[i];
    clo[nc + i] = s.lat[s.first[i]];
  }
  Master master(s, nc, nr, obj, clo, cup, &out.cuts);
  IncrementalLp& lp = master.lp;
  lp.primal_first();
  {
    std::vector<int> y;
    for (std::size_t j = 0; j < nc; ++j)
      if (!r.col_existing[j]) y.push_back(static_cast<int>(j));
    lp.add_row(y, std::vector<double>(y.size(), 1.0), count, count);
  }
  const std::vector<Cut>& pool = master.pool;
  master.drop_after = std::max<std::uint32_t>(1, options.drop_slack_after);
  // The core point: every free new column at the count's share (the fixed ones at their
  // value). It meets the count row: then every separation point is a point of the LP, and
  // the cuts' value there an upper bound of the LP's optimum. (Not the heuristic plan: a
  // poor plan puts rows far from their sites, and their cuts reach over most sites.)
  std::vector<double> core(nc);
  {
    double forced = 0.0, free = 0.0;
    for (std::size_t j = 0; j < nc; ++j)
      if (!r.col_existing[j]) {
        forced += lo[j] == 1.0;
        free += lo[j] == 0.0 && up[j] == 1.0;
      }
    const double share = free > 0.0 ? std::clamp((count - forced) / free, 0.0, 1.0) : 0.0;
    for (std::size_t j = 0; j < nc; ++j) core[j] = lo[j] == up[j] ? lo[j] : r.col_existing[j] ? 1.0 : share;
  }
  // First cuts: at the Lagrangian's levels when given (a row whose level lies at or below
  // its nearest option gains nothing there), else at the core.
  const bool warm = options.lagrange_u.size() == nr;
  for (std::uint32_t i = 0; i < nr; ++i) {
    if (warm && r.row_weight[i] > 0.0) {
      const double d = options.lagrange_u[i] / r.row_weight[i];
      const auto b = s.lat.begin() + s.first[i], e = s.lat.begin() + s.first[i + 1];
      if (b != e && d > *b && std::isfinite(d)) {
        Cut c;
        c.row = i;
        c.d = d;
        c.count = s.below(i, d);
        master.add_cut(c);
        continue;
      }
    }
    const Separated c = separate(s, i, core);
    if (std::isfinite(c.value)) master.add_cut(c.cut);
  }

  // A plan found by swaps becomes the best when it costs less. The interchange may open
  // columns the fixings close: kept only within them.
  auto accept = [&](const MedianPlan& found) {
    if (!found.serves_all || !(found.cost < out.cost - tolerance(out.cost))) return false;
    for (std::size_t j = 0; j < nc; ++j)
      if (found.open[j] ? up[j] == 0.0 : lo[j] == 1.0) return false;
    out.cost = plan_cost(r, found.open);
    out.open = found.open;
    return true;
  };
  // A plan from the LP's y: the count's largest new y open (with the fixed ones); kept
  // when it costs less than the best.
  auto round_plan = [&](const std::vector<double>& x, double share) {
    // A pass of swaps over every pair takes a second on 25 M pairs: not in the last seconds.
    if (deadline.remaining_s() < kRoundingMinSeconds) return;
    std::vector<std::uint32_t> free;
    std::vector<char> open(nc, 0);
    for (std::size_t j = 0; j < nc; ++j) {
      if (r.col_fixed[j] || r.col_existing[j] || lo[j] == 1.0) open[j] = 1;
      else if (up[j] > 0.0) free.push_back(static_cast<std::uint32_t>(j));
    }
    std::size_t have = 0;
    for (std::size_t j = 0; j < nc; ++j) have += open[j] && !r.col_existing[j];
    const std::size_t want = static_cast<std::size_t>(count);
    if (have > want) return;
    const std::size_t k = std::min(free.size(), want - have);
    std::partial_sort(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(k), free.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return x[a] != x[b] ? x[a] > x[b] : a < b; });
    for (std::size_t q = 0; q < k; ++q) open[free[q]] = 1;
    if (open == out.open) return;
    MedianSearchOptions from_lp;
    from_lp.initial = &open;
    // The interchange reads the rows by latency (the closed columns left out: never opened).
    from_lp.rows = s.view();
    if (fixing) from_lp.fix = fix;
    accept(median_search(r, p, deadline.share(share), from_lp));
  };
  const unsigned cores = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  // Perturbations of the best plan on the second core while the root's LP (one thread)
  // runs on the first; they stop when it is done, and their plan is kept when cheaper.
  std::atomic<bool> root_done{false};
  std::optional<MedianPlan> beside_plan;
  std::vector<char> beside_from;
  std::optional<std::jthread> perturber;
  struct StopBeside {  // also when the loop below throws: before `perturber` joins
    std::atomic<bool>& done;
    ~StopBeside() { done.store(true); }
  } stop_beside{root_done};
  if (options.perturb_beside_root && cores > 1 && !out.open.empty()) {
    beside_from = out.open;
    perturber.emplace([&] {
      MedianSearchOptions o;
      o.initial = &beside_from;
      o.perturb_rounds = kBesideRootRounds;
      o.perturb_seed = 1;  // not the rounds the heuristics before Benders already tried
      o.threads = 1;
      o.rows = s.view();
      if (fixing) o.fix = fix;
      beside_plan = median_search(r, p, deadline.stoppable(root_done), o);
    });
  }
  // 1. The LP relaxation by cutting planes.
  double lp_upper = std::numeric_limits<double>::infinity();  // the LP's optimum is at most this
  double alpha = std::clamp(options.in_out, 0.0, 1.0);
  std::vector<double> ys(nc), yo(nc);
  std::size_t stalls = 0;
  std::vector<double> history;  // the master's values
  bool lp_ok = false;
  while (true) {
    if (deadline.expired()) {
      out.lp_unfinished = true;
      break;
    }
    const bool solved = lp.solve(deadline);
    ++out.lp_rounds;
    if (!solved) {
      if (lp.infeasible() && fixing) stranded = true;
      else if (lp.infeasible()) out.infeasible = true;
      else out.lp_unfinished = true;
      break;
    }
    lp_ok = true;
    const std::vector<double>& x = lp.x();
    const double lower = lp.objective();
    out.lp_bound = lower;
    out.bound = std::max(out.bound, lower);
    if (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) {
      out.lp_complete = true;  // the LP's value lies between the master's and the plan's
      break;
    }
    if (lower >= lp_upper - 1e-7 * std::max(1.0, std::abs(lp_upper))) {
      out.lp_complete = true;
      break;
    }
    std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc), yo.begin());
    // A plan early (the LP's y already points at good sites): on large instances the
    // heuristic plan may have been cut short, and the deadline may end the LP.
    if (out.lp_rounds == kEarlyRounding) round_plan(yo, 0.15);
    master.drop_slack();
    // Separation: at ys = α·y_out + (1 − α)·core, the master's y when that finds nothing.
    std::size_t added = 0;
    for (int attempt = 0; attempt < 2 && added == 0; ++attempt) {
      const double a = attempt == 0 ? alpha : 1.0;
      for (std::size_t j = 0; j < nc; ++j) ys[j] = a * yo[j] + (1.0 - a) * core[j];
      double upper = 0.0;
      for (std::uint32_t i = 0; i < nr; ++i) {
        const Separated c = separate(s, i, ys);
        upper += r.row_weight[i] * c.value;
        const double theta = x[nc + i];
        if (!std::isfinite(c.value) && a == 1.0) added += master.add_cover(i, yo, theta);
        if (cut_slack(s, c.cut, yo, theta) < -violation_tolerance(c.cut.d)) {
          master.add_cut(c.cut);
          ++added;
        }
      }
      if (std::isfinite(upper)) lp_upper = std::min(lp_upper, upper);
      if (a < 1.0) core = ys;  // the core point moves to the separation point
      if (a == 1.0 && a > alpha) ++stalls;
    }
    if (added == 0) {  // nothing cuts the master's y: its value is the LP's optimum
      out.lp_complete = true;
      break;
    }
    if (stalls >= 10) alpha = 1.0;  // in-out keeps missing: plain Kelley from here
    // The master's value has stopped moving (the rest is the upper bound catching up):
    // plain Kelley ends it sooner, at the first y no cut separates.
    history.push_back(lower);
    if (history.size() > 3 && lower - history[history.size() - 4] <= 1e-6 * std::max(1.0, std::abs(lower))) alpha = 1.0;
  }
  root_done.store(true);
  if (perturber) {
    perturber.reset();  // joins
    if (beside_plan) {
      out.beside_rounds = beside_plan->rounds;
      out.beside_gains = beside_plan->improved;
      out.beside_kept = accept(*beside_plan);
    }
  }
  out.cuts_kept = pool.size();
  if (out.infeasible) {
    out.open.clear();
    out.cost = std::numeric_limits<double>::infinity();
    return finish();
  }
  if (stranded || !lp_ok || out.lp_unfinished || (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)))
    return finish();

  // The LP's y rounded and improved by swaps first: a better plan fixes more.
  round_plan(std::vector<double>(lp.x().begin(), lp.x().begin() + static_cast<std::ptrdiff_t>(nc)), 0.25);
  if (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) return finish();
  // 2. LP reduced-cost fixing against the best plan (a margin keeps plans within rounding
  //    of it; fixing less is always safe).
  if (!out.open.empty() && out.lp_complete) {
    const std::vector<double>& rc = lp.reduced_costs();
    const std::vector<double>& x = lp.x();
    const double lower = lp.objective();
    const double margin = 1e-7 * std::max(1.0, std::abs(out.cost));
    for (std::size_t j = 0; j < nc; ++j) {
      if (lo[j] == up[j] || r.col_fixed[j]) continue;
      if (x[j] <= 1e-9 && lower + rc[j] > out.cost + margin) {
        up[j] = 0.0;
        ++out.closed;
      } else if (x[j] >= 1.0 - 1e-9 && lower - rc[j] > out.cost + margin) {
        lo[j] = 1.0;
        ++out.opened;
      }
    }
  }

  // 3. Branch and bound on y over the same LP (bounds changed per node, dual simplex from
  //    the last basis); every node's LP is cut until no row's cut is violated, so an
  //    integral node's value is its plan's cost. Two workers, each with its own copy of
  //    the master (its own cuts and basis), solve a node each per round, side by side on
  //    two cores; each dives depth first along its open-side child (its LP changes
  //    least), else takes the open node of least bound. Whatever a round finds (plans,
  //    children, pseudocosts) is merged after it in worker order, and every choice in a
  //    round reads only what the rounds before it left: the same tree on one core or two.
  for (std::size_t j = 0; j < nc; ++j) lp.set_column_bounds(static_cast<int>(j), lo[j], up[j]);
  // The columns closed so far (by the Lagrangian's fixing or the LP's) leave the master's
  // LP and the rows' options: the tree's LPs are then a third as dense at 5,000² p = 50,
  // and its cuts are the same on the other columns (a closed column is 0 below the root).
  // The basis stays, so the tree starts from the root's.
  if (out.closed > 0 || fixing) {
    std::vector<int> gone;
    for (std::size_t j = 0; j < nc; ++j)
      if (up[j] == 0.0) gone.push_back(static_cast<int>(j));
    lp.remove_columns_at_zero(gone);
    s.keep([&](std::uint32_t j) { return up[j] != 0.0; });
    for (Cut& c : master.pool)
      if (c.d >= 0.0) c.count = s.below(c.row, c.d);
  }
  // Between nodes the LP changes more: cuts leave it sooner (smaller LPs, cheaper nodes).
  master.drop_after = std::min(master.drop_after, kTreeDropSlackAfter);
  using Fixes = std::vector<std::pair<std::uint32_t, char>>;  // (column, 0 or 1) beyond the root's bounds
  struct Node {
    double lb = 0.0;
    Fixes fixes;
    // The branching that made the node: its column (nc at the root), the side (0 or 1)
    // and how far the parent's LP had that column to move (for the pseudocosts).
    std::uint32_t column = 0;
    char side = 0;
    double move = 0.0;
  };
  auto worse = [](const Node& a, const Node& b) { return a.lb > b.lb; };
  std::vector<Node> queue;  // a heap by lb
  {
    Node root;
    root.lb = out.bound;
    root.column = static_cast<std::uint32_t>(nc);
    queue.push_back(std::move(root));
  }
  // Pseudocosts (Bénichou et al. 1971; Achterberg, Koch and Martin 2005): per column and
  // side, the mean rise of a child's LP per unit the branching moved the column.
  Pseudocosts pseudo(nc);
  auto prune_below = [&](double cost) {
    return std::isinf(cost) ? std::numeric_limits<double>::infinity() : cost - tolerance(cost);
  };
  // The best plan's cost (+inf while there is none).
  auto incumbent = [&]() { return out.open.empty() ? std::numeric_limits<double>::infinity() : out.cost; };
  struct Observation {
    std::uint32_t column;
    char side;
    double rise_per_unit;
  };
  // What one worker's node gave.
  struct Outcome {
    bool feasible = true, finished = false;
    double value = 0.0;
    std::vector<char> plan;  // an integral node's plan
    double plan_cost = std::numeric_limits<double>::infinity();
    std::vector<double> round;  // a fractional y to round into a plan (empty: none)
    std::size_t branch = 0;     // nc: no branching
    double branch_x = 0.0;
    Fixes fixes;                // the children's fixes (the branch's own one aside)
    std::vector<Observation> seen;
    std::size_t lp_rounds = 0;
  };
  struct Worker {
    Master* m = nullptr;
    Fixes applied;             // the fixes in its LP now
    std::optional<Node> dive;  // its next node
    std::vector<double> y;
  };
  // The second worker's master: a copy of the first once the root's LP is done (its cuts
  // counted apart, then added to out.cuts after each round).
  std::optional<Master> second;
  std::size_t second_cuts = 0;
  std::vector<Worker> workers(2);
  workers[0].m = &master;
  for (Worker& w : workers) w.y.resize(nc);

  // Node `node` (number `seq`) on worker w, against plans costing at least `cost`.
  auto solve_node = [&](Worker& w, const Node& node, std::size_t seq, double cost, Outcome& o) {
    Master& m = *w.m;
    IncrementalLp& wlp = m.lp;
    const double prune_at = prune_below(cost);
    for (const auto& f : w.applied) wlp.set_column_bounds(static_cast<int>(f.first), lo[f.first], up[f.first]);
    for (const auto& f : node.fixes) wlp.set_column_bounds(static_cast<int>(f.first), f.second, f.second);
    w.applied = node.fixes;
    // The node's LP, cut until no cut is violated at its y.
    std::vector<double>& yn = w.y;
    double value = node.lb, previous = -std::numeric_limits<double>::infinity();
    double reached = -std::numeric_limits<double>::infinity();  // the node's last LP value
    o.branch = nc;
    while (true) {
      if (!wlp.solve(deadline)) {
        o.feasible = !wlp.infeasible();
        break;
      }
      ++o.lp_rounds;
      m.drop_slack();
      const std::vector<double>& x = wlp.x();
      value = std::max(node.lb, wlp.objective());
      reached = value;
      if (value >= prune_at) {
        o.finished = true;
        break;
      }
      bool integral = true;
      for (std::size_t j = 0; j < nc && integral; ++j) integral = std::abs(x[j] - std::round(x[j])) <= 1e-7;
      // Tailing off at a fractional y: branch rather than cut on (the value stays a bound).
      if (!integral && value - previous <= kTailingOff * std::max(1.0, std::abs(value))) {
        o.finished = true;
        if (seq % kRoundEvery == 1 % kRoundEvery) o.round.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc));
        break;
      }
      previous = value;
      std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc), yn.begin());
      std::size_t added = 0;
      for (std::uint32_t i = 0; i < nr; ++i) {
        const Separated c = separate(s, i, yn);
        const double theta = x[nc + i];
        if (!std::isfinite(c.value)) added += m.add_cover(i, yn, theta);
        const double tol = integral ? 1e-9 * std::max(1.0, c.cut.d) : violation_tolerance(c.cut.d);
        if (cut_slack(s, c.cut, yn, theta) < -tol) {
          m.add_cut(c.cut);
          ++added;
        }
      }
      if (added == 0) {
        o.finished = true;
        if (integral) {
          o.plan.resize(nc);
          for (std::size_t j = 0; j < nc; ++j) o.plan[j] = yn[j] > 0.5;
          o.plan_cost = plan_cost(r, o.plan);
          value = std::numeric_limits<double>::infinity();  // nothing below it in this node
        } else if (seq % kRoundEvery == 1 % kRoundEvery) {
          o.round = yn;
        }
        break;
      }
    }
    o.value = value;
    if (node.column < nc && std::isfinite(reached))
      o.seen.push_back(Observation{node.column, node.side, (reached - node.lb) / node.move});
    if (!o.feasible || !o.finished || value >= prune_at) return;
    // Reliability branching (Achterberg, Koch and Martin 2005): the fractional columns by
    // their pseudocost scores; one whose sides were not seen kReliable times each is
    // strong-branched first (a few dual simplex iterations on each side, which also
    // count as seen); the best score wins once kLookahead columns in a row did not beat it.
    const std::vector<double>& x = wlp.x();
    {
      const double lp_value = wlp.objective();
      std::vector<std::pair<double, std::uint32_t>> order;  // (−score, column)
      for (std::size_t j = 0; j < nc; ++j) {
        if (!(std::abs(x[j] - 0.5) < 0.5 - 1e-7)) continue;
        const auto [r0, r1] = pseudo.rises(j, x[j]);
        order.emplace_back(-pseudo.score(r0, r1), static_cast<std::uint32_t>(j));
      }
      std::sort(order.begin(), order.end());
      double best_score = -1.0;
      std::size_t since = 0, probes = 0;
      for (const auto& [neg, j] : order) {
        double score = -neg;
        if (!pseudo.reliable(j, kReliable) && probes < kMaxProbes) {
          ++probes;
          const double v0 = wlp.probe(static_cast<int>(j), 0.0, 0.0, kProbeIterations, deadline);
          const double v1 = wlp.probe(static_cast<int>(j), 1.0, 1.0, kProbeIterations, deadline);
          if (std::isnan(v0) || std::isnan(v1)) break;  // the deadline: the best so far
          const double r0 = std::max(0.0, v0 - lp_value), r1 = std::max(0.0, v1 - lp_value);
          o.seen.push_back(Observation{j, 0, r0 / x[j]});
          o.seen.push_back(Observation{j, 1, r1 / (1.0 - x[j])});
          score = pseudo.score(r0, r1);
        }
        if (score > best_score) {
          best_score = score;
          o.branch = j;
          since = 0;
        } else if (++since >= kLookahead) {
          break;
        }
      }
    }
    if (o.branch == nc) return;  // integral (handled above)
    o.branch_x = x[o.branch];
    // Reduced-cost fixing within the node: a column at 0 (1) whose reduced cost lifts the
    // node's LP to the best plan's cost stays closed (open) below it.
    o.fixes = node.fixes;
    if (std::isfinite(cost)) {
      std::vector<char> in_node(nc, 0);
      for (const auto& f : node.fixes) in_node[f.first] = 1;
      // From the LP's own objective, not the node's bound: with cuts dropped the LP may lie
      // below the bound inherited from the parent, and the bound plus a reduced cost then
      // overstates what moving the column costs (and fixes columns an optimum uses).
      const std::vector<double>& rc = wlp.reduced_costs();
      const double lp_value = wlp.objective();
      const double margin = 1e-7 * std::max(1.0, std::abs(cost));
      for (std::size_t j = 0; j < nc; ++j) {
        if (in_node[j] || lo[j] == up[j] || j == o.branch) continue;
        if (x[j] <= 1e-9 && lp_value + rc[j] > cost + margin) o.fixes.emplace_back(static_cast<std::uint32_t>(j), char{0});
        else if (x[j] >= 1.0 - 1e-9 && lp_value - rc[j] > cost + margin) o.fixes.emplace_back(static_cast<std::uint32_t>(j), char{1});
      }
    }
  };

  bool exhausted = false;
  std::size_t seq = 0;
  while (true) {
    // Each worker's node: its dive, else the open node of least bound not pruned.
    std::optional<Node> take[2];
    const double cost = incumbent();
    for (std::size_t k = 0; k < workers.size(); ++k) {
      Worker& w = workers[k];
      if (w.dive) {
        if (w.dive->lb < prune_below(cost)) take[k] = std::move(*w.dive);
        w.dive.reset();
      }
      while (!take[k] && !queue.empty()) {
        std::pop_heap(queue.begin(), queue.end(), worse);
        Node n = std::move(queue.back());
        queue.pop_back();
        if (n.lb < prune_below(cost)) take[k] = std::move(n);
      }
    }
    if (!take[0] && !take[1]) {
      exhausted = true;
      break;
    }
    if (deadline.expired()) {
      for (auto& t : take)
        if (t) {
          queue.push_back(std::move(*t));
          std::push_heap(queue.begin(), queue.end(), worse);
        }
      break;
    }
    if (take[1] && !second) {
      second.emplace(master);
      second->cuts = &second_cuts;
      workers[1].m = &*second;
      workers[1].applied = workers[0].applied;  // the copy's bounds
    }
    Outcome result[2];
    std::size_t number[2] = {0, 0};
    for (std::size_t k = 0; k < 2; ++k)
      if (take[k]) number[k] = ++seq;
    {
      std::optional<std::jthread> beside;
      if (take[1] && cores > 1) beside.emplace([&] { solve_node(workers[1], *take[1], number[1], cost, result[1]); });
      if (take[0]) solve_node(workers[0], *take[0], number[0], cost, result[0]);
      if (take[1] && cores == 1) solve_node(workers[1], *take[1], number[1], cost, result[1]);
    }
    // Merged in worker order.
    bool stop = false;
    for (std::size_t k = 0; k < 2; ++k) {
      if (!take[k]) continue;
      Outcome& o = result[k];
      ++out.nodes;
      out.lp_rounds += o.lp_rounds;
      for (const Observation& v : o.seen) pseudo.observe(v.column, v.side, v.rise_per_unit);
      if (!o.plan.empty() && o.plan_cost < out.cost) {
        out.cost = o.plan_cost;
        out.open = std::move(o.plan);
      }
      if (!o.feasible) continue;  // no plan within the node's fixes
      if (!o.finished) {          // out of time inside the node: it stays open
        queue.push_back(std::move(*take[k]));
        std::push_heap(queue.begin(), queue.end(), worse);
        stop = true;
        continue;
      }
      if (!o.round.empty()) round_plan(o.round, 0.25);
      if (o.branch == nc || o.value >= prune_below(incumbent())) continue;
      for (const char v : {char{1}, char{0}}) {
        Node child;
        child.lb = o.value;
        child.fixes = o.fixes;
        child.fixes.emplace_back(static_cast<std::uint32_t>(o.branch), v);
        child.column = static_cast<std::uint32_t>(o.branch);
        child.side = v;
        child.move = v == 1 ? 1.0 - o.branch_x : o.branch_x;
        if (v == 1) {
          workers[k].dive = std::move(child);
          continue;
        }
        queue.push_back(std::move(child));
        std::push_heap(queue.begin(), queue.end(), worse);
      }
    }
    out.cuts += second_cuts;
    second_cuts = 0;
    if (stop) {
      for (Worker& w : workers)
        if (w.dive) {
          queue.push_back(std::move(*w.dive));
          std::push_heap(queue.begin(), queue.end(), worse);
          w.dive.reset();
        }
      break;
    }
  }
  // The bound: the least bound of the open nodes (none left: the best plan is optimal).
  if (exhausted) {
    if (!out.open.empty()) out.bound = std::max(out.bound, out.cost);
    else if (fixing) stranded = true;
    else out.infeasible = true;
  } else {
    double least = std::numeric_limits<double>::infinity();
    for (const Node& n : queue) least = std::min(least, n.lb);
    if (std::isfinite(least)) out.bound = std::max(out.bound, out.open.empty() ? least : std::min(least, out.cost));
    out.time_limit = true;
  }
  out.cuts_kept = pool.size();
  if (out.infeasible) {
    out.open.clear();
    out.cost = std::numeric_limits<double>::infinity();
  }
  return finish();
}

}  // namespace lightcone::placement_detail
