#include "zones/zones.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "network/geodesic.hpp"

namespace lightcone {
namespace {

// Longest straight piece used for one hull: keeps lon/lat chords close to geodesics.
constexpr double kMaxPieceM = 5000.0;
// Outward safety on every circle (covers lon/lat chord and hull-side approximations).
constexpr double kSafety = 1e-3;
// Circles up to this radius get their vertices from the mid-latitude plane (fast).
constexpr double kFastCircleM = 20000.0;
// The interior-cell filter of HullCollector runs from this many hulls on, with a grid
// of at most this many cells.
constexpr std::size_t kFilterMinHulls = 2000;
constexpr double kFilterMaxCells = 4e6;

void geos_error(const char* message, void* user) {
  auto* last = static_cast<std::string*>(user);
  *last = message ? message : "unknown GEOS error";
}

// One GEOS context per call chain; geometries are owned by unique_ptrs bound to it.
class Geos {
 public:
  Geos() : m_ctx(GEOS_init_r()) {
    if (!m_ctx) throw std::runtime_error("GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(m_ctx, geos_error, &m_last_error);
  }
  ~Geos() { GEOS_finish_r(m_ctx); }
  Geos(const Geos&) = delete;
  Geos& operator=(const Geos&) = delete;
  GEOSContextHandle_t ctx() const { return m_ctx; }

  struct Deleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSGeometry* g) const {
      if (g) GEOSGeom_destroy_r(ctx, g);
    }
  };
  using Ptr = std::unique_ptr<GEOSGeometry, Deleter>;
  Ptr own(GEOSGeometry* g) const {
    if (!g) throw std::runtime_error("GEOS: " + m_last_error);
    return Ptr(g, Deleter{m_ctx});
  }

