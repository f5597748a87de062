#include "latency/point_latency.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "network/geodesic.hpp"

namespace lightcone {
namespace {

// argmin over x in [lo, hi] of acc·sqrt((x−x0)² + h²) + slope·x (convex in x).
double argmin_access(double acc, double slope, double x0, double h, double lo, double hi) {
  double x = 0.0;
  if (acc > std::abs(slope)) x = x0 - slope * h / std::sqrt(acc * acc - slope * slope);
  else x = slope > 0 ? lo : hi;
  return std::clamp(x, lo, hi);
}

// The squared plane distance from p to a lon/lat box in p's frame (x, y are linear in
// lon, lat there): a lower bound of the squared distance to any point in the box. −1 near
// the antimeridian, where the frame wraps (no bound).
double plane_gap_sq(const LocalFrame& frame, LonLat p, const DegreeBox& b) {
  const double w = b.lon0 - p.lon, e = b.lon1 - p.lon;
  if (!(w > -90.0 && e < 90.0)) return -1.0;
  const double gx = std::max({0.0, w, -e}) * frame.m_per_deg_lon();
  const double gy = std::max({0.0, b.lat0 - p.lat, p.lat - b.lat1}) * frame.m_per_deg_lat();
  return gx * gx + gy * gy;
}
// The same for a piece's box (its ends' bounds, raw longitudes).
double plane_gap_sq(const LocalFrame& frame, LonLat p, const Piece& piece) {
  DegreeBox b = DegreeBox::at(piece.a);
  b.add(piece.b);
  return plane_gap_sq(frame, p, b);
}

}  // namespace

PointLatencyQuery::PointLatencyQuery(const Network& net, const SegmentIndex& index,
                                     const LatencyModel& model, AccessFrom mode)
    : m_net(net), m_index(index), m_access(model), m_mode(mode) {}

// Slightly larger plane radius so plane/geodesic differences never drop a candidate;
// the final distance is checked geodesically. (The index's query boxes hold every point
// within this geodesic distance; the plane windows and gaps use piece_reach_m.)
double plane_reach_m(double max_m) { return max_m * (1.0 + 1e-3) + 0.01; }

namespace {
// The plane reach of max access for a piece of length L around p (scale: p's, for a
// reach of at least max_m): a point of the piece within max_m of p geodesically lies
// within plane_of(max_m) of p in p's plane, and the piece's plane chord (and its ends'
// lon/lat box) within margin_m(L) of that point. Never less than plane_reach_m (the
// reach before this bound, which it exceeds only far north or for long access: 60°N and
// 50 km, 80°N and 10 km).
double piece_reach_m(const PlaneScale& scale, double max_m, double length_m) {
  return std::max(plane_reach_m(max_m), scale.plane_of(max_m) + scale.margin_m(length_m) + 0.01);
}
// The plane gap to a piece's box beyond which no point of the piece lies in the plane disc
// (far_from, the floors): the piece's reach with a margin far above rounding.
double far_reach_m(const PlaneScale& scale, double max_m, double length_m) {
  return piece_reach_m(scale, max_m, length_m) * (1.0 + 1e-6) + 1e-3;
}
}  // namespace

template <class Want, class F>
void PointLatencyQuery::for_each_candidate(LonLat p, Want&& want, F&& f) {
  const LocalFrame frame(p);
  const PlaneScale scale = scale_at(frame);
  m_index.query(p, plane_reach_m(m_access.max_m), m_scratch,
                [&](std::uint32_t id) { for_piece(frame, scale, p, m_index.piece(id), want, f); });
}

PlaneScale PointLatencyQuery::scale_at(const LocalFrame& frame) const {
  return frame.plane_scale(plane_reach_m(m_access.max_m));
}

template <class Want, class F>
void PointLatencyQuery::for_piece(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece,
                                  Want&& want, F&& f) const {
  if (far_from(frame, scale, p, piece)) return;
  const PieceView v = view_piece(frame, piece);
  plane_candidates(piece, v, scale, [&](int end, double x, NodeId via, double lower_us, double upper_us) {
    if constexpr (std::is_invocable_v<Want, NodeId, double, double>) {
      if (!want(via, lower_us, upper_us)) return;
    } else {
      if (!want(via, lower_us)) return;
    }
    exact_candidate(frame, piece, v, end, x, f);
  });
}

bool PointLatencyQuery::far_from(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece) const {
  // The plane distance from p to the piece's lon/lat box, a lower bound of its distance to
  // the piece in p's frame (x, y are linear in lon, lat there), with a margin far above
  // rounding: a piece rejected here is one plane_candidates would reject too.
  const double gap_sq = plane_gap_sq(frame, p, piece);  // < 0 near the antimeridian: no shortcut
  const double reach = far_reach_m(scale, m_access.max_m, piece.length_m);
  return gap_sq > reach * reach;
}

template <class F>
void PointLatencyQuery::plane_candidates(const Piece& piece, const PieceView& v, const PlaneScale& ps, F&& f) const {
  const double max_m = m_access.max_m;
  const double plane_max = piece_reach_m(ps, max_m, piece.length_m);
  if (v.h > plane_max) return;
  const double r = std::sqrt(plane_max * plane_max - v.h * v.h);
  const double lo = std::max(0.0, v.x0 - r);
  const double hi = std::min(v.length, v.x0 + r);
  if (lo > hi) return;
  const EdgeId e = piece.edge;
  const double geom = m_net.edge_geom_length_m[e];
  const double rate = geom > 0 ? m_net.edge_delay_us[e] / geom : 0.0;  // µs per metre along
  const double scale = v.length > 0 ? piece.length_m / v.length : 0.0;  // along m per plane m
  for (int end = 0; end < 2; ++end) {
    double x = 0.0;
    if (m_mode == AccessFrom::nodes) {
      // Only the edge end itself, if it lies in this piece.
      const bool at_u = end == 0 && piece.along_m == 0.0;
      const bool at_v = end == 1 && piece.along_m + piece.length_m >= geom * (1 - 1e-12);
      if (!at_u && !at_v) continue;
      x = end == 0 ? 0.0 : v.length;
      if (x < lo || x > hi) continue;
    } else {
      // Latency grows along the edge away from the end the path comes through.
      const double slope = (end == 0 ? rate : -rate) * scale;
      x = argmin_access(m_access.us_per_m, slope, v.x0, v.h, lo, hi);
    }
    const double along = std::clamp(along_edge(piece, v, x), 0.0, geom);
    const double fibre_us = rate * (end == 0 ? along : geom - along);
    const NodeId via = end == 0 ? m_net.edge_u[e] : m_net.edge_v[e];
    // Cheap bounds from the plane distance (PlaneScale: lo × plane ≤ geodesic ≤ hi ×
    // plane); the exact geodesic distance is computed only for candidates that may win.
    // The lower bound allows for q taken on the piece's geodesic instead of the plane
    // chord (exact_candidate, near max access: within margin_m of it). It holds for the
    // point where max access cuts the piece too: the plane objective grows from x towards
    // it, and lo ≤ 1.
    const double qx = v.ax + v.ux * x, qy = v.ay + v.uy * x;
    const double plane_d = std::sqrt(qx * qx + qy * qy);  // not std::hypot: 3x slower, no overflow here
    // Upper bound too, for candidates surely within max access (then q stays the plane
    // point, in exact_candidate).
    const bool surely_within =
        plane_d * ps.hi + 0.01 <= max_m - (m_mode == AccessFrom::edges ? 1e-3 * v.length + 0.01 : 0.0);
    const double upper_us = surely_within ? fibre_us + m_access.us_per_m * (plane_d * ps.hi + 0.01) + m_access.fixed_us
                                          : kUnreached;
    const double lower_us =
        fibre_us + m_access.us_per_m * (plane_d * ps.lo - ps.margin_m(piece.length_m)) + m_access.fixed_us;
    f(end, x, via, lower_us, upper_us);
  }
}

template <class F>
void PointLatencyQuery::exact_candidate(const LocalFrame& frame, const Piece& piece, const PieceView& v,
                                        int end, double x, F&& f) const {
  const double max_m = m_access.max_m;
  const EdgeId e = piece.edge;
  const double geom = m_net.edge_geom_length_m[e];
  const double rate = geom > 0 ? m_net.edge_delay_us[e] / geom : 0.0;
  double along = std::clamp(along_edge(piece, v, x), 0.0, geom);
  double fibre_us = rate * (end == 0 ? along : geom - along);
  const NodeId via = end == 0 ? m_net.edge_u[e] : m_net.edge_v[e];
  // q is the plane point; the plane chord strays from the piece's geodesic by at most
  // ~1e-4 of the piece length (0.15 m for a 2 km piece at 60°N), which moves the value
  // by < 0.01 µs. Near max access that offset decides reachability and, where the
  // edge runs along the access circle, moves the circle's cut by metres, so there q
  // is taken on the geodesic itself.
  auto point = [&](double at_x) {
    return at_x <= 0 ? piece.a : at_x >= v.length ? piece.b : geodesic_interpolate(piece.a, piece.b, at_x / v.length);
  };
  LonLat q = x <= 0 ? piece.a : x >= v.length ? piece.b : v.at(frame, x);
  double dist = frame.distance_m(q);
  if (dist > max_m - (1e-3 * v.length + 0.01) && m_mode == AccessFrom::edges) {
    q = point(x);
    dist = frame.distance_m(q);
  }
  if (dist > max_m * (1.0 + 1e-9)) {
    if (m_mode == AccessFrom::nodes) return;
    // The optimum lies beyond max access (the plane disc is slightly larger). The
    // objective is convex along the piece and the reachable part is an interval
    // around the foot point, so the best reachable point is where the access circle
    // cuts the piece between x and the foot point. (The lower bound of
    // plane_candidates, at the unconstrained optimum, still holds for it.)
    double in = std::clamp(v.x0, 0.0, v.length);
    LonLat q_in = point(in);
    double d_in = frame.distance_m(q_in);
    if (d_in > max_m) return;  // no point of this piece within reach
    double out = x;
    while (std::abs(out - in) > 1e-3) {
      const double mid = 0.5 * (in + out);
      const LonLat q_mid = point(mid);
      const double d_mid = frame.distance_m(q_mid);
      if (d_mid <= max_m) {
        in = mid;
        q_in = q_mid;
        d_in = d_mid;
      } else {
        out = mid;
      }
    }
    x = in;
    q = q_in;
    dist = d_in;
    along = std::clamp(along_edge(piece, v, x), 0.0, geom);
    fibre_us = rate * (end == 0 ? along : geom - along);
  }
  f(e, via, along, q, dist, m_access.us_per_m * dist + m_access.fixed_us, fibre_us);
}

double PointLatencyQuery::piece_latency(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece,
                                        std::span<const double> node_us, double best_us) const {
  double best = best_us;
  double found = kUnreached;
  for_piece(
      frame, scale, p, piece, [&](NodeId via, double lower_us) { return node_us[via] + lower_us < best; },
      [&](EdgeId, NodeId via, double, LonLat, double, double access_us, double fibre_us) {
        // Summed in the same order as evaluate(), so both give the same value.
        const double total = access_us + node_us[via] + fibre_us;
        if (total < best) best = found = total;
      });
  return found;
}

double PointLatencyQuery::piece_floor_us(const Piece& piece, std::span<const double> node_us) const {
  const EdgeId e = piece.edge;
  const double geom = m_net.edge_geom_length_m[e];
  const double rate = geom > 0 ? m_net.edge_delay_us[e] / geom : 0.0;
  const double via_u = node_us[m_net.edge_u[e]] + rate * std::max(0.0, piece.along_m);
  const double via_v = node_us[m_net.edge_v[e]] + rate * std::max(0.0, geom - piece.along_m - piece.length_m);
  const double floor = std::min(via_u, via_v);
  // Rounding margin: for_piece clamps positions and sums in another order.
  return floor == kUnreached ? kUnreached : floor - 1e-9 * (std::abs(floor) + 1.0);
}

PointLatency PointLatencyQuery::evaluate(LonLat p, std::span<const double> node_us,
                                         std::span<const std::uint32_t> node_source) {
  // The answer is the candidate (a point of an edge within max access, reached via one
  // end of it) of the lowest total; among equal totals, the one whose node has the lowest
  // source index, then the least access, then the first in the segment index's order
  // (pieces, then the u end before the v end): so the nearest site and the access do not
  // depend on how the network is numbered; within_access says whether any
  // candidate lies within max access. The pieces near p are visited cheapest first, by a
  // rigorous floor of any candidate's total on them (the nearer end's latency plus the
  // fibre to the piece, and the access over the plane distance to the piece's box), and
  // the visit stops when the floor exceeds the best total: the same answer as one pass
  // over every candidate in the index's order, for a fraction of the work.
  struct Near {
    double floor_us;
    std::uint32_t seq, piece;
  };
  thread_local std::vector<Near> near;
  near.clear();
  const LocalFrame frame(p);
  const PlaneScale scale = scale_at(frame);
  std::uint32_t seq = 0;
  m_index.query(p, plane_reach_m(m_access.max_m), m_scratch, [&](std::uint32_t id) {
    const Piece& piece = m_index.piece(id);
    const std::uint32_t k = seq++;
    if (far_from(frame, scale, p, piece)) return;
    const double fibre = piece_floor_us(piece, node_us);
    if (fibre == kUnreached) {
      near.push_back(Near{kUnreached, k, id});
      return;
    }
    // Plane distance to the piece's box (0 near the antimeridian, where the frame wraps);
    // the geodesic distance to any point of the piece is at least lo × it − margin, as
    // plane_candidates' lower bounds assume.
    const double gap_sq = plane_gap_sq(frame, p, piece);
    const double gap = gap_sq > 0.0 ? std::sqrt(gap_sq) : 0.0;
    const double floor =
        fibre + m_access.fixed_us + m_access.us_per_m * std::max(0.0, gap * scale.lo - scale.margin_m(piece.length_m));
    near.push_back(Near{floor - 1e-9 * (std::abs(floor) + 1.0), k, id});
  });
  // A min-heap: most points need only the few cheapest pieces.
  const auto later = [](const Near& a, const Near& b) {
    return a.floor_us != b.floor_us ? a.floor_us > b.floor_us : a.seq > b.seq;
  };
  std::make_heap(near.begin(), near.end(), later);
  PointLatency best;
  std::uint64_t best_seq = 0;
  // Among equal totals: the lowest source index, then the least access, then the first
  // in the index's order (the last only decides the edge, not what the tables show).
  const auto tie_first = [&](std::uint32_t source, double access_us, std::uint64_t order) {
    if (source != best.source) return source < best.source;
    if (access_us != best.access_us) return access_us < best.access_us;
    return order < best_seq;
  };
  // No candidate whose bound exceeds the best total (or is infinite, once within
  // access) can beat or tie it.
  const auto hopeless = [&](double bound_us) {
    return best.within_access && (bound_us > best.latency_us || bound_us == kUnreached);
  };
  for (auto end = near.end(); end != near.begin(); --end) {
    if (hopeless(near.front().floor_us)) break;
    std::pop_heap(near.begin(), end, later);
    const Near n = *(end - 1);
    const Piece& piece = m_index.piece(n.piece);
    const PieceView v = view_piece(frame, piece);
    plane_candidates(piece, v, scale, [&](int e_end, double x, NodeId via, double lower_us, double) {
      if (hopeless(node_us[via] + lower_us)) return;
      const std::uint64_t order = 2 * std::uint64_t{n.seq} + static_cast<std::uint64_t>(e_end);
      exact_candidate(frame, piece, v, e_end, x,
                      [&](EdgeId e, NodeId w, double along, LonLat q, double dist, double access_us, double fibre_us) {
                        best.within_access = true;
                        const double total = access_us + node_us[w] + fibre_us;
                        if (total < best.latency_us ||
                            (total == best.latency_us && total < kUnreached && tie_first(node_source[w], access_us, order))) {
                          best.latency_us = total;
                          best.access_us = access_us;
                          best.access_m = dist;
                          best.source = node_source[w];
                          best.edge = e;
                          best.along_m = along;
                          best.at = q;
                          best.via = w;
                          best_seq = order;
                        }
                      });
    });
  }
  return best;
}

void PointLatencyQuery::leg_bounds(LonLat p, const std::function<void(NodeId, double, double)>& f) {
  for_each_candidate(
      p,
      [&](NodeId via, double lower_us, double upper_us) {
        f(via, lower_us + m_net.node_delay_us[via], upper_us + m_net.node_delay_us[via]);
        return false;
      },
      [](EdgeId, NodeId, double, LonLat, double, double, double) {});
}

void PointLatencyQuery::leg_candidates(LonLat p, std::vector<LegCandidate>& out) {
  out.clear();
  const LocalFrame frame(p);
  const PlaneScale scale = scale_at(frame);
  m_index.query(p, plane_reach_m(m_access.max_m), m_scratch, [&](std::uint32_t id) {
    const Piece& piece = m_index.piece(id);
    if (far_from(frame, scale, p, piece)) return;
    piece_candidates(frame, scale, id, out);
  });
}

namespace {

// A piece's lon/lat box and the fibre from it to each end of its edge (node delay
// included): what its legs' floors need besides p.
PointLatencyQuery::NearPiece near_piece(const Network& net, const Piece& piece, std::uint32_t id) {
  PointLatencyQuery::NearPiece n;
  n.box = DegreeBox::at(piece.a);
  n.box.add(piece.b);
  const EdgeId e = piece.edge;
  const double geom = net.edge_geom_length_m[e];
  const double rate = geom > 0 ? net.edge_delay_us[e] / geom : 0.0;
  n.node[0] = net.edge_u[e];
  n.node[1] = net.edge_v[e];
  n.fibre_us[0] = rate * std::max(0.0, piece.along_m) + net.node_delay_us[n.node[0]];
  n.fibre_us[1] = rate * std::max(0.0, geom - piece.along_m - piece.length_m) + net.node_delay_us[n.node[1]];
  n.piece = id;
  n.length_m = piece.length_m;
  return n;
}

// The floors of one near piece's legs from p (frame: p's), as evaluate's: the access over
// lo × the plane gap to its box − margin (PlaneScale: a lower bound of the geodesic
// distance to any point of the piece; the gap is 0 near the antimeridian, where the frame
// wraps), plus the fibre to each end, less a rounding margin (positions are clamped and
// summed in another order by the exact leg). False when the piece lies beyond reach
// (far_from).
bool near_piece_floor(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const PointLatencyQuery::NearPiece& n,
                      const AccessCost& access, PointLatencyQuery::PieceFloor& f) {
  const double gap_sq = plane_gap_sq(frame, p, n.box);
  const double reach = far_reach_m(scale, access.max_m, n.length_m);
  if (gap_sq > reach * reach) return false;
  const double gap = gap_sq > 0.0 ? std::sqrt(gap_sq) : 0.0;
  const double a = access.fixed_us + access.us_per_m * std::max(0.0, gap * scale.lo - scale.margin_m(n.length_m));
  f.piece = n.piece;
  for (int end = 0; end < 2; ++end) {
    f.node[end] = n.node[end];
    const double floor = a + n.fibre_us[end];
    f.floor_us[end] = floor - 1e-9 * (std::abs(floor) + 1.0);
  }
  return true;
}

}  // namespace

void PointLatencyQuery::piece_floors(LonLat p, std::vector<PieceFloor>& out) {
  out.clear();
  const LocalFrame frame(p);
  const PlaneScale scale = scale_at(frame);
  PieceFloor f;
  m_index.query(p, plane_reach_m(m_access.max_m), m_scratch, [&](std::uint32_t id) {
    if (near_piece_floor(frame, scale, p, near_piece(m_net, m_index.piece(id), id), m_access, f)) out.push_back(f);
  });
}

bool PointLatencyQuery::near_pieces(std::span<const LonLat> pts, std::vector<NearPiece>& out, double spread) {
  // DEFAULT up to 1.5 times a point's query box: beyond, the shared query costs more than it saves.
  if (!m_index.query_union(pts, plane_reach_m(m_access.max_m), spread, m_scratch)) return false;
  out.clear();
  for (const std::uint32_t id : m_scratch) out.push_back(near_piece(m_net, m_index.piece(id), id));
  return true;
}

DegreeBox PointLatencyQuery::near_box(LonLat p) const { return SegmentIndex::query_box(p, plane_reach_m(m_access.max_m)); }

void PointLatencyQuery::near_pieces(LonLat p, std::vector<NearPiece>& out) {
  out.clear();
  m_index.query(p, plane_reach_m(m_access.max_m), m_scratch,
                [&](std::uint32_t id) { out.push_back(near_piece(m_net, m_index.piece(id), id)); });
}

void PointLatencyQuery::piece_floors(std::span<const LonLat> pts, std::span<const NearPiece> near,
                                     std::vector<double>& floors) const {
  const std::size_t n = pts.size();
  floors.resize(near.size() * n * 2);
  for (std::size_t k = 0; k < n; ++k) {
    const LocalFrame frame(pts[k]);
    const PlaneScale scale = scale_at(frame);
    for (std::size_t i = 0; i < near.size(); ++i) {
      double* to = &floors[(i * n + k) * 2];
      if (!piece_floor(frame, scale, pts[k], near[i], to)) to[0] = to[1] = kUnreached;
    }
  }
}

bool PointLatencyQuery::piece_floor(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const NearPiece& n,
                                    double floor_us[2]) const {
  PieceFloor f;
  if (!near_piece_floor(frame, scale, p, n, m_access, f)) return false;
  floor_us[0] = f.floor_us[0];
  floor_us[1] = f.floor_us[1];
  return true;
}

void PointLatencyQuery::piece_candidates(const LocalFrame& frame, const PlaneScale& scale, std::uint32_t id,
                                         std::vector<LegCandidate>& out) const {
  const Piece& piece = m_index.piece(id);
  const PieceView v = view_piece(frame, piece);
  plane_candidates(piece, v, scale, [&](int end, double x, NodeId via, double lower_us, double upper_us) {
    // The same sums as leg_bounds and access_legs' keep make. x is clamped to [0, length]:
    // exact_candidate takes the piece's own end points there.
    const double delay = m_net.node_delay_us[via];
    const std::uint32_t at_vertex = x <= 0 ? 1 : x >= v.length ? 2 : 0;
    out.push_back(LegCandidate{via, id, static_cast<std::uint32_t>(end), at_vertex, x, lower_us + delay, upper_us + delay});
  });
}

PointLatencyQuery::VertexKey PointLatencyQuery::vertex_key(const LegCandidate& c) const {
  // exact_candidate's sums at x = 0 (x / length = 0) or x = length (x / length = 1).
  const Piece& piece = m_index.piece(c.piece);
  const EdgeId e = piece.edge;
  const double geom = m_net.edge_geom_length_m[e];
  const double rate = geom > 0 ? m_net.edge_delay_us[e] / geom : 0.0;
  const double along = std::clamp(piece.along_m + (c.at_vertex == 1 ? 0.0 : 1.0) * piece.length_m, 0.0, geom);
  return VertexKey{c.at_vertex == 1 ? piece.a : piece.b, rate * (c.end == 0 ? along : geom - along)};
}

bool PointLatencyQuery::exact_leg(const LocalFrame& frame, const LegCandidate& c, AccessLeg& out) const {
  const Piece& piece = m_index.piece(c.piece);
  bool found = false;
  exact_candidate(frame, piece, view_piece(frame, piece), static_cast<int>(c.end), c.x,
                  [&](EdgeId e, NodeId w, double along, LonLat q, double dist, double access_us, double fibre_us) {
                    out = AccessLeg{w, access_us + fibre_us + m_net.node_delay_us[w], access_us, dist, fibre_us,
                                    e, along, q};
                    found = true;
                  });
  return found;
}

std::vector<PointLatencyQuery::AccessLeg> PointLatencyQuery::access_legs(LonLat p, bool per_edge) {
  return access_legs(p, per_edge, [](NodeId, double) { return true; });
}

std::vector<PointLatencyQuery::AccessLeg> PointLatencyQuery::access_legs(
    LonLat p, bool per_edge, const std::function<bool(NodeId, double)>& keep) {
  std::vector<AccessLeg> legs;
  auto want = [&](NodeId via, double lower_us) { return keep(via, lower_us + m_net.node_delay_us[via]); };
  for_each_candidate(p, want, [&](EdgeId e, NodeId w, double along, LonLat q, double dist, double access_us,
                            double fibre_us) {
    legs.push_back(AccessLeg{w, access_us + fibre_us + m_net.node_delay_us[w], access_us, dist, fibre_us,
                             e, along, q});
  });
  std::stable_sort(legs.begin(), legs.end(), [&](const AccessLeg& a, const AccessLeg& b) {
    if (a.node != b.node) return a.node < b.node;
    if (per_edge && a.edge != b.edge) return a.edge < b.edge;
    return a.cost_us < b.cost_us;
  });
  std::vector<AccessLeg> out;
  for (const AccessLeg& leg : legs)
    if (out.empty() || out.back().node != leg.node || (per_edge && out.back().edge != leg.edge)) out.push_back(leg);
  return out;
}

}  // namespace lightcone

