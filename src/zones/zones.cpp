#include "zones/zones.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "network/geodesic.hpp"

namespace lightcone {
namespace {

// Longest straight piece used for one hull: keeps lon/lat chords close to geodesics.
constexpr double kMaxPieceM = 5000.0;
// Outward safety on every circle (covers lon/lat chord and hull-side approximations).
constexpr double kSafety = 1e-3;

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

// Collects hull polygons of disc pairs; vertices on geodesic circles.
class HullCollector {
 public:
  HullCollector(const Geos& geos, int segments) : m_geos(geos), m_segments(segments) {
    m_inflate = (1.0 + kSafety) / std::cos(std::numbers::pi / segments);
  }

  void add_circle_points(LonLat c, double r_m) {
    if (r_m <= 0.0) {
      m_pts.push_back(c);
      return;
    }
    const double rr = r_m * m_inflate + 0.01;
    for (int k = 0; k < m_segments; ++k) {
      const double az = (k + 0.5) * 360.0 / m_segments;
      m_pts.push_back(geodesic_destination(c, az, rr));
    }
  }

  // The union of discs with radius varying linearly from ra at a to rb at b: the
  // convex hull of the two discs (radius changes slower than position: |dr/ds| ≤ 1).
  void add_tapered(LonLat a, double ra, LonLat b, double rb) {
    if (ra <= 0.0 && rb <= 0.0) return;
    m_pts.clear();
    add_circle_points(a, ra);
    if (!(a == b)) add_circle_points(b, rb);
    convex_hull(m_pts, m_ring);
    if (m_ring.size() < 4) return;
    GEOSContextHandle_t ctx = m_geos.ctx();
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, m_geos.sequence(m_ring));
    GEOSGeometry* poly = shell ? GEOSGeom_createPolygon_r(ctx, shell, nullptr, 0) : nullptr;
    if (poly) m_hulls.push_back(poly);
  }

  Geos::Ptr union_all() {
    GEOSContextHandle_t ctx = m_geos.ctx();
    auto coll = m_geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, m_hulls.data(),
                                                       static_cast<unsigned>(m_hulls.size())));
    m_hulls.clear();
    return m_geos.own(GEOSUnaryUnion_r(ctx, coll.get()));
  }

  ~HullCollector() {
    for (GEOSGeometry* g : m_hulls) GEOSGeom_destroy_r(m_geos.ctx(), g);
  }

 private:
  const Geos& m_geos;
  int m_segments;
  double m_inflate = 1.0;
  std::vector<LonLat> m_pts;
  std::vector<LonLat> m_ring;
  std::vector<GEOSGeometry*> m_hulls;
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

}  // namespace

MultiPolygon zone_polygon(const Network& net, std::span<const double> node_us, const AccessCost& access,
                          double budget_us, const ZoneOptions& options) {
  Geos geos;
  HullCollector hulls(geos, std::max(8, options.circle_segments));
  std::vector<double> cum;
  std::vector<LonLat> pts;
  if (options.access_from == AccessFrom::nodes) {
    for (NodeId v = 0; v < net.nodes(); ++v) {
      const double spare = budget_us - access.fixed_us - node_us[v];
      if (!(spare >= 0)) continue;
      hulls.add_tapered(net.node_pos[v], std::min(access.max_m, spare / access.us_per_m), net.node_pos[v], 0);
    }
  } else {
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const double du = node_us[net.edge_u[e]];
      const double dv = node_us[net.edge_v[e]];
      // Each point of the edge is reached through the nearer end; the two meet where
      // du + rate·s = dv + rate·(G − s). Beyond it the other end's disc is larger.
      const double G = net.edge_geom_length_m[e];
      const double rate = G > 0 ? net.edge_delay_us[e] / G : 0.0;
      double meet = G;  // from u
      if (du != kUnreached && dv != kUnreached && rate > 0) meet = std::clamp((dv - du + rate * G) / (2 * rate), 0.0, G);
      if (du <= budget_us) add_edge_parts(net, e, true, du, dv == kUnreached ? G : meet, access, budget_us, hulls, cum, pts);
      if (dv <= budget_us) add_edge_parts(net, e, false, dv, du == kUnreached ? G : G - meet, access, budget_us, hulls, cum, pts);
    }
    // Nodes without edges (isolated sites) still have their disc.
  }
  auto u = hulls.union_all();
  return geos.to_multipolygon(u.get());
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
