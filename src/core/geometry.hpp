// Finished geometry exchanged between modules as plain data (WGS 84 lon/lat).
// MultiPolygon: polygons → rings → vertices; the first ring of each polygon is its
// exterior, the others holes; rings are closed (first vertex == last vertex).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ids.hpp"

namespace lightcone {

struct MultiPolygon {
  std::vector<LonLat> coords;
  std::vector<std::uint32_t> ring_first{0};     // ring r = coords[ring_first[r] .. ring_first[r+1])
  std::vector<std::uint32_t> polygon_first{0};  // polygon k = rings [polygon_first[k] .. polygon_first[k+1])

  std::size_t polygons() const { return polygon_first.size() - 1; }
  std::size_t rings() const { return ring_first.size() - 1; }
  bool empty() const { return polygons() == 0; }
  std::span<const LonLat> ring(std::size_t r) const {
    return {coords.data() + ring_first[r], coords.data() + ring_first[r + 1]};
  }
  void add_ring(std::span<const LonLat> pts) {
    coords.insert(coords.end(), pts.begin(), pts.end());
    ring_first.push_back(static_cast<std::uint32_t>(coords.size()));
  }
  void close_polygon() { polygon_first.push_back(static_cast<std::uint32_t>(rings())); }
};

}  // namespace lightcone
