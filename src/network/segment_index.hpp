// Spatial index over the network's edge geometry for "which edge points lie within r
// of p" queries. Segments are cut into short geodesic pieces (≤ kPieceMaxM) so each
// piece is straight in a local plane. A piece knows its edge and its distance along the
// edge's geometry (metres).
//
// Cost does not follow segment length. A segment of at most kStoredMaxPieces pieces
// (≤ 32 km) stores its pieces, bucketed by the 0.05° cell of their box centre; a longer
// one (a backbone span of thousands of km) stores no piece, only one box per
// kSubBoxPieces pieces in a packed R-tree (Boost.Geometry, kept out of this header), and
// a query bisects those boxes down to the pieces near p, computing them on the geodesic
// solved once per segment.
// The index holds what access may join (Network::edge_tap): an edge open only at its
// ends is two pieces of length 0 at its end nodes; an edge closed to access, none. So
// every access query (sites, demand, routes, coverage, surface) follows the tap rule. Piece ids are dense, 0 .. pieces()-1; a long segment's pieces
// are computed again on each piece(id), bit for bit as if they had been stored.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/ids.hpp"
#include "network/network.hpp"

namespace lightcone {

struct Piece {
  EdgeId edge = kNone;
  double along_m = 0.0;  // geodesic distance along the edge geometry at `a`
  double length_m = 0.0; // geodesic length of the piece
  LonLat a;
  LonLat b;
};

// A lon/lat box in degrees.
struct DegreeBox {
  double lon0 = 0.0, lon1 = 0.0, lat0 = 0.0, lat1 = 0.0;
  // The box of one point, grown to hold another point or box (raw longitudes: no wrap).
  static DegreeBox at(LonLat p) { return {p.lon, p.lon, p.lat, p.lat}; }
  void add(LonLat p) { add(at(p)); }
  void add(const DegreeBox& b) {
    lon0 = std::min(lon0, b.lon0);
    lon1 = std::max(lon1, b.lon1);
    lat0 = std::min(lat0, b.lat0);
    lat1 = std::max(lat1, b.lat1);
  }
  // Whether the boxes share a point (raw longitudes: no wrap).
  bool meets(const DegreeBox& b) const { return lon0 <= b.lon1 && lon1 >= b.lon0 && lat0 <= b.lat1 && lat1 >= b.lat0; }
};
// A piece's box (ends a and b) as the index files it: a piece crossing the antimeridian
// (its ends more than 180° of longitude apart) runs east from its end near +180 past 180
// (so its box reaches beyond 180; queries near −180 look there too).
DegreeBox piece_box(LonLat a, LonLat b);

class SegmentIndex {
 public:
  static constexpr double kPieceMaxM = 2000.0;
  // Segments cut into more pieces than this keep none (their pieces are computed when
  // asked for); they are split into boxes of kSubBoxPieces pieces for the R-tree.
  // (An R-tree over every stored piece, sorting each result into query order, cost
  // a quarter more CPU than the cell buckets on province-scale networks.)
  static constexpr std::uint32_t kStoredMaxPieces = 16;
  static constexpr std::uint32_t kSubBoxPieces = 64;
  // cell_deg: the buckets of stored pieces and the order of query results (see query).
  // REQUIRES: cell_deg > 0. DEFAULT: 0.05 degrees (about 5 km).
  explicit SegmentIndex(const Network& net, double cell_deg = 0.05);
  ~SegmentIndex();
  SegmentIndex(SegmentIndex&&) noexcept;
  SegmentIndex& operator=(SegmentIndex&&) noexcept;

  // Calls f(piece_id) for every piece whose lon/lat bounding box meets the query box
  // of p and radius_m (a lon/lat box holding every point within radius_m of p in p's
  // local plane; so a superset of the pieces within radius_m; near the antimeridian
  // that box moved by ±360° too), each once, in a fixed order: by the 0.05° cell of the
  // piece's box centre (west to east, then south to north), then by edge and position
  // along it — the order of the grid this index
  // replaced, so callers that keep the first of equal candidates choose as before.
  // `scratch` holds the ids during the calls: f must not query with the same scratch.
  template <class F>
  void query(LonLat p, double radius_m, std::vector<std::uint32_t>& scratch, F&& f) const {
    collect(p, radius_m, scratch);
    for (const std::uint32_t id : scratch) f(id);
  }
  // One query for several nearby points: the ids whose box meets the union of their
  // query boxes (so every id query(p, radius_m, …) gives for each p of pts), each once,
  // in query order. False, `out` untouched, when some point's query box reaches across the
  // antimeridian or the union is more than `spread` times a point's box in either
  // direction (then query each point alone).
  bool query_union(std::span<const LonLat> pts, double radius_m, double spread, std::vector<std::uint32_t>& out) const;
  // The lon/lat box of query(p, radius_m) (without its other side near the antimeridian):
  // every id it gives has a box meeting it.
  static DegreeBox query_box(LonLat p, double radius_m);
  // The same ids in the same order by scanning every piece (the test oracle; slow).
  void query_brute_force(LonLat p, double radius_m, std::vector<std::uint32_t>& out) const;

  Piece piece(std::uint32_t id) const { return id < m_pieces.size() ? m_pieces[id] : long_piece(id); }
  std::size_t pieces() const { return m_pieces.size() + m_long_pieces; }

 private:
  struct Impl;
  void collect(LonLat p, double radius_m, std::vector<std::uint32_t>& out) const;
  // The ids whose box meets one lon/lat box, in query order.
  void collect_box(double lon0, double lon1, double lat0, double lat1, std::vector<std::uint32_t>& out) const;
  Piece long_piece(std::uint32_t id) const;
  std::vector<Piece> m_pieces;  // stored pieces, ids 0 .. size-1, in query order
  std::size_t m_long_pieces = 0;  // pieces of long segments, ids from m_pieces.size()
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lightcone
