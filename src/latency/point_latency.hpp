// Latency of an arbitrary point (DESIGN.md §3): the minimum over network points q within
// the maximum access distance of access(p, q) + network latency of q, where q ranges
// over every point of every edge (AccessFrom::edges) or only over nodes.
// Network latency along an edge is linear in the distance along its geometry.
// All values one-way µs; multiply by LatencyModel::metric_factor() to report.
#pragma once

#include <algorithm>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "network/segment_index.hpp"

namespace lightcone {

struct PointLatency {
  double latency_us = kUnreached;  // access + network, one-way
  double access_us = kUnreached;   // access part, one-way
  double access_m = std::numeric_limits<double>::quiet_NaN();  // straight p → q, metres
  std::uint32_t source = kNone;    // nearest source (site) index
  EdgeId edge = kNone;             // edge holding q
  double along_m = 0.0;            // q's position along that edge's geometry
  LonLat at;                       // q
  NodeId via = kNone;              // node through which q is reached (edge end)
  bool within_access = false;      // some network point lies within max access
};

// Access cost parameters derived from the model, in µs per metre of straight distance.
struct AccessCost {
  double us_per_m = 0.0;  // detour × access µs/km / 1000
  double fixed_us = 0.0;
  double max_m = 0.0;
  explicit AccessCost(const LatencyModel& m)
      : us_per_m(m.access_detour * m.access_rate_us_per_km() / 1000.0),
        fixed_us(m.access_fixed.value),
        max_m(m.max_access.value) {}
};

// Reusable per-thread evaluator.
class PointLatencyQuery {
 public:
  PointLatencyQuery(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                    AccessFrom mode = AccessFrom::edges);
  // node_us / node_source: one-way latency and nearest source of every node.
  PointLatency evaluate(LonLat p, std::span<const double> node_us,
                        std::span<const std::uint32_t> node_source);
  // The best way from p onto each edge end w within reach: access to a point q of an
  // edge at w, then along the edge to w (cost includes w's node delay). One leg per
  // node, ordered by node id. Used to search from a point (routes).
  struct AccessLeg {
    NodeId node = kNone;
    double cost_us = 0.0;  // access_us + fibre_us + node delay of `node`
    double access_us = 0.0;
    double access_m = 0.0;
    double fibre_us = 0.0;
    EdgeId edge = kNone;
    double along_m = 0.0;
    LonLat at;
  };
  // per_edge: one leg per (node, edge) instead of per node (for fibre-cut analysis,
  // where a leg along a cut edge is lost but another edge at the same node may serve).
  std::vector<AccessLeg> access_legs(LonLat p, bool per_edge = false);
  // Plane-only bounds of every candidate leg, without geodesic distances (a fraction of
  // access_legs' cost): f(node, lower_us, upper_us), lower ≤ the candidate's exact
  // cost_us ≤ upper; upper = kUnreached when it may lie beyond max access. A node may
  // get several calls (one per candidate). For pruning legs before computing them.
  void leg_bounds(LonLat p, const std::function<void(NodeId, double, double)>& f);
  // access_legs(p, per_edge) computed only for the candidates keep(node, lower_us) accepts.
  std::vector<AccessLeg> access_legs(LonLat p, bool per_edge, const std::function<bool(NodeId, double)>& keep);