  GEOSCoordSequence* sequence(std::span<const LonLat> pts) const {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(m_ctx, static_cast<unsigned>(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(m_ctx, seq, i, pts[i].lon, pts[i].lat);
    return seq;
  }

  Ptr from(const MultiPolygon& m) const {
    std::vector<GEOSGeometry*> polys;
    for (std::size_t k = 0; k < m.polygons(); ++k) {
      const std::uint32_t r0 = m.polygon_first[k];
      const std::uint32_t r1 = m.polygon_first[k + 1];
      GEOSGeometry* shell = GEOSGeom_createLinearRing_r(m_ctx, sequence(m.ring(r0)));
      std::vector<GEOSGeometry*> holes;
      for (std::uint32_t r = r0 + 1; r < r1; ++r) holes.push_back(GEOSGeom_createLinearRing_r(m_ctx, sequence(m.ring(r))));
      polys.push_back(GEOSGeom_createPolygon_r(m_ctx, shell, holes.data(), static_cast<unsigned>(holes.size())));
    }
    return own(GEOSGeom_createCollection_r(m_ctx, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
  }

  void append_ring(const GEOSGeometry* ring, MultiPolygon& out) const {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(m_ctx, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(m_ctx, seq, &n);
    std::vector<LonLat> pts(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(m_ctx, seq, i, &pts[i].lon, &pts[i].lat);
    out.add_ring(pts);
  }

  void append_polygon(const GEOSGeometry* poly, MultiPolygon& out) const {
    if (GEOSisEmpty_r(m_ctx, poly)) return;
    append_ring(GEOSGetExteriorRing_r(m_ctx, poly), out);
    const int holes = GEOSGetNumInteriorRings_r(m_ctx, poly);
    for (int h = 0; h < holes; ++h) append_ring(GEOSGetInteriorRingN_r(m_ctx, poly, h), out);
    out.close_polygon();
  }

  MultiPolygon to_multipolygon(const GEOSGeometry* g) const {
    MultiPolygon out;
    const int type = GEOSGeomTypeId_r(m_ctx, g);
    if (type == GEOS_POLYGON) {
      append_polygon(g, out);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
      const int n = GEOSGetNumGeometries_r(m_ctx, g);
      for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(m_ctx, g, i);
        if (GEOSGeomTypeId_r(m_ctx, part) == GEOS_POLYGON) append_polygon(part, out);
      }
    }
    return out;
  }

 private:
  GEOSContextHandle_t m_ctx;
  std::string m_last_error;
};

// Andrew's monotone chain; `ring` receives the closed hull, counter-clockwise.
void convex_hull(std::vector<LonLat>& pts, std::vector<LonLat>& ring) {
  std::sort(pts.begin(), pts.end(), [](const LonLat& a, const LonLat& b) {
    return a.lon != b.lon ? a.lon < b.lon : a.lat < b.lat;
  });
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  ring.clear();
  if (pts.size() < 3) return;
  auto cross = [](const LonLat& o, const LonLat& a, const LonLat& b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
  };
  ring.resize(2 * pts.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(ring[k - 2], ring[k - 1], pts[i]) <= 0) --k;
    ring[k++] = pts[i];
  }
  for (std::size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(ring[k - 2], ring[k - 1], pts[i - 1]) <= 0) --k;
    ring[k++] = pts[i - 1];
  }
  ring.resize(k);  // last point equals the first: closed
}

// Collects hull polygons of disc pairs; vertices on geodesic circles. The hulls are
// built when union_all() runs, and only those the union needs (see drop_interior).
class HullCollector {
 public:
  HullCollector(const Geos& geos, int segments) : m_geos(geos), m_segments(segments) {
    m_inflate = (1.0 + kSafety) / std::cos(std::numbers::pi / segments);
    for (int k = 0; k < m_segments; ++k) {
      const double az = (k + 0.5) * 360.0 / m_segments;
      m_az_deg.push_back(az);
      m_cos_az.push_back(std::cos(az * std::numbers::pi / 180.0));
      m_sin_az.push_back(std::sin(az * std::numbers::pi / 180.0));
    }
  }

  // The union of discs with radius varying linearly from ra at a to rb at b: the
  // convex hull of the two discs (radius changes slower than position: |dr/ds| ≤ 1).
  void add_tapered(LonLat a, double ra, LonLat b, double rb) {
    if (ra <= 0.0 && rb <= 0.0) return;
    m_discs.push_back({a, std::max(0.0, ra), b, std::max(0.0, rb)});
  }

  Geos::Ptr union_all() {
    GEOSContextHandle_t ctx = m_geos.ctx();
    std::vector<GEOSGeometry*> parts;
    const std::vector<bool> needed = drop_interior(parts);
    for (std::size_t i = 0; i < m_discs.size(); ++i)
      if (needed[i])
        if (GEOSGeometry* g = hull(m_discs[i])) parts.push_back(g);
    m_discs.clear();
    auto coll = m_geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                       static_cast<unsigned>(parts.size())));
    return m_geos.own(GEOSUnaryUnion_r(ctx, coll.get()));
  }

 private:
  struct DiscPair {
    LonLat a;
    double ra;
    LonLat b;
    double rb;
  };
  struct Box {
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    void add(const Box& o) {
      x0 = std::min(x0, o.x0);
      y0 = std::min(y0, o.y0);
      x1 = std::max(x1, o.x1);
      y1 = std::max(y1, o.y1);
    }
  };

  void add_circle_points(LonLat c, double r_m) {
    if (r_m <= 0.0) {
      m_pts.push_back(c);
      return;
    }
    const double rr = r_m * m_inflate + 0.01;
    if (rr <= kFastCircleM && std::abs(c.lat) <= 70.0) {
      // Destination in the plane of the mid-latitude: within 4e-6 of the geodesic
      // radius for r ≤ 20 km and |lat| ≤ 70° (checked against PROJ over 200k random
      // circles), far inside kSafety; 20x faster than geodesic_destination.
      const LocalFrame centre(c);
      for (int k = 0; k < m_segments; ++k) {
        const double dlat = rr * m_cos_az[k] / centre.m_per_deg_lat();
        const LocalFrame mid({c.lon, c.lat + dlat / 2});
        m_pts.push_back({c.lon + rr * m_sin_az[k] / mid.m_per_deg_lon(), c.lat + rr * m_cos_az[k] / mid.m_per_deg_lat()});
      }
      return;
    }
    for (int k = 0; k < m_segments; ++k) m_pts.push_back(geodesic_destination(c, m_az_deg[k], rr));
  }

  // The hull polygon of a disc pair (nullptr when degenerate).
  GEOSGeometry* hull(const DiscPair& d) {
    m_pts.clear();
    add_circle_points(d.a, d.ra);
    if (!(d.a == d.b)) add_circle_points(d.b, d.rb);
    convex_hull(m_pts, m_ring);
    if (m_ring.size() < 4) return nullptr;
    GEOSContextHandle_t ctx = m_geos.ctx();
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, m_geos.sequence(m_ring));
    return shell ? GEOSGeom_createPolygon_r(ctx, shell, nullptr, 0) : nullptr;
  }

  // A lon/lat box holding every vertex hull(d) can have (generous margins).
  Box box_of(const DiscPair& d) const {
    Box out;
    for (int end = 0; end < 2; ++end) {
      const LonLat c = end == 0 ? d.a : d.b;
      const double r = end == 0 ? d.ra : d.rb;
      const double rr = r > 0 ? r * m_inflate + 0.01 : 0.0;
      const LocalFrame f(c);
      const double dlat = rr / f.m_per_deg_lat() * 1.01 + 1e-9;
      const double lat_rad = std::min((std::abs(c.lat) + dlat) * std::numbers::pi / 180.0, 1.5);
      const double stretch = 1.01 + 2.0 * std::tan(lat_rad) * dlat * std::numbers::pi / 180.0;
      const double dlon = rr / f.m_per_deg_lon() * stretch + 1e-9;
      out.add({c.lon - dlon, c.lat - dlat, c.lon + dlon, c.lat + dlat});
    }
    return out;
  }

