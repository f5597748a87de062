// Independent oracles for network and search tests: a plain Dijkstra on an adjacency
// list, a union-find, PROJ geodesic lengths called directly (not through lightcone),
// a small CSV reader for the data's index files and helpers that place points at metre
// offsets for hand-drawn fixtures (and, from support/test_data.hpp, the data's paths).
// Units: metres, degrees (WGS 84 lon/lat), microseconds. Nothing here uses lightcone's
// algorithms; it only reads lightcone's plain data (Network columns, LineInput).
#pragma once

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "network/network.hpp"
#include "support/test_data.hpp"

namespace lightcone::test {


// ---- Geodesics (PROJ directly, WGS 84) -------------------------------------------------
inline const geod_geodesic& wgs84_geod() {
  static const geod_geodesic g = [] {
    geod_geodesic out{};
    geod_init(&out, 6378137.0, 1.0 / 298.257223563);
    return out;
  }();
  return g;
}
inline double geod_m(LonLat a, LonLat b) {
  double s12 = 0.0;
  geod_inverse(&wgs84_geod(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
  return s12;
}
inline double geod_polyline_m(std::span<const LonLat> pts) {
  double total = 0.0;
  for (std::size_t i = 1; i < pts.size(); ++i) total += geod_m(pts[i - 1], pts[i]);
  return total;
}
// The point `distance_m` from `from` along azimuth `azimuth_deg` (0 = north, 90 = east).
inline LonLat geod_move(LonLat from, double azimuth_deg, double distance_m) {
  double lat = 0.0;
  double lon = 0.0;
  geod_direct(&wgs84_geod(), from.lat, from.lon, azimuth_deg, distance_m, &lat, &lon, nullptr);
  return {lon, lat};
}
// Haversine on the sphere used by the shared data's gc_km fields (R = 6371.0088 km).
inline double haversine_km(LonLat a, LonLat b) {
  constexpr double kRad = 0.017453292519943295;
  const double dlat = (b.lat - a.lat) * kRad;
  const double dlon = (b.lon - a.lon) * kRad;
  const double s = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * 6371.0088 * std::asin(std::min(1.0, std::sqrt(s)));
}

// A metre grid for ASCII-map fixtures: point (x, y) is x m east and y m north of the
// origin, placed with exact geodesics (east first, then north).
struct MetreGrid {
  LonLat origin{10.0, 50.0};
  LonLat at(double x_m, double y_m) const {
    LonLat p = origin;
    if (x_m != 0.0) p = geod_move(p, x_m > 0 ? 90.0 : 270.0, std::abs(x_m));
    if (y_m != 0.0) p = geod_move(p, y_m > 0 ? 0.0 : 180.0, std::abs(y_m));
    return p;
  }
};

// ---- Union-find ------------------------------------------------------------------------
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : m_up(n) { std::iota(m_up.begin(), m_up.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    std::size_t r = x;
    while (m_up[r] != r) r = m_up[r];
    while (m_up[x] != r) x = std::exchange(m_up[x], r);
    return r;
  }
  void join(std::size_t a, std::size_t b) { m_up[find(a)] = find(b); }

 private:
  std::vector<std::size_t> m_up;
};

// Component sizes of the network's graph by breadth-first search, largest first.
inline std::vector<std::size_t> bfs_component_sizes(const Network& net) {
  std::vector<std::vector<NodeId>> adj(net.nodes());
  for (std::size_t e = 0; e < net.edges(); ++e) {
    adj[net.edge_u[e]].push_back(net.edge_v[e]);
    adj[net.edge_v[e]].push_back(net.edge_u[e]);
  }
  std::vector<bool> seen(net.nodes(), false);
  std::vector<std::size_t> sizes;
  std::vector<NodeId> queue;
  for (NodeId s = 0; s < net.nodes(); ++s) {
    if (seen[s]) continue;
    seen[s] = true;
    queue.assign(1, s);
    for (std::size_t head = 0; head < queue.size(); ++head)
      for (NodeId w : adj[queue[head]])
        if (!seen[w]) {
          seen[w] = true;
          queue.push_back(w);
        }
    sizes.push_back(queue.size());
  }
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  return sizes;
}

// ---- Plain Dijkstra --------------------------------------------------------------------
inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct OracleArc {
  NodeId head = 0;
  double weight_us = 0.0;
};

// Adjacency list from the Network columns: both directions of every edge, arc weight =
// edge delay + delay of the node entered.
inline std::vector<std::vector<OracleArc>> adjacency(const Network& net) {
  std::vector<std::vector<OracleArc>> adj(net.nodes());
  for (std::size_t e = 0; e < net.edges(); ++e) {
    const NodeId u = net.edge_u[e];
    const NodeId v = net.edge_v[e];
    adj[u].push_back({v, net.edge_delay_us[e] + net.node_delay_us[v]});
    adj[v].push_back({u, net.edge_delay_us[e] + net.node_delay_us[u]});
  }
  return adj;
}

// Distances from several (node, offset) starts; kInf where unreachable.
inline std::vector<double> plain_dijkstra(const std::vector<std::vector<OracleArc>>& adj,
                                          const std::vector<std::pair<NodeId, double>>& starts) {
  std::vector<double> dist(adj.size(), kInf);
  using Item = std::pair<double, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (auto [node, offset] : starts)
    if (offset < dist[node]) {
      dist[node] = offset;
      queue.push({offset, node});
    }
  while (!queue.empty()) {
    auto [d, u] = queue.top();
    queue.pop();
    if (d > dist[u]) continue;
    for (const OracleArc& a : adj[u])
      if (d + a.weight_us < dist[a.head]) {
        dist[a.head] = d + a.weight_us;
        queue.push({dist[a.head], a.head});
      }
  }
  return dist;
}

// a == b to `rel` relative (absolute near 0); both infinite counts as equal.
inline bool close(double a, double b, double rel = 1e-9) {
  if (a == b) return true;
  return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1.0});
}

// ---- CSV (RFC 4180 quoting, enough for the data's index files) ---------------------------
using CsvRow = std::map<std::string, std::string>;
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}
inline std::vector<CsvRow> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv_line(line);
  std::vector<CsvRow> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() != header.size()) throw std::runtime_error("bad CSV row in " + path + ": " + line);
    CsvRow row;
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace lightcone::test
