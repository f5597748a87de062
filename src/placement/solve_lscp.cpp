// LSCP: plain covering by local search against the LP bound (CBC when they do not
// meet); backup coverage, capacities and survival rows by CBC (row generation on large
// backup-coverage models). Bounds rounded up to whole plan costs.
#include <cmath>
#include <limits>
#include <string>

#include "placement/assign.hpp"
#include "placement/bounds.hpp"
#include "placement/detail.hpp"
#include "placement/heuristics.hpp"
#include "placement/solvers.hpp"

namespace lightcone::placement_detail {
namespace {

// Plain covering (LSCP with k = 1, uncapacitated, no cut rows). A greedy cover, improved
// by the local search; a lower bound from the LP relaxation (row generation), rounded up
// when costs are integral. When the cover costs no more than the bound it is optimal
// without a MIP (the usual case on large geographic instances, whose LP alone has
// thousands of binding rows). Otherwise CBC decides, started from the cover: on the whole
// model, or by row generation from PlacementInput::rowgen_min_nonzeros nonzeros (a root LP
// over tens of millions of nonzeros ignores CBC's time limit). One CPU time limit for all.
Solution solve_plain_cover(const Reduced& r, const PlacementInput& in, std::size_t& mip_solves, std::string& method) {
  const Deadline& deadline = in.deadline;
  // Search budget: about 1e9 score updates, at most 100,000 swaps; deterministic, unlike a clock.
  const std::size_t budget = search_budget(r, 1e9, 100000);
  const double step = cost_step(r);
  const double no_bound = -std::numeric_limits<double>::infinity();
  std::size_t iterations = 0, total_iterations = 0;
  std::vector<char> best = greedy_cover(r, 1);
  double best_cost = cover_cost(r, best);
  double bound = no_bound;
  std::string lp_note = "greedy start";
  if (in.heuristics) {
    // 1. A short search from the greedy cover (no target yet).
    best = local_search_cover(r, best, no_bound, std::min<std::size_t>(budget / 4, 5000), deadline, iterations);
    total_iterations += iterations;
    best_cost = cover_cost(r, best);
    // 2. The LP bound, until it proves the cover optimal (costs in steps: above cost − step).
    const CoverLp lp = lp_cover_bound(r, 1, step > 0.0 ? best_cost - step + 1e-6 * step : best_cost,
                                      deadline.share(0.5));
    bound = std::isnan(lp.bound) ? no_bound : integral_bound(r, lp.bound);
    lp_note = "LP bound " + std::to_string(lp.rounds) + " rounds, " + std::to_string(lp.rows) + " rows";
  }
  // 3. The rest of the search, towards the bound.
  if (in.heuristics && best_cost > bound + 1e-6) {
    best = local_search_cover(r, best, bound, budget - total_iterations, deadline, iterations);
    total_iterations += iterations;
    best_cost = cover_cost(r, best);
  }
  Solution s;
  s.open = best;
  s.from_mip = true;  // the bound is reported through finish()
  s.mip.has_solution = true;
  s.mip.objective = best_cost;
  s.mip.bound = bound;
  if (best_cost <= bound + 1e-6) {
    s.mip.proven_optimal = true;
    method = "local search (" + std::to_string(total_iterations) + " swaps), " + lp_note;
    return s;
  }
  // 4. CBC from the search's cover.
  const PlacementInput& rest = in;
  const bool rowgen = r.row_col.size() >= in.rowgen_min_nonzeros;
  int rounds = 0;
  Solution m;
  if (rowgen) {
    m = solve_cover_rowgen(r, 1, rest, best, mip_solves, rounds);
  } else {
    m = solve_cover(r, 1, rest, false, {}, &best);
    ++mip_solves;
  }
  if (m.from_mip && m.mip.has_solution && !m.open.empty()) {
    const double c = cover_cost(r, m.open);
    if (c < best_cost - 1e-9 || (m.mip.proven_optimal && c <= best_cost + 1e-9)) {
      s.open = m.open;
      best_cost = c;
    }
    const double b = m.mip.proven_optimal ? c : m.mip.bound;
    if (std::isfinite(b)) bound = std::max(bound, integral_bound(r, b));
  }
  s.mip.objective = best_cost;
  s.mip.bound = std::min(bound, best_cost);
  s.mip.proven_optimal = bound >= best_cost - 1e-6;
  s.mip.time_limit = !s.mip.proven_optimal;
  method = std::string(s.mip.proven_optimal ? "cbc" : "cbc (time limit)") +
           (rowgen ? ", row generation (" + std::to_string(rounds) + " rounds)" : std::string()) + ", local search (" +
           std::to_string(total_iterations) + " swaps), " + lp_note;
  return s;
}

// A bound below the objective: the Lagrangian bound where it is higher (uncapacitated),
// rounded up to whole plan costs; optimal when that meets the objective.
void tighten_cover_bound(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  if (!capacitated(r) && out.status != SolveStatus::optimal)
    out.bound = std::max(out.bound, lagrangian_cover_bound(r, in.k));
  // Costs in steps (unit costs: whole sites): no plan costs less than the bound rounded up.
  if (out.status != SolveStatus::optimal && std::isfinite(out.bound)) {
    out.bound = std::min(out.objective, integral_bound(r, out.bound));
    if (out.bound >= out.objective - 1e-9) {
      out.status = SolveStatus::optimal;
      out.gap = 0.0;
      out.reason.clear();
    }
  }
  if (out.status != SolveStatus::optimal && !std::isnan(out.bound))
    out.gap = std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
}

// Capacitated covering without a MIP plan in time: the greedy cover when a
// transportation LP (assign_demand) serves every demand's whole load from it, else every
// allowed site (a plan whenever there is one: opening more never hurts).
std::vector<char> capacitated_fallback(const PlacementInput& in, const Reduced& r) {
  const Coverage& cov = *in.coverage;
  std::vector<char> greedy = greedy_cover(r, in.k);
  std::vector<char> site_open(cov.sites, 0);
  for (std::size_t j = 0; j < r.cols(); ++j)
    if (greedy[j]) site_open[r.col_site[j]] = 1;
  const std::vector<double> no_limit(cov.demands, std::numeric_limits<double>::infinity());
  const Assignment a = assign_demand(cov, site_open, no_limit, in.weight, in.load, in.capacity);
  bool all = true;
  for (std::size_t d = 0; d < cov.demands && all; ++d)
    all = cov.first[d] == cov.first[d + 1] || a.served[d] > 1.0 - 1e-9;
  if (all && in.k <= 1) return greedy;
  return std::vector<char>(r.cols(), 1);
}

}  // namespace

void solve_lscp(const PlacementInput& in, const Prepared& prep, const SurvivalModel& survival, PlacementResult& out) {
  const Reduced& r = prep.r;
  if (!prep.uncoverable.empty()) {
    out.status = SolveStatus::infeasible;
    out.reason = std::to_string(prep.uncoverable.size()) + " demand features have fewer than " +
                 std::to_string(in.k) + " candidate sites within the budget";
    return;
  }
  if (!survival.cannot_survive.empty()) {
    out.status = SolveStatus::infeasible;
    out.uncoverable = survival.cannot_survive;
    out.reason = std::to_string(survival.cannot_survive.size()) +
                 " demand features lose every candidate site within the budget under some fibre cut";
    return;
  }
  const bool cap = has_capacities(in);
  const bool plain = !cap && in.k <= 1 && survival.cols.empty();
  std::string method;
  // Backup coverage (k ≥ 2) on large models: row generation too (the whole model's
  // root LP would ignore CBC's time limit).
  const bool backup_rowgen = !plain && !cap && survival.cols.empty() && r.row_col.size() >= in.rowgen_min_nonzeros;
  int backup_rounds = 0;
  Solution s = plain           ? solve_plain_cover(r, in, out.mip_solves, method)
               : backup_rowgen ? solve_cover_rowgen(r, in.k, in, greedy_cover(r, in.k), out.mip_solves, backup_rounds)
                               : solve_cover(r, in.k, in, false, survival.cols);
  if (!plain && !backup_rowgen) ++out.mip_solves;
  if (cap && s.open.empty() && !s.mip.proven_infeasible) s.open = capacitated_fallback(in, r);
  const bool fallback = !s.from_mip && !s.open.empty();
  if (s.open.empty() && r.cols() > 0) {
    out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
    out.reason = s.mip.proven_infeasible ? "capacities cannot hold every demand's load" : "no solution within the time limit";
    return;
  }
  s.open.resize(r.cols(), 0);
  double cost = 0.0;
  for (std::size_t j = 0; j < r.cols(); ++j) cost += s.open[j] ? r.col_cost[j] : 0.0;
  finish(in, r, s, false, cost, out);
  if (plain) {
    out.method = method;
    if (std::isnan(out.bound)) out.bound = -std::numeric_limits<double>::infinity();
  }
  if (backup_rowgen) {
    out.method = std::string(out.status == SolveStatus::optimal ? "cbc" : "cbc (time limit)") + ", row generation (" +
                 std::to_string(backup_rounds) + " rounds)";
    if (std::isnan(out.bound)) out.bound = -std::numeric_limits<double>::infinity();
  }
  if (fallback) {  // CBC had no plan in time: the heuristic one, with the LP bound if there is one
    out.method = cap ? "greedy cover checked against capacities (cbc: time limit)" : "greedy cover (cbc: time limit)";
    if (s.mip.lp_solved && std::isfinite(s.mip.lp_bound)) out.bound = s.mip.lp_bound;
    if (std::isnan(out.bound)) out.bound = -std::numeric_limits<double>::infinity();
    // Capacities relaxed: the uncapacitated Lagrangian bound holds too.
    if (cap) out.bound = std::max(out.bound, lagrangian_cover_bound(r, in.k));
    out.reason = "time limit: the cost lies between the bound and the objective";
  }
  tighten_cover_bound(in, r, out);
  if (fallback && out.status == SolveStatus::optimal) out.reason.clear();
  assign_to_open_sites(in, out);
}

}  // namespace lightcone::placement_detail
