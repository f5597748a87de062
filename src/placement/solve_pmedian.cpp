// p-median: exactly p new sites (fewer when there are fewer candidates) minimising the
// weighted mean latency (µs) of each demand to its assigned site, capacities respected.
// 1. A greedy + fast-interchange plan and a Lagrangian bound; when they meet the plan is
//    optimal without a MIP. On large models (pairs / p above kBendersHeavyNonzeros) also a
//    second start and perturbations (median_improve), within the Lagrangian's fixings, and
//    more perturbations on the second core beside Benders' root LP.
// 2. Uncapacitated: the radius formulation (radius.hpp: variables per distinct latency
//    level of each demand row, capped at the row's level in the best plan known and raised
//    round by round), far smaller than the assignment model.
// 3. Capacities (or PlacementInput::force_mip): the assignment MIP over site and
//    assignment columns.
// Each MIP's root LP by Clp until the deadline, CBC only when that LP finished in time
// (Mip::solve). When time runs out the best plan found is returned with the best bound
// found (Lagrangian or LP), status feasible.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "placement/assign.hpp"
#include "placement/benders.hpp"
#include "placement/bounds.hpp"
#include "placement/detail.hpp"
#include "placement/heuristics.hpp"
#include "placement/radius.hpp"
#include "placement/solvers.hpp"

