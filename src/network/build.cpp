#include "network/network.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include "network/geodesic.hpp"

namespace lightcone {
namespace {

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : m_parent(n) { std::iota(m_parent.begin(), m_parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (m_parent[x] != x) {
      m_parent[x] = m_parent[m_parent[x]];
      x = m_parent[x];
    }
    return x;
  }
  // The smaller index becomes the root, so roots are deterministic (first vertex).
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) m_parent[b] = a;
    else m_parent[a] = b;
  }

 private:
  std::vector<std::uint32_t> m_parent;
};

std::uint64_t coord_bits_key(LonLat p) {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  double lon = p.lon + 0.0;  // folds -0.0 into 0.0
  double lat = p.lat + 0.0;
  std::memcpy(&a, &lon, sizeof a);
  std::memcpy(&b, &lat, sizeof b);
  return a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
}

// Grid of line ends, in degrees; cells of `cell_deg` latitude degrees.
class EndGrid {
 public:
  EndGrid(double cell_deg) : m_cell(cell_deg) {}
  static std::uint64_t key(std::int64_t cx, std::int64_t cy) {
    return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint64_t>(cy & 0xffffffff);
  }
  std::int64_t cx(double lon) const { return static_cast<std::int64_t>(std::floor(lon / m_cell)); }
  std::int64_t cy(double lat) const { return static_cast<std::int64_t>(std::floor(lat / m_cell)); }
  void add(LonLat p, std::uint32_t id) { m_cells[key(cx(p.lon), cy(p.lat))].push_back(id); }
  template <class F>
  void near(LonLat p, double radius_m, F&& f) const {
    const double dlat = radius_m / 110000.0;
    const double c = std::max(std::cos(p.lat * 0.017453292519943295), 1e-6);
    const double dlon = std::min(dlat / c, 360.0);
    for (std::int64_t x = cx(p.lon - dlon); x <= cx(p.lon + dlon); ++x)
      for (std::int64_t y = cy(p.lat - dlat); y <= cy(p.lat + dlat); ++y) {
        auto it = m_cells.find(key(x, y));
        if (it == m_cells.end()) continue;
        for (std::uint32_t id : it->second) f(id);
      }
  }

 private:
  double m_cell;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_cells;
};

// Whether each vertex is the first or last of its line.
std::vector<bool> line_ends(const LineInput& lines) {
  std::vector<bool> is_end(lines.coords.size(), false);
  for (std::size_t i = 0; i < lines.lines(); ++i) {
    if (lines.first[i + 1] == lines.first[i]) continue;
    is_end[lines.first[i]] = true;
    is_end[lines.first[i + 1] - 1] = true;
  }
  return is_end;
}

// 1. Vertices with identical coordinates: always joined when one is a line end;
//    joined between interior vertices only when splitting at shared vertices.
void join_identical(const LineInput& lines, const std::vector<bool>& is_end, const BuildOptions& options,
                    UnionFind& uf) {
  const std::size_t nv = lines.coords.size();
  std::unordered_map<std::uint64_t, std::uint32_t> first_seen;
  first_seen.reserve(nv);
  for (std::uint32_t v = 0; v < nv; ++v) {
    if (!options.split_shared && !is_end[v]) continue;
    auto [it, inserted] = first_seen.emplace(coord_bits_key(lines.coords[v]), v);
    if (!inserted && lines.coords[it->second] == lines.coords[v]) uf.unite(it->second, v);
  }
}

// 2. Snap line ends to other lines' ends (and, when splitting at shared vertices,
//    their interior vertices) within the tolerance. A line's own vertices are never
//    snapped together: a short first segment is not a gap, and a nearly closed line
//    must not collapse into a self-loop.
void snap_ends(const LineInput& lines, const std::vector<bool>& is_end, const BuildOptions& options, UnionFind& uf,
               BuildReport& rep) {
  const std::size_t nv = lines.coords.size();
  const double snap_m = options.snap.value;
  if (snap_m > 0.0) {
    std::vector<std::uint32_t> line_of(nv);
    for (std::uint32_t i = 0; i < lines.lines(); ++i)
      for (std::uint32_t v = lines.first[i]; v < lines.first[i + 1]; ++v) line_of[v] = i;
    EndGrid grid(std::max(snap_m / 110000.0, 1e-7) * 4.0);
    for (std::uint32_t v = 0; v < nv; ++v)
      if (is_end[v]) grid.add(lines.coords[v], v);
    for (std::uint32_t v = 0; v < nv; ++v) {
      if (!is_end[v] && !options.split_shared) continue;
      grid.near(lines.coords[v], snap_m, [&](std::uint32_t end) {
        if (line_of[end] == line_of[v]) return;
        if (uf.find(end) == uf.find(v)) return;
        if (geodesic_distance_m(lines.coords[end], lines.coords[v]) <= snap_m) {
          uf.unite(end, v);
          ++rep.snapped_ends;
        }
      });
    }
  }
}

