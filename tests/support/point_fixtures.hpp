// Fixtures for the point-latency, attach and route tests: small networks drawn as ASCII
// maps, a random synthetic network, the OSM Andorra roads and random query points.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "network/network.hpp"
#include "support/point_oracle.hpp"
#include "support/test_data.hpp"

namespace lightcone::point_test {

// Metres per degree of longitude on the equator (a·π/180): distances along the equator
// are exact multiples of it. Metres per degree of latitude at the equator (a(1−e²)·π/180).
inline constexpr double kEquatorMPerDegLon = 111319.49079327357;
inline constexpr double kEquatorMPerDegLat = 110574.27582159898;

// A network drawn with characters: uppercase letters are nodes, runs of '-' join letters
// on a row and runs of '|' join letters in a column (each run is one line); lowercase
// letters are query points. Columns go east and rows south, `cell_m` metres per
// character; the first row holding an uppercase letter lies on the equator, column 0 at
// longitude lon0. Lengths along that row are exact (cell_m per column).
struct PointMap {
  LineInput lines;
  std::map<char, LonLat> nodes;
  std::map<char, LonLat> points;
};

inline PointMap parse_point_map(std::string_view art, double cell_m, double lon0 = 10.0) {
  std::vector<std::string> rows;
  std::size_t start = 0;
  while (start <= art.size()) {
    const std::size_t end = std::min(art.find('\n', start), art.size());
    rows.emplace_back(art.substr(start, end - start));
    start = end + 1;
  }
  auto is_node = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto is_point = [](char c) { return c >= 'a' && c <= 'z'; };
  auto at = [&](std::size_t r, std::size_t c) { return c < rows[r].size() ? rows[r][c] : ' '; };
  std::size_t row0 = rows.size();
  for (std::size_t r = 0; r < rows.size() && row0 == rows.size(); ++r)
    for (char c : rows[r])
      if (is_node(c)) row0 = r;
  auto pos = [&](std::size_t r, std::size_t c) {
    const double x = static_cast<double>(c) * cell_m;
    const double y = (static_cast<double>(row0) - static_cast<double>(r)) * cell_m;
    return LonLat{lon0 + x / kEquatorMPerDegLon, y / kEquatorMPerDegLat};
  };
  PointMap map;
  std::int64_t fid = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const char ch = rows[r][c];
      if (is_point(ch)) map.points[ch] = pos(r, c);
      if (!is_node(ch)) continue;
      map.nodes[ch] = pos(r, c);
      // East: A---B.
      std::size_t k = c + 1;
      while (at(r, k) == '-') ++k;
      if (k > c + 1 && is_node(at(r, k))) {
        const LonLat pts[] = {pos(r, c), pos(r, k)};
        map.lines.add_line(pts, fid++);
      }
      // South: A over | over B.
      k = r + 1;
      while (k < rows.size() && at(k, c) == '|') ++k;
      if (k > r + 1 && k < rows.size() && is_node(at(k, c))) {
        const LonLat pts[] = {pos(r, c), pos(k, c)};
        map.lines.add_line(pts, fid++);
      }
    }
  }
  return map;
}


// OSM Andorra roads (layer roads) read once per process.
inline const LineInput& andorra_lines() {
  static const LineInput lines = [] {
    const std::string path = test::test_data("osm-andorra/andorra_roads.gpkg");
    return read_lines(LayerSpec{path, "roads"}, ReadOptions{}, LineFields{}).lines;
  }();
  return lines;
}

