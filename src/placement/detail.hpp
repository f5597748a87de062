// Private to src/placement (no other module includes it): the small pieces every stage
// of the placement solver shares. kEps is the tolerance of scores and costs. Time is a
// wall-clock Deadline (deadline.hpp), PlacementInput::deadline inside the solvers.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "placement/placement.hpp"

namespace lightcone::placement_detail {

inline constexpr double kEps = 1e-9;

// v[i], or def when the column was not given (empty).
inline double value_or(const std::vector<double>& v, std::size_t i, double def) { return v.empty() ? def : v[i]; }

// Whether any site has a finite capacity.
inline bool has_capacities(const PlacementInput& in) {
  return !in.capacity.empty() &&
         std::any_of(in.capacity.begin(), in.capacity.end(), [](double c) { return std::isfinite(c); });
}

}  // namespace lightcone::placement_detail