  // Many hulls overlap deeply (every edge of a dense network within the budget gives
  // discs of the maximum access radius), and both building them and their union cost
  // in proportion to all their vertices. A lon/lat grid marks the cells that lie wholly
  // inside some true access disc (certified against the exact radius with a margin for
  // the plane, so those cells lie inside the zone); a hull whose bounding box lies
  // wholly in marked cells adds nothing to the union: it is not built, and the marked
  // cells, as one rectangle per row run, join the union instead. The union is the same
  // set; only its cost shrinks. Returns which hulls are needed; appends the rectangles.
  std::vector<bool> drop_interior(std::vector<GEOSGeometry*>& parts) {
    const std::size_t n = m_discs.size();
    std::vector<bool> needed(n, true);
    if (n < kFilterMinHulls) return needed;
    GEOSContextHandle_t ctx = m_geos.ctx();
    std::vector<Box> boxes(n);
    std::vector<double> radii(n);
    Box all;
    for (std::size_t i = 0; i < n; ++i) {
      boxes[i] = box_of(m_discs[i]);
      all.add(boxes[i]);
      radii[i] = std::max(m_discs[i].ra, m_discs[i].rb);
    }
    std::nth_element(radii.begin(), radii.begin() + static_cast<std::ptrdiff_t>(n / 2), radii.end());
    const double median_m = radii[n / 2];
    if (!(median_m > 0) || std::abs(all.y0) > 80.0 || std::abs(all.y1) > 80.0 || all.x1 - all.x0 > 90.0) return needed;
    // Cells a fifth of the median radius, at most kFilterMaxCells of them.
    const double w_deg = all.x1 - all.x0;
    const double h_deg = all.y1 - all.y0;
    const double g = std::max(median_m / 5.0 / 111320.0, std::sqrt(w_deg * h_deg / kFilterMaxCells));
    const auto nx = static_cast<std::size_t>(std::ceil(w_deg / g)) + 1;
    const auto ny = static_cast<std::size_t>(std::ceil(h_deg / g)) + 1;
    auto gx = [&](std::size_t i) { return all.x0 + static_cast<double>(i) * g; };  // cell i: [gx(i), gx(i+1)]
    auto gy = [&](std::size_t j) { return all.y0 + static_cast<double>(j) * g; };
    // Per row, +1 / −1 at the ends of covered intervals; prefix sums give the cells.
    std::vector<std::int32_t> mark((nx + 1) * ny, 0);
    auto mark_disc = [&](LonLat c, double r_m) {
      if (r_m <= 0) return;
      const LocalFrame f(c);
      // Within r of c the plane of c is within tan(lat)·Δlat (+ 1e-4) of the true
      // metric: certify against a slightly smaller radius.
      const double span = r_m / 6.3e6;
      const double lat_rad = std::min(std::abs(c.lat) * std::numbers::pi / 180.0 + span, 1.5);
      const double rc = r_m * (1.0 - 1e-3 - 2.0 * std::tan(lat_rad) * span) - 1.0;
      if (!(rc > 0)) return;
      const double ry = rc / f.m_per_deg_lat();
      const double line0 = std::ceil((c.lat - ry - all.y0) / g);   // first grid line inside
      const double line1 = std::floor((c.lat + ry - all.y0) / g);  // last grid line inside
      if (line1 - line0 < 1) return;
      auto half_width = [&](double y) {  // of the disc on the line at latitude y, degrees of lon
        const double dy = (y - c.lat) * f.m_per_deg_lat();
        const double h2 = rc * rc - dy * dy;
        return h2 > 0 ? std::sqrt(h2) / f.m_per_deg_lon() : -1.0;
      };
      const auto j0 = static_cast<std::size_t>(std::max(0.0, line0));
      const auto j1 = static_cast<std::size_t>(std::min(static_cast<double>(ny), line1));
      for (std::size_t j = j0; j < j1; ++j) {
        // Row j lies between lines j and j + 1; a cell is inside when its four corners are.
        const double hw = std::min(half_width(gy(j)), half_width(gy(j + 1)));
        if (hw <= 0) continue;
        const double i0 = std::ceil((c.lon - hw - all.x0) / g);
        const double i1 = std::floor((c.lon + hw - all.x0) / g);  // cells i0 .. i1 − 1
        const auto a = static_cast<std::size_t>(std::max(0.0, i0));
        const auto b = static_cast<std::size_t>(std::clamp(i1, 0.0, static_cast<double>(nx)));
        if (b <= a) continue;
        mark[j * (nx + 1) + a] += 1;
        mark[j * (nx + 1) + b] -= 1;
      }
    };
    for (const DiscPair& d : m_discs) {
      mark_disc(d.a, d.ra);
      if (!(d.a == d.b)) mark_disc(d.b, d.rb);
    }
    // covered cells, and 2-D prefix sums of the open ones for box queries.
    std::vector<std::uint8_t> covered(nx * ny, 0);
    std::vector<std::uint32_t> open((nx + 1) * (ny + 1), 0);  // open cells in [0, i) × [0, j)
    for (std::size_t j = 0; j < ny; ++j) {
      std::int32_t run = 0;
      std::uint32_t row_open = 0;
      for (std::size_t i = 0; i < nx; ++i) {
        run += mark[j * (nx + 1) + i];
        covered[j * nx + i] = run > 0;
        row_open += run > 0 ? 0u : 1u;
        open[(j + 1) * (nx + 1) + (i + 1)] = open[j * (nx + 1) + (i + 1)] + row_open;
      }
    }
    auto cell_of = [&](double v, double v0) { return static_cast<std::ptrdiff_t>(std::floor((v - v0) / g)); };
    std::size_t dropped = 0;
    for (std::size_t h = 0; h < n; ++h) {
      const Box& b = boxes[h];
      const std::ptrdiff_t i0 = cell_of(b.x0, all.x0), i1 = cell_of(b.x1, all.x0);
      const std::ptrdiff_t j0 = cell_of(b.y0, all.y0), j1 = cell_of(b.y1, all.y0);
      if (i0 < 0 || j0 < 0 || i1 >= static_cast<std::ptrdiff_t>(nx) || j1 >= static_cast<std::ptrdiff_t>(ny)) continue;
      const auto I0 = static_cast<std::size_t>(i0), I1 = static_cast<std::size_t>(i1) + 1;
      const auto J0 = static_cast<std::size_t>(j0), J1 = static_cast<std::size_t>(j1) + 1;
      const std::uint32_t open_cells = open[J1 * (nx + 1) + I1] - open[J0 * (nx + 1) + I1] -
                                       open[J1 * (nx + 1) + I0] + open[J0 * (nx + 1) + I0];
      if (open_cells == 0) {
        needed[h] = false;
        ++dropped;
      }
    }
    if (dropped == 0) return needed;
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t i = 0; i < nx;) {
        if (!covered[j * nx + i]) {
          ++i;
          continue;
        }
        std::size_t e = i;
        while (e < nx && covered[j * nx + e]) ++e;
        const std::vector<LonLat> r{{gx(i), gy(j)}, {gx(e), gy(j)}, {gx(e), gy(j + 1)}, {gx(i), gy(j + 1)}, {gx(i), gy(j)}};
        GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, m_geos.sequence(r));
        GEOSGeometry* poly = shell ? GEOSGeom_createPolygon_r(ctx, shell, nullptr, 0) : nullptr;
        if (poly) parts.push_back(poly);
        i = e;
      }
    return needed;
  }

  const Geos& m_geos;
  int m_segments;
  double m_inflate = 1.0;
  std::vector<double> m_az_deg, m_cos_az, m_sin_az;
  std::vector<DiscPair> m_discs;
  std::vector<LonLat> m_pts;
  std::vector<LonLat> m_ring;
};

