#include "network/geodesic.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace lightcone {
namespace {

constexpr double kA = 6378137.0;              // WGS 84 semi-major axis, m
constexpr double kF = 1.0 / 298.257223563;    // WGS 84 flattening
constexpr double kE2 = kF * (2.0 - kF);        // first eccentricity squared

const geod_geodesic& wgs84() {
  static const geod_geodesic g = [] {
    geod_geodesic out{};
    geod_init(&out, kA, kF);
    return out;
  }();
  return g;
}

}  // namespace

double geodesic_distance_m(LonLat a, LonLat b) {
  if (a == b) return 0.0;
  double s12 = 0.0;
  geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
  return s12;
}

double geodesic_length_m(std::span<const LonLat> line) {
  double total = 0.0;
  for (size_t i = 1; i < line.size(); ++i) total += geodesic_distance_m(line[i - 1], line[i]);
  return total;
}

LonLat geodesic_interpolate(LonLat a, LonLat b, double fraction) {
  if (a == b || fraction <= 0.0) return a;
  if (fraction >= 1.0) return b;
  geod_geodesicline line{};
  geod_inverseline(&line, &wgs84(), a.lat, a.lon, b.lat, b.lon, GEOD_ALL);
  double lat = 0.0;
  double lon = 0.0;
  geod_position(&line, line.s13 * fraction, &lat, &lon, nullptr);
  return {lon, lat};
}

GeodesicLine::GeodesicLine(LonLat a, LonLat b) : m_line(std::make_unique<geod_geodesicline>()), m_a(a), m_b(b) {
  // The same call as geodesic_interpolate, so positions agree with it bit for bit.
  geod_inverseline(m_line.get(), &wgs84(), a.lat, a.lon, b.lat, b.lon, GEOD_ALL);
}
GeodesicLine::~GeodesicLine() = default;
GeodesicLine::GeodesicLine(GeodesicLine&&) noexcept = default;
GeodesicLine& GeodesicLine::operator=(GeodesicLine&&) noexcept = default;

GeodesicLine::Point GeodesicLine::at(double fraction) const {
  const double s = fraction <= 0.0 ? 0.0 : fraction >= 1.0 ? m_line->s13 : m_line->s13 * fraction;
  double lat = 0.0;
  double lon = 0.0;
  double azi = 0.0;
  geod_position(m_line.get(), s, &lat, &lon, &azi);
  if (m_a == m_b || fraction <= 0.0) return {m_a, azi};
  if (fraction >= 1.0) return {m_b, azi};
  return {{lon, lat}, azi};
}

double geodesic_vertex_lat(LonLat p, double azimuth_deg) {
  constexpr double kDeg = std::numbers::pi / 180.0;
  const double phi = p.lat * kDeg;
  const double beta = std::atan2((1.0 - kF) * std::sin(phi), std::cos(phi));  // reduced latitude
  const double c = std::min(1.0, std::abs(std::sin(azimuth_deg * kDeg)) * std::cos(beta));
  const double beta_v = std::acos(c);
  return std::atan2(std::sin(beta_v), (1.0 - kF) * std::cos(beta_v)) / kDeg;
}

LonLat geodesic_destination(LonLat p, double azimuth_deg, double distance_m) {
  double lat = 0.0;
  double lon = 0.0;
  geod_direct(&wgs84(), p.lat, p.lon, azimuth_deg, distance_m, &lat, &lon, nullptr);
  // Keep longitudes continuous with p (no wrap at ±180 for small distances).
  while (lon - p.lon > 180.0) lon -= 360.0;
  while (lon - p.lon < -180.0) lon += 360.0;
  return {lon, lat};
}

double geodesic_ring_area_m2(std::span<const LonLat> ring) {
  std::size_t n = ring.size();
  if (n > 1 && ring.front() == ring.back()) --n;
  if (n < 3) return 0.0;
  geod_polygon poly{};
  geod_polygon_init(&poly, 0);
  for (std::size_t i = 0; i < n; ++i) geod_polygon_addpoint(&wgs84(), &poly, ring[i].lat, ring[i].lon);
  double area = 0.0;
  geod_polygon_compute(&wgs84(), &poly, 0, 1, &area, nullptr);
  return std::abs(area);
}

LocalFrame::LocalFrame(LonLat origin) : m_origin(origin) {
  const double phi = origin.lat * std::numbers::pi / 180.0;
  const double s = std::sin(phi);
  const double w = std::sqrt(1.0 - kE2 * s * s);
  const double n = kA / w;                       // prime vertical radius
  const double m = kA * (1.0 - kE2) / (w * w * w); // meridional radius
  m_kx = n * std::cos(phi) * std::numbers::pi / 180.0;
  m_ky = m * std::numbers::pi / 180.0;
  m_ecef = ecef(origin);
}

