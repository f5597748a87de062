// Facility placement on a sparse coverage (DESIGN.md §5): LSCP, MCLP, p-median,
// p-center, backup (k-)coverage, capacities, fixed sites. Reductions first: identical
// demand rows are merged (weights and loads summed), dominated candidates dropped where
// that cannot change the optimum, and in plain covering dominated rows too, alternately
// until neither finds more. Plain covering (LSCP with k = 1, and p-center's threshold
// tests) is decided by a row-weighting local search (upper bound) and the LP relaxation
// by row generation (lower bound, rounded up to the next possible plan cost) when they
// meet, else by CBC started from the search's plan. The rest is exact with COIN-OR CBC
// under a time limit (single-threaded by default: deterministic), warm-started by a
// greedy heuristic. Objectives as reported: LSCP total cost, MCLP covered weight,
// p-median weighted mean latency (µs), p-center worst latency (µs).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "placement/coverage.hpp"
#include "placement/deadline.hpp"
#include "placement/survival.hpp"

namespace lightcone {

enum class Problem { lscp, mclp, pmedian, pcenter };
// Demand no candidate can serve (within the budget; for p-median / p-center at all, e.g.
// on another component of the network; LSCP with k: fewer than k candidates): fail makes
// the problem infeasible (LSCP, p-median, p-center), skip leaves it out and solves for
// the rest. MCLP never needs it covered.
enum class Uncoverable { fail, skip };
// "fail" / "skip" → Uncoverable; InputError naming `option` otherwise.
Uncoverable parse_uncoverable(const std::string& text, const std::string& option);
enum class SiteStatus { candidate, existing, required, excluded };

// "lscp" → Problem::lscp (also "p-median", "p-center"). InputError naming `option`.
Problem parse_problem(const std::string& text, const std::string& option);
// "lscp", "mclp", "pmedian", "pcenter": the name outputs use.
std::string_view to_string(Problem p);
// The money limit (MCLP): InputError "<name> must not be negative ..." unless finite and >= 0.
void check_money(double money, const std::string& name);
// p for `problem`: lscp takes none (InputError naming `name`); the others at least 1.
void check_p(Problem problem, std::int64_t p, const std::string& name);

struct PlacementInput {
  Problem problem = Problem::lscp;
  // Demand → candidate latencies within the budget (one-way µs). p-median and p-center
  // choose among these pairs only.
  const Coverage* coverage = nullptr;
  std::vector<double> weight;    // per demand; DEFAULT (empty): 1
  std::vector<double> load;      // per demand, for capacities; DEFAULT (empty): 1
  std::vector<double> cost;      // per site; DEFAULT (empty): 1 (existing sites cost 0)
  std::vector<double> capacity;  // per site; empty or +inf: uncapacitated
  std::vector<SiteStatus> status;  // per site; DEFAULT (empty): all candidates
  // New sites to open (MCLP, p-median, p-center); existing sites do not count.
  int p = 0;
  // What to do with demand no candidate can serve. DEFAULT: fail.
  Uncoverable uncoverable = Uncoverable::fail;
  // Demand left out before anything else (ascending indexes): solved exactly as if the data
  // held only the rest, never served, never counted as uncoverable (e.g. demand off the
  // network's largest component under --largest-component). DEFAULT: none.
  std::vector<std::uint32_t> left_out;
  // Each demand covered by at least k open sites (LSCP backup coverage). REQUIRES: >= 1.
  int k = 1;
  // Upper limit on the total cost of new sites (MCLP). DEFAULT: none.
  double money = std::numeric_limits<double>::infinity();
  // Survivable coverage (LSCP, MCLP): demand must stay covered under every cut
  // scenario; rows from survival_rows(). DEFAULT: none.
  const SurvivalRows* survival = nullptr;
  // Wall-clock seconds for the whole solve (reductions, heuristics, bounds, LPs, CBC),
  // counted from the start of solve_placement unless `deadline` is given. When time runs
  // out the best plan found is returned, status feasible, with the best bound found.
  double time_limit_s = 60.0;
  // The end of the solve, when the caller started the clock earlier. DEFAULT: none
  // (time_limit_s from the start of solve_placement).
  Deadline deadline;
  int threads = 1;  // CBC threads; 1 keeps results deterministic
  // Large models: LSCP (k = 1, uncapacitated, not survivable) with at least this many
  // coverage nonzeros after reductions goes to CBC by row generation (MIPs over growing
  // subsets of the demand rows) when the local search and LP bound do not meet, and so do
  // p-center's threshold tests (from the LP's rows); MCLP
  // (uncapacitated, not survivable, no money limit) gets no MIP at all, but a greedy +
  // swap search and a Lagrangian bound, status feasible with the gap unless they meet
  // (a root LP over tens of millions of nonzeros ignores CBC's limit).
  std::size_t rowgen_min_nonzeros = 2'000'000;
  // Rows added per round; 0 = automatic (rows / 5 within 1,000..5,000).
  std::size_t rowgen_batch = 0;
  // Plain covering (LSCP, k = 1, uncapacitated, not survivable; p-center's threshold
  // tests): a local search and the LP bound first, CBC only when they do not meet.
  // Tests switch it off to reach CBC.
  bool heuristics = true;
  // p-median: solve the assignment MIP (root LP by Clp, then CBC) instead of Benders or the
  // radius formulation, even when the greedy + swap plan and the Lagrangian bound already
  // meet. Tests use it to reach the assignment model (the oracle of both, and models whose
  // root LP cannot finish in time). DEFAULT: false.
  bool force_mip = false;
  // p-median, uncapacitated: the exact method after the heuristic plan and the Lagrangian
  // bound. automatic: Benders decomposition (benders.hpp; as good as or better than the radius
  // formulation on every instance in tests/bench/README.md); radius: the radius formulation
  // (radius.hpp). DEFAULT: automatic.
  enum class MedianMethod { automatic, benders, radius };
  MedianMethod median_method = MedianMethod::automatic;
  // p-median, uncapacitated: run the exact method even when the greedy + swap plan and the
  // Lagrangian bound already meet (tests reach it on small instances). DEFAULT: false.
  bool force_exact = false;
  // p-median, uncapacitated: close (or open) sites whose Lagrangian reduced cost proves
  // that no plan with them open (closed) beats the heuristic plan. Tests switch it off to
  // reach the rounds of caps / cuts on small instances. DEFAULT: true.
  bool reduced_cost_fixing = true;
  // p-median, Benders: the weight of the master's y in the in-out separation point (1: no
  // stabilisation, plain Kelley cutting planes). Tests vary it. DEFAULT: 0.3.
  double benders_in_out = 0.3;
  // p-median, Benders: solved LPs in a row a cut must be slack in before it leaves the LP
  // (in branch and bound at most 2). Tests set 1. DEFAULT: 5.
  std::uint32_t benders_drop_slack_after = 5;
  // p-median, Benders: the master's first cuts at the levels of the Lagrangian's multipliers
  // (else at the core point, as before 2026-12-06). Tests and benchmarks compare. DEFAULT: true.
  bool benders_lagrange_cuts = true;
};

enum class SolveStatus { optimal, feasible, infeasible, no_solution };
std::string to_string(SolveStatus s);

struct PlacementResult {
  SolveStatus status = SolveStatus::no_solution;
  double objective = std::numeric_limits<double>::quiet_NaN();
  double bound = std::numeric_limits<double>::quiet_NaN();
  double gap = std::numeric_limits<double>::quiet_NaN();  // |objective − bound| / |objective|
  std::vector<std::uint32_t> open;             // open sites (existing included), ascending
  std::vector<std::uint32_t> assigned;         // per demand: serving site or kNone
  std::vector<double> assigned_latency_us;     // per demand (one-way), NaN if unassigned
  std::vector<std::uint32_t> uncoverable;      // demands no allowed candidate can cover (k times)
  // Uncoverable::skip: the uncoverable demands were left out (solved for the rest), their
  // total weight. False: the list above made the problem infeasible (or MCLP left it).
  bool skipped_uncoverable = false;
  double skipped_weight = 0.0;
  double left_out_weight = 0.0;                // total weight of PlacementInput::left_out
  std::string reason;                          // why infeasible / not optimal
  std::string method;                          // "cbc", "cbc (time limit)", "greedy"
  std::size_t rows_before = 0, rows_after = 0, columns_before = 0, columns_after = 0;
  std::size_t mip_solves = 0;
  // p-median by Benders decomposition: the value of the master's LP relaxation when its
  // cutting planes finished (weighted mean latency; NaN otherwise). It equals the
  // assignment model's LP relaxation (tests check it).
  double lp_bound = std::numeric_limits<double>::quiet_NaN();
};

PlacementResult solve_placement(const PlacementInput& input);

}  // namespace lightcone
