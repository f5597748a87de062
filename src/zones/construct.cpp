#include "zones/construct.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/longitude.hpp"
#include "network/geodesic.hpp"

namespace lightcone {
namespace {

// Longest straight piece used for one hull: keeps lon/lat chords close to geodesics.
constexpr double kMaxPieceM = 5000.0;

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

double zone_reference_lon(const Network& net) { return smallest_lon_arc(net.node_pos).middle(); }

void collect_pieces(const Network& net, std::span<const double> node_us, const AccessCost& access, double budget_us,
                    const ZoneOptions& options, std::span<HullCollector> collectors,
                    std::span<const std::uint32_t> node_owner) {
  auto collector_for = [&](NodeId v) -> HullCollector* {
    if (node_owner.empty()) return &collectors[0];
    const std::uint32_t s = node_owner[v];
    return s < collectors.size() ? &collectors[s] : nullptr;
  };
  std::vector<double> cum;
  std::vector<LonLat> pts;
  if (options.access_from == AccessFrom::nodes) {
    // A node is joined through the edges open to access at it (an edge of tap `none`
    // gives no access, not even at its ends).
    std::vector<char> open(net.nodes(), net.edge_tap.empty() ? 1 : 0);
    for (EdgeId e = 0; e < net.edges() && !net.edge_tap.empty(); ++e)
      if (net.tap(e) != Tap::none) open[net.edge_u[e]] = open[net.edge_v[e]] = 1;
    for (NodeId v = 0; v < net.nodes(); ++v) {
      if (!open[v]) continue;
      const double spare = budget_us - access.fixed_us - node_us[v];
      if (!(spare >= 0)) continue;
      HullCollector* hulls = collector_for(v);
      if (hulls)
        hulls->add_tapered(net.node_pos[v], std::min(access.max_m, spare / access.us_per_m), net.node_pos[v], 0);
    }
    return;
  }
  for (EdgeId e = 0; e < net.edges(); ++e) {
    // The tap rule (Network::edge_tap): an edge open only at its ends adds its end
    // nodes' discs (reach 0 along it); an edge closed to access adds nothing.
    const Tap tap = net.tap(e);
    if (tap == Tap::none) continue;
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
    const bool ends = tap == Tap::ends;
    if (du <= budget_us)
      if (HullCollector* hulls = collector_for(u))
        add_edge_parts(net, e, true, du, ends ? 0.0 : dv == kUnreached ? G : meet, access, budget_us, *hulls, cum, pts);
    if (dv <= budget_us)
      if (HullCollector* hulls = collector_for(v))
        add_edge_parts(net, e, false, dv, ends ? 0.0 : du == kUnreached ? G : G - meet, access, budget_us, *hulls, cum,
                       pts);
  }
}

namespace {

HullCollector collect_zone(const Network& net, std::span<const double> node_us, const AccessCost& access,
                           double budget_us, const ZoneOptions& options, double ref_lon) {
  HullCollector hulls(std::max(8, options.circle_segments), ref_lon);
  collect_pieces(net, node_us, access, budget_us, options, std::span<HullCollector>(&hulls, 1));
  return hulls;
}

}  // namespace

std::vector<ZoneTile> zone_tiles(const Network& net, std::span<const double> node_us, const AccessCost& access,
                                 double budget_us, const ZoneOptions& options, double ref_lon) {
  return collect_zone(net, node_us, access, budget_us, options, ref_lon).tiles();
}

std::vector<ZonePiece> zone_pieces(const Network& net, std::span<const double> node_us, const AccessCost& access,
                                   double budget_us, const ZoneOptions& options, double ref_lon,
                                   const std::function<bool(const ZoneTile&)>& wanted) {
  HullCollector hulls = collect_zone(net, node_us, access, budget_us, options, ref_lon);
  std::vector<ZoneTile> tiles = hulls.tiles();
  if (wanted) std::erase_if(tiles, [&](const ZoneTile& t) { return !wanted(t); });
  std::vector<MultiPolygon> shapes = hulls.tile_pieces(tiles, options.threads);
  std::vector<ZonePiece> out(tiles.size());
  for (std::size_t k = 0; k < tiles.size(); ++k) out[k] = ZonePiece{tiles[k], std::move(shapes[k])};
  return out;
}

MultiPolygon zone_from_pieces(std::vector<ZonePiece> pieces) {
  std::sort(pieces.begin(), pieces.end(), [](const ZonePiece& a, const ZonePiece& b) { return a.tile < b.tile; });
  std::vector<geom::Geometry> parts;
  for (const ZonePiece& p : pieces)
    if (!p.shape.empty()) parts.push_back(geom::from(p.shape));
  if (parts.empty()) return {};
  return geom::to_multipolygon(geom::wrap_antimeridian(geom::unary_union(std::move(parts))));
}

MultiPolygon zone_polygon(const Network& net, std::span<const double> node_us, const AccessCost& access,
                          double budget_us, const ZoneOptions& options) {
  return zone_from_pieces(zone_pieces(net, node_us, access, budget_us, options, zone_reference_lon(net)));
}

}  // namespace lightcone
