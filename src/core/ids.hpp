// Dense ids and coordinates shared by all modules.
// NodeId / EdgeId are dense 0..n-1 indices into the network's columns.
// LonLat is WGS 84 in degrees, traditional GIS order (longitude first).
#pragma once

#include <cstdint>
#include <limits>

namespace lightcone {

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;
using SiteIndex = std::uint32_t;
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
  friend bool operator==(const LonLat&, const LonLat&) = default;
};

}  // namespace lightcone
