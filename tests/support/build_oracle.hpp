// A brute-force re-statement of the network build rules (network.hpp, DESIGN.md §8),
// written independently of build.cpp, to check build_network on real layers:
//  - vertices with identical coordinates are one point (when splitting at shared
//    vertices: any vertices; without: only line ends);
//  - a line end joins every vertex of another line within `snap` metres (only other
//    lines' ends without splitting); found here by a latitude sweep with exact geodesics;
//  - nodes are line ends and (when splitting) vertices joined with any other vertex;
//  - lines are cut at nodes; a piece whose two ends are one point (a loop) is cut again
//    at the middle one (index size / 2) of its interior vertices whose coordinates occur
//    only once in the layer, which becomes a node of its own; a loop without such a
//    vertex is dropped (zero length when its geometry has no length, else a self-loop);
//    a piece with the same ends and the same geometry (either direction) as an earlier
//    one is a duplicate;
//  - a snapped node sits at the first vertex (in input order) of its group.
// Units: metres, degrees.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "network/network.hpp"
#include "support/oracles.hpp"

namespace lightcone::test {

using Coord = std::pair<double, double>;  // (lon, lat), -0.0 folded into 0.0
inline Coord coord(LonLat p) { return {p.lon + 0.0, p.lat + 0.0}; }

struct CoordHash {
  std::size_t operator()(const Coord& c) const {
    return std::hash<double>{}(c.first) * 1000003u ^ std::hash<double>{}(c.second);
  }
};

struct OracleBuild {
  std::size_t nodes = 0;
  std::size_t edges = 0;
  std::size_t zero_length = 0;
  std::size_t self_loops = 0;
  std::size_t loops_cut = 0;
  std::set<Coord> loop_cuts;                // positions of the vertices loops were cut at
  std::size_t duplicates = 0;
  std::size_t snapped = 0;
  std::size_t dangling = 0;
  std::vector<std::size_t> components;     // sizes, largest first
  std::set<Coord> node_coords;             // positions of the nodes
  std::set<Coord> shared_or_end;           // raw: line ends and coordinates seen twice or more
  std::map<std::int64_t, double> kept_m;   // per fid: geodesic length of the kept pieces
  std::map<std::int64_t, double> line_m;   // per fid: geodesic length of the lines
  std::set<std::int64_t> fids_with_drops;  // lines that lost a piece
};

inline OracleBuild oracle_build(const LineInput& in, double snap_m, bool split_shared) {
  OracleBuild out;
  const std::size_t n = in.coords.size();
  std::vector<bool> is_end(n, false);
  for (std::size_t i = 0; i < in.lines(); ++i)
    if (in.first[i + 1] > in.first[i]) {
      is_end[in.first[i]] = true;
      is_end[in.first[i + 1] - 1] = true;
    }

  // Raw shared-or-end coordinates (no snapping).
  std::unordered_map<Coord, int, CoordHash> seen;
  for (std::size_t v = 0; v < n; ++v) ++seen[coord(in.coords[v])];
  for (std::size_t v = 0; v < n; ++v)
    if (is_end[v] || seen[coord(in.coords[v])] >= 2) out.shared_or_end.insert(coord(in.coords[v]));

  DisjointSets groups(n);
  std::size_t count = n;
  auto join = [&](std::size_t a, std::size_t b) {
    if (groups.find(a) == groups.find(b)) return false;
    groups.join(a, b);
    --count;
    return true;
  };
  {
    std::unordered_map<Coord, std::size_t, CoordHash> first;
    for (std::size_t v = 0; v < n; ++v) {
      if (!split_shared && !is_end[v]) continue;
      auto [it, inserted] = first.emplace(coord(in.coords[v]), v);
      if (!inserted) join(it->second, v);
    }
  }
  if (snap_m > 0.0) {
    std::vector<std::size_t> line(n);
    for (std::size_t i = 0; i < in.lines(); ++i)
      for (std::size_t v = in.first[i]; v < in.first[i + 1]; ++v) line[v] = i;
    std::vector<std::size_t> by_lat;
    for (std::size_t v = 0; v < n; ++v)
      if (split_shared || is_end[v]) by_lat.push_back(v);
    std::sort(by_lat.begin(), by_lat.end(), [&](std::size_t a, std::size_t b) {
      return in.coords[a].lat < in.coords[b].lat;
    });
    const double dlat = snap_m / 110000.0;  // a degree of latitude is >= 110.5 km
    for (std::size_t e = 0; e < n; ++e) {
      if (!is_end[e]) continue;
      const double lat = in.coords[e].lat;
      auto lo = std::lower_bound(by_lat.begin(), by_lat.end(), lat - dlat,
                                 [&](std::size_t v, double x) { return in.coords[v].lat < x; });
      for (auto it = lo; it != by_lat.end() && in.coords[*it].lat <= lat + dlat; ++it)
        if (line[*it] != line[e] && geod_m(in.coords[e], in.coords[*it]) <= snap_m && join(e, *it)) ++out.snapped;
    }
  }
  // Group sizes and first vertices.
  std::vector<std::size_t> size(n, 0);
  std::vector<std::size_t> first_vertex(n, n);
  for (std::size_t v = 0; v < n; ++v) {
    const std::size_t g = groups.find(v);
    ++size[g];
    first_vertex[g] = std::min(first_vertex[g], v);
  }
  auto is_node = [&](std::size_t v) { return is_end[v] || size[groups.find(v)] > 1; };

  std::set<std::pair<std::size_t, std::vector<Coord>>> kept;  // (smaller group, canonical geometry)
  std::map<std::size_t, std::size_t> degree;                 // by group
  DisjointSets comp(n);
  std::vector<LonLat> piece;
  for (std::size_t i = 0; i < in.lines(); ++i) {
    const std::size_t b = in.first[i];
    const std::size_t e = in.first[i + 1];
    const std::int64_t fid = in.fid[i];
    out.line_m[fid] += geod_polyline_m(std::span(in.coords).subspan(b, e - b));
    out.kept_m[fid] += 0.0;
    if (e - b < 2) {
      ++out.zero_length;
      continue;
    }
    // The piece from vertex `from` to vertex `to`: kept, or dropped as a duplicate.
    auto keep = [&](std::size_t from, std::size_t to) {
      const std::size_t gs = groups.find(from);
      const std::size_t gv = groups.find(to);
      piece.assign(in.coords.begin() + static_cast<std::ptrdiff_t>(from),
                   in.coords.begin() + static_cast<std::ptrdiff_t>(to) + 1);
      piece.front() = in.coords[first_vertex[gs]];
      piece.back() = in.coords[first_vertex[gv]];
      const double len = geod_polyline_m(piece);
      std::vector<Coord> fwd;
      for (LonLat p : piece) fwd.push_back(coord(p));
      std::vector<Coord> rev(fwd.rbegin(), fwd.rend());
      if (!kept.insert({std::min(gs, gv), std::min(fwd, rev)}).second) {
        ++out.duplicates;
        out.fids_with_drops.insert(fid);
        return;
      }
      ++out.edges;
      ++degree[gs];
      ++degree[gv];
      comp.join(gs, gv);
      out.kept_m[fid] += len;
      out.node_coords.insert(coord(in.coords[first_vertex[gs]]));
      out.node_coords.insert(coord(in.coords[first_vertex[gv]]));
    };
    std::size_t start = b;
    for (std::size_t v = b + 1; v < e; ++v) {
      if (v != e - 1 && !is_node(v)) continue;
      const std::size_t from = start;
      start = v;
      const std::size_t g = groups.find(from);
      if (g != groups.find(v)) {
        keep(from, v);
        continue;
      }
      std::vector<std::size_t> own;
      for (std::size_t k = from + 1; k < v; ++k)
        if (seen[coord(in.coords[k])] == 1) own.push_back(k);
      if (own.empty()) {
        piece.assign(in.coords.begin() + static_cast<std::ptrdiff_t>(from),
                     in.coords.begin() + static_cast<std::ptrdiff_t>(v) + 1);
        piece.front() = piece.back() = in.coords[first_vertex[g]];
        if (geod_polyline_m(piece) == 0.0) ++out.zero_length;
        else ++out.self_loops;
        out.fids_with_drops.insert(fid);
        continue;
      }
      const std::size_t cut = own[own.size() / 2];
      ++out.loops_cut;
      out.loop_cuts.insert(coord(in.coords[cut]));
      keep(from, cut);
      keep(cut, v);
    }
  }
  out.nodes = degree.size();
  std::map<std::size_t, std::size_t> comp_size;
  for (const auto& [g, d] : degree) {
    ++comp_size[comp.find(g)];
    if (d == 1) ++out.dangling;
  }
  for (const auto& [root, s] : comp_size) out.components.push_back(s);
  std::sort(out.components.begin(), out.components.end(), std::greater<>());
  return out;
}

}  // namespace lightcone::test