  // leg_bounds and the exact pass of access_legs in two steps over one segment-index
  // query: every candidate leg of p with its plane bounds (the values leg_bounds gives,
  // in the same order), then the exact leg of any of them (the leg access_legs computes
  // for it). For pruning many legs per point (coverage).
  struct LegCandidate {
    NodeId node = kNone;
    std::uint32_t piece = 0;  // segment index piece
    std::uint32_t end = 0;    // 0: reached via the edge's u end, 1: via its v end
    std::uint32_t at_vertex = 0;  // 1: x is the piece's start (its point a), 2: its end (b); 0: inside
    double x = 0.0;           // plane position along the piece
    double lower_us = 0.0;    // ≤ the exact cost_us (node delay included)
    double upper_us = 0.0;    // ≥ the exact cost_us; kUnreached when it may lie beyond max access
  };
  void leg_candidates(LonLat p, std::vector<LegCandidate>& out);
  // leg_candidates in two steps, for pruning lazily: every piece near p (the pieces
  // leg_candidates looks at, in its order) with a floor of the exact cost_us of its leg via
  // each end (node delay included; the access over the plane gap to the piece's box plus
  // the fibre from the piece to that end), before any plane work; then the candidates of
  // one such piece (the LegCandidates leg_candidates gives for it), appended to `out`.
  struct PieceFloor {
    std::uint32_t piece = 0;
    NodeId node[2] = {kNone, kNone};  // the edge's u and v ends
    double floor_us[2] = {0.0, 0.0};  // ≤ the exact cost_us of the leg via node[end]
  };
  void piece_floors(LonLat p, std::vector<PieceFloor>& out);
  // piece_floors for many nearby points from one index query: the pieces near any of
  // `pts` with what their floors need (box, fibre to each end with its node delay);
  // false when near_pieces cannot share a query among them (SegmentIndex::query_union).
  // piece_floors(pts, near, floors) then gives, for each p of pts, the floors
  // piece_floors(p, out) gives, up to rounding in the last bits (both are floors), by
  // near piece. near_pieces(p, out): the pieces piece_floors(p, out) looks at (always
  // possible, also across the antimeridian), for one point.
  struct NearPiece {
    DegreeBox box;                                 // the piece's lon/lat box (raw longitudes)
    double fibre_us[2] = {0.0, 0.0};               // from the piece to each end, node delay included
    NodeId node[2] = {kNone, kNone};
    std::uint32_t piece = 0;
    double length_m = 0.0;                         // the piece's (PlaneScale::margin_m)
    // Makes this stand for `o` too (a piece of the same edge): its floors then lie at or
    // below both's (the union of the boxes, the longer length, the lesser fibre to each
    // end) and it lies within reach of any point either does. REQUIRES: the same ends.
    void hold(const NearPiece& o) {
      box.add(o.box);
      length_m = std::max(length_m, o.length_m);
      fibre_us[0] = std::min(fibre_us[0], o.fibre_us[0]);
      fibre_us[1] = std::min(fibre_us[1], o.fibre_us[1]);
    }
  };
  // spread: as SegmentIndex::query_union's (the union at most this many times a point's box).
  bool near_pieces(std::span<const LonLat> pts, std::vector<NearPiece>& out, double spread = 1.5);
  // The lon/lat box near_pieces(p, …) queries.
  DegreeBox near_box(LonLat p) const;
  void near_pieces(LonLat p, std::vector<NearPiece>& out);
  // floors[(i × pts.size() + k) × 2 + end]: the floor of the leg from pts[k] via end `end`
  // of near[i] (PieceFloor::floor_us), kUnreached when near[i] lies beyond reach of pts[k]
  // (piece_floors(pts[k], out) leaves it out).
  void piece_floors(std::span<const LonLat> pts, std::span<const NearPiece> near, std::vector<double>& floors) const;
  // The same floors for one point and one near piece (floor_us[end]); false when it lies
  // beyond reach of p. REQUIRES: `frame` is LocalFrame(p), `scale` is scale_at(frame).
  bool piece_floor(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const NearPiece& n,
                   double floor_us[2]) const;
  // REQUIRES: `scale` is scale_at(frame).
  void piece_candidates(const LocalFrame& frame, const PlaneScale& scale, std::uint32_t piece,
                        std::vector<LegCandidate>& out) const;
  // How plane distances from the frame's origin stray from geodesic ones within the reach
  // of any candidate (LocalFrame::plane_scale): what the plane bounds allow for.
  PlaneScale scale_at(const LocalFrame& frame) const;
  // Candidates at a vertex of their edge (at_vertex ≠ 0) with equal keys and nodes have
  // the same exact leg, bit for bit: the leg is the access to that point q plus the fibre
  // from it to the node (so the pieces on both sides of a vertex give the same leg, as do
  // the edges of a node that all start at the node's own position). REQUIRES at_vertex ≠ 0.
  struct VertexKey {
    LonLat q;
    double fibre_us = 0.0;
    bool operator==(const VertexKey& o) const { return q.lon == o.q.lon && q.lat == o.q.lat && fibre_us == o.fibre_us; }
  };
  VertexKey vertex_key(const LegCandidate& c) const;
  // The exact leg of candidate c of leg_candidates(p, …); false when no point of its piece
  // lies within max access. REQUIRES: `frame` is LocalFrame(p).
  bool exact_leg(const LocalFrame& frame, const LegCandidate& c, AccessLeg& out) const;

