#include "geom/geometry.hpp"

#include "geom/geos_handle.hpp"

#include <cmath>
#include <vector>

namespace lightcone::geom {
namespace {

// The GEOS geometry of g, borrowed for one call.
const GEOSGeometry* in(const Geometry& g) { return g.raw(); }

Geometry owned(GEOSGeometry* g) { return Geometry(geos::own(g).release()); }

geos::Ptr point(LonLat p) { return geos::own(GEOSGeom_createPointFromXY_r(geos::context(), p.lon, p.lat)); }

}  // namespace

Geometry::~Geometry() { geos::Deleter{}(m_g); }

Geometry& Geometry::operator=(Geometry&& o) noexcept {
  if (this != &o) {
    geos::Deleter{}(m_g);
    m_g = std::exchange(o.m_g, nullptr);
  }
  return *this;
}

Geometry from(const MultiPolygon& m) { return Geometry(geos::from(m).release()); }

MultiPolygon to_multipolygon(const Geometry& g) { return geos::to_multipolygon(in(g)); }

Geometry polygon(std::span<const LonLat> closed_ring) { return Geometry(geos::polygon(closed_ring)); }

Geometry rectangle(const Box& b) { return owned(GEOSGeom_createRectangle_r(geos::context(), b.x0, b.y0, b.x1, b.y1)); }

bool is_empty(const Geometry& g) { return GEOSisEmpty_r(geos::context(), in(g)) != 0; }

Box extent(const Geometry& g) {
  Box b;
  if (!is_empty(g)) GEOSGeom_getExtent_r(geos::context(), in(g), &b.x0, &b.y0, &b.x1, &b.y1);
  return b;
}

std::size_t part_count(const Geometry& g) {
  const int n = GEOSGetNumGeometries_r(geos::context(), in(g));
  return n > 0 ? static_cast<std::size_t>(n) : 0;  // -1: GEOS failed
}

Box part_extent(const Geometry& g, std::size_t part) {
  GEOSContextHandle_t ctx = geos::context();
  const GEOSGeometry* p = GEOSGetGeometryN_r(ctx, in(g), static_cast<int>(part));
  Box b;
  if (!GEOSisEmpty_r(ctx, p)) GEOSGeom_getExtent_r(ctx, p, &b.x0, &b.y0, &b.x1, &b.y1);
  return b;
}

Geometry intersection(const Geometry& a, const Geometry& b) {
  return owned(GEOSIntersection_r(geos::context(), in(a), in(b)));
}

Geometry difference(const Geometry& a, const Geometry& b) {
  return owned(GEOSDifference_r(geos::context(), in(a), in(b)));
}

Geometry union_of(const Geometry& a, const Geometry& b) { return owned(GEOSUnion_r(geos::context(), in(a), in(b))); }

Geometry unary_union(std::vector<Geometry> parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (Geometry& p : parts) raw.push_back(p.release());
  return Geometry(geos::unary_union(std::move(raw)).release());
}

Geometry buffer(const Geometry& g, double width, int quadrant_segments) {
  return owned(GEOSBuffer_r(geos::context(), in(g), width, quadrant_segments));
}

Geometry simplify_preserve_topology(const Geometry& g, double tolerance) {
  return owned(GEOSTopologyPreserveSimplify_r(geos::context(), in(g), tolerance));
}

Geometry wrap_antimeridian(Geometry g) {
  if (!g || is_empty(g)) return g;
  const Box e = extent(g);
  if (e.x0 >= -180.0 && e.x1 <= 180.0) return g;
  std::vector<Geometry> parts;
  // Copy k of the world: longitudes [360k − 180, 360k + 180], moved by −360k.
  const auto k0 = static_cast<long>(std::floor((e.x0 + 180.0) / 360.0));
  const auto k1 = static_cast<long>(std::floor((e.x1 + 180.0) / 360.0));
  for (long k = k0; k <= k1; ++k) {
    const double shift = 360.0 * static_cast<double>(k);
    Geometry clip = intersection(g, rectangle({shift - 180.0, e.y0 - 1.0, shift + 180.0, e.y1 + 1.0}));
    if (is_empty(clip)) continue;
    if (k == 0) {
      parts.push_back(std::move(clip));
      continue;
    }
    MultiPolygon m = to_multipolygon(clip);
    for (LonLat& p : m.coords) p.lon -= shift;
    parts.push_back(from(m));
  }
  return unary_union(std::move(parts));
}

bool intersects(const Geometry& a, const Geometry& b) { return GEOSIntersects_r(geos::context(), in(a), in(b)) == 1; }

std::optional<LonLat> point_on_surface(const Geometry& g) {
  GEOSContextHandle_t ctx = geos::context();
  const geos::Ptr rep = geos::own(GEOSPointOnSurface_r(ctx, in(g)));
  LonLat p;
  if (!GEOSisEmpty_r(ctx, rep.get()) && GEOSGeomGetX_r(ctx, rep.get(), &p.lon) && GEOSGeomGetY_r(ctx, rep.get(), &p.lat))
    return p;
  return std::nullopt;
}

Prepared::Prepared(const Geometry& g) : m_prepared(GEOSPrepare_r(geos::context(), in(g))) {}

Prepared::Prepared(const Geometry& g, std::size_t part)
    : m_prepared(GEOSPrepare_r(geos::context(), GEOSGetGeometryN_r(geos::context(), in(g), static_cast<int>(part)))) {}

Prepared::~Prepared() { geos::PreparedDeleter{}(m_prepared); }

bool Prepared::intersects(const Geometry& other) const {
  return GEOSPreparedIntersects_r(geos::context(), m_prepared, in(other)) == 1;
}

bool Prepared::contains(LonLat p) const {
  return GEOSPreparedContains_r(geos::context(), m_prepared, point(p).get()) == 1;
}

bool Prepared::covers(LonLat p) const { return GEOSPreparedCovers_r(geos::context(), m_prepared, point(p).get()) == 1; }

}  // namespace lightcone::geom
