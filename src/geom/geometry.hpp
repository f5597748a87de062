// Polygons held by GEOS, for algorithms that chain several operations on the same
// geometry (zones: unions of hulls, the per-site split) without converting to and from
// MultiPolygon between steps. Coordinates are WGS 84 lon/lat degrees; GEOS works in
// that plane. No GEOS header is included here: GEOS's C handle types are only declared.
// Ownership: a Geometry owns its GEOS geometry (move-only); a Prepared borrows the
// Geometry it was made from, which must outlive it. Threads: GEOS runs with one
// context per thread; make, use and destroy a Geometry on one thread.
// Failures of GEOS operations throw std::runtime_error("GEOS: <message>").
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/geometry.hpp"

struct GEOSGeom_t;      // GEOSGeometry of geos_c.h
struct GEOSPrepGeom_t;  // GEOSPreparedGeometry of geos_c.h

namespace lightcone::geom {

// A lon/lat extent; empty (x0 > x1) until something is added.
struct Box {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  bool empty() const { return x0 > x1; }
  bool intersects(const Box& o) const { return x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1; }
  void add(const Box& o) {
    x0 = std::min(x0, o.x0);
    y0 = std::min(y0, o.y0);
    x1 = std::max(x1, o.x1);
    y1 = std::max(y1, o.y1);
  }
};

class Geometry {
 public:
  Geometry() = default;  // no geometry: false
  explicit Geometry(GEOSGeom_t* owned) : m_g(owned) {}
  ~Geometry();
  Geometry(Geometry&& o) noexcept : m_g(std::exchange(o.m_g, nullptr)) {}
  Geometry& operator=(Geometry&& o) noexcept;
  Geometry(const Geometry&) = delete;
  Geometry& operator=(const Geometry&) = delete;

  explicit operator bool() const { return m_g != nullptr; }
  // For the geom module: the GEOS geometry, borrowed or handed over.
  const GEOSGeom_t* raw() const { return m_g; }
  GEOSGeom_t* release() { return std::exchange(m_g, nullptr); }

 private:
  GEOSGeom_t* m_g = nullptr;
};

// m as a GEOS multipolygon, and back (polygons of the result; other parts dropped).
Geometry from(const MultiPolygon& m);
MultiPolygon to_multipolygon(const Geometry& g);

// The polygon with exterior `closed_ring` (first vertex == last) and no holes; no
// geometry (false) when GEOS refuses the ring.
Geometry polygon(std::span<const LonLat> closed_ring);
// The axis-parallel rectangle b. REQUIRES: !b.empty().
Geometry rectangle(const Box& b);

bool is_empty(const Geometry& g);
// The bounding box; empty for an empty geometry.
Box extent(const Geometry& g);
// Parts of a multi-geometry or collection (1 for a single polygon), and one part's box.
std::size_t part_count(const Geometry& g);
Box part_extent(const Geometry& g, std::size_t part);

Geometry intersection(const Geometry& a, const Geometry& b);
Geometry difference(const Geometry& a, const Geometry& b);
Geometry union_of(const Geometry& a, const Geometry& b);
// The union of all parts (one GEOS unary union of their collection); consumes them.
Geometry unary_union(std::vector<Geometry> parts);
// Buffer by `width` (degrees) with `quadrant_segments` per quarter circle.
Geometry buffer(const Geometry& g, double width, int quadrant_segments);
// Douglas-Peucker simplification by `tolerance` (degrees) that keeps the topology.
Geometry simplify_preserve_topology(const Geometry& g, double tolerance);
// g cut at the antimeridian as GeoJSON (RFC 7946 §3.1.9) and OGC expect: the parts
// beyond ±180° of longitude are moved by a multiple of 360° into [−180, 180] and
// unioned with what they meet there; the two sides of a polygon crossing ±180 become
// two polygons, one ending at 180 and one at −180. g itself (moved, not copied) when
// every longitude already lies within [−180, 180].
Geometry wrap_antimeridian(Geometry g);

bool intersects(const Geometry& a, const Geometry& b);
// A point inside g (GEOS point on surface); none when g is empty.
std::optional<LonLat> point_on_surface(const Geometry& g);

// A geometry prepared for many predicate queries; one object per thread.
class Prepared {
 public:
  explicit Prepared(const Geometry& g);
  // Part `part` of g (see part_count).
  Prepared(const Geometry& g, std::size_t part);
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  bool intersects(const Geometry& other) const;
  // p in the interior (contains) or in the interior or on the boundary (covers).
  bool contains(LonLat p) const;
  bool covers(LonLat p) const;

 private:
  const GEOSPrepGeom_t* m_prepared;
};

}  // namespace lightcone::geom