#include <thread>

namespace lightcone {

std::vector<PointLatency> evaluate_points(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                          AccessFrom mode, std::span<const LonLat> pts,
                                          std::span<const double> node_us,
                                          std::span<const std::uint32_t> node_source, unsigned threads) {
  std::vector<PointLatency> out(pts.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(pts.size() / 64, 1)));
  auto work = [&](unsigned part) {
    PointLatencyQuery query(net, index, model, mode);
    for (std::size_t i = part; i < pts.size(); i += threads) out[i] = query.evaluate(pts[i], node_us, node_source);
  };
  {
    std::vector<std::jthread> pool;  // joined at the end of this block
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
  }
  return out;
}

}  // namespace lightcone

namespace lightcone {

std::size_t far_mid_span_joins(const Network& net, std::span<const PointLatency> points, double from_ends_m) {
  std::size_t n = 0;
  for (const PointLatency& p : points) {
    if (p.edge == kNone || p.latency_us == kUnreached) continue;
    const double geom = net.edge_geom_length_m[p.edge];
    if (std::min(p.along_m, geom - p.along_m) > from_ends_m) ++n;
  }
  return n;
}

std::string far_mid_span_warning(std::size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + " joined a fibre edge mid-span more than " +
         std::to_string(static_cast<int>(kFarTapM / 1000.0)) +
         " km from both its ends (long-haul and submarine spans have no taps there): check "
         "--no-tap-longer-than / no_tap_longer_than and the tap field";
}

}  // namespace lightcone

