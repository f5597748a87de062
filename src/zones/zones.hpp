// Latency zones (isochrones), DESIGN.md §4. Zone B = { p : latency(p) ≤ B } with the
// point latency of latency/point_latency.hpp: the union of access discs around every
// reached network point, radius = remaining budget / access speed, capped at the
// maximum access distance. Along an edge the radius varies linearly, so the union over
// a straight piece is the convex hull of its two end discs (tapered buffer); edges
// reached partly are cut at the exact point. Circles are approximated from outside:
// polygon vertices lie on a geodesic circle of radius r / cos(π/N) × (1 + 1e-3), so a
// zone never falls short and exceeds the true one by < 0.25 % of each disc's radius.
// Polygon operations (union, difference, area, point in polygon) are geom's
// (geom/polygon_ops.hpp); zones reaches GEOS only through geom. Budgets and latencies
// are one-way µs.
// Files: construct.cpp (zone_polygon; hull_collector.* and construct.hpp, internal,
// build the union of tapered buffers), split.cpp, simplify.cpp, sample.cpp.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
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
  // Worker threads for the zone's tiles (zone_pieces); 0 = all cores. DEFAULT: 1.
  unsigned threads = 1;
};

// Zone polygon for one-way budget `budget_us` given every node's one-way latency.
// Built by tiles (below): zone_from_pieces(zone_pieces(..., zone_reference_lon(net))).
MultiPolygon zone_polygon(const Network& net, std::span<const double> node_us, const AccessCost& access,
                          double budget_us, const ZoneOptions& options = {});

// Zones by tiles, so that a plan in parts can build each tile's piece where its network
// is (plan/parts.hpp) and the union of the pieces is the zone, byte for byte. The tiles
// are a fixed lattice of kZoneTileDeg degrees: tile (i, j) is [i·T, (i+1)·T] ×
// [j·T, (j+1)·T] in continuous longitudes (a network's longitudes moved by multiples of
// 360° next to a reference longitude: zone_reference_lon, the middle of the smallest arc
// holding every node's longitude, so that a network across the antimeridian has one
// piece per place). A tile's piece is the union of the tapered buffers whose box meets
// the tile, in one order of their values, clipped to the tile; the zone is the union of
// the pieces in tile order (row j, then i), cut at the antimeridian.
inline constexpr double kZoneTileDeg = 1.0;
struct ZoneTile {
  std::int32_t j = 0, i = 0;  // row (latitude), column (continuous longitude)
  auto operator<=>(const ZoneTile&) const = default;
};
struct ZonePiece {
  ZoneTile tile;
  MultiPolygon shape;  // continuous longitudes; empty when the zone misses the tile
};
double zone_reference_lon(const Network& net);
// The tiles some buffer of zone B meets (every non-empty piece is in one of them), in order.
std::vector<ZoneTile> zone_tiles(const Network& net, std::span<const double> node_us, const AccessCost& access,
                                 double budget_us, const ZoneOptions& options, double ref_lon);
// The pieces of zone B: of every tile it meets that `wanted` accepts (DEFAULT: all), in
// tile order (on options.threads threads).
std::vector<ZonePiece> zone_pieces(const Network& net, std::span<const double> node_us, const AccessCost& access,
                                   double budget_us, const ZoneOptions& options, double ref_lon,
                                   const std::function<bool(const ZoneTile&)>& wanted = {});
// The zone from its pieces (any order; sorted by tile here; empty ones skipped).
// REQUIRES: no tile twice.
MultiPolygon zone_from_pieces(std::vector<ZonePiece> pieces);

// Per-site split of zone B (DEFAULT off; `zones --split`): each location of the zone goes
// to its nearest site, i.e. the site through which point latency (§3) is lowest.
// Construction: (1) every reached network piece belongs to the site that reaches it
// first (multi-source owner; an edge between two owners is cut at the exact meeting
// point), and P_s is the union of the tapered access buffers of s's pieces, built
// like zone_polygon, so the union of all P_s is the zone; (2) where no other P_t
// overlaps, P_s is exact; (3) the overlap O (points in two or more P_s) is cut along
// a grid of cells at most cell_m × cell_m: each cell goes to the nearest site of its
// centre (PointLatencyQuery), and part_s = (P_s − O) ∪ (O ∩ cells of s).
// Guarantees: the parts are disjoint and their union is the zone (areas add up to
// the zone's area); a point of part s has s as its nearest site unless it lies within
// one cell diagonal (√2 · cell_m) of the true split curve, which no polygon can follow
// exactly (it is made of hyperbola-like arcs between access discs).
struct SplitOptions {
  // Cell size of the overlap grid in metres. DEFAULT: 250. REQUIRES: > 0.
  double cell_m = 250.0;
  // Refuse overlaps needing more cells than this (InputError). DEFAULT: 4 000 000.
  double max_cells = 4e6;
  // Worker threads for the cell evaluation; 0 = all cores.
  unsigned threads = 0;
};

// Zone B split by nearest site: one MultiPolygon per source index 0..sources-1 (empty
// when the source owns nothing within B). node_us / node_source: one-way latency and
// nearest source of every node from a multi-source search under `model`.
std::vector<MultiPolygon> split_zone_by_site(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                             std::span<const double> node_us,
                                             std::span<const std::uint32_t> node_source, std::size_t sources,
                                             double budget_us, const ZoneOptions& options,
                                             const SplitOptions& split = {});

// An area-weighted, deterministic sample of about `n` points inside `m` (demand
// polygons, `--demand-sample`): the centres of a regular square grid in the polygon's
// local east/north frame, centred on its bounding box, spacing √(area / n), kept where
// they lie inside m. Each point stands for an equal share of the area. When fewer than n/2 centres fall inside (thin or ragged polygons) the spacing is
// halved, up to 4 times; a polygon no centre falls in gets one interior point (GEOS
// point on surface). Order: by grid row (south first), then column. REQUIRES: n >= 1.
std::vector<LonLat> sample_polygon(const MultiPolygon& m, int n);

// A simpler polygon that contains `m` (it only ever grows): buffered outwards by the
// tolerance, then simplified by it (Douglas-Peucker preserving topology), in lon/lat
// degrees with tolerance_m / 111 320 m per degree. The boundary moves out by at most
// about 2 × tolerance_m. REQUIRES: tolerance_m > 0.
MultiPolygon simplify_outward(const MultiPolygon& m, double tolerance_m);

}  // namespace lightcone
