// A space-filling (Morton, Z-order) order of positions: positions close on the ground get
// close ranks, so data laid out or visited in this order stays compact in memory.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ids.hpp"

namespace lightcone {

// Indices of pts by Morton key of their position quantised to 16 bits per axis over the
// points' bounding box; ties by index. Deterministic.
std::vector<std::uint32_t> spatial_order(std::span<const LonLat> pts);

}  // namespace lightcone
