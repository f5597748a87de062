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
  v.length = std::sqrt(dx * dx + dy * dy);  // std::hypot is ~3x slower; no overflow at these scales
  if (v.length > 0) {
    v.ux = dx / v.length;
    v.uy = dy / v.length;
  }
  // p is the origin of the frame.
  v.x0 = -(a.x * v.ux + a.y * v.uy);
  v.h = std::abs(a.x * v.uy - a.y * v.ux);
  if (v.length == 0) v.h = std::sqrt(a.x * a.x + a.y * a.y);
  return v;
}

Attachment attach_point(const SegmentIndex& index, LonLat p, double max_m,
                        std::vector<std::uint32_t>& scratch) {
  // The plane finds the candidates; the plane distance is within a few 1e-3 of the
  // geodesic one up to 10 km, but the plane chord strays from the piece's geodesic
  // (0.15 m for 2 km at 60°N) and the plane foot point can be metres off at 10 km. So
  // every piece that may be nearest is searched again on its geodesic.
  const LocalFrame frame(p);
  struct Candidate {
    std::uint32_t id;
    double plane_m;
  };
  std::vector<Candidate> candidates;
  double best_plane = std::numeric_limits<double>::infinity();
  // Growing radius: most points lie near an edge, and a query over the whole maximum
  // distance visits thousands of pieces on a dense network. The search is complete once
  // every piece within best_plane + slack (the pieces searched exactly below) was seen.
  const double max_radius = max_m * 1.01 + 1.0;
  for (double radius = std::min(250.0, max_radius);; radius = std::min(radius * 4.0, max_radius)) {
    candidates.clear();
    best_plane = std::numeric_limits<double>::infinity();
    index.query(p, radius, scratch, [&](std::uint32_t id) {
      const PieceView v = view_piece(frame, index.piece(id));
      const double x = std::clamp(v.x0, 0.0, v.length);
      const double qx = v.ax + v.ux * x, qy = v.ay + v.uy * x;
      const double d = std::sqrt(qx * qx + qy * qy);
      candidates.push_back({id, d});
      best_plane = std::min(best_plane, d);
    });
    if (radius >= max_radius || best_plane + best_plane * 5e-3 + 0.5 <= radius) break;
  }
  Attachment best;
  const double slack_m = best_plane * 5e-3 + 0.5;
  for (const Candidate& c : candidates) {
    if (c.plane_m > best_plane + slack_m) continue;
    const Piece& piece = index.piece(c.id);
    auto point = [&](double f) {
      return f <= 0.0 ? piece.a : f >= 1.0 ? piece.b : geodesic_interpolate(piece.a, piece.b, f);
    };
    // Golden-section search for the nearest point: distance is unimodal along a piece.
    double lo = 0.0;
    double hi = 1.0;
    double f = 0.0;
    if (piece.length_m > 0.0) {
      const double r = 0.6180339887498949;
      double f1 = hi - r * (hi - lo);
      double f2 = lo + r * (hi - lo);
      double d1 = geodesic_distance_m(p, point(f1));
      double d2 = geodesic_distance_m(p, point(f2));
      while ((hi - lo) * piece.length_m > 1e-3) {
        if (d1 < d2) {
          hi = f2;
          f2 = f1;
          d2 = d1;
          f1 = hi - r * (hi - lo);
          d1 = geodesic_distance_m(p, point(f1));
        } else {
          lo = f1;
          f1 = f2;
          d1 = d2;
          f2 = lo + r * (hi - lo);
          d2 = geodesic_distance_m(p, point(f2));
        }
      }
      f = 0.5 * (lo + hi);
      // The ends are candidates too (the search converges to them only within 1 mm).
      const double d_mid = geodesic_distance_m(p, point(f));
      const double d_a = geodesic_distance_m(p, piece.a);
      const double d_b = geodesic_distance_m(p, piece.b);
      if (d_a <= d_mid && d_a <= d_b) f = 0.0;
      else if (d_b < d_mid) f = 1.0;
    }
    const LonLat at = point(f);
    const double d = geodesic_distance_m(p, at);
    if (d < best.distance_m) {  // ties: the first in query order
      best.edge = piece.edge;
      best.along_m = piece.along_m + f * piece.length_m;
      best.at = at;
      best.distance_m = d;
    }
  }
  if (best.distance_m > max_m) return Attachment{};
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
      if (!net.edge_tap.empty()) out.edge_tap.push_back(net.edge_tap[e]);
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
        if (!(g[seg] == part.back())) part.push_back(g[seg]);  // a cut may sit on g[seg]
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
    for (; seg < g.size(); ++seg)
      if (!(g[seg] == part.back())) part.push_back(g[seg]);
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
