#include "network/attach.hpp"

#include <algorithm>
#include <cmath>

#include "network/geodesic.hpp"

namespace lightcone {

LonLat PieceView::at(const LocalFrame& frame, double x) const {
  return frame.to_lonlat({ax + ux * x, ay + uy * x});
}

PieceView view_piece(const LocalFrame& frame, const Piece& piece) {
  const auto a = frame.to_xy(piece.a);
  const auto b = frame.to_xy(piece.b);
  PieceView v;
  v.ax = a.x;
  v.ay = a.y;
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  v.length = std::hypot(dx, dy);
  if (v.length > 0) {
    v.ux = dx / v.length;
    v.uy = dy / v.length;
  }
  // p is the origin of the frame.
  v.x0 = -(a.x * v.ux + a.y * v.uy);
  v.h = std::abs(a.x * v.uy - a.y * v.ux);
  if (v.length == 0) v.h = std::hypot(a.x, a.y);
  return v;
}

Attachment attach_point(const SegmentIndex& index, LonLat p, double max_m,
                        std::vector<std::uint32_t>& scratch) {
  Attachment best;
  const LocalFrame frame(p);
  double best_plane = std::numeric_limits<double>::infinity();
  std::uint32_t best_piece = kNone;
  double best_x = 0;
  index.query(p, max_m * 1.01 + 1.0, scratch, [&](std::uint32_t id) {
    const Piece& piece = index.piece(id);
    const PieceView v = view_piece(frame, piece);
    const double x = std::clamp(v.x0, 0.0, v.length);
    const double d = std::hypot(v.ax + v.ux * x, v.ay + v.uy * x);
    if (d < best_plane) {
      best_plane = d;
      best_piece = id;
      best_x = x;
    }
  });
  if (best_piece == kNone) return best;
  const Piece& piece = index.piece(best_piece);
  const PieceView v = view_piece(frame, piece);
  LonLat at = best_x <= 0 ? piece.a : best_x >= v.length ? piece.b : v.at(frame, best_x);
  const double d = geodesic_distance_m(p, at);
  if (d > max_m) return best;
  best.edge = piece.edge;
  best.along_m = along_edge(piece, v, best_x);
  best.at = at;
  best.distance_m = d;
  return best;
}

std::vector<NodeId> split_at(Network& net, std::span<const Attachment> attachments) {
  constexpr double kEndTolM = 0.01;
  std::vector<NodeId> node_of(attachments.size(), kNone);
  // Cuts per edge: (along, attachment index).
  std::vector<std::vector<std::pair<double, std::size_t>>> cuts(net.edges());
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    const Attachment& a = attachments[i];
    if (a.edge == kNone) continue;
    if (a.along_m <= kEndTolM) node_of[i] = net.edge_u[a.edge];
    else if (a.along_m >= net.edge_geom_length_m[a.edge] - kEndTolM) node_of[i] = net.edge_v[a.edge];
    else cuts[a.edge].emplace_back(a.along_m, i);
  }
  Network out;
  out.node_pos = net.node_pos;
  out.node_delay_us = net.node_delay_us;
  std::vector<LonLat> part;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    auto& c = cuts[e];
    std::sort(c.begin(), c.end());
    const auto g = net.edge_geometry(e);
    const double total = net.edge_geom_length_m[e];
    auto emit = [&](NodeId u, NodeId v, double from_m, double to_m) {
      const double share = total > 0 ? (to_m - from_m) / total : 1.0;
      out.edge_u.push_back(u);
      out.edge_v.push_back(v);
      out.edge_length_m.push_back(net.edge_length_m[e] * share);
      out.edge_geom_length_m.push_back(to_m - from_m);
      out.edge_delay_us.push_back(net.edge_delay_us[e] * share);
      out.edge_fid.push_back(net.edge_fid[e]);
      out.geom.insert(out.geom.end(), part.begin(), part.end());
      out.edge_geom_first.push_back(static_cast<std::uint32_t>(out.geom.size()));
    };
    if (c.empty()) {
      part.assign(g.begin(), g.end());
      emit(net.edge_u[e], net.edge_v[e], 0.0, total);
      continue;
    }
    // Walk the geometry once, cutting at each distinct position.
    NodeId prev_node = net.edge_u[e];
    double prev_m = 0.0;
    std::size_t seg = 1;
    double seg_start_m = 0.0;
    double seg_len = g.size() > 1 ? geodesic_distance_m(g[0], g[1]) : 0.0;
    part.assign(1, g[0]);
    for (std::size_t k = 0; k < c.size(); ++k) {
      const double cut_m = c[k].first;
      if (k > 0 && cut_m - c[k - 1].first <= kEndTolM) {
        node_of[c[k].second] = node_of[c[k - 1].second];
        continue;
      }
      while (seg + 1 < g.size() && seg_start_m + seg_len < cut_m) {
        part.push_back(g[seg]);
        seg_start_m += seg_len;
        ++seg;
        seg_len = geodesic_distance_m(g[seg - 1], g[seg]);
      }
      const double f = seg_len > 0 ? std::clamp((cut_m - seg_start_m) / seg_len, 0.0, 1.0) : 0.0;
      const LonLat at = geodesic_interpolate(g[seg - 1], g[seg], f);
      if (at == part.back() && part.size() > 1) part.pop_back();
      part.push_back(at);
      const NodeId node = static_cast<NodeId>(out.node_pos.size());
      out.node_pos.push_back(at);
      out.node_delay_us.push_back(0.0);  // a split point is not a hop
      emit(prev_node, node, prev_m, cut_m);
      node_of[c[k].second] = node;
      prev_node = node;
      prev_m = cut_m;
      part.assign(1, at);
    }
    for (; seg < g.size(); ++seg) part.push_back(g[seg]);
    emit(prev_node, net.edge_v[e], prev_m, total);
  }
  net = std::move(out);
  return node_of;
}

}  // namespace lightcone

namespace lightcone {

std::vector<LonLat> edge_part(const Network& net, EdgeId e, double from_m, double to_m) {
  const bool reversed = from_m > to_m;
  const double lo = std::min(from_m, to_m);
  const double hi = std::max(from_m, to_m);
  const auto g = net.edge_geometry(e);
  std::vector<LonLat> out;
  double start = 0.0;
  for (std::size_t i = 1; i < g.size(); ++i) {
    const double len = geodesic_distance_m(g[i - 1], g[i]);
    const double end = start + len;
    if (end >= lo && start <= hi) {
      const double f0 = len > 0 ? std::clamp((lo - start) / len, 0.0, 1.0) : 0.0;
      const double f1 = len > 0 ? std::clamp((hi - start) / len, 0.0, 1.0) : 1.0;
      const LonLat a = geodesic_interpolate(g[i - 1], g[i], f0);
      if (out.empty() || !(out.back() == a)) out.push_back(a);
      const LonLat b = geodesic_interpolate(g[i - 1], g[i], f1);
      if (!(out.back() == b)) out.push_back(b);
    }
    start = end;
  }
  if (out.size() == 1) out.push_back(out.front());
  if (reversed) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace lightcone
