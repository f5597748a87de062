#include "network/segment_index.hpp"

#include <algorithm>
#include <cmath>

#include "network/geodesic.hpp"

namespace lightcone {

std::int64_t SegmentIndex::cell(double deg) const {
  return static_cast<std::int64_t>(std::floor(deg / m_cell_deg));
}

SegmentIndex::SegmentIndex(const Network& net, double cell_deg) : m_cell_deg(cell_deg) {
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const auto g = net.edge_geometry(e);
    double along = 0.0;
    for (std::size_t i = 1; i < g.size(); ++i) {
      const double len = geodesic_distance_m(g[i - 1], g[i]);
      const int parts = std::max(1, static_cast<int>(std::ceil(len / kPieceMaxM)));
      LonLat prev = g[i - 1];
      for (int k = 1; k <= parts; ++k) {
        const LonLat next = k == parts ? g[i] : geodesic_interpolate(g[i - 1], g[i], static_cast<double>(k) / parts);
        const double plen = len / parts;
        m_pieces.push_back(Piece{e, along, plen, prev, next});
        along += plen;
        prev = next;
      }
    }
  }
  // Bucket each piece in the cell of its bounding-box centre (queries widen their box by
  // the largest half-extent, so a piece is found from every cell its box touches).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
  entries.reserve(m_pieces.size());
  for (std::uint32_t id = 0; id < m_pieces.size(); ++id) {
    const Piece& p = m_pieces[id];
    double lon0 = std::min(p.a.lon, p.b.lon);
    double lon1 = std::max(p.a.lon, p.b.lon);
    if (lon1 - lon0 > 180.0) lon0 = lon1;  // crosses the antimeridian: file it at one end
    const double lat0 = std::min(p.a.lat, p.b.lat);
    const double lat1 = std::max(p.a.lat, p.b.lat);
    m_half_lon = std::max(m_half_lon, 0.5 * (lon1 - lon0));
    m_half_lat = std::max(m_half_lat, 0.5 * (lat1 - lat0));
    entries.emplace_back(key(cell(0.5 * (lon0 + lon1)), cell(0.5 * (lat0 + lat1))), id);
  }
  // A little margin for the rounding of the centres.
  m_half_lon = m_half_lon * (1 + 1e-9) + 1e-12;
  m_half_lat = m_half_lat * (1 + 1e-9) + 1e-12;
  // Pieces are stored in cell order (then by edge and position), so a query streams
  // through memory instead of jumping between random pieces (a cache miss each).
  std::sort(entries.begin(), entries.end());
  std::vector<Piece> ordered;
  ordered.reserve(m_pieces.size());
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i;
    const auto begin = static_cast<std::uint32_t>(ordered.size());
    while (j < entries.size() && entries[j].first == entries[i].first) ordered.push_back(m_pieces[entries[j++].second]);
    m_cells.emplace(entries[i].first, std::make_pair(begin, static_cast<std::uint32_t>(ordered.size())));
    i = j;
  }
  m_pieces = std::move(ordered);
}

}  // namespace lightcone