LocalFrame::Ecef LocalFrame::ecef(LonLat p) {
  constexpr double kDeg = std::numbers::pi / 180.0;
  Ecef out;
  out.sin_lat = std::sin(p.lat * kDeg);
  out.cos_lat = std::cos(p.lat * kDeg);
  out.sin_lon = std::sin(p.lon * kDeg);
  out.cos_lon = std::cos(p.lon * kDeg);
  const double n = kA / std::sqrt(1.0 - kE2 * out.sin_lat * out.sin_lat);
  out.x = n * out.cos_lat * out.cos_lon;
  out.y = n * out.cos_lat * out.sin_lon;
  out.z = n * (1.0 - kE2) * out.sin_lat;
  return out;
}

double LocalFrame::curvature(const Ecef& p, double dx, double dy, double dz) {
  const double east = -p.sin_lon * dx + p.cos_lon * dy;
  const double north = -p.sin_lat * p.cos_lon * dx - p.sin_lat * p.sin_lon * dy + p.cos_lat * dz;
  const double w2 = 1.0 - kE2 * p.sin_lat * p.sin_lat;
  const double w = std::sqrt(w2);
  const double inv_n = w / kA;                           // 1 / prime vertical radius
  const double inv_m = w2 * w / (kA * (1.0 - kE2));       // 1 / meridional radius
  const double h = east * east + north * north;
  return h > 0.0 ? (north * north * inv_m + east * east * inv_n) / h : inv_n;
}

double LocalFrame::distance_m(LonLat q) const {
  if (q == m_origin) return 0.0;
  const Ecef b = ecef(q);
  const double dx = b.x - m_ecef.x, dy = b.y - m_ecef.y, dz = b.z - m_ecef.z;
  const double c2 = dx * dx + dy * dy + dz * dz;
  if (c2 > kSeriesMaxM * kSeriesMaxM) return geodesic_distance_m(m_origin, q);
  // The curvature at both ends: its mean cancels the first-order change along the arc.
  const double k = 0.5 * (curvature(m_ecef, dx, dy, dz) + curvature(b, -dx, -dy, -dz));
  const double kc2 = k * k * c2;
  return std::sqrt(c2) * (1.0 + kc2 / 24.0 + 3.0 * kc2 * kc2 / 640.0);
}

PlaneScale LocalFrame::plane_scale(double reach_m) const {
  constexpr double kDeg = std::numbers::pi / 180.0;
  const double m_min = kA * (1.0 - kE2);  // meridional radius at the equator: the least
  const double phi0 = std::abs(m_origin.lat) * kDeg;
  const double band = reach_m / m_min;
  const double near = std::max(0.0, phi0 - band);                     // least |φ| in the band
  const double far = std::min(std::numbers::pi / 2.0, phi0 + band);  // greatest
  // N cos φ (the parallel's radius) and M (the meridian's) at a latitude, from its sine and
  // cosine (each computed once: this runs once per point or raster cell).
  struct Radii {
    double parallel, meridian, tan;
  };
  auto radii = [&](double phi) {
    const double sn = std::sin(phi), cs = std::cos(phi);
    const double w2 = 1.0 - kE2 * sn * sn, w = std::sqrt(w2);
    return Radii{kA / w * cs, kA * (1.0 - kE2) / (w2 * w), cs > 1e-9 ? sn / cs : 1e9};
  };
  const Radii r0 = radii(phi0), rn = radii(near), rf = radii(far);
  PlaneScale s;
  // N cos φ falls and M grows with |φ|; rounding: 1e-12 relative each way.
  if (r0.parallel < 1e-9 * kA) {
    s.lo = 0.0;
    s.hi = std::numeric_limits<double>::infinity();
  } else {
    s.lo = std::max(0.0, std::min(rf.parallel / r0.parallel, rn.meridian / r0.meridian) - 1e-12);
    s.hi = std::max(rn.parallel / r0.parallel, rf.meridian / r0.meridian) + 1e-12;
  }
  s.tan_max = rf.tan;
  return s;
}

LocalFrame::Xy LocalFrame::to_xy(LonLat p) const {
  double dlon = p.lon - m_origin.lon;
  if (dlon > 180.0) dlon -= 360.0;
  if (dlon < -180.0) dlon += 360.0;
  return {dlon * m_kx, (p.lat - m_origin.lat) * m_ky};
}

LonLat LocalFrame::to_lonlat(Xy p) const {
  return {m_origin.lon + p.x / m_kx, m_origin.lat + p.y / m_ky};
}

}  // namespace lightcone
