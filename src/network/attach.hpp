// Attaching points (sites, demand) to the network: nearest point on the nearest edge
// within a maximum distance, and splitting edges there so the point becomes a node.
// Distances are geodesic metres; positions along an edge are metres of its geometry.
#pragma once

#include <limits>
#include <span>
#include <vector>

#include "network/network.hpp"
#include "network/segment_index.hpp"

namespace lightcone {

struct Attachment {
  EdgeId edge = kNone;  // kNone: no edge within the maximum distance
  double along_m = 0.0; // position along edge geometry, metres from edge_u
  LonLat at;            // the network point
  double distance_m = std::numeric_limits<double>::infinity();  // geodesic p → at
};

// A piece seen from a query point p, in p's local plane (metres): the piece runs
// from `a` along unit direction (ux, uy) for `length` metres; `x0` is the position
// of p's foot point along it (unclamped), `h` p's distance from the piece's line.
struct PieceView {
  double ax = 0, ay = 0, ux = 0, uy = 0, length = 0, x0 = 0, h = 0;
  LonLat at(const class LocalFrame& frame, double x) const;
};
PieceView view_piece(const class LocalFrame& frame, const Piece& piece);
// Position along the edge (metres of geometry) of the point x metres into the piece.
inline double along_edge(const Piece& piece, const PieceView& v, double x) {
  return piece.along_m + (v.length > 0 ? x / v.length : 0.0) * piece.length_m;
}

// Nearest network point to p within max_m (ties: the first piece in SegmentIndex::query order).
Attachment attach_point(const SegmentIndex& index, LonLat p, double max_m,
                        std::vector<std::uint32_t>& scratch);

// Splits edges at the attachments (those with edge != kNone) and returns the node of
// each attachment (kNone where not attached). Points within 1 cm of an edge end use
// the existing node. Lengths and delays are shared in proportion to geometry length.
std::vector<NodeId> split_at(Network& net, std::span<const Attachment> attachments);

}  // namespace lightcone

namespace lightcone {
// The part of edge e's geometry between two positions along it (metres), in the
// direction from `from_m` to `to_m` (reversed when from_m > to_m).
std::vector<LonLat> edge_part(const Network& net, EdgeId e, double from_m, double to_m);
}  // namespace lightcone
