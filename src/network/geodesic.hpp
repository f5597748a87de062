// Geodesic distances on the WGS 84 ellipsoid (PROJ geodesic, Karney's algorithm),
// and a local tangent-plane frame for small-distance geometry (attach, access).
// Units: metres, degrees. This module is the only PROJ user.
#pragma once

#include <span>

#include "core/ids.hpp"

namespace lightcone {

// Exact geodesic distance in metres between two lon/lat points.
double geodesic_distance_m(LonLat a, LonLat b);
// Geodesic length of a polyline in metres.
double geodesic_length_m(std::span<const LonLat> line);
// Point at `distance_m` along the geodesic from a towards b.
LonLat geodesic_interpolate(LonLat a, LonLat b, double fraction);

// The point at distance_m from p in direction azimuth_deg (clockwise from north).
LonLat geodesic_destination(LonLat p, double azimuth_deg, double distance_m);
// Ellipsoidal area (m²) of a ring (closed or not); positive whatever the orientation.
double geodesic_ring_area_m2(std::span<const LonLat> ring);

// Local east/north plane around an origin, in metres: x = Δlon·cos(lat0)·N, y = Δlat·M,
// with the ellipsoid's radii of curvature at lat0. Accurate to ~1e-4 relative within a
// few tens of km; used to find candidates, exact distances use geodesic_distance_m.
class LocalFrame {
 public:
  explicit LocalFrame(LonLat origin);
  struct Xy {
    double x = 0.0;
    double y = 0.0;
  };
  Xy to_xy(LonLat p) const;
  LonLat to_lonlat(Xy p) const;
  // Metres per degree of longitude / latitude at the origin.
  double m_per_deg_lon() const { return m_kx; }
  double m_per_deg_lat() const { return m_ky; }

 private:
  LonLat m_origin;
  double m_kx = 0.0;
  double m_ky = 0.0;
};

}  // namespace lightcone
