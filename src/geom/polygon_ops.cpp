#include "geom/polygon_ops.hpp"

#include <cstdint>

#include "geom/geometry.hpp"
#include "network/geodesic.hpp"

namespace lightcone {

MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b) {
  const geom::Geometry ga = geom::from(a);
  const geom::Geometry gb = geom::from(b);
  return geom::to_multipolygon(geom::difference(ga, gb));
}

MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b) {
  const geom::Geometry ga = geom::from(a);
  const geom::Geometry gb = geom::from(b);
  return geom::to_multipolygon(geom::intersection(ga, gb));
}

MultiPolygon union_all(std::span<const MultiPolygon> parts) {
  std::vector<geom::Geometry> geoms;
  geoms.reserve(parts.size());
  for (const MultiPolygon& p : parts) geoms.push_back(geom::from(p));
  return geom::to_multipolygon(geom::unary_union(std::move(geoms)));
}

double area_m2(const MultiPolygon& m) {
  double total = 0.0;
  for (std::size_t k = 0; k < m.polygons(); ++k) {
    for (std::uint32_t r = m.polygon_first[k]; r < m.polygon_first[k + 1]; ++r) {
      const double a = geodesic_ring_area_m2(m.ring(r));
      total += r == m.polygon_first[k] ? a : -a;
    }
  }
  return total;
}

struct PolygonLocator::Impl {
  geom::Geometry geometry;
  geom::Prepared prepared;
  explicit Impl(const MultiPolygon& m) : geometry(geom::from(m)), prepared(geometry) {}
};

PolygonLocator::PolygonLocator(const MultiPolygon& m) : m_impl(std::make_unique<Impl>(m)) {}
PolygonLocator::~PolygonLocator() = default;

bool PolygonLocator::covers(LonLat p) const { return m_impl->prepared.covers(p); }

std::vector<bool> covers_points(const MultiPolygon& m, std::span<const LonLat> pts) {
  const PolygonLocator locator(m);
  std::vector<bool> out(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) out[i] = locator.covers(pts[i]);
  return out;
}

}  // namespace lightcone