// Position at distance s (metres of geometry) along an edge, with the cumulative
// lengths of its vertices.
LonLat position_at(std::span<const LonLat> g, std::span<const double> cum, double s) {
  const auto it = std::upper_bound(cum.begin(), cum.end(), s);
  std::size_t i = static_cast<std::size_t>(it - cum.begin());
  if (i == 0) return g.front();
  if (i >= cum.size()) return g.back();
  const double len = cum[i] - cum[i - 1];
  const double f = len > 0 ? (s - cum[i - 1]) / len : 0.0;
  return geodesic_interpolate(g[i - 1], g[i], f);
}

// Largest distance (metres, local plane) of pts[i0+1 .. i1-1] from the chord pts[i0]–pts[i1].
double chord_deviation(std::span<const LonLat> pts, std::size_t i0, std::size_t i1) {
  const LocalFrame frame(pts[i0]);
  const auto b = frame.to_xy(pts[i1]);
  const double len2 = b.x * b.x + b.y * b.y;
  double worst = 0.0;
  for (std::size_t k = i0 + 1; k < i1; ++k) {
    const auto q = frame.to_xy(pts[k]);
    const double f = len2 > 0 ? std::clamp((q.x * b.x + q.y * b.y) / len2, 0.0, 1.0) : 0.0;
    worst = std::max(worst, std::hypot(q.x - f * b.x, q.y - f * b.y));
  }
  return worst;
}

