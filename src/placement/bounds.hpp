// Private to src/placement: bounds on the reduced model. Lower bounds on a covering
// cost (rows covered k times): the Lagrangian relaxation by subgradient, the LP relaxation
// by row generation, and their rounding up to the next possible plan cost. An upper bound
// on MCLP's covered weight by Lagrangian relaxation. Deadlines are wall time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "placement/deadline.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

// Lagrangian lower bound for the (uncapacitated) covering problem, by subgradient.
double lagrangian_cover_bound(const Reduced& r, int k);

// A lower bound b on a covering cost, rounded up to the next possible plan cost when
// every site cost is a multiple of a common step (1, 0.1, 0.01, ...; unit costs: 1): then
// every plan costs a multiple of it, and none less than the bound rounded up to one.
// cost_step: that step (0: none); integral_bound: b rounded up to it.
double cost_step(const Reduced& r);
double integral_bound(const Reduced& r, double b);

// Lower bound on the covering cost (rows covered k times): the LP relaxation by row
// generation, rows with the fewest options first, then the most violated ones, Clp's dual
// simplex warm-started between rounds. Every round's optimum is a valid bound (a
// relaxation of the full LP); stops once the bound reaches stop_at, when no row is
// violated (the full LP optimum), or at the deadline. NaN when no round finished.
struct CoverLp {
  double bound = std::numeric_limits<double>::quiet_NaN();
  bool complete = false;  // the full LP's optimum
  std::size_t rounds = 0, rows = 0;
  std::vector<std::uint32_t> row_ids;  // the rows in the LP, in the order added
};

CoverLp lp_cover_bound(const Reduced& r, int k, double stop_at, const Deadline& deadline);

// Upper bound on MCLP's covered weight with p new sites (uncapacitated, no cut rows, no
// money limit): the Lagrangian relaxation of "a row counts only if an open site covers
// it" (multipliers λ ≥ 0 per row: Σ max(0, w − λ) + the p best sites by Σ λ over their
// rows, fixed sites always), by subgradient with Polyak steps towards plan_value (the
// covered weight of a known plan). At least plan_value, at most the total weight.
// iterations: the subgradient steps taken (a fixed count; the deadline cuts it short).
double max_cover_bound(const Reduced& r, const ColumnRows& col_rows, int p, double plan_value, const Deadline& deadline,
                       std::size_t& iterations);

}  // namespace lightcone::placement_detail

namespace lightcone::placement_detail {

// Lower bound on p-median's Σ weight × latency (exactly min(p, new columns) new sites,
// fixed columns open): the Lagrangian relaxation of "each row assigned once" with
// multipliers u_i: Σ u_i + Σ over the open columns of Σ_i min(0, w_i·d_ij − u_i), the
// free columns the most negative ones; subgradient with Polyak steps towards `upper` (a
// known plan's cost; +inf: none). Starts at u_i = the row's nearest option (the bound
// Σ_i w_i·min_j d_ij). Valid with capacities too (they are relaxed). Stops at the
// deadline, after `max_iterations`, or once it reaches upper.
// fix (when given and upper is finite): per column, from the best multipliers, whether
// every plan costing less than `upper` must have it closed (-1: the bound with it opened in
// place of the worst chosen column reaches upper), open (+1: the bound with it replaced by
// the best column left out reaches upper), or either (0); fixed columns stay 0. Lagrangian
// reduced-cost fixing (e.g. Avella, Sassano and Vasil'ev 2007).
// `sorted`: r's rows by latency (each iteration reads each row's prefix below u_i).
// threads: of its passes over the rows (0: every core when they hold at least
// kLagrangeParallelEntries entries, else one). The result is the same on any number.
// dual (when given): the best multipliers and their bound, and per column how many of
// the steps from the kPrimalFrom-th on chose it (a rough LP solution: rounded to p sites
// it starts a local search in another basin than the greedy).
struct MedianDual {
  std::vector<double> u;  // per row (empty: no finite bound)
  double value = -std::numeric_limits<double>::infinity();
  std::vector<double> y;  // per column
};
inline constexpr std::size_t kLagrangeParallelEntries = 4'000'000;
inline constexpr std::size_t kPrimalFrom = 20;
double median_lagrangian_bound(const Reduced& r, const RowsByLatency& sorted, int p, double upper,
                               std::size_t max_iterations, const Deadline& deadline, std::size_t& iterations,
                               std::vector<signed char>* fix = nullptr, unsigned threads = 0, MedianDual* dual = nullptr);

// The reduced-cost fixing of median_lagrangian_bound (`fix`) at the multipliers dual.u
// (bound dual.value) against a plan costing `upper`: with a cheaper plan found since, it
// closes more columns.
void median_fixing(const Reduced& r, const RowsByLatency& sorted, int p, const MedianDual& dual, double upper,
                   std::vector<signed char>& fix, unsigned threads = 0);

}  // namespace lightcone::placement_detail
