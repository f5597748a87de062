// Geodesic distances on the WGS 84 ellipsoid (PROJ geodesic, Karney's algorithm; short ones
// from a point also by a faster series, LocalFrame::distance_m),
// and a local tangent-plane frame for small-distance geometry (attach, access).
// Units: metres, degrees. This module is the only PROJ user.
#pragma once

#include <limits>
#include <memory>
#include <span>

#include "core/ids.hpp"

struct geod_geodesicline;  // PROJ's geodesic.h

namespace lightcone {

// Exact geodesic distance in metres between two lon/lat points.
double geodesic_distance_m(LonLat a, LonLat b);
// Geodesic length of a polyline in metres.
double geodesic_length_m(std::span<const LonLat> line);
// Point at `distance_m` along the geodesic from a towards b.
LonLat geodesic_interpolate(LonLat a, LonLat b, double fraction);

// The geodesic from a to b solved once, for many points along it (the inverse problem
// is the expensive part of geodesic_interpolate). Move-only.
class GeodesicLine {
 public:
  GeodesicLine(LonLat a, LonLat b);
  ~GeodesicLine();
  GeodesicLine(GeodesicLine&&) noexcept;
  GeodesicLine& operator=(GeodesicLine&&) noexcept;
  struct Point {
    LonLat at;
    double azimuth_deg = 0.0;  // forward azimuth of the geodesic at `at`, clockwise from north
  };
  // The point at `fraction` of the way from a to b: bit for bit geodesic_interpolate(a, b,
  // fraction) (a itself at fraction <= 0, b at >= 1), with the azimuth there.
  Point at(double fraction) const;

 private:
  std::unique_ptr<geod_geodesicline> m_line;
  LonLat m_a, m_b;
};

// The highest |latitude| (degrees, >= 0) a geodesic reaches, from any one of its points
// and the azimuth there (Clairaut: sin(azimuth)·cos(reduced latitude) is constant).
double geodesic_vertex_lat(LonLat p, double azimuth_deg);

// The point at distance_m from p in direction azimuth_deg (clockwise from north).
LonLat geodesic_destination(LonLat p, double azimuth_deg, double distance_m);
// Ellipsoidal area (m²) of a ring (closed or not); positive whatever the orientation.
double geodesic_ring_area_m2(std::span<const LonLat> ring);

// How far plane distances in a LocalFrame may stray from geodesic ones, for points q
// within plane distance `reach` of the origin p (LocalFrame::plane_scale):
//   lo · plane(p, q) ≤ geodesic(p, q) ≤ hi · plane(p, q),
// and a point of a fibre piece (a geodesic of length L ≤ `reach`) lies within margin_m(L)
// of the plane chord between its ends (and of the lon/lat box of its ends).
struct PlaneScale {
  double lo = 0.0;       // in [0, 1]; 0: no bound (within `reach` of a pole)
  double hi = 0.0;       // ≥ 1; infinity: no bound
  double tan_max = 0.0;  // |tan| of the pole-most latitude within reach
  double margin_m(double length_m) const { return length_m * (1e-3 + length_m * tan_max / 4e6) + 0.01; }
  // The greatest plane distance from the origin of a point within geodesic distance g ≤
  // reach of it (g / lo; infinity when lo is 0).
  double plane_of(double geodesic_m) const {
    return lo > 0.0 ? geodesic_m / lo * (1.0 + 1e-12) : std::numeric_limits<double>::infinity();
  }
};

// Local east/north plane around an origin, in metres: x = Δlon·cos(lat0)·N, y = Δlat·M,
// with the ellipsoid's radii of curvature at lat0. Accurate to ~1e-4 relative within a
// few tens of km; used to find candidates, exact distances use distance_m.
class LocalFrame {
 public:
  explicit LocalFrame(LonLat origin);
  // The geodesic distance (m) from the origin to q, fast (≈ 40 ns against ≈ 600 ns for
  // geodesic_distance_m): the chord between the two points in Earth-centred coordinates,
  // lengthened to the arc of their normal section by s = c·(1 + κ²c²/24 + 3κ⁴c⁴/640), κ the
  // mean of the two ends' normal curvatures in the chord's direction (Euler: cos²α / M +
  // sin²α / N). Within 1e-8 m of the geodesic up to 10 km, 1e-7 m up to 50 km and 2e-6 m up
  // to kSeriesMaxM, at any latitude and across the antimeridian (tested against PROJ's
  // geod_inverse); a longer chord gets geodesic_distance_m itself. The access legs' exact
  // costs use it, in point latency and the coverage build alike.
  double distance_m(LonLat q) const;
  static constexpr double kSeriesMaxM = 100e3;
  // Bounds of geodesic over plane distance from the origin within plane distance reach_m
  // (PlaneScale). The ellipsoid's metric is (M dφ)² + (N cos φ dλ)², the plane's the same
  // with M, N cos φ frozen at the origin; along any curve within the band of latitudes
  // |φ − φ0| ≤ reach / M_min the ratio of the two lengths lies between the least and the
  // greatest of M(φ)/M(φ0) and N(φ) cos φ / (N(φ0) cos φ0) there. The plane chord stays in
  // that band, so geodesic ≤ hi · plane; a geodesic no longer than reach stays in it too,
  // so geodesic ≥ lo · plane (and a longer one exceeds reach ≥ lo · plane).
  PlaneScale plane_scale(double reach_m) const;
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
  // A point in Earth-centred coordinates (m) with the sines and cosines of its latitude
  // and longitude.
  struct Ecef {
    double x = 0.0, y = 0.0, z = 0.0;
    double sin_lat = 0.0, cos_lat = 1.0, sin_lon = 0.0, cos_lon = 1.0;
  };
  static Ecef ecef(LonLat p);
  // The normal curvature (1/m) at p in the horizontal direction of (dx, dy, dz).
  static double curvature(const Ecef& p, double dx, double dy, double dz);

  LonLat m_origin;
  double m_kx = 0.0;
  double m_ky = 0.0;
  Ecef m_ecef;
};

}  // namespace lightcone