// A random network near 60°N (strong meridian convergence): `nodes` nodes in a
// 60 km square joined to their nearest neighbours by polylines with a few bent vertices,
// some long straight segments (longer than the index's 2 km pieces), lines with slack 3
// (fibre slower than access), a length field or an extra fixed delay; plus a separate
// far component of two lines.
inline LineInput synthetic_lines(std::uint64_t seed, int nodes = 24) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const LonLat origin{10.0, 60.0};
  std::vector<LonLat> pos;
  // Random draws are made in separate statements throughout, last argument first: function
  // arguments are evaluated in an unspecified order (g++ right to left, clang left to right),
  // and the test data must be the same with either compiler.
  for (int i = 0; i < nodes; ++i) {
    const double r = 30000.0 * std::sqrt(unit(rng));
    const double az = 360.0 * unit(rng);
    pos.push_back(oracle_direct(origin, az, r));
  }
  LineInput lines;
  std::int64_t fid = 0;
  for (int i = 0; i < nodes; ++i) {
    std::vector<std::pair<double, int>> by_distance;
    for (int j = 0; j < nodes; ++j)
      if (j != i) by_distance.emplace_back(oracle_distance_m(pos[static_cast<std::size_t>(i)], pos[static_cast<std::size_t>(j)]), j);
    std::sort(by_distance.begin(), by_distance.end());
    for (int k = 0; k < 2; ++k) {
      const int j = by_distance[static_cast<std::size_t>(k)].second;
      if (j < i && k == 0) continue;  // usually drawn from the other side already
      const LonLat a = pos[static_cast<std::size_t>(i)];
      const LonLat b = pos[static_cast<std::size_t>(j)];
      std::vector<LonLat> pts{a};
      const int bends = static_cast<int>(unit(rng) * 3.0);  // 0..2
      const double len = oracle_distance_m(a, b);
      const double azi = oracle_azimuth_deg(a, b);
      for (int m = 1; m <= bends; ++m) {
        const LonLat on = oracle_direct(a, azi, len * m / (bends + 1));
        pts.push_back(oracle_direct(on, azi + 90.0, (unit(rng) - 0.5) * 0.3 * len / (bends + 1)));
      }
      pts.push_back(b);
      const double kind = unit(rng);
      if (kind < 0.2) lines.add_line(pts, fid++, LineInput::kNaN, LineInput::kNaN, 3.0);  // slow fibre
      else if (kind < 0.35) lines.add_line(pts, fid++, len * (1.0 + unit(rng)));        // length field
      else if (kind < 0.5) lines.add_line(pts, fid++, LineInput::kNaN, LineInput::kNaN, LineInput::kNaN, 20.0 * unit(rng));
      else lines.add_line(pts, fid++);
    }
  }
  // A far component without sites: reachable by access, never by the network.
  const LonLat far = oracle_direct(origin, 90.0, 80000.0);
  const LonLat far_pts[] = {far, oracle_direct(far, 10.0, 5000.0), oracle_direct(far, 60.0, 9000.0)};
  lines.add_line(far_pts, fid++);
  return lines;
}

// Random query points around a network, by kind (counts are per 10 points):
// 3 near an edge point at up to 1.2 × max access in a random direction, 1 exactly on an
// edge, 1 exactly on a node, 2 pushed out to about max access from the nearest network
// point, 1 uniform in the network's box widened by max access, 1 far away, 1 near a node.
inline std::vector<LonLat> sample_points(const Network& net, const PointOracle& oracle, double max_m,
                                         std::mt19937_64& rng, std::size_t count) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double lat_lo = 90, lat_hi = -90, lon_lo = 180, lon_hi = -180;
  for (LonLat q : net.node_pos) {
    lat_lo = std::min(lat_lo, q.lat);
    lat_hi = std::max(lat_hi, q.lat);
    lon_lo = std::min(lon_lo, q.lon);
    lon_hi = std::max(lon_hi, q.lon);
  }
  auto pick = [&](std::size_t n) { return std::min(n - 1, static_cast<std::size_t>(unit(rng) * static_cast<double>(n))); };
  auto edge_point = [&] {
    const EdgeId e = static_cast<EdgeId>(pick(net.edges()));
    return oracle.point_on_edge(e, unit(rng) * net.edge_geom_length_m[e]);
  };
  const double dlat = max_m / 110000.0;
  const double dlon = dlat / std::cos((lat_lo + lat_hi) / 2 * std::numbers::pi / 180.0);
  std::vector<LonLat> out;
  for (std::size_t i = 0; i < count; ++i) {
    switch (i % 10) {
      case 0: case 1: case 2: {
        const double r = 1.2 * max_m * unit(rng);
        const double az = 360.0 * unit(rng);
        out.push_back(oracle_direct(edge_point(), az, r));
        break;
      }
      case 3: out.push_back(edge_point()); break;
      case 4: out.push_back(net.node_pos[pick(net.nodes())]); break;
      case 5: case 6: {
        const double az = 360.0 * unit(rng);
        LonLat p = oracle_direct(edge_point(), az, max_m);
        for (int k = 0; k < 8; ++k) {
          const auto near = oracle.nearest(p, 2.0 * max_m);
          if (near.edge == kNone || std::abs(near.distance_m - max_m) <= 10.0) break;
          p = oracle_direct(near.at, oracle_azimuth_deg(near.at, p), max_m + 20.0 * (unit(rng) - 0.5));
        }
        out.push_back(p);
        break;
      }
      case 7:
        out.push_back({lon_lo - dlon + unit(rng) * (lon_hi - lon_lo + 2 * dlon),
                       lat_lo - dlat + unit(rng) * (lat_hi - lat_lo + 2 * dlat)});
        break;
      case 8: {
        const double r = oracle_distance_m({lon_lo, lat_lo}, {lon_hi, lat_hi}) + max_m * (3.0 + 3.0 * unit(rng));
        const double az = 360.0 * unit(rng);
        out.push_back(oracle_direct({(lon_lo + lon_hi) / 2, (lat_lo + lat_hi) / 2}, az, r));
        break;
      }
      default: {
        const double r = 50.0 * unit(rng);
        const double az = 360.0 * unit(rng);
        out.push_back(oracle_direct(net.node_pos[pick(net.nodes())], az, r));
      }
    }
  }
  return out;
}

}  // namespace lightcone::point_test