// Adds the zone parts of edge e reached through one end, for positions t (metres of
// geometry from that end) in [0, t_limit]. d_end: one-way latency at that end.
void add_edge_parts(const Network& net, EdgeId e, bool from_u, double d_end, double t_limit,
                    const AccessCost& access, double budget_us, HullCollector& hulls, std::vector<double>& cum,
                    std::vector<LonLat>& pts) {
  const double spare = budget_us - access.fixed_us - d_end;  // µs left at the end node
  if (spare < 0) return;
  const auto g = net.edge_geometry(e);
  const double G = net.edge_geom_length_m[e];
  const double rate = G > 0 ? net.edge_delay_us[e] / G : 0.0;  // µs per metre along
  cum.assign(g.size(), 0.0);
  for (std::size_t i = 1; i < g.size(); ++i) cum[i] = cum[i - 1] + geodesic_distance_m(g[i - 1], g[i]);
  auto along_from_end = [&](double t) { return from_u ? t : G - t; };  // t from the end → s from u
  const double t_reach = std::min(t_limit, rate > 0 ? std::min(G, spare / rate) : G);
  auto radius = [&](double t) {
    return std::min(access.max_m, std::max(0.0, (spare - rate * t) / access.us_per_m));
  };
  // Breakpoints along t in [0, t_reach]: vertices and the point where the cap ends.
  std::vector<double> ts{0.0, t_reach};
  for (double c : cum) {
    const double t = from_u ? c : G - c;
    if (t > 0 && t < t_reach) ts.push_back(t);
  }
  double t_cap = -1.0;
  if (rate > 0) {
    t_cap = (spare - access.us_per_m * access.max_m) / rate;
    if (t_cap > 0 && t_cap < t_reach) ts.push_back(t_cap);
  } else {
    t_cap = t_reach;
  }
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  if (ts.size() == 1) {  // nothing reachable along the edge: the end node's disc only
    const LonLat p = position_at(g, cum, along_from_end(0));
    hulls.add_tapered(p, radius(0), p, radius(0));
    return;
  }
  pts.clear();
  for (double t : ts) pts.push_back(position_at(g, cum, along_from_end(t)));
  // Where the radius is capped (constant), consecutive straight pieces are merged while
  // the path stays within eps of the chord; the radius grows by eps to cover them.
  const double eps = 1e-3 * access.max_m;
  std::size_t i = 0;
  while (i + 1 < ts.size()) {
    std::size_t j = i + 1;
    if (ts[i] < t_cap) {
      while (j + 1 < ts.size() && ts[j + 1] <= t_cap && j + 1 - i <= 64 &&
             geodesic_distance_m(pts[i], pts[j + 1]) <= kMaxPieceM && chord_deviation(pts, i, j + 1) <= eps) {
        ++j;
      }
    }
    const double extra = j > i + 1 ? eps : 0.0;
    const double t0 = ts[i];
    const double t1 = ts[j];
    const int parts = j > i + 1 ? 1 : std::max(1, static_cast<int>(std::ceil((t1 - t0) / kMaxPieceM)));
    for (int k = 0; k < parts; ++k) {
      const double a = t0 + (t1 - t0) * k / parts;
      const double b = t0 + (t1 - t0) * (k + 1) / parts;
      const LonLat pa = k == 0 ? pts[i] : position_at(g, cum, along_from_end(a));
      const LonLat pb = k + 1 == parts ? pts[j] : position_at(g, cum, along_from_end(b));
      hulls.add_tapered(pa, radius(a) + extra, pb, radius(b) + extra);
    }
    i = j;
  }
}

// Adds every zone piece to the collector of the node that reaches it: collector_for(v)
// returns the HullCollector for pieces reached through node v (nullptr: skip them).
template <class CollectorFor>
void collect_pieces(const Network& net, std::span<const double> node_us, const AccessCost& access, double budget_us,
                    const ZoneOptions& options, CollectorFor&& collector_for) {
  std::vector<double> cum;
  std::vector<LonLat> pts;
  if (options.access_from == AccessFrom::nodes) {
    for (NodeId v = 0; v < net.nodes(); ++v) {
      const double spare = budget_us - access.fixed_us - node_us[v];
      if (!(spare >= 0)) continue;
      HullCollector* hulls = collector_for(v);
      if (hulls)
        hulls->add_tapered(net.node_pos[v], std::min(access.max_m, spare / access.us_per_m), net.node_pos[v], 0);
    }
    return;
  }
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const NodeId u = net.edge_u[e];
    const NodeId v = net.edge_v[e];
    const double du = node_us[u];
    const double dv = node_us[v];
    // Each point of the edge is reached through the nearer end; the two meet where
    // du + rate·s = dv + rate·(G − s). Beyond it the other end's disc is larger.
    const double G = net.edge_geom_length_m[e];
    const double rate = G > 0 ? net.edge_delay_us[e] / G : 0.0;
    double meet = G;  // from u
    if (du != kUnreached && dv != kUnreached && rate > 0) meet = std::clamp((dv - du + rate * G) / (2 * rate), 0.0, G);
    if (du <= budget_us)
      if (HullCollector* hulls = collector_for(u))
        add_edge_parts(net, e, true, du, dv == kUnreached ? G : meet, access, budget_us, *hulls, cum, pts);
    if (dv <= budget_us)
      if (HullCollector* hulls = collector_for(v))
        add_edge_parts(net, e, false, dv, du == kUnreached ? G : G - meet, access, budget_us, *hulls, cum, pts);
  }
}