namespace lightcone {
namespace {

// A lower bound (metres) of the geodesic distance between any point of a and any point
// of b: the gaps in latitude and in longitude (the nearer way round) at their least
// metres per degree (a degree of latitude is at least 110,574 m; of longitude at least
// 111,319 m × cos φ at the most poleward latitude φ of either box), 1 % off for the
// plane, 1 m for rounding; 0 when they touch.
double box_gap_m(const DegreeBox& a, const DegreeBox& b) {
  const double gy = std::max({0.0, b.lat0 - a.lat1, a.lat0 - b.lat1}) * 110574.0;
  double glon = 360.0;
  for (double shift : {-360.0, 0.0, 360.0})
    glon = std::min(glon, std::max({0.0, b.lon0 + shift - a.lon1, a.lon0 - (b.lon1 + shift)}));
  const double pole = std::max({std::fabs(a.lat0), std::fabs(a.lat1), std::fabs(b.lat0), std::fabs(b.lat1)});
  const double gx = glon * 111319.0 * std::max(0.0, std::cos(pole * M_PI / 180.0));
  return std::max(0.0, std::sqrt(gx * gx + gy * gy) * 0.99 - 1.0);
}

}  // namespace

void leg_floors(const Network& net, const SegmentIndex& index, const LatencyModel& model, std::span<const LonLat> pts,
                std::span<double> floor_us) {
  if (pts.empty()) return;
  const AccessCost access(model);
  const double reach = plane_reach_m(access.max_m);
  // Blocks: cells kLegFloorCellM high and about as wide (in degrees at each point's latitude).
  const double cell_lat = kLegFloorCellM / 110574.0;
  // Any coordinate makes a key (NaN and below 0: 0; at most 1e9 < 2^32).
  const auto cell_key = [](double x) { return static_cast<std::uint64_t>(x >= 0.0 ? std::min(x, 1e9) : 0.0); };
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double c = std::cos(std::min(89.0, std::fabs(pts[i].lat)) * M_PI / 180.0);
    const auto row = cell_key(std::floor((pts[i].lat + 90.0) / cell_lat));
    const auto col = cell_key(std::floor((pts[i].lon + 180.0) * c / cell_lat));
    keyed[i] = {(row << 32) | col, static_cast<std::uint32_t>(i)};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> scratch;
  for (std::size_t k = 0; k < keyed.size();) {
    DegreeBox box = DegreeBox::at(pts[keyed[k].second]);  // one cell of raw longitudes: never across ±180
    std::size_t end = k;
    for (; end < keyed.size() && keyed[end].first == keyed[k].first; ++end) box.add(pts[keyed[end].second]);
    k = end;
    const LonLat centre{0.5 * (box.lon0 + box.lon1), 0.5 * (box.lat0 + box.lat1)};
    double radius = 0.0;
    for (double lon : {box.lon0, box.lon1})
      for (double lat : {box.lat0, box.lat1}) radius = std::max(radius, geodesic_distance_m(centre, LonLat{lon, lat}));
    index.query(centre, (radius + reach) * 1.01 + 10.0, scratch, [&](std::uint32_t id) {
      const Piece piece = index.piece(id);
      const double gap = box_gap_m(box, piece_box(piece.a, piece.b));
      if (gap > reach) return;  // no point of the piece within max access of the block
      const EdgeId e = piece.edge;
      const double G = net.edge_geom_length_m[e];
      const double rate = G > 0 ? net.edge_delay_us[e] / G : 0.0;
      const double acc = access.fixed_us + access.us_per_m * gap;
      // 1e-9 of room for the float (legs sum their parts in another order).
      const double to_u = std::max(0.0, (acc + rate * piece.along_m) * (1.0 - 1e-9));
      const double to_v = std::max(0.0, (acc + rate * (G - piece.along_m - piece.length_m)) * (1.0 - 1e-9));
      floor_us[net.edge_u[e]] = std::min(floor_us[net.edge_u[e]], to_u);
      floor_us[net.edge_v[e]] = std::min(floor_us[net.edge_v[e]], to_v);
    });
  }
}

}  // namespace lightcone
