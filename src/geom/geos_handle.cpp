#include "geom/geos_handle.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightcone::geos {
namespace {

void on_error(const char* message, void* user) {
  auto* last = static_cast<std::string*>(user);
  *last = message ? message : "unknown GEOS error";
}

// A thread's GEOS context and the last error message GEOS reported in it.
class ThreadContext {
 public:
  ThreadContext() : m_ctx(GEOS_init_r()) {
    if (!m_ctx) throw std::runtime_error("GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(m_ctx, on_error, &m_last_error);
  }
  ~ThreadContext() { GEOS_finish_r(m_ctx); }
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;

  GEOSContextHandle_t ctx() const { return m_ctx; }
  const std::string& last_error() const { return m_last_error; }

 private:
  GEOSContextHandle_t m_ctx;
  std::string m_last_error;
};

ThreadContext& this_thread() {
  thread_local ThreadContext context;
  return context;
}

void append_ring(GEOSContextHandle_t ctx, const GEOSGeometry* ring, MultiPolygon& out) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(ctx, seq, &n);
  std::vector<LonLat> pts(n);
  for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &pts[i].lon, &pts[i].lat);
  out.add_ring(pts);
}

void append_polygon(GEOSContextHandle_t ctx, const GEOSGeometry* poly, MultiPolygon& out) {
  if (GEOSisEmpty_r(ctx, poly)) return;
  append_ring(ctx, GEOSGetExteriorRing_r(ctx, poly), out);
  const int holes = GEOSGetNumInteriorRings_r(ctx, poly);
  for (int h = 0; h < holes; ++h) append_ring(ctx, GEOSGetInteriorRingN_r(ctx, poly, h), out);
  out.close_polygon();
}

}  // namespace

GEOSContextHandle_t context() { return this_thread().ctx(); }

void Deleter::operator()(GEOSGeometry* g) const {
  if (g) GEOSGeom_destroy_r(context(), g);
}

void PreparedDeleter::operator()(const GEOSPreparedGeometry* p) const {
  if (p) GEOSPreparedGeom_destroy_r(context(), p);
}

Ptr own(GEOSGeometry* g) {
  if (!g) throw std::runtime_error("GEOS: " + this_thread().last_error());
  return Ptr(g);
}

GEOSCoordSequence* sequence(std::span<const LonLat> pts) {
  GEOSContextHandle_t ctx = context();
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(pts.size()), 2);
  for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(ctx, seq, i, pts[i].lon, pts[i].lat);
  return seq;
}

GEOSGeometry* polygon(std::span<const LonLat> closed_ring) {
  GEOSContextHandle_t ctx = context();
  GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, sequence(closed_ring));
  return shell ? GEOSGeom_createPolygon_r(ctx, shell, nullptr, 0) : nullptr;
}

Ptr from(const MultiPolygon& m) {
  GEOSContextHandle_t ctx = context();
  std::vector<GEOSGeometry*> polys;
  for (std::size_t k = 0; k < m.polygons(); ++k) {
    const std::uint32_t r0 = m.polygon_first[k];
    const std::uint32_t r1 = m.polygon_first[k + 1];
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, sequence(m.ring(r0)));
    std::vector<GEOSGeometry*> holes;
    for (std::uint32_t r = r0 + 1; r < r1; ++r) holes.push_back(GEOSGeom_createLinearRing_r(ctx, sequence(m.ring(r))));
    polys.push_back(GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size())));
  }
  return own(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

MultiPolygon to_multipolygon(const GEOSGeometry* g) {
  GEOSContextHandle_t ctx = context();
  MultiPolygon out;
  const int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_POLYGON) {
    append_polygon(ctx, g, out);
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, g, i);
      if (GEOSGeomTypeId_r(ctx, part) == GEOS_POLYGON) append_polygon(ctx, part, out);
    }
  }
  return out;
}

Ptr unary_union(std::vector<GEOSGeometry*> parts) {
  GEOSContextHandle_t ctx = context();
  auto coll = own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                              static_cast<unsigned>(parts.size())));
  return own(GEOSUnaryUnion_r(ctx, coll.get()));
}

}  // namespace lightcone::geos