struct Box {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  bool intersects(const Box& o) const { return x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1; }
};

Box extent_of(const Geos& geos, const GEOSGeometry* g) {
  Box b;
  if (!GEOSisEmpty_r(geos.ctx(), g)) GEOSGeom_getExtent_r(geos.ctx(), g, &b.x0, &b.y0, &b.x1, &b.y1);
  return b;
}

}  // namespace

MultiPolygon zone_polygon(const Network& net, std::span<const double> node_us, const AccessCost& access,
                          double budget_us, const ZoneOptions& options) {
  Geos geos;
  HullCollector hulls(geos, std::max(8, options.circle_segments));
  collect_pieces(net, node_us, access, budget_us, options, [&](NodeId) { return &hulls; });
  auto u = hulls.union_all();
  return geos.to_multipolygon(u.get());
}

std::vector<MultiPolygon> split_zone_by_site(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                             std::span<const double> node_us,
                                             std::span<const std::uint32_t> node_source, std::size_t sources,
                                             double budget_us, const ZoneOptions& options, const SplitOptions& split) {
  if (!(split.cell_m > 0)) throw InputError("split cell size must be greater than zero, e.g. '250m'.");
  const AccessCost access(model);
  Geos geos;
  GEOSContextHandle_t ctx = geos.ctx();
  // (1) P_s: the pieces each source reaches first.
  std::vector<Geos::Ptr> own;
  {
    std::vector<std::unique_ptr<HullCollector>> hulls;
    for (std::size_t s = 0; s < sources; ++s)
      hulls.push_back(std::make_unique<HullCollector>(geos, std::max(8, options.circle_segments)));
    collect_pieces(net, node_us, access, budget_us, options, [&](NodeId v) -> HullCollector* {
      const std::uint32_t s = node_source[v];
      return s < sources ? hulls[s].get() : nullptr;
    });
    for (auto& h : hulls) own.push_back(h->union_all());
  }
  std::vector<Box> box;
  for (const auto& g : own) box.push_back(extent_of(geos, g.get()));
  // (2) O: points covered by two or more P_s (pairwise intersections, boxes first).
  std::vector<GEOSGeometry*> pieces;
  for (std::size_t s = 0; s < sources; ++s) {
    if (GEOSisEmpty_r(ctx, own[s].get())) continue;
    for (std::size_t t = s + 1; t < sources; ++t) {
      if (GEOSisEmpty_r(ctx, own[t].get()) || !box[s].intersects(box[t])) continue;
      GEOSGeometry* x = GEOSIntersection_r(ctx, own[s].get(), own[t].get());
      if (!x) {
        for (GEOSGeometry* g : pieces) GEOSGeom_destroy_r(ctx, g);
        geos.own(x);  // throws with the GEOS message
      }
      if (GEOSisEmpty_r(ctx, x)) {
        GEOSGeom_destroy_r(ctx, x);
        continue;
      }
      pieces.push_back(x);
    }
  }
  auto overlap = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                                      static_cast<unsigned>(pieces.size())));
  overlap = geos.own(GEOSUnaryUnion_r(ctx, overlap.get()));
  std::vector<MultiPolygon> out(sources);
  if (GEOSisEmpty_r(ctx, overlap.get())) {
    for (std::size_t s = 0; s < sources; ++s) out[s] = geos.to_multipolygon(own[s].get());
    return out;
  }
  // (3) Cells over the overlap, on one grid (origin: the overlap's corner) with cells at
  // most cell_m wide and high anywhere in it.
  const Box ob = extent_of(geos, overlap.get());
  const double lat_near_equator = ob.y0 <= 0 && ob.y1 >= 0 ? 0.0 : (std::abs(ob.y0) < std::abs(ob.y1) ? ob.y0 : ob.y1);
  const double lat_near_pole = std::abs(ob.y0) > std::abs(ob.y1) ? ob.y0 : ob.y1;
  const double dlon = split.cell_m / LocalFrame({ob.x0, lat_near_equator}).m_per_deg_lon();
  const double dlat = split.cell_m / LocalFrame({ob.x0, lat_near_pole}).m_per_deg_lat();
  auto cell_x = [&](std::int64_t i) { return ob.x0 + static_cast<double>(i) * dlon; };
  auto cell_y = [&](std::int64_t j) { return ob.y0 + static_cast<double>(j) * dlat; };
  std::vector<std::pair<std::int64_t, std::int64_t>> cells;
  {
    double budget_cells = split.max_cells;
    const int n = GEOSGetNumGeometries_r(ctx, overlap.get());
    for (int k = 0; k < n; ++k) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, overlap.get(), k);
      const Box b = extent_of(geos, part);
      if (b.x0 > b.x1) continue;
      const auto i0 = static_cast<std::int64_t>(std::floor((b.x0 - ob.x0) / dlon));
      const auto i1 = static_cast<std::int64_t>(std::floor((b.x1 - ob.x0) / dlon));
      const auto j0 = static_cast<std::int64_t>(std::floor((b.y0 - ob.y0) / dlat));
      const auto j1 = static_cast<std::int64_t>(std::floor((b.y1 - ob.y0) / dlat));
      budget_cells -= static_cast<double>(i1 - i0 + 1) * static_cast<double>(j1 - j0 + 1);
      if (budget_cells < 0) {
        char msg[200];
        std::snprintf(msg, sizeof msg,
                      "the per-site split needs more than %.0f cells of %g m where site zones overlap. Use a larger "
                      "--split-cell.",
                      split.max_cells, split.cell_m);
        throw InputError(msg);
      }
      const GEOSPreparedGeometry* prepared = GEOSPrepare_r(ctx, part);
      for (std::int64_t i = i0; i <= i1; ++i)
        for (std::int64_t j = j0; j <= j1; ++j) {
          auto rect = geos.own(GEOSGeom_createRectangle_r(ctx, cell_x(i), cell_y(j), cell_x(i + 1), cell_y(j + 1)));
          if (GEOSPreparedIntersects_r(ctx, prepared, rect.get()) == 1) cells.emplace_back(i, j);
        }
      GEOSPreparedGeom_destroy_r(ctx, prepared);
    }
  }
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  std::vector<LonLat> centres;
  centres.reserve(cells.size());
  for (const auto& [i, j] : cells) centres.push_back({cell_x(i) + dlon / 2, cell_y(j) + dlat / 2});
  const std::vector<PointLatency> at =
      evaluate_points(net, index, model, options.access_from, centres, node_us, node_source, split.threads);
  std::vector<std::vector<GEOSGeometry*>> cells_of(sources);
  PointLatencyQuery query(net, index, model, options.access_from);
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto [i, j] = cells[c];
    auto rect = geos.own(GEOSGeom_createRectangle_r(ctx, cell_x(i), cell_y(j), cell_x(i + 1), cell_y(j + 1)));
    std::uint32_t s = at[c].source;
    if (s >= sources) {
      // The centre is beyond every site's reach (the cell only grazes the zone): take a
      // point of the cell inside the overlap instead; failing that, the first P_s there.
      auto inside = geos.own(GEOSIntersection_r(ctx, rect.get(), overlap.get()));
      if (GEOSisEmpty_r(ctx, inside.get())) continue;
      auto rep = geos.own(GEOSPointOnSurface_r(ctx, inside.get()));
      LonLat p;
      if (!GEOSisEmpty_r(ctx, rep.get()) && GEOSGeomGetX_r(ctx, rep.get(), &p.lon) && GEOSGeomGetY_r(ctx, rep.get(), &p.lat))
        s = query.evaluate(p, node_us, node_source).source;
      for (std::size_t t = 0; t < sources && s >= sources; ++t)
        if (GEOSIntersects_r(ctx, own[t].get(), inside.get()) == 1) s = static_cast<std::uint32_t>(t);
      if (s >= sources) continue;
    }
    cells_of[s].push_back(rect.release());
  }
  for (std::size_t s = 0; s < sources; ++s) {
    auto alone = geos.own(GEOSDifference_r(ctx, own[s].get(), overlap.get()));
    if (!cells_of[s].empty()) {
      auto mine = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, cells_of[s].data(),
                                                       static_cast<unsigned>(cells_of[s].size())));
      mine = geos.own(GEOSUnaryUnion_r(ctx, mine.get()));
      auto shared = geos.own(GEOSIntersection_r(ctx, overlap.get(), mine.get()));
      alone = geos.own(GEOSUnion_r(ctx, alone.get(), shared.get()));
    }
    out[s] = geos.to_multipolygon(alone.get());
  }
  return out;
}

