// Latency zones (isochrones), DESIGN.md §4. Zone B = { p : latency(p) ≤ B } with the
// point latency of latency/point_latency.hpp: the union of access discs around every
// reached network point, radius = remaining budget / access speed, capped at the
// maximum access distance. Along an edge the radius varies linearly, so the union over
// a straight piece is the convex hull of its two end discs (tapered buffer); edges
// reached partly are cut at the exact point. Circles are approximated from outside:
// polygon vertices lie on a geodesic circle of radius r / cos(π/N) × (1 + 1e-3), so a
// zone never falls short and exceeds the true one by < 0.25 % of each disc's radius.
// This module is the only GEOS user. Budgets and latencies are one-way µs.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/geometry.hpp"
#include "latency/point_latency.hpp"

namespace lightcone {

struct ZoneOptions {
  // Vertices per full circle. DEFAULT: 64. REQUIRES: >= 8.
  int circle_segments = 64;
  // Access from any edge point (default) or only from nodes, as in point latency.
  AccessFrom access_from = AccessFrom::edges;
};

// Zone polygon for one-way budget `budget_us` given every node's one-way latency.
MultiPolygon zone_polygon(const Network& net, std::span<const double> node_us, const AccessCost& access,
                          double budget_us, const ZoneOptions& options = {});

// A simpler polygon that contains `m` (it only ever grows): buffered outwards by the
// tolerance, then simplified by it (Douglas-Peucker preserving topology), in lon/lat
// degrees with tolerance_m / 111 320 m per degree. The boundary moves out by at most
// about 2 × tolerance_m. REQUIRES: tolerance_m > 0.
MultiPolygon simplify_outward(const MultiPolygon& m, double tolerance_m);

// a minus b (for nested rings: zone(3 ms) − zone(1 ms)).
MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b);
// a ∩ b.
MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b);
// Union of several.
MultiPolygon union_all(std::span<const MultiPolygon> parts);

// Ellipsoidal area in m² (exteriors minus holes).
double area_m2(const MultiPolygon& m);

// Point-in-zone queries (prepared geometry); one object per thread.
class ZoneLocator {
 public:
  explicit ZoneLocator(const MultiPolygon& zone);
  ~ZoneLocator();
  ZoneLocator(const ZoneLocator&) = delete;
  ZoneLocator& operator=(const ZoneLocator&) = delete;
  // True when p lies inside or on the boundary.
  bool covers(LonLat p) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lightcone
