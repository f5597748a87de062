// Internal to the zones module: the union of tapered access buffers. A tapered buffer
// is the union of discs whose radius varies linearly from ra at a to rb at b; it is the
// convex hull of the two end discs (the radius changes slower than the position,
// |dr/ds| ≤ 1). Circles are approximated from outside (see zones.hpp): vertices lie
// on a circle of radius r / cos(π/N) × (1 + kSafety) + 1 cm, N = segments.
// Radii in metres; positions lon/lat. Across the antimeridian: every buffer is built
// with continuous longitudes near a reference longitude (the middle of the data's
// longitude arc), and the union is cut at ±180 (geom::wrap_antimeridian), so the result
// lies within [−180, 180] whichever side of the line the network is on.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "geom/geometry.hpp"
#include "zones/zones.hpp"

namespace lightcone {

// Collects tapered buffers and builds their union; the hull polygons are built when
// union_all() runs, and only those the union needs (see hull_collector.cpp).
class HullCollector {
 public:
  // REQUIRES: segments >= 8. ref_lon: buffers are built at a's longitude moved by a
  // multiple of 360° into [ref_lon − 180, ref_lon + 180), b's next to a's (DEFAULT: 0).
  explicit HullCollector(int segments, double ref_lon = 0.0);

  // Adds the tapered buffer from (a, ra) to (b, rb); nothing when both radii are ≤ 0.
  void add_tapered(LonLat a, double ra, LonLat b, double rb);

  // The union of everything added (GEOS geometry), cut at the antimeridian with every
  // longitude within [−180, 180]; the collector is then empty. Built by tiles, as
  // zone_polygon is (zone_from_pieces of every tile's piece), so that unions of subsets
  // of the buffers have the zone's vertices where they cross a tile's edge.
  geom::Geometry union_all();
  // The same union in one piece, not by tiles (the construction before tiles; the tests
  // compare the two). The collector is then empty.
  geom::Geometry union_untiled();

  // By tiles (ZoneTile, zones.hpp): the tiles some buffer's box (box_of) meets, in order.
  std::vector<ZoneTile> tiles();
  // One piece per tile of `want` (ascending, each at most once): the union of the
  // buffers whose box meets the tile, clipped to it (continuous longitudes, not cut at
  // the antimeridian; empty when nothing of the union lies in it). The buffers are
  // taken in one order of their values (equal ones once), so a piece depends only on
  // the set of buffers meeting its tile, not on the order they were added in. Tiles
  // run on `threads` threads (0: all cores).
  std::vector<MultiPolygon> tile_pieces(std::span<const ZoneTile> want, unsigned threads = 1);

 private:
  struct DiscPair {
    LonLat a;
    double ra;
    LonLat b;
    double rb;
  };

  // Scratch space of one thread's hulls.
  struct Scratch {
    std::vector<LonLat> pts, ring;
  };

  void add_circle_points(LonLat c, double r_m, std::vector<LonLat>& pts) const;
  geom::Geometry hull(const DiscPair& d, Scratch& s) const;
  geom::Box box_of(const DiscPair& d) const;
  std::vector<bool> drop_interior(std::span<const DiscPair> discs, std::vector<geom::Geometry>& parts) const;
  // The union of `discs` (continuous longitudes).
  geom::Geometry union_of(std::span<const DiscPair> discs, Scratch& s) const;
  // The buffers in the order of their values, equal ones once; then (tile key, buffer)
  // pairs, by tile key then buffer: m_by_tile.
  void index_tiles();

  int m_segments;
  double m_ref_lon = 0.0;
  double m_inflate = 1.0;
  std::vector<double> m_az_deg, m_cos_az, m_sin_az;
  std::vector<DiscPair> m_discs;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> m_by_tile;
  bool m_indexed = false;
};

}  // namespace lightcone
