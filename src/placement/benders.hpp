// Private to src/placement: uncapacitated p-median by Benders decomposition
// (Duran-Mateluna, Ales and Elloumi 2023, "An efficient Benders decomposition for the
// p-median problem", EJOR 308(1)) on the reduced model. Master: min Σ_i w_i·θ_i over
// y (one per column, Σ new y = min(p, new columns), fixed columns at 1) and θ_i ≥ the
// row's nearest option, with the per-row optimality cuts
//     θ_i ≥ D − Σ_{j: d_ij < D} (D − d_ij)·y_j     (D one of row i's latencies)
// and feasibility cuts Σ_{j ∈ options(i)} y_j ≥ 1 (rows that cannot reach every site).
// Every cut holds for every plan, so the master is a relaxation. A cut is separated for
// a fractional y in O(options read) by walking the row's options by latency until the
// open fraction reaches 1 (D is the latency where it does: the cut's value at y is the
// row's assignment LP, so cuts at every y make the master LP the assignment model's LP).
// 1. The LP relaxation by cutting planes on one Clp model (primal simplex first, then the
//    dual from the last basis; only violated cuts added, cuts slack for 5 solves in a row
//    dropped). The first cuts: row i's at the level D = u_i / w_i of the Lagrangian's
//    multiplier when given (BendersOptions::lagrange_u; together they hold the master's
//    LP at or above the Lagrangian bound from its first solve), else at the core point.
//    Stabilised by in-out separation (Ben-Ameur and Neto 2007; Fischetti,
//    Ljubić and Sinnl 2017): cuts are separated at a point between the master's y and a
//    core point (first every free column at the count's share), falling back to the
//    master's y when they do not cut it off, and to plain Kelley once the master's value
//    stalls; it ends when the master's value meets an upper bound of the LP (the cuts'
//    value at a separated point) or no cut is violated at the master's y.
// 2. The LP's y rounded (the largest p open) and improved by the fast interchange
//    (median_search), then LP reduced-cost fixing: a column at 0 (1) whose reduced cost
//    lifts the LP bound above the best plan is closed (opened).
// 3. Branch and bound on y over copies of the Clp model (column bounds per node, dual
//    simplex from the last basis): each node's LP is cut until no cut is violated at its
//    y (so an integral node's value is its plan's cost), pruned by the best plan,
//    reduced-cost fixing per node, reliability branching (pseudocosts, strong branching
//    by a few dual simplex iterations until a column's sides were seen), each of two
//    workers diving along the open side, else taking the open node of least bound. The
//    workers solve a node each per round, side by side, and their results are merged in
//    worker order: the same tree on one core or two. (CBC on the master, re-separated at
//    each plan it returned, needed one full CBC solve per handful of cuts: far slower.)
// The deadline stops any phase: the best plan with the least bound of the open nodes.
// Latencies are one-way µs; costs Σ weight × latency (not divided by the total weight).
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "placement/deadline.hpp"
#include "placement/heuristics.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

struct BendersSolve {
  std::vector<char> open;  // the best plan found (per reduced column); empty: none
  double cost = std::numeric_limits<double>::infinity();    // its Σ weight × latency
  double bound = -std::numeric_limits<double>::infinity();  // lower bound on every plan's cost
  double lp_bound = std::numeric_limits<double>::quiet_NaN();  // the master LP's last value
  bool optimal = false;
  bool infeasible = false;     // no exactly-p plan serves every row
  bool lp_complete = false;    // the cutting planes reached the LP relaxation's optimum
  bool lp_unfinished = false;  // the deadline stopped the LP phase
  bool time_limit = false;     // the deadline ended the solve
  std::size_t lp_rounds = 0;   // master LPs solved
  std::size_t cuts = 0;        // cuts added over the whole solve
  std::size_t cuts_kept = 0;   // cuts in the last model
  std::size_t nodes = 0;       // branch-and-bound nodes solved (the root included)
  std::size_t closed = 0, opened = 0;  // columns fixed by LP reduced costs
  // BendersOptions::perturb_beside_root: rounds done, rounds that found a cheaper plan, and
  // whether the cheapest became the best plan.
  std::size_t beside_rounds = 0, beside_gains = 0;
  bool beside_kept = false;
};

struct BendersOptions {
  // Weight of the master's y in the separation point (1: no stabilisation). Tests vary it.
  double in_out = 0.3;
  // An optimality cut slack in this many solved LPs in a row leaves the LP (>= 1; in branch
  // and bound at most 2). Tests set 1: the LP then changes most between nodes.
  std::uint32_t drop_slack_after = 5;
  // The Lagrangian's multipliers, per row (weight × latency; empty: none). Row i's first
  // cut is then taken at D = u_i / w_i rather than at the core point: those cuts alone
  // give the master's LP at least the Lagrangian bound of u.
  std::span<const double> lagrange_u;
  // Cores for the branch and bound's two workers (0: every core; 1: one after the other).
  // The tree, plan and bound are the same on any number (tests compare them).
  unsigned threads = 0;
  // With two cores or more: perturbations of the best plan (median_search's variable
  // neighbourhood search) on a second core while the root's LP runs, until it is done; a
  // cheaper plan they find becomes the best before the reduced-cost fixing and the tree.
  // How many rounds fit depends on the LP's time, so the plan may then differ from run to
  // run: for models whose LP takes most of the limit (solve_pmedian's heavy ones), where
  // the heuristics' time shares already do.
  bool perturb_beside_root = false;
};

// REQUIRES: r uncapacitated, every row with an option. start: the heuristic plan (the
// first incumbent when it serves every row, and the first core point). fix / fix_upper:
// as median_radius (Lagrangian reduced-cost fixing; plans the fixings leave out cost at
// least fix_upper, which the bound counts).
// `sorted`: r's rows by latency (taken: the closed columns are filtered out of it in place).
BendersSolve median_benders(const Reduced& r, RowsByLatency sorted, int p, const MedianPlan& start,
                            const Deadline& deadline,
                            const std::vector<signed char>& fix = {},
                            double fix_upper = std::numeric_limits<double>::infinity(),
                            const BendersOptions& options = {});

}  // namespace lightcone::placement_detail