// 3. Cuts the lines into edges of `net` at the vertices that are nodes: ends, and (when
//    splitting) vertices whose cluster has more than one member. A piece that comes back
//    to the node it started from (a closed ring, an OSM loop road, the loop of a
//    lollipop) is cut once more, at the middle one of its own vertices (positions no
//    other vertex has), so that its geometry stays routable; the extra node is not a hop
//    (no node delay).
//    Drops pieces without length, loops without a vertex of their own to cut at
//    (self-loops) and duplicates (same ends, geometry and length), counting them in the
//    report.
class EdgeMaker {
 public:
  EdgeMaker(const LineInput& lines, const LatencyModel& model, const BuildOptions& options,
            const std::vector<bool>& is_end, UnionFind& uf, Network& net, BuildReport& rep)
      : m_lines(lines), m_model(model), m_options(options), m_is_end(is_end), m_net(net), m_rep(rep) {
    const std::size_t nv = lines.coords.size();
    m_cluster_size.assign(nv, 0);
    m_root.resize(nv);
    for (std::uint32_t v = 0; v < nv; ++v) {
      m_root[v] = uf.find(v);
      ++m_cluster_size[m_root[v]];
    }
    m_cluster_has_end.assign(nv, false);
    for (std::uint32_t v = 0; v < nv; ++v)
      if (is_end[v]) m_cluster_has_end[m_root[v]] = true;
    m_node_of_root.assign(nv, kNone);
  }

  // The edges of line i.
  void add_line(std::size_t i) {
    const LineInput& lines = m_lines;
    const std::uint32_t b = lines.first[i];
    const std::uint32_t e = lines.first[i + 1];
    if (e - b < 2) {
      ++m_rep.zero_length_edges;
      return;
    }
    Line line;
    line.index = i;
    line.geom_m = geodesic_length_m(std::span<const LonLat>(lines.coords.data() + b, e - b));
    line.segments = e - b - 1;
    line.n = std::isnan(lines.group_index[i]) ? m_model.group_index : lines.group_index[i];
    line.slack = std::isnan(lines.slack[i]) ? m_model.slack : lines.slack[i];
    line.extra_us = std::isnan(lines.delay_us[i]) ? 0.0 : lines.delay_us[i];
    std::uint32_t start = b;
    for (std::uint32_t v = b + 1; v < e; ++v) {
      if (v != e - 1 && !is_node(v)) continue;
      const std::uint32_t from = start;
      start = v;
      const std::uint32_t cut = m_root[from] == m_root[v] ? loop_cut(from, v) : kNoCut;
      if (cut == kNoCut) {
        add_piece(line, from, v);
        continue;
      }
      ++m_rep.loops_cut;
      add_piece(line, from, cut);
      add_piece(line, cut, v);
    }
  }

 private:
  static constexpr std::uint32_t kNoCut = ~std::uint32_t{0};

  // Per line: what every piece of it shares.
  struct Line {
    std::size_t index = 0;
    double geom_m = 0.0;  // geodesic length of the whole line
    std::uint32_t segments = 0;
    double n = 0.0;
    double slack = 0.0;
    double extra_us = 0.0;
  };

