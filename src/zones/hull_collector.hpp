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

#include <vector>

#include "core/ids.hpp"
#include "geom/geometry.hpp"

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
  // longitude within [−180, 180]; the collector is then empty.
  geom::Geometry union_all();

 private:
  struct DiscPair {
    LonLat a;
    double ra;
    LonLat b;
    double rb;
  };

  void add_circle_points(LonLat c, double r_m);
  geom::Geometry hull(const DiscPair& d);
  geom::Box box_of(const DiscPair& d) const;
  std::vector<bool> drop_interior(std::vector<geom::Geometry>& parts) const;

  int m_segments;
  double m_ref_lon = 0.0;
  double m_inflate = 1.0;
  std::vector<double> m_az_deg, m_cos_az, m_sin_az;
  std::vector<DiscPair> m_discs;
  std::vector<LonLat> m_pts;
  std::vector<LonLat> m_ring;
};

}  // namespace lightcone
