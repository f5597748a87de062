// Spatial index over the network's edge geometry for "which edge points lie within r
// of p" queries. Segments are cut into short geodesic pieces (≤ kPieceMaxM) so each
// piece is straight in a local plane; pieces are bucketed in a lon/lat grid.
// A piece knows its edge and its distance along the edge's geometry (metres).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
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

class SegmentIndex {
 public:
  static constexpr double kPieceMaxM = 2000.0;
  // REQUIRES: cell_deg > 0. DEFAULT: 0.05 degrees (about 5 km).
  explicit SegmentIndex(const Network& net, double cell_deg = 0.05);

  // Calls f(piece_id) for every piece whose bounding box comes within radius_m of p
  // (a superset of the pieces within radius_m), each once, in a fixed order (by cell,
  // then piece id): the same for every run. `scratch` is kept for callers' reuse.
  template <class F>
  void query(LonLat p, double radius_m, std::vector<std::uint32_t>& scratch, F&& f) const;

  const Piece& piece(std::uint32_t id) const { return m_pieces[id]; }
  std::size_t pieces() const { return m_pieces.size(); }

 private:
  static std::uint64_t key(std::int64_t cx, std::int64_t cy) {
    return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint64_t>(cy & 0xffffffff);
  }
  std::int64_t cell(double deg) const;
  double m_cell_deg;
  double m_half_lon = 0.0, m_half_lat = 0.0;  // largest half-extent of a piece's bounding box, degrees
  std::vector<Piece> m_pieces;
  // Cell key → range of piece ids (pieces are stored cell by cell).
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> m_cells;
};

template <class F>
void SegmentIndex::query(LonLat p, double radius_m, std::vector<std::uint32_t>& scratch, F&& f) const {
  const double dlat = radius_m / 110000.0 + 1e-9;
  const double c = std::max(std::cos(std::min(std::abs(p.lat) + dlat, 90.0) * 0.017453292519943295), 1e-6);
  const double dlon = std::min(radius_m / (111000.0 * c) + 1e-9, 180.0);
  // Each piece sits in the one cell of its bounding-box centre, so the box is widened by
  // the largest half-extent of a piece; no piece is seen twice (no sort, no dedupe).
  scratch.clear();
  for (std::int64_t x = cell(p.lon - dlon - m_half_lon); x <= cell(p.lon + dlon + m_half_lon); ++x)
    for (std::int64_t y = cell(p.lat - dlat - m_half_lat); y <= cell(p.lat + dlat + m_half_lat); ++y) {
      auto it = m_cells.find(key(x, y));
      if (it == m_cells.end()) continue;
      for (std::uint32_t k = it->second.first; k < it->second.second; ++k) f(k);
    }
}

}  // namespace lightcone
