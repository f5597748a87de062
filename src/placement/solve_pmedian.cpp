// p-median: exactly p new sites (fewer when there are fewer candidates) minimising the
// weighted mean latency (µs) of each demand to its assigned site, capacities respected;
// CBC over site and assignment columns.
#include <cmath>

#include "placement/detail.hpp"
#include "placement/solvers.hpp"

namespace lightcone::placement_detail {

void solve_pmedian(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  const Coverage& cov = *in.coverage;
  double total_weight = 0.0;
  for (std::size_t d = 0; d < cov.demands; ++d) total_weight += value_or(in.weight, d, 1.0);
  Mip mip;
  const std::vector<int> x = site_columns(mip, r, false);
  std::vector<double> z_cost(r.row_col.size());
  for (std::uint32_t i = 0; i < r.rows(); ++i)
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) z_cost[e] = r.row_weight[i] * r.row_lat[e];
  std::vector<int> z;
  add_assignment(mip, r, x, z, z_cost, {});
  add_count_row(mip, r, x, in.p, true);
  Solution s;
  s.mip = mip.solve(in.time_limit_s, in.threads, {});
  ++out.mip_solves;
  if (!s.mip.has_solution) {
    out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
    out.reason = s.mip.proven_infeasible ? "no p sites can serve every demand within the budget and capacities"
                                         : "no solution within the time limit";
    return;
  }
  s.open = open_from(s.mip, x);
  s.from_mip = true;
  finish(in, r, s, false, s.mip.objective / std::max(total_weight, kEps), out);
  if (!std::isnan(out.bound)) out.bound /= std::max(total_weight, kEps);
  if (s.mip.proven_optimal) out.bound = out.objective;
  out.gap = s.mip.proven_optimal ? 0.0 : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
  assign_to_open_sites(in, out);
}

}  // namespace lightcone::placement_detail