  // The vertex to cut the loop from..to (both ends in one node) at: the middle one of
  // its interior vertices whose position no other vertex of the layer has, so that both
  // halves have length and the new node sits where no other node can (without
  // split_shared, other lines' ends may lie on the loop's vertices unjoined); kNoCut when
  // there is none.
  std::uint32_t loop_cut(std::uint32_t from, std::uint32_t to) {
    m_loop_vertices.clear();
    for (std::uint32_t v = from + 1; v < to; ++v)
      if (position_is_unique(v)) m_loop_vertices.push_back(v);
    return m_loop_vertices.empty() ? kNoCut : m_loop_vertices[m_loop_vertices.size() / 2];
  }

  bool position_is_unique(std::uint32_t v) {
    // With split_shared, vertices at one position are always joined.
    if (m_options.split_shared) return m_cluster_size[m_root[v]] == 1;
    if (m_sorted_coords.empty()) {  // sorted once, when the first loop needs it
      m_sorted_coords = m_lines.coords;
      std::sort(m_sorted_coords.begin(), m_sorted_coords.end(), by_lon_lat);
    }
    const auto [lo, hi] =
        std::equal_range(m_sorted_coords.begin(), m_sorted_coords.end(), m_lines.coords[v], by_lon_lat);
    return hi - lo == 1;
  }
  static bool by_lon_lat(LonLat a, LonLat b) { return a.lon < b.lon || (a.lon == b.lon && a.lat < b.lat); }

  // The edge from vertex `from` to vertex `to` of `line`, unless it has no length, is a
  // self-loop or duplicates an edge already made.
  void add_piece(const Line& line, std::uint32_t from, std::uint32_t to) {
    const LineInput& lines = m_lines;
    const std::vector<std::uint32_t>& root = m_root;
    BuildReport& rep = m_rep;
    Network& net = m_net;
    const std::size_t i = line.index;
    std::vector<LonLat>& piece = m_piece;
    piece.assign(lines.coords.begin() + from, lines.coords.begin() + to + 1);
    piece.front() = lines.coords[root[from]];
    piece.back() = lines.coords[root[to]];
    const double geom_m = geodesic_length_m(piece);
    const double share = line.geom_m > 0.0 ? geom_m / line.geom_m : 1.0 / static_cast<double>(line.segments);
    const double length_m = !std::isnan(lines.length_m[i]) ? lines.length_m[i] * share : geom_m * line.slack;
    if (root[from] == root[to]) {
      if (geom_m == 0.0) ++rep.zero_length_edges;
      else ++rep.self_loops;
      return;
    }
    const NodeId nu = node_at(from);
    const NodeId nw = node_at(to);
    const std::uint64_t key = (static_cast<std::uint64_t>(std::min(nu, nw)) << 32) | std::max(nu, nw);
    auto& same_ends = m_by_ends[key];
    bool duplicate = false;
    for (EdgeId other : same_ends)
      if (same_geometry(other, piece) && net.edge_length_m[other] == length_m) duplicate = true;
    if (duplicate) {
      ++rep.duplicate_edges;
      return;
    }
    const EdgeId id = static_cast<EdgeId>(net.edges());
    same_ends.push_back(id);
    net.edge_u.push_back(nu);
    net.edge_v.push_back(nw);
    net.edge_length_m.push_back(length_m);
    net.edge_geom_length_m.push_back(geom_m);
    net.edge_delay_us.push_back(length_m / 1000.0 * fibre_us_per_km(line.n) + line.extra_us * share);
    net.edge_fid.push_back(lines.fid[i]);
    // The one place the tap rule is decided (DESIGN §3); every access query reads it.
    const Tap given = lines.tap.size() > i ? lines.tap[i] : Tap::by_rule;
    net.edge_tap.push_back(given != Tap::by_rule                               ? given
                           : length_m > m_model.no_tap_longer_than.value ? Tap::ends
                                                                           : Tap::anywhere);
    net.geom.insert(net.geom.end(), piece.begin(), piece.end());
    net.edge_geom_first.push_back(static_cast<std::uint32_t>(net.geom.size()));
  }

  // The node of vertex v's cluster. A vertex that is no node of the line layer (where a
  // loop is cut) passes traffic straight on: no node delay.
  NodeId node_at(std::uint32_t v) {
    const std::uint32_t r = m_root[v];
    if (m_node_of_root[r] == kNone) {
      m_node_of_root[r] = static_cast<NodeId>(m_net.node_pos.size());
      m_net.node_pos.push_back(m_lines.coords[r]);  // the cluster's first vertex
      m_net.node_delay_us.push_back(is_node(v) ? m_model.node_delay.value : 0.0);
    }
    return m_node_of_root[r];
  }