namespace lightcone::placement_detail {

namespace {

// Capacities and no MIP plan in time: the uncapacitated heuristic plan, when a
// transportation LP (assign_demand) serves every demand's whole load from it; the
// objective is that assignment's weighted mean latency. Returns whether it did.
bool capacitated_plan(const PlacementInput& in, const Reduced& r, const MedianPlan& h, double scale, double bound,
                      PlacementResult& out) {
  const Coverage& cov = *in.coverage;
  std::vector<char> site_open(cov.sites, 0);
  for (std::size_t j = 0; j < r.cols(); ++j)
    if (h.open[j]) site_open[r.col_site[j]] = 1;
  const std::vector<double> no_limit(cov.demands, std::numeric_limits<double>::infinity());
  const Assignment a = assign_demand(cov, site_open, no_limit, in.weight, in.load, in.capacity);
  double cost = 0.0;
  for (std::uint32_t d = 0; d < cov.demands; ++d) {
    if (a.served[d] < 1.0 - 1e-9) return false;
    cost += value_or(in.weight, d, 1.0) * a.latency_us[d];
  }
  if (a.split) return false;  // split loads: the main site's latency alone would understate the cost
  Solution s;
  s.open = h.open;
  finish(in, r, s, false, cost / scale, out);
  out.bound = std::isfinite(bound) ? std::min(bound / scale, out.objective) : std::numeric_limits<double>::quiet_NaN();
  out.gap = std::isnan(out.bound) ? out.bound : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
  out.method = "greedy + swaps checked against capacities (cbc: time limit)";
  out.reason = "time limit: the weighted mean latency lies between the bound and the objective";
  assign_to_open_sites(in, out);
  return true;
}

}  // namespace

// Perturbation rounds after the greedy's and the Lagrangian's local optima (each a few
// passes of the interchange, each over the rows' options below their second-nearest open
// site). On the large models that run them the deadline's share ends them first: 114 in
// it at 5,000^2 p = 10 (37 of 50 when each pass read every pair).
constexpr std::size_t kPerturbRounds = 400;

// Subgradient steps before Benders: enough to close easy instances (the bound meets the
// heuristic plan) and fix sites; the Benders master's LP is as strong as the Lagrangian
// dual and cheaper to finish. Models of more than kBendersLongLagrangePairs pairs (whose
// master LPs take seconds each) take kBendersLongLagrangeSteps within up to
// kBendersLongLagrangeShare of the time, so that the step count ends them, not the clock
// (runs repeat): the master's first cuts lie at the multipliers' levels, and nearer-
// converged multipliers finish its LP sooner and close more sites. Below that size the
// longer run cost more than it saved (tests/bench/README.md, session 24).
constexpr std::size_t kBendersLagrangeSteps = 300;
constexpr std::size_t kBendersLongLagrangeSteps = 2000;
constexpr double kBendersLongLagrangeShare = 0.10;
constexpr std::size_t kBendersLongLagrangePairs = 12'000'000;
constexpr double kBendersHeavyNonzeros = 1e6;
// The share of the time left for median_improve on those models when Benders' root LP has
// perturbations beside it (else the heuristics' share, 0.25): at 5,000^2 p = 10 and 20 the
// gaps at 60 s were lower with 0.1 on every seed tried, and seeds 2 and 7 of p = 10 were
// proven in 22-23 s instead of 30 s (tests/bench/README.md, session 25).
constexpr double kHeavyImproveShareBeside = 0.1;

void solve_pmedian(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  const Coverage& cov = *in.coverage;
  double total_weight = 0.0;
  for (std::size_t d = 0; d < cov.demands; ++d) total_weight += value_or(in.weight, d, 1.0);
  const double scale = std::max(total_weight, kEps);
  const bool cap = capacitated(r);
  const double none = -std::numeric_limits<double>::infinity();
  // Required new sites beyond p: no plan opens exactly min(p, new sites) new sites.
  {
    std::size_t new_cols = 0, required = 0;
    for (std::size_t j = 0; j < r.cols(); ++j) {
      new_cols += !r.col_existing[j];
      required += r.col_fixed[j] && !r.col_existing[j];
    }
    if (required > std::min<std::size_t>(static_cast<std::size_t>(std::max(0, in.p)), new_cols)) {
      out.status = SolveStatus::infeasible;
      out.reason = std::to_string(required) + " required sites are more than the " + std::to_string(in.p) +
                   " new sites to open";
      return;
    }
  }
  // 1. Heuristic plan (uncapacitated: any plan serving every row is feasible) and the
  //    Lagrangian bound, each with a share of the time (a smaller one before Benders, which
  //    rounds its LP into plans of its own: the greedy costs p passes over every pair).
  const bool radius = !cap && !in.force_mip;
  const bool benders = radius && in.median_method != PlacementInput::MedianMethod::radius;
  // The master's first cuts (at every site open by p / sites) hold about pairs / p
  // nonzeros: past kBendersHeavyNonzeros its LP may not finish in the limit, and the
  // heuristics and the bound keep the larger share of the time they have without Benders.
  const bool heavy = static_cast<double>(r.row_col.size()) / std::max(1, in.p) > kBendersHeavyNonzeros;
  const double share = benders && !heavy ? 0.05 : 0.25;
  // A bound b that meets a plan costing `cost`: the plan is optimal.
  auto meets = [](double b, double cost) { return std::isfinite(b) && b >= cost - 1e-9 * std::max(1.0, cost); };
  RowsByLatency sorted(r, 0);
  MedianSearchOptions first_search;
  first_search.rows = sorted.view();
  MedianPlan h = median_search(r, in.p, in.deadline.share(share), first_search);
  const bool have_plan = !cap && h.serves_all;
  std::size_t lagrange_iterations = 0;
  std::vector<signed char> fix;  // reduced-cost fixing for the radius formulation
  MedianDual dual;
  const bool long_lagrange = benders && !heavy && r.row_col.size() > kBendersLongLagrangePairs;
  const std::size_t lagrange_steps = !benders || heavy ? (radius ? 3000 : 1000)
                                     : long_lagrange   ? kBendersLongLagrangeSteps
                                                       : kBendersLagrangeSteps;
  double bound = median_lagrangian_bound(r, sorted, in.p, have_plan ? h.cost : std::numeric_limits<double>::infinity(),
                                         lagrange_steps,
                                         in.deadline.share(long_lagrange ? kBendersLongLagrangeShare : share),
                                         lagrange_iterations,
                                         radius && have_plan && in.reduced_cost_fixing ? &fix : nullptr, 0,
                                         have_plan ? &dual : nullptr);
  // 1'. Large models (heavy): another local optimum, from the Lagrangian's rough LP
  //     solution, and perturbations of both, within a share of the time; the greedy's plan
  //     may otherwise be all there is. A cheaper plan closes more columns by the same
  //     multipliers.
  //     With a second core Benders perturbs on beside its root LP, so a smaller share here
  //     leaves that LP more time.
  const bool beside_root = benders && heavy && std::thread::hardware_concurrency() > 1;
  std::size_t perturb_rounds = 0, perturb_gains = 0;
  if (have_plan && heavy && !meets(bound, h.cost)) {
    MedianPlan better = median_improve(r, in.p, h, dual.y, fix,
                                       in.deadline.share(beside_root ? kHeavyImproveShareBeside : share), kPerturbRounds,
                                       0, sorted.view());
    perturb_rounds = better.rounds;
    perturb_gains = better.improved;
    if (better.serves_all && better.cost < h.cost) {
      h = std::move(better);
      if (!fix.empty()) median_fixing(r, sorted, in.p, dual, h.cost, fix, 0);
    }
  }
  if (!benders) sorted.release();  // only Benders reads the rows by latency again
  const std::string heuristic_note =
      "greedy + " + std::to_string(h.swaps) + " swaps" +
      (perturb_rounds ? " (" + std::to_string(perturb_rounds) + " perturbations, " + std::to_string(perturb_gains) + " gained)" : "") +
      ", Lagrangian bound (" + std::to_string(lagrange_iterations) + " iterations)";
  // A plan's result: optimal when proven or when the bound b meets its cost, else feasible
  // with the bound, the gap and the reason.
  auto finish_plan = [&](const std::vector<char>& open, double cost, double b, bool proven, const std::string& method,
                         const std::string& reason) {
    Solution s;
    s.open = open;
    finish(in, r, s, false, cost / scale, out);
    const bool optimal = proven || meets(b, cost);
    out.status = optimal ? SolveStatus::optimal : SolveStatus::feasible;
    out.bound = optimal ? out.objective : std::isfinite(b) ? std::min(b, cost) / scale : std::numeric_limits<double>::quiet_NaN();
    out.gap = optimal ? 0.0 : std::isnan(out.bound) ? out.bound : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
    out.method = method;
    if (!optimal) out.reason = reason;
    assign_to_open_sites(in, out);
  };
  auto plan_from_heuristic = [&](double b, const std::string& method, const std::string& reason) {
    finish_plan(h.open, h.cost, b, false, method, reason);
  };
  // The end of an exact method (Benders or the radius formulation): its plan, or why
  // there is none, with the better of its bound and the Lagrangian one.
  struct ExactEnd {
    const std::vector<char>& open;
    double cost, bound;
    bool optimal, infeasible, lp_unfinished;
    const char* lp;  // what "did not finish" names
  };
  auto finish_exact = [&](const ExactEnd& e, const std::string& method) {
    const double b = std::max(bound, e.bound);
    if (e.open.empty()) {
      out.method = method;
      out.status = e.infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
      out.reason = e.infeasible ? "no p sites can serve every demand within the budget" : "no solution within the time limit";
      if (!e.infeasible && std::isfinite(b)) out.bound = b / scale;
      return;
    }
    finish_plan(e.open, e.cost, b, e.optimal, method,
                std::string(e.lp_unfinished ? "time limit: " + std::string(e.lp) + " did not finish; " : "time limit: ") +
                    "the weighted mean latency lies between the bound and the objective");
  };
  if (have_plan && !in.force_mip && !in.force_exact && meets(bound, h.cost)) {
    plan_from_heuristic(bound, heuristic_note, "");
    return;
  }
  // 2. Uncapacitated: Benders decomposition (benders.hpp), unless the radius formulation
  //    is asked for.
  if (benders) {
    BendersOptions options{in.benders_in_out, in.benders_drop_slack_after,
                           in.benders_lagrange_cuts ? std::span<const double>(dual.u) : std::span<const double>()};
    // Large models: the root's LP may take the rest of the limit on one core (and its
    // plan is then the best there is); the other core goes on perturbing meanwhile.
    options.perturb_beside_root = beside_root;
    const BendersSolve bs = median_benders(r, std::move(sorted), in.p, h, in.deadline, fix,
                                           have_plan ? h.cost : std::numeric_limits<double>::infinity(), options);
    if (bs.lp_complete) out.lp_bound = bs.lp_bound / scale;
    std::size_t closed = 0, opened = 0;
    for (signed char f : fix) {
      closed += f < 0;
      opened += f > 0;
    }
    const std::string method =
        "benders decomposition (" + std::to_string(bs.lp_rounds) + " LP rounds" + (bs.lp_complete ? "" : " (LP unfinished)") +
        ", " + std::to_string(bs.nodes) + " branch-and-bound nodes, " + std::to_string(bs.cuts) + " cuts, " +
        std::to_string(bs.cuts_kept) + " kept; " + std::to_string(closed + bs.closed) + " sites closed and " +
        std::to_string(opened + bs.opened) + " opened by reduced costs" +
        (bs.beside_rounds ? "; " + std::to_string(bs.beside_rounds) + " perturbations beside its root LP, " +
                                std::to_string(bs.beside_gains) + " gained" + (bs.beside_kept ? ", plan kept" : "")
                          : "") +
        "), " + heuristic_note;
    finish_exact(ExactEnd{bs.open, bs.cost, bs.bound, bs.optimal, bs.infeasible, bs.lp_unfinished,
                          "the LP relaxation of the Benders master"},
                 method);
    return;
  }
  // 2'. The radius formulation (radius.hpp), caps raised round by round.
  if (radius) {
    const RadiusSolve rs = median_radius(r, in.p, h, in.deadline, fix, have_plan ? h.cost : std::numeric_limits<double>::infinity());
    std::size_t closed = 0, opened = 0;
    for (signed char f : fix) {
      closed += f < 0;
      opened += f > 0;
    }
    out.mip_solves += rs.rounds;
    const std::string method = "radius formulation (" + std::to_string(rs.lp_rounds) + " LP + " +
                               std::to_string(rs.rounds) + " cbc rounds of caps, " + std::to_string(rs.levels) + " levels over " +
                               std::to_string(rs.pairs) + " pairs; " + std::to_string(closed) + " sites closed and " +
                               std::to_string(opened) + " opened by reduced costs), " + heuristic_note;
    finish_exact(ExactEnd{rs.open, rs.cost, rs.bound, rs.optimal, rs.infeasible, rs.lp_unfinished,
                          "the root LP of the radius model"},
                 method);
    return;
  }
  // 3. Capacities (or forced): the assignment MIP, started from the heuristic plan.
  Mip mip;
  const std::vector<int> x = site_columns(mip, r, false);
  std::vector<double> z_cost(r.row_col.size());
  for (std::uint32_t i = 0; i < r.rows(); ++i)
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) z_cost[e] = r.row_weight[i] * r.row_lat[e];
  std::vector<int> z;
  add_assignment(mip, r, x, z, z_cost, {});
  add_count_row(mip, r, x, in.p, true);
  Solution s;
  s.mip = mip.solve(in.deadline, in.threads, {});
  ++out.mip_solves;
  if (s.mip.lp_solved && std::isfinite(s.mip.lp_bound)) bound = std::max(bound, s.mip.lp_bound);
  const bool mip_better = s.mip.has_solution && (!have_plan || s.mip.objective <= h.cost + 1e-9 * std::max(1.0, h.cost));
  if (!mip_better) {
    if (have_plan && !s.mip.proven_infeasible) {
      if (s.mip.has_solution && !(s.mip.bound < -1e30) && std::isfinite(s.mip.bound)) bound = std::max(bound, s.mip.bound);
      const std::string why = !s.mip.lp_solved && s.mip.time_limit
                                  ? "time limit: the root LP of the assignment model did not finish; "
                                  : s.mip.time_limit ? "time limit: " : "";
      plan_from_heuristic(bound,
                          heuristic_note + (s.mip.lp_solved ? ", LP bound" : "") +
                              (s.mip.lp_solved && !s.mip.time_limit ? ", cbc" : s.mip.lp_solved ? ", cbc (time limit)" : ""),
                          why + "the weighted mean latency lies between the bound and the objective");
      return;
    }
    if (cap && h.serves_all && !s.mip.proven_infeasible && capacitated_plan(in, r, h, scale, bound, out)) return;
    out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
    out.reason = s.mip.proven_infeasible ? "no p sites can serve every demand within the budget and capacities"
                                         : "no solution within the time limit";
    if (!s.mip.proven_infeasible && std::isfinite(bound)) out.bound = bound / scale;
    return;
  }
  s.open = open_from(s.mip, x);
  s.from_mip = true;
  finish(in, r, s, false, s.mip.objective / scale, out);
  double b = s.mip.proven_optimal ? s.mip.objective : s.mip.bound;
  if (!std::isfinite(b) || b < -1e30) b = none;
  if (!cap || s.mip.proven_optimal) b = std::max(b, bound);
  out.bound = std::isfinite(b) ? std::min(b, s.mip.objective) / scale : std::numeric_limits<double>::quiet_NaN();
  const bool optimal = s.mip.proven_optimal || (std::isfinite(b) && b >= s.mip.objective - 1e-9 * std::max(1.0, s.mip.objective));
  if (optimal) {
    out.status = SolveStatus::optimal;
    out.bound = out.objective;
  }
  out.gap = optimal ? 0.0 : std::isnan(out.bound) ? out.bound : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
  if (!optimal) out.reason = "time limit: the weighted mean latency lies between the bound and the objective";
  if (!cap) out.method = std::string(optimal ? "cbc" : "cbc (time limit)") + ", " + heuristic_note;
  assign_to_open_sites(in, out);
}

}  // namespace lightcone::placement_detail
