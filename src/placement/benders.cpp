#include "placement/benders.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>

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
    if (state.empty()) return;
    std::uint32_t k = 0, from = first[0];
    for (std::size_t i = 0; i + 1 < first.size(); ++i) {
      const std::uint32_t to = first[i + 1];
      for (std::uint32_t q = from; q < to; ++q)
        if (state[col[q]] >= 0) {
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

// Branch-and-bound nodes between LP roundings (each improved by swaps).
constexpr std::size_t kRoundEvery = 20;
// The master LP whose y is first rounded into a plan (and improved by swaps).
constexpr std::size_t kEarlyRounding = 2;
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

}  // namespace

BendersSolve median_benders(const Reduced& r, RowsByLatency sorted, int p, const MedianPlan& start,
                            const Deadline& deadline, const std::vector<signed char>& fix, double fix_upper,
                            const BendersOptions& options) {
  const std::uint32_t nr = static_cast<std::uint32_t>(r.rows());
  const std::size_t nc = r.cols();
  const bool fixing = !fix.empty() && std::isfinite(fix_upper) &&
                      std::any_of(fix.begin(), fix.end(), [](signed char f) { return f != 0; });
  const std::vector<signed char> none;
  const Sorted s(std::move(sorted), fixing ? fix : none);
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
  IncrementalLp lp(obj, clo, cup);
  lp.primal_first();
  {
    std::vector<int> y;
    for (std::size_t j = 0; j < nc; ++j)
      if (!r.col_existing[j]) y.push_back(static_cast<int>(j));
    lp.add_row(y, std::vector<double>(y.size(), 1.0), count, count);
  }
  std::vector<Cut> pool;  // the LP's rows after the count row, in order
  std::vector<int> cols;
  std::vector<double> coefs;
  auto add_cut = [&](const Cut& c) {
    double lower = 0.0;
    cut_row(s, c, static_cast<int>(nc + c.row), cols, coefs, lower);
    lp.add_row(cols, coefs, lower, IncrementalLp::kInf);
    pool.push_back(c);
    ++out.cuts;
  };
  std::vector<char> has_cover(nr, 0);  // the row's feasibility cut is in the pool
  // Row i's feasibility cut (Σ its options' y ≥ 1), added once, when y violates it: 1 if added.
  auto add_cover = [&](std::uint32_t i, const std::vector<double>& y, double theta) -> std::size_t {
    if (has_cover[i]) return 0;
    Cut cover;
    cover.row = i;
    cover.d = -1.0;
    if (!(cut_slack(s, cover, y, theta) < -1e-7)) return 0;
    add_cut(cover);
    has_cover[i] = 1;
    return 1;
  };
  // Optimality cuts slack in `drop_after` solved LPs in a row leave the LP (call right
  // after a solve).
  std::uint32_t drop_after = std::max<std::uint32_t>(1, options.drop_slack_after);
  auto drop_slack = [&]() {
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
  };
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
        c.count = static_cast<std::uint32_t>(std::lower_bound(b, e, d) - b);
        add_cut(c);
        continue;
      }
    }
    const Separated c = separate(s, i, core);
    if (std::isfinite(c.value)) add_cut(c.cut);
  }

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
    const MedianPlan improved = median_search(r, p, deadline.share(share), from_lp);
    if (improved.serves_all && improved.cost < out.cost - tolerance(out.cost)) {
      // The interchange may open columns the fixings close: kept only within them.
      bool within = true;
      for (std::size_t j = 0; j < nc && within; ++j) within = improved.open[j] ? up[j] > 0.0 : lo[j] < 1.0;
      if (within) {
        out.cost = plan_cost(r, improved.open);
        out.open = improved.open;
      }
    }
  };
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
    drop_slack();
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
        if (!std::isfinite(c.value) && a == 1.0) added += add_cover(i, yo, theta);
        if (cut_slack(s, c.cut, yo, theta) < -violation_tolerance(c.cut.d)) {
          add_cut(c.cut);
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
  //    integral node's value is its plan's cost. Depth first along the open side, then
  //    best bound first.
  for (std::size_t j = 0; j < nc; ++j) lp.set_column_bounds(static_cast<int>(j), lo[j], up[j]);
  // Between nodes the LP changes more: cuts leave it sooner (smaller LPs, cheaper nodes).
  drop_after = std::min(drop_after, kTreeDropSlackAfter);
  struct Node {
    double lb = 0.0;
    std::vector<std::pair<std::uint32_t, char>> fixes;  // (column, 0 or 1) beyond the root's bounds
  };
  auto worse = [](const Node& a, const Node& b) { return a.lb > b.lb; };
  std::vector<Node> queue;  // a heap by lb
  queue.push_back(Node{out.bound, {}});
  std::vector<std::pair<std::uint32_t, char>> applied;  // the fixes in the LP now
  auto prune_at = [&]() { return out.open.empty() ? std::numeric_limits<double>::infinity() : out.cost - tolerance(out.cost); };
  bool exhausted = false;
  std::vector<double> yn(nc);
  // Depth first along the open-side child (the LP changes least), then best bound first.
  std::optional<Node> dive;
  while (true) {
    if (queue.empty() && !dive) {
      exhausted = true;
      break;
    }
    if (deadline.expired()) {
      if (dive) queue.push_back(std::move(*dive));
      break;
    }
    Node node;
    if (dive) {
      node = std::move(*dive);
      dive.reset();
    } else {
      std::pop_heap(queue.begin(), queue.end(), worse);
      node = std::move(queue.back());
      queue.pop_back();
    }
    if (node.lb >= prune_at()) continue;
    ++out.nodes;
    for (const auto& f : applied) lp.set_column_bounds(static_cast<int>(f.first), lo[f.first], up[f.first]);
    for (const auto& f : node.fixes) lp.set_column_bounds(static_cast<int>(f.first), f.second, f.second);
    applied = node.fixes;
    // The node's LP, cut until no cut is violated at its y.
    bool feasible = true, finished = false;
    double value = node.lb, previous = -std::numeric_limits<double>::infinity();
    while (true) {
      if (!lp.solve(deadline)) {
        feasible = !lp.infeasible();
        break;
      }
      ++out.lp_rounds;
      drop_slack();
      const std::vector<double>& x = lp.x();
      value = std::max(node.lb, lp.objective());
      if (value >= prune_at()) {
        finished = true;
        break;
      }
      bool integral = true;
      for (std::size_t j = 0; j < nc && integral; ++j) integral = std::abs(x[j] - std::round(x[j])) <= 1e-7;
      // Tailing off at a fractional y: branch rather than cut on (the value stays a bound).
      if (!integral && value - previous <= kTailingOff * std::max(1.0, std::abs(value))) {
        finished = true;
        break;
      }
      previous = value;
      std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc), yn.begin());
      std::size_t added = 0;
      for (std::uint32_t i = 0; i < nr; ++i) {
        const Separated c = separate(s, i, yn);
        const double theta = x[nc + i];
        if (!std::isfinite(c.value)) added += add_cover(i, yn, theta);
        const double tol = integral ? 1e-9 * std::max(1.0, c.cut.d) : violation_tolerance(c.cut.d);
        if (cut_slack(s, c.cut, yn, theta) < -tol) {
          add_cut(c.cut);
          ++added;
        }
      }
      if (added == 0) {
        finished = true;
        if (integral) {
          std::vector<char> open(nc);
          for (std::size_t j = 0; j < nc; ++j) open[j] = yn[j] > 0.5;
          const double cost = plan_cost(r, open);
          if (cost < out.cost) {
            out.cost = cost;
            out.open = std::move(open);
          }
          value = std::numeric_limits<double>::infinity();  // nothing below it in this node
        } else if (out.nodes % kRoundEvery == 1 % kRoundEvery) {
          round_plan(yn, 0.25);
        }
        break;
      }
    }
    if (!feasible) continue;  // no plan within the node's fixes
    if (!finished) {          // out of time inside the node: it stays open
      queue.push_back(Node{node.lb, std::move(node.fixes)});
      std::push_heap(queue.begin(), queue.end(), worse);
      break;
    }
    if (value >= prune_at()) continue;
    // Branch on the most fractional y.
    const std::vector<double>& x = lp.x();
    std::size_t branch = nc;
    double best = 2.0;
    for (std::size_t j = 0; j < nc; ++j) {
      const double f = std::abs(x[j] - 0.5);
      if (f < 0.5 - 1e-7 && f < best) {
        best = f;
        branch = j;
      }
    }
    if (branch == nc) continue;  // integral (handled above)
    // Reduced-cost fixing within the node: a column at 0 (1) whose reduced cost lifts the
    // node's LP to the best plan's cost stays closed (open) below it.
    std::vector<std::pair<std::uint32_t, char>> fixes = node.fixes;
    {
      std::vector<char> in_node(nc, 0);
      for (const auto& f : node.fixes) in_node[f.first] = 1;
      // From the LP's own objective, not the node's bound: with cuts dropped the LP may lie
      // below the bound inherited from the parent, and the bound plus a reduced cost then
      // overstates what moving the column costs (and fixes columns an optimum uses).
      const std::vector<double>& rc = lp.reduced_costs();
      const double lp_value = lp.objective();
      const double margin = 1e-7 * std::max(1.0, std::abs(out.cost));
      for (std::size_t j = 0; j < nc && !out.open.empty(); ++j) {
        if (in_node[j] || lo[j] == up[j] || j == branch) continue;
        if (x[j] <= 1e-9 && lp_value + rc[j] > out.cost + margin) fixes.emplace_back(static_cast<std::uint32_t>(j), char{0});
        else if (x[j] >= 1.0 - 1e-9 && lp_value - rc[j] > out.cost + margin) fixes.emplace_back(static_cast<std::uint32_t>(j), char{1});
      }
    }
    for (const char v : {char{1}, char{0}}) {
      Node child{value, fixes};
      child.fixes.emplace_back(static_cast<std::uint32_t>(branch), v);
      if (v == 1) {
        dive = std::move(child);
        continue;
      }
      queue.push_back(std::move(child));
      std::push_heap(queue.begin(), queue.end(), worse);
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