MultiPolygon simplify_outward(const MultiPolygon& m, double tolerance_m) {
  if (m.empty()) return m;
  Geos geos;
  const double tol = tolerance_m / 111320.0;
  auto g = geos.from(m);
  auto buffered = geos.own(GEOSBuffer_r(geos.ctx(), g.get(), tol, 8));
  auto simple = geos.own(GEOSTopologyPreserveSimplify_r(geos.ctx(), buffered.get(), tol));
  // Simplification moves vertices by at most `tol`, and every point of m lies at least
  // `tol` inside the buffered boundary, so m stays inside; union guards rounding.
  auto out = geos.own(GEOSUnion_r(geos.ctx(), simple.get(), g.get()));
  return geos.to_multipolygon(out.get());
}

std::vector<LonLat> sample_polygon(const MultiPolygon& m, int n) {
  std::vector<LonLat> out;
  if (m.empty() || n < 1) return out;
  Geos geos;
  GEOSContextHandle_t ctx = geos.ctx();
  auto g = geos.from(m);
  const Box b = extent_of(geos, g.get());
  const LocalFrame frame({b.x0, b.y0});
  const auto ne = frame.to_xy({b.x1, b.y1});
  const double area = area_m2(m);
  const GEOSPreparedGeometry* prepared = GEOSPrepare_r(ctx, g.get());
  double h = std::sqrt(std::max(area, 1e-6) / n);
  for (int refine = 0; refine <= 4 && area > 0; ++refine, h /= 2) {
    out.clear();
    const auto cols = static_cast<std::int64_t>(std::ceil(ne.x / h));
    const auto rows = static_cast<std::int64_t>(std::ceil(ne.y / h));
    // Centre the grid on the box so a symmetric polygon gets a symmetric sample.
    const double x0 = (ne.x - static_cast<double>(cols) * h) / 2;
    const double y0 = (ne.y - static_cast<double>(rows) * h) / 2;
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) {
        const LonLat p = frame.to_lonlat({x0 + (static_cast<double>(c) + 0.5) * h, y0 + (static_cast<double>(r) + 0.5) * h});
        auto pt = geos.own(GEOSGeom_createPointFromXY_r(ctx, p.lon, p.lat));
        if (GEOSPreparedContains_r(ctx, prepared, pt.get()) == 1) out.push_back(p);
      }
    if (2 * static_cast<double>(out.size()) >= n) break;
  }
  GEOSPreparedGeom_destroy_r(ctx, prepared);
  if (out.empty()) {
    auto rep = geos.own(GEOSPointOnSurface_r(ctx, g.get()));
    LonLat p;
    if (!GEOSisEmpty_r(ctx, rep.get()) && GEOSGeomGetX_r(ctx, rep.get(), &p.lon) && GEOSGeomGetY_r(ctx, rep.get(), &p.lat))
      out.push_back(p);
  }
  return out;
}

MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b) {
  Geos geos;
  auto ga = geos.from(a);
  auto gb = geos.from(b);
  auto d = geos.own(GEOSDifference_r(geos.ctx(), ga.get(), gb.get()));
  return geos.to_multipolygon(d.get());
}

MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b) {
  Geos geos;
  auto ga = geos.from(a);
  auto gb = geos.from(b);
  auto d = geos.own(GEOSIntersection_r(geos.ctx(), ga.get(), gb.get()));
  return geos.to_multipolygon(d.get());
}

MultiPolygon union_all(std::span<const MultiPolygon> parts) {
  Geos geos;
  std::vector<GEOSGeometry*> geoms;
  for (const auto& p : parts) geoms.push_back(geos.from(p).release());
  auto coll = geos.own(GEOSGeom_createCollection_r(geos.ctx(), GEOS_GEOMETRYCOLLECTION, geoms.data(),
                                                   static_cast<unsigned>(geoms.size())));
  auto u = geos.own(GEOSUnaryUnion_r(geos.ctx(), coll.get()));
  return geos.to_multipolygon(u.get());
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

struct ZoneLocator::Impl {
  Geos geos;
  Geos::Ptr geom;
  const GEOSPreparedGeometry* prepared = nullptr;
  Impl(const MultiPolygon& m) : geom(geos.from(m)) { prepared = GEOSPrepare_r(geos.ctx(), geom.get()); }
  ~Impl() {
    if (prepared) GEOSPreparedGeom_destroy_r(geos.ctx(), prepared);
  }
};

ZoneLocator::ZoneLocator(const MultiPolygon& zone) : m_impl(std::make_unique<Impl>(zone)) {}
ZoneLocator::~ZoneLocator() = default;

bool ZoneLocator::covers(LonLat p) const {
  GEOSContextHandle_t ctx = m_impl->geos.ctx();
  auto pt = m_impl->geos.own(GEOSGeom_createPointFromXY_r(ctx, p.lon, p.lat));
  return GEOSPreparedCovers_r(ctx, m_impl->prepared, pt.get()) == 1;
}

}  // namespace lightcone
