// Private to src/placement: upper-bound heuristics on the reduced model. Greedy cover
// (LSCP warm start, k-fold), greedy max cover (MCLP warm start), a row-weighting local
// search for plain covering, and a greedy + best-swap search for large MCLP models.
// Deterministic: fixed seeds and iteration budgets; a wall-clock Deadline only cuts a
// search short when the caller's time limit runs out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "placement/deadline.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

// Greedy cover (warm start for LSCP): most newly satisfied demand per cost.
std::vector<char> greedy_cover(const Reduced& r, int k);

// Covering with capacities (p-center's threshold tests, where every pair of `r` lies
// within the threshold): the fixed columns open first, then up to `p` new columns (fixed
// non-existing ones count), each the one able to take the most load still unplaced,
// min(capacity, unplaced load of its rows) (ties: the lower column). An opened column takes
// the unplaced load of its rows up to its capacity, rows with the fewest options first
// (then the lower latency, the lower row), splitting a row's load where needed.
// serves_all: every row's load is placed, so the plan is feasible within worst_used (this
// placement proves it); else the plan is what the greedy reached. Deterministic, no deadline: it always
// finishes (a few passes over the rows per column opened).
struct CapacitatedCover {
  std::vector<char> open;  // per reduced column
  bool serves_all = false;
  double worst_used = 0.0;  // the highest latency of a pair the greedy placed load on
};
// pair_lat: per entry of r.row_col, the highest latency of the pair among the row's
// demands (r.row_lat is 0 where rows merged regardless of latency). REQUIRES: size
// r.row_col.size().
CapacitatedCover greedy_capacitated_cover(const Reduced& r, int p, std::span<const double> pair_lat);

// Greedy p sites maximising covered weight (warm start for MCLP).
std::vector<char> greedy_max_cover(const Reduced& r, int p, double money);

// Local search for plain covering (k = 1) with row weights, after RWLS (Gao, Weise and
// Li 2015, unicost set covering): from a cover, whenever every row is covered the cover
// is recorded and its least useful site dropped; otherwise one swap per iteration drops
// the open site losing the least (row-weighted, per cost), and opens the site gaining the
// most in a pseudo-random uncovered row; uncovered rows then weigh one more, so rows left
// out repeatedly pull the search towards them. Ties go to the site changed longest ago.
// Deterministic: fixed seed and an iteration budget (max_iterations); a deadline
// stops it early only when the caller's time limit runs out. Stops at target_cost.
// Returns the cheapest cover seen (the start if none is cheaper).
std::vector<char> local_search_cover(const Reduced& r, const std::vector<char>& start, double target_cost,
                                     std::size_t max_iterations, const Deadline& deadline, std::size_t& iterations);

// A swap budget for local_search_cover worth about `work` score updates (a swap touches
// two columns' rows and a few rows' columns), within 1,000..most swaps.
std::size_t search_budget(const Reduced& r, double work, std::size_t most);

// MCLP on large plain models (uncapacitated, no cut rows, no money limit): a greedy
// plan improved by best single swaps (close one new site, open another) until none
// gains, and an upper bound from the Lagrangian relaxation (max_cover_bound, bounds.hpp).
// Deterministic: fixed iteration counts (the deadline only cuts them short).
struct MaxCover {
  std::vector<char> open;
  double value = 0.0;  // covered weight
  double bound = 0.0;  // upper bound on any plan's covered weight
  std::size_t swaps = 0, iterations = 0;
};

MaxCover max_cover_search(const Reduced& r, int p, const Deadline& deadline);

}  // namespace lightcone::placement_detail

namespace lightcone::placement_detail {

// p-median on the reduced model: exactly min(p, new columns) new sites (fixed ones open)
// minimising Σ weight × latency, every row served by its nearest open option. A greedy
// plan (most cost saved per site; a row without an open option costs more than any plan
// serving every row), improved by the fast interchange of Whitaker (1983) as in Resende
// and Werneck (2007): each pass finds the best swap (close one new site, open another)
// from each row's nearest and second-nearest open option, until no swap saves or the
// deadline. Deterministic (ties to the lower column); the deadline only cuts it short.
struct MedianPlan {
  std::vector<char> open;  // per reduced column
  double cost = 0.0;       // Σ weight × latency when serves_all
  bool serves_all = false;
  std::size_t swaps = 0;     // swaps of the interchange (and of the perturbations that gained)
  std::size_t rounds = 0;    // perturbation rounds run
  std::size_t improved = 0;  // of which gave a cheaper plan
};

struct MedianSearchOptions {
  // When given: a plan with exactly min(p, new columns) new sites, fixed ones open; the
  // interchange starts from it instead of the greedy plan.
  const std::vector<char>* initial = nullptr;
  // Rounds of perturbation after the interchange (variable neighbourhood search: k
  // pseudo-random swaps from the best plan, k = 1..3, then the interchange again), until
  // the deadline.
  std::size_t perturb_rounds = 0;
  // The perturbations' pseudo-random sequence (fixed per seed).
  std::uint64_t perturb_seed = 0;
  // Empty, or per column: columns at -1 are never opened (closed by the Lagrangian's
  // reduced costs: no plan cheaper than the one they were fixed against opens them); an
  // initial plan may still hold them.
  std::span<const signed char> fix;
  // Threads of the interchange's passes: 0, every core when the model holds at least
  // kSwapParallelPairs pairs (else one). The plan is the same on any number.
  unsigned threads = 0;
  // When given: r's rows by latency (RowsByLatency, over every column that fix leaves
  // open, or fewer: a column missing from them is never opened). The interchange's pass
  // then reads each row's options below its second-nearest open site (about 2 / p of the
  // pairs) instead of every pair, while (free open sites) × columns stays within
  // kRowPassSums (its sums per column and open site). The same swaps either way, but for
  // the rounding of the sums. From an initial plan within them, the pairs are then not
  // laid out by column at all (the nearest open sites come from the rows too).
  LatencyRows rows;
};
inline constexpr std::size_t kSwapParallelPairs = 2'000'000;
inline constexpr std::size_t kRowPassSums = std::size_t{1} << 19;

MedianPlan median_search(const Reduced& r, int p, const Deadline& deadline, const MedianSearchOptions& options = {});

// Another local optimum and perturbations, for large models where the greedy's plan is
// all there may be: a plan from a rough LP solution y (per column, e.g. how often the
// Lagrangian chose it: its free columns chosen most, as many as a plan opens, none of them
// closed by fix), improved by the interchange, and perturbed for half of `rounds` (within
// half the deadline's time); then `h` perturbed for the rounds left. Returns the cheapest
// plan seen (h when none is cheaper), rounds and improved counting both starts.
MedianPlan median_improve(const Reduced& r, int p, const MedianPlan& h, std::span<const double> y,
                          std::span<const signed char> fix, const Deadline& deadline, std::size_t rounds, unsigned threads = 0,
                          LatencyRows rows = {});

// Σ weight × latency of a plan (+inf when a row has no open option).
double plan_cost(const Reduced& r, const std::vector<char>& open);

}  // namespace lightcone::placement_detail
