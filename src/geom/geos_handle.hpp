// Internal to the geom module (included by src/geom/*.cpp only, never by a header
// other modules include): RAII over GEOS's reentrant C API (`_r` functions).
// One GEOS context per thread, created on first use and finished when the thread
// ends; a geometry is created, used and destroyed on one thread. Geometries have one
// owner (Ptr); functions taking `const GEOSGeometry*` only borrow.
#pragma once

#include <geos_c.h>

#include <memory>
#include <span>
#include <vector>

#include "core/geometry.hpp"

namespace lightcone::geos {

// This thread's GEOS context (created on the first call in the thread).
GEOSContextHandle_t context();

struct Deleter {
  void operator()(GEOSGeometry* g) const;
};
using Ptr = std::unique_ptr<GEOSGeometry, Deleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* p) const;
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Takes ownership of g; throws std::runtime_error("GEOS: <last message>") when g is
// null (the operation that made it failed).
Ptr own(GEOSGeometry* g);

// A coordinate sequence of pts (owned by the caller until a ring takes it).
GEOSCoordSequence* sequence(std::span<const LonLat> pts);

// The polygon with exterior `closed_ring` and no holes; nullptr when GEOS refuses it.
GEOSGeometry* polygon(std::span<const LonLat> closed_ring);

// m as a GEOS MULTIPOLYGON, and back. to_multipolygon keeps the polygons of a POLYGON,
// MULTIPOLYGON or GEOMETRYCOLLECTION (other parts are dropped; empty ones too).
Ptr from(const MultiPolygon& m);
MultiPolygon to_multipolygon(const GEOSGeometry* g);

// The union of `parts` (a GEOMETRYCOLLECTION of them, then GEOSUnaryUnion); takes
// ownership of every part.
Ptr unary_union(std::vector<GEOSGeometry*> parts);

}  // namespace lightcone::geos