  bool is_node(std::uint32_t v) const {
    if (m_is_end[v]) return true;
    const std::uint32_t r = m_root[v];
    return m_cluster_has_end[r] || (m_options.split_shared && m_cluster_size[r] > 1);
  }

  bool same_geometry(EdgeId e, const std::vector<LonLat>& g) const {
    auto eg = m_net.edge_geometry(e);
    if (eg.size() != g.size()) return false;
    if (std::equal(eg.begin(), eg.end(), g.begin())) return true;
    return std::equal(eg.begin(), eg.end(), g.rbegin());
  }

  const LineInput& m_lines;
  const LatencyModel& m_model;
  const BuildOptions& m_options;
  const std::vector<bool>& m_is_end;
  Network& m_net;
  BuildReport& m_rep;
  std::vector<std::uint32_t> m_cluster_size;
  std::vector<std::uint32_t> m_root;
  std::vector<bool> m_cluster_has_end;
  std::vector<NodeId> m_node_of_root;
  // Duplicate detection: (u, v) pair → edges already made.
  std::unordered_map<std::uint64_t, std::vector<EdgeId>> m_by_ends;
  std::vector<LonLat> m_piece;
  std::vector<std::uint32_t> m_loop_vertices;
  std::vector<LonLat> m_sorted_coords;  // without split_shared: every vertex, by lon then lat
};

std::size_t dangling_ends(const Network& net) {
  std::vector<std::uint32_t> degree(net.nodes(), 0);
  for (std::size_t k = 0; k < net.edges(); ++k) {
    ++degree[net.edge_u[k]];
    ++degree[net.edge_v[k]];
  }
  return static_cast<std::size_t>(std::count(degree.begin(), degree.end(), 1u));
}

}  // namespace

std::vector<std::uint32_t> connected_components(const Network& net, std::vector<std::size_t>* sizes) {
  UnionFind uf(net.nodes());
  for (std::size_t e = 0; e < net.edges(); ++e) uf.unite(net.edge_u[e], net.edge_v[e]);
  std::vector<std::uint32_t> root(net.nodes());
  std::vector<std::size_t> count(net.nodes(), 0);
  for (NodeId v = 0; v < net.nodes(); ++v) {
    root[v] = uf.find(v);
    ++count[root[v]];
  }
  // Roots are the smallest node of each component; order by size desc, then root.
  std::vector<std::uint32_t> roots;
  for (NodeId v = 0; v < net.nodes(); ++v)
    if (root[v] == v) roots.push_back(v);
  std::stable_sort(roots.begin(), roots.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return count[a] > count[b]; });
  std::vector<std::uint32_t> rank(net.nodes(), 0);
  if (sizes) sizes->clear();
  for (std::size_t i = 0; i < roots.size(); ++i) {
    rank[roots[i]] = static_cast<std::uint32_t>(i);
    if (sizes) sizes->push_back(count[roots[i]]);
  }
  std::vector<std::uint32_t> comp(net.nodes());
  for (NodeId v = 0; v < net.nodes(); ++v) comp[v] = rank[root[v]];
  return comp;
}

Network build_network(const LineInput& lines, const LatencyModel& model,
                      const BuildOptions& options, BuildReport* report) {
  BuildReport local;
  BuildReport& rep = report ? *report : local;
  rep = BuildReport{};
  rep.lines_in = lines.lines();
  const std::size_t nv = lines.coords.size();
  assert(lines.first.size() == lines.lines() + 1);

  const std::vector<bool> is_end = line_ends(lines);
  UnionFind uf(nv);
  join_identical(lines, is_end, options, uf);
  snap_ends(lines, is_end, options, uf, rep);

  Network net;
  {
    EdgeMaker maker(lines, model, options, is_end, uf, net, rep);
    for (std::size_t i = 0; i < lines.lines(); ++i) maker.add_line(i);
  }
  rep.dangling_ends = dangling_ends(net);
  rep.node_component = connected_components(net, &rep.components);
  return net;
}

}  // namespace lightcone
