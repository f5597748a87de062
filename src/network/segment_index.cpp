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
  // Bucket pieces by the cells of their bounding box (pieces are short, so few cells).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
  entries.reserve(m_pieces.size() * 2);
  for (std::uint32_t id = 0; id < m_pieces.size(); ++id) {
    const Piece& p = m_pieces[id];
    double lon0 = std::min(p.a.lon, p.b.lon);
    double lon1 = std::max(p.a.lon, p.b.lon);
    if (lon1 - lon0 > 180.0) {  // crosses the antimeridian: index both ends' cells
      lon0 = lon1;
      lon1 = lon1;
    }
    for (std::int64_t x = cell(lon0); x <= cell(lon1); ++x)
      for (std::int64_t y = cell(std::min(p.a.lat, p.b.lat)); y <= cell(std::max(p.a.lat, p.b.lat)); ++y)
        entries.emplace_back(key(x, y), id);
  }
  std::sort(entries.begin(), entries.end());
  m_items.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i;
    const auto begin = static_cast<std::uint32_t>(m_items.size());
    while (j < entries.size() && entries[j].first == entries[i].first) m_items.push_back(entries[j++].second);
    m_cells.emplace(entries[i].first, std::make_pair(begin, static_cast<std::uint32_t>(m_items.size())));
    i = j;
  }
}

}  // namespace lightcone
