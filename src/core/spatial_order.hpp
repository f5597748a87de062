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

// Indices of pts along a Hilbert curve of order 16 over the points' bounding box
// (longitudes as given; ties by index). Unlike the Morton order, consecutive ranks are
// always neighbouring cells, so any run of ranks covers a compact region: the regions of
// `plan --parts` are runs of this order. Deterministic.
std::vector<std::uint32_t> hilbert_order(std::span<const LonLat> pts);

// The Hilbert index (0 .. 4^16 − 1) of cell (x, y) of a 65536 × 65536 grid.
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y);

}  // namespace lightcone