  // The §3 closed form for one piece of the segment index: the lowest access + network
  // latency from p through a point of `piece`, reached via either end of its edge — the
  // term evaluate() takes the minimum of over the pieces near p (same code, same value).
  // kUnreached when no point of the piece lies within max access, both ends are
  // unreached, or no candidate beats `best_us` (exact work is skipped for candidates
  // whose lower bound cannot beat it). REQUIRES: `frame` is LocalFrame(p), `scale` is
  // scale_at(frame).
  double piece_latency(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece,
                       std::span<const double> node_us, double best_us = kUnreached) const;
  // A lower bound of the network latency (without access) of every point of `piece`:
  // piece_latency(…) ≥ piece_floor_us(…) + access fixed delay + access µs/m × distance.
  double piece_floor_us(const Piece& piece, std::span<const double> node_us) const;

 private:
  // f(edge, via_node, along_m, q, access_m, access_us, fibre_us_from_via) for the best
  // point q of every piece within reach, once per edge end, unless want(via_node,
  // lower bound of access_us + fibre_us) says the candidate cannot matter. A want taking
  // a third argument also gets an upper bound (kUnreached when q may lie beyond max access).
  template <class Want, class F>
  void for_each_candidate(LonLat p, Want&& want, F&& f);
  // The same for one piece (the closed form); p's frame given.
  template <class Want, class F>
  void for_piece(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece, Want&& want,
                 F&& f) const;
  // for_piece in its parts: a cheap test that no point of the piece lies in p's plane
  // disc (then plane_candidates would find nothing); f(end, x, via, lower_us, upper_us)
  // for each end's plane candidate; the exact value of one candidate, f as for_piece's.
  bool far_from(const LocalFrame& frame, const PlaneScale& scale, LonLat p, const Piece& piece) const;
  template <class F>
  void plane_candidates(const Piece& piece, const PieceView& v, const PlaneScale& ps, F&& f) const;
  template <class F>
  void exact_candidate(const LocalFrame& frame, const Piece& piece, const PieceView& v, int end, double x,
                       F&& f) const;

  const Network& m_net;
  const SegmentIndex& m_index;
  AccessCost m_access;
  AccessFrom m_mode;
  std::vector<std::uint32_t> m_scratch;
};

}  // namespace lightcone

namespace lightcone {
// A join farther than this from both ends of its edge is a mid-span tap worth a warning
// (DESIGN §3): under the DEFAULT rule (edges over 50 km joined only at their ends) no
// join is, so it flags taps that --no-tap-longer-than off (or raised) or a tap field
// `yes` let through, e.g. a coastal town joined to a submarine cable.
inline constexpr double kFarTapM = 25000.0;
// How many of `points` joined their edge mid-span farther than from_ends_m from both
// of its ends (unreached points and joins at nodes never count).
std::size_t far_mid_span_joins(const Network& net, std::span<const PointLatency> points,
                               double from_ends_m = kFarTapM);
// The summary's warning for `n` such joins of `what` ("demand points").
std::string far_mid_span_warning(std::size_t n, const std::string& what);

// Per node w, a lower bound of every access leg from any of `pts` through w (the
// cost_us of PointLatencyQuery::access_legs, node delay aside), min'ed into floor_us[w]
// (the caller fills it: kUnreached, or earlier floors). The points are taken in blocks,
// the cells of a grid of kLegFloorCellM: every piece of an edge within max access of a
// block's box gives both ends of its edge the access over the gap between the boxes
// plus the fibre from the piece to the end. Looser than each point's leg_bounds by at
// most the access over a block's size and the fibre of a piece, at a small share of
// their cost (one segment-index query per block). For checking that a network around
// many points holds every path within a budget (plan parts' halo check).
inline constexpr double kLegFloorCellM = 5000.0;
void leg_floors(const Network& net, const SegmentIndex& index, const LatencyModel& model, std::span<const LonLat> pts,
                std::span<double> floor_us);

// Point latency of many points on `threads` threads (0 = all cores); result i for pts[i].
std::vector<PointLatency> evaluate_points(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                          AccessFrom mode, std::span<const LonLat> pts,
                                          std::span<const double> node_us,
                                          std::span<const std::uint32_t> node_source, unsigned threads = 0);
}  // namespace lightcone
