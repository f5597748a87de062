// Polygon operations on lightcone's own MultiPolygon (core/geometry.hpp): set
// operations and point-in-polygon through GEOS, ellipsoidal areas through PROJ's
// geodesic (network/geodesic.hpp). Inputs and results are WGS 84 lon/lat; each call
// converts its inputs to GEOS once and its result back once. GEOS runs with one context
// per thread (created on first use), so these may be called from several threads.
// This module (geom) is the only GEOS user.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/geometry.hpp"

namespace lightcone {

// a minus b (for nested rings: zone(3 ms) − zone(1 ms)).
MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b);
// a ∩ b.
MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b);
// Union of several (one GEOS unary union).
MultiPolygon union_all(std::span<const MultiPolygon> parts);

// Ellipsoidal area in m² (exteriors minus holes).
double area_m2(const MultiPolygon& m);

// Point-in-polygon queries (prepared geometry); one object per thread.
class PolygonLocator {
 public:
  explicit PolygonLocator(const MultiPolygon& m);
  ~PolygonLocator();
  PolygonLocator(const PolygonLocator&) = delete;
  PolygonLocator& operator=(const PolygonLocator&) = delete;
  // True when p lies inside or on the boundary.
  bool covers(LonLat p) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// covers(p) of PolygonLocator(m) for every point, with m converted and prepared once.
std::vector<bool> covers_points(const MultiPolygon& m, std::span<const LonLat> pts);

}  // namespace lightcone
