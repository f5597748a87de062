// Private to src/placement: CBC models over the reduced model (mip.hpp is the CBC
// wrapper). One binary column x_j per kept site (fixed sites at 1), count and assignment
// rows, MIP starts from heuristic plans, and the minimum-cost covering MIP, whole or by
// row generation over growing subsets of the rows. Time: PlacementInput::deadline (wall).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "placement/mip.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

// A plan over the reduced columns and, when CBC found it, CBC's answer (bound, status).
struct Solution {
  std::vector<char> open;  // per reduced column
  MipResult mip;
  bool from_mip = false;
};

// One binary column per reduced column (fixed ones at 1), costed when cost_in_objective.
std::vector<int> site_columns(Mip& mip, const Reduced& r, bool cost_in_objective);

// Assignment variables z_ij (row i, entry e) with Σ_e z = rhs_i, z ≤ x_j, loads ≤ capacity.
// rhs_i: 1, or y_i when y is given; z_cost per entry (empty: 0).
void add_assignment(Mip& mip, const Reduced& r, const std::vector<int>& x, std::vector<int>& z,
                    const std::vector<double>& z_cost, const std::vector<int>& y);

// New sites (existing ones do not count): at most p, or exactly min(p, new sites).
void add_count_row(Mip& mip, const Reduced& r, const std::vector<int>& x, int p, bool exactly);

// A MIP start from a plan: x_j = open[j], every other column 0.
std::vector<double> start_vector(const Mip& mip, const std::vector<int>& x, const std::vector<char>& open);

// The plan in a MIP solution (x_j > 0.5).
std::vector<char> open_from(const MipResult& m, const std::vector<int>& x);

// Minimum-cost cover with every row covered k times (capacities via assignment).
// extra: further covering rows (reduced columns), each to be covered once (survival).
// cutoff: only covers cheaper than it count (Mip::solve); none → proven_infeasible.
Solution solve_cover(const Reduced& r, int k, const PlacementInput& in, bool unit_cost,
                     const std::vector<std::vector<std::uint32_t>>& extra = {}, const std::vector<char>* start = nullptr,
                     double cutoff = std::numeric_limits<double>::infinity());

// Row generation for uncapacitated covering without extra rows (each row covered
// min(k, options) times): the covering MIP on a subset of the rows (the ones with the
// fewest options first), its solution checked against every row, violated rows added
// (fewest options first), repeated under the remaining time limit. Each sub-MIP is a
// relaxation of the full one, so its bound is a lower bound for the full problem; the
// answer is optimal when the last sub-MIP is optimal and covers every row. When time
// runs out: the cheapest full cover seen (start, or a sub-solution completed greedily),
// with the best bound found. mip_solves counts the sub-MIPs.
Solution solve_cover_rowgen(const Reduced& r, int k, const PlacementInput& in, const std::vector<char>& start,
                            std::size_t& mip_solves, int& rounds);

}  // namespace lightcone::placement_detail
