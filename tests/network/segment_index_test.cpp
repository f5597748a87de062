// SegmentIndex (packed R-tree, long segments cut on demand) against brute force:
// - its pieces are the ones the grid it replaced cut, bit for bit (the cut is redone here);
// - a query gives exactly the pieces whose box meets the query box, in the grid's order
//   (query_brute_force, and the old grid itself, re-implemented here as an oracle);
// - every piece within the radius in p's plane is found;
// - the nearest network point (attach_point) matches the exact-geodesic PointOracle
// on random long spans (up to 5,000 km, some across the whole extent) mixed with
// short wiggly lines, on both sides of the prime meridian and the equator.
#include <limits>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/latency_model.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "support/point_fixtures.hpp"
#include "support/point_oracle.hpp"

namespace lightcone {
namespace {

using point_test::PointOracle;

// Lines in the box [lon0, lon0 + w] × [lat0, lat0 + h]: `spans` two-point chords between
// random points of the box's edges (so many cross the whole extent), `shorts` short
// lines of 3..6 vertices (1..40 km steps).
LineInput random_lines(std::uint64_t seed, double lon0, double lat0, double w, double h, int spans, int shorts) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto border = [&] {
    const double t = unit(rng);
    switch (static_cast<int>(unit(rng) * 4.0)) {
      case 0: return LonLat{lon0 + t * w, lat0};
      case 1: return LonLat{lon0 + t * w, lat0 + h};
      case 2: return LonLat{lon0, lat0 + t * h};
      default: return LonLat{lon0 + w, lat0 + t * h};
    }
  };
  LineInput lines;
  std::int64_t fid = 1;
  for (int i = 0; i < spans; ++i) {
    // Every third chord from inside the box, so lengths run from ~100 km up.
    LonLat a = border();
    LonLat b = i % 3 == 2 ? LonLat{lon0 + unit(rng) * w, lat0 + unit(rng) * h} : border();
    const LonLat pts[] = {a, b};
    lines.add_line(pts, fid++);
  }
  for (int i = 0; i < shorts; ++i) {
    std::vector<LonLat> pts{{lon0 + unit(rng) * w, lat0 + unit(rng) * h}};
    const int n = 3 + static_cast<int>(unit(rng) * 4.0);
    for (int k = 1; k < n; ++k) {
      // Draws last argument first (g++'s order), in statements: argument order is unspecified.
      const double r = 1000.0 + 39000.0 * unit(rng);
      const double az = 360.0 * unit(rng);
      pts.push_back(geodesic_destination(pts.back(), az, r));
    }
    lines.add_line(pts, fid++);
  }
  return lines;
}

// Every edge may be joined anywhere (--no-tap-longer-than off): these tests are about the
// index's geometry on long spans; the tap rule has its own tests (tests/latency/tap_rule_test.cpp).
Network build(const LineInput& lines) {
  BuildReport report;
  LatencyModel m;
  m.no_tap_longer_than = Metres{std::numeric_limits<double>::infinity()};
  return build_network(lines, m, BuildOptions{}, &report);
}

// The grid the R-tree replaced (segment_index.cpp before issue 17), kept as an oracle for
// the pieces and the order of query results.
class OldGrid {
 public:
  explicit OldGrid(const Network& net, double cell_deg = 0.05) : m_cell_deg(cell_deg) {
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const auto g = net.edge_geometry(e);
      double along = 0.0;
      for (std::size_t i = 1; i < g.size(); ++i) {
        const double len = geodesic_distance_m(g[i - 1], g[i]);
        const int parts = std::max(1, static_cast<int>(std::ceil(len / SegmentIndex::kPieceMaxM)));
        LonLat prev = g[i - 1];
        for (int k = 1; k <= parts; ++k) {
          const LonLat next =
              k == parts ? g[i] : geodesic_interpolate(g[i - 1], g[i], static_cast<double>(k) / parts);
          const double plen = len / parts;
          pieces.push_back(Piece{e, along, plen, prev, next});
          along += plen;
          prev = next;
        }
      }
    }
    for (std::uint32_t id = 0; id < pieces.size(); ++id) {
      const Piece& p = pieces[id];
      double lon0 = std::min(p.a.lon, p.b.lon);
      const double lon1 = std::max(p.a.lon, p.b.lon);
      if (lon1 - lon0 > 180.0) lon0 = lon1;
      const double lat0 = std::min(p.a.lat, p.b.lat), lat1 = std::max(p.a.lat, p.b.lat);
      m_half_lon = std::max(m_half_lon, 0.5 * (lon1 - lon0));
      m_half_lat = std::max(m_half_lat, 0.5 * (lat1 - lat0));
      m_cells[{cell(0.5 * (lon0 + lon1)), cell(0.5 * (lat0 + lat1))}].push_back(id);  // by id within a cell
    }
    m_half_lon = m_half_lon * (1 + 1e-9) + 1e-12;
    m_half_lat = m_half_lat * (1 + 1e-9) + 1e-12;
  }
  // Piece ids (positions in `pieces`, edge / segment / piece order) in the grid's order.
  std::vector<std::uint32_t> query(LonLat p, double radius_m) const {
    const double dlat = radius_m / 110000.0 + 1e-9;
    const double c = std::max(std::cos(std::min(std::abs(p.lat) + dlat, 90.0) * 0.017453292519943295), 1e-6);
    const double dlon = std::min(radius_m / (111000.0 * c) + 1e-9, 180.0);
    std::vector<std::uint32_t> out;
    for (std::int64_t x = cell(p.lon - dlon - m_half_lon); x <= cell(p.lon + dlon + m_half_lon); ++x)
      for (std::int64_t y = cell(p.lat - dlat - m_half_lat); y <= cell(p.lat + dlat + m_half_lat); ++y) {
        const auto it = m_cells.find({x, y});
        if (it != m_cells.end()) out.insert(out.end(), it->second.begin(), it->second.end());
      }
    return out;
  }
  std::vector<Piece> pieces;

 private:
  std::int64_t cell(double deg) const { return static_cast<std::int64_t>(std::floor(deg / m_cell_deg)); }
  double m_cell_deg;
  double m_half_lon = 0.0, m_half_lat = 0.0;
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::uint32_t>> m_cells;
};

using PieceKey = std::tuple<EdgeId, double, double, double, double, double, double>;
PieceKey key_of(const Piece& p) { return {p.edge, p.along_m, p.length_m, p.a.lon, p.a.lat, p.b.lon, p.b.lat}; }

// Maps each index id to its old-grid id; fails unless the pieces are the same, bit for bit.
std::vector<std::uint32_t> match_pieces(const SegmentIndex& index, const OldGrid& old) {
  std::map<PieceKey, std::uint32_t> old_id;
  for (std::uint32_t i = 0; i < old.pieces.size(); ++i) old_id.emplace(key_of(old.pieces[i]), i);
  EXPECT_EQ(index.pieces(), old.pieces.size());
  std::vector<std::uint32_t> out(index.pieces(), 0);
  std::size_t bad = 0;
  for (std::uint32_t id = 0; id < index.pieces(); ++id) {
    const auto it = old_id.find(key_of(index.piece(id)));
    if (it == old_id.end()) {
      if (++bad <= 5) ADD_FAILURE() << "piece " << id << " is not one the grid cut";
      continue;
    }
    out[id] = it->second;
  }
  return out;
}

// The plane distance from p to a piece, as attach_point and PointLatencyQuery see it.
double plane_distance_m(LonLat p, const Piece& piece) {
  const LocalFrame frame(p);
  const PieceView v = view_piece(frame, piece);
  const double x = std::clamp(v.x0, 0.0, v.length);
  const double qx = v.ax + v.ux * x, qy = v.ay + v.uy * x;
  return std::sqrt(qx * qx + qy * qy);
}

struct Case {
  const char* label;
  std::uint64_t seed;
  double lon0, lat0, w, h;
  int spans, shorts;
};

// An ocean basin around the prime meridian and the equator (negative and positive cells),
// a high-latitude box (chords pass near the pole-most vertex), and a small box of 100 km
// spans among short lines.
const Case kCases[] = {
    {"basin", 1701, -30.0, -15.0, 45.0, 40.0, 40, 60},
    {"north", 1702, -20.0, 55.0, 80.0, 25.0, 25, 30},
    {"province", 1703, 115.0, 34.5, 1.8, 1.2, 20, 200},
};

TEST(SegmentIndex, PiecesAreTheGridsPiecesBitForBit) {
  for (const Case& c : kCases) {
    std::printf("[ %s ] seed %llu\n", c.label, static_cast<unsigned long long>(c.seed));
    const Network net = build(random_lines(c.seed, c.lon0, c.lat0, c.w, c.h, c.spans, c.shorts));
    const SegmentIndex index(net);
    const OldGrid old(net);
    std::printf("[ %s ] %zu edges, %zu pieces\n", c.label, net.edges(), index.pieces());
    const auto to_old = match_pieces(index, old);
    std::vector<char> seen(old.pieces.size(), 0);
    for (std::uint32_t o : to_old) seen[o] = 1;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<std::ptrdiff_t>(old.pieces.size())) << c.label;
  }
}

TEST(SegmentIndex, QueriesMatchBruteForceAndTheGridsOrder) {
  for (const Case& c : kCases) {
    std::printf("[ %s ] seed %llu\n", c.label, static_cast<unsigned long long>(c.seed + 100));
    const Network net = build(random_lines(c.seed, c.lon0, c.lat0, c.w, c.h, c.spans, c.shorts));
    const SegmentIndex index(net);
    const OldGrid old(net);
    const auto to_old = match_pieces(index, old);
    std::mt19937_64 rng(c.seed + 100);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<Piece> all(index.pieces());
    for (std::uint32_t id = 0; id < all.size(); ++id) all[id] = index.piece(id);
    std::vector<std::uint32_t> got, want, scratch;
    std::size_t failures = 0, results = 0, within = 0;
    const int queries = 120;
    for (int i = 0; i < queries; ++i) {
      // Half the points on or near a random piece, half anywhere in the box; radii 10 m .. 300 km.
      LonLat p{c.lon0 + unit(rng) * c.w, c.lat0 + unit(rng) * c.h};
      if (i % 2 == 0) {
        const Piece& q = all[static_cast<std::size_t>(unit(rng) * static_cast<double>(all.size()))];
        const double r = 3000.0 * unit(rng);  // drawn last argument first (g++'s order)
        const double az = 360.0 * unit(rng);
        p = geodesic_destination(geodesic_interpolate(q.a, q.b, unit(rng)), az, r);
      }
      const double radius = 10.0 * std::pow(3e4, unit(rng));
      got.clear();
      index.query(p, radius, scratch, [&](std::uint32_t id) { got.push_back(id); });
      index.query_brute_force(p, radius, want);
      results += got.size();
      if (got != want && ++failures <= 5)
        ADD_FAILURE() << c.label << " query " << i << ": " << got.size() << " pieces, brute force " << want.size();
      // The old grid gave a superset in the same order: ours must be a subsequence of it.
      const std::vector<std::uint32_t> grid = old.query(p, radius);
      std::unordered_map<std::uint32_t, std::size_t> pos;
      for (std::size_t k = 0; k < grid.size(); ++k) pos.emplace(grid[k], k);
      std::size_t last = 0;
      for (std::size_t k = 0; k < got.size(); ++k) {
        const auto it = pos.find(to_old[got[k]]);
        if (it == pos.end() || (k > 0 && it->second <= last)) {
          if (++failures <= 5) ADD_FAILURE() << c.label << " query " << i << ": not in the grid's order at " << k;
          break;
        }
        last = it->second;
      }
      // Every piece within the radius in p's plane is found (the plane is a local
      // approximation: only radii up to 50 km are checked).
      if (radius <= 50000.0) {
        std::vector<char> found(index.pieces(), 0);
        for (std::uint32_t id : got) found[id] = 1;
        for (std::uint32_t id = 0; id < all.size(); ++id) {
          const Piece& q = all[id];
          if (found[id] || std::abs(q.a.lon - p.lon) > 10.0) continue;
          if (plane_distance_m(p, q) <= radius) {
            ++within;
            if (++failures <= 5) ADD_FAILURE() << c.label << " query " << i << ": piece " << id << " within radius not found";
          }
        }
      }
    }
    std::printf("[ %s ] %d queries, %zu pieces reported\n", c.label, queries, results);
    EXPECT_EQ(failures, 0u) << c.label;
    EXPECT_EQ(within, 0u) << c.label;
    EXPECT_GT(results, static_cast<std::size_t>(queries)) << c.label;
  }
}

// query_union: one query for a group of nearby points holds every piece each point's own
// query gives, in query order, each once; groups spread too far, or reaching across the
// antimeridian, are refused.
TEST(SegmentIndex, QueryUnionHoldsEveryPointsQuery) {
  const Case& c = kCases[2];  // province
  const Network net = build(random_lines(c.seed, c.lon0, c.lat0, c.w, c.h, c.spans, c.shorts));
  const SegmentIndex index(net);
  std::mt19937_64 rng(c.seed + 200);
  std::uniform_real_distribution<double> unit(0.0, 1.0), near(-0.02, 0.02);
  std::vector<std::uint32_t> all, one, scratch;
  std::size_t shared = 0;
  for (int g = 0; g < 60; ++g) {
    const LonLat o{c.lon0 + unit(rng) * c.w, c.lat0 + unit(rng) * c.h};
    std::vector<LonLat> pts;
    for (int i = 0; i < 8; ++i) pts.push_back({o.lon + near(rng), o.lat + near(rng)});
    const double radius = 10000.0;
    if (!index.query_union(pts, radius, 1.5, all)) {
      ADD_FAILURE() << "group " << g << " refused";
      continue;
    }
    std::unordered_map<std::uint32_t, std::size_t> pos;
    for (std::size_t k = 0; k < all.size(); ++k) EXPECT_TRUE(pos.emplace(all[k], k).second) << "twice: " << all[k];
    for (const LonLat& p : pts) {
      one.clear();
      index.query(p, radius, scratch, [&](std::uint32_t id) { one.push_back(id); });
      std::size_t last = 0;
      for (std::size_t k = 0; k < one.size(); ++k) {
        const auto it = pos.find(one[k]);
        ASSERT_NE(it, pos.end()) << "group " << g << ": piece " << one[k] << " missing";
        if (k > 0) {
          EXPECT_GT(it->second, last) << "group " << g << ": not in query order";
        }
        last = it->second;
      }
      shared += one.size();
    }
  }
  EXPECT_GT(shared, 1000u);
  // Spread: two points 1° apart with a 10 km radius.
  const std::vector<LonLat> spread{{116.0, 35.0}, {117.0, 35.0}};
  EXPECT_FALSE(index.query_union(spread, 10000.0, 1.5, all));
  // Across the antimeridian.
  const std::vector<LonLat> dateline{{179.99, 10.0}, {179.98, 10.0}};
  EXPECT_FALSE(index.query_union(dateline, 10000.0, 1.5, all));
}

// Nearest point (attach_point, the index's nearest-segment query) against the exact
// oracle, with the access limit of the CLI (10 km) and validate's far search (1,000 km).
TEST(SegmentIndex, NearestPointMatchesBruteForceOnLongSpans) {
  for (const Case& c : kCases) {
    for (const double max_m : {10000.0, 1000000.0}) {
      std::printf("[ %s, max %.0f m ] seed %llu\n", c.label, max_m, static_cast<unsigned long long>(c.seed + 200));
      const Network net = build(random_lines(c.seed, c.lon0, c.lat0, c.w, c.h, c.spans, c.shorts));
      const SegmentIndex index(net);
      const PointOracle oracle(net);
      std::mt19937_64 rng(c.seed + 200);
      const auto points = point_test::sample_points(net, oracle, std::min(max_m, 20000.0), rng, 150);
      std::vector<std::uint32_t> scratch;
      std::size_t failures = 0, attached = 0;
      double worst = 0.0;
      for (std::size_t i = 0; i < points.size(); ++i) {
        const Attachment got = attach_point(index, points[i], max_m, scratch);
        const PointOracle::Nearest want = oracle.nearest(points[i], max_m);
        if (std::abs(want.distance_m - max_m) < 0.01) continue;
        if ((got.edge == kNone) != (want.edge == kNone)) {
          if (++failures <= 5) ADD_FAILURE() << c.label << " point " << i << ": attached " << (got.edge != kNone)
                                             << ", brute force " << (want.edge != kNone);
          continue;
        }
        if (got.edge == kNone) continue;
        ++attached;
        const double dd = std::abs(got.distance_m - want.distance_m);
        worst = std::max(worst, dd);
        if (dd > 0.05 && ++failures <= 5)
          ADD_FAILURE() << c.label << " point " << i << ": " << got.distance_m << " m, brute force " << want.distance_m;
      }
      std::printf("[ %s, max %.0f m ] %zu points, %zu attached, max |distance diff| %.3g m\n", c.label, max_m,
                  points.size(), attached, worst);
      EXPECT_EQ(failures, 0u);
      EXPECT_GT(attached, points.size() / 2);
    }
  }
}

TEST(GeodesicLine, PointsAreGeodesicInterpolateBitForBit) {
  std::printf("seed 1704\n");
  std::mt19937_64 rng(1704);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::size_t bad = 0;
  for (int i = 0; i < 200; ++i) {
    const LonLat a{-180.0 + 360.0 * unit(rng), -89.0 + 178.0 * unit(rng)};
    LonLat b;
    if (i % 2) {
      b = LonLat{-180.0 + 360.0 * unit(rng), -89.0 + 178.0 * unit(rng)};
    } else {
      const double r = 1e5 * unit(rng);  // drawn last argument first (g++'s order)
      const double az = 360.0 * unit(rng);
      b = geodesic_destination(a, az, r);
    }
    const GeodesicLine line(a, b);
    const int parts = 1 + static_cast<int>(unit(rng) * 5000.0);
    for (int k = 0; k <= parts; k += 1 + parts / 17) {
      const double f = static_cast<double>(k) / parts;
      const LonLat want = geodesic_interpolate(a, b, f);
      const LonLat got = line.at(f).at;
      if (!(got == want) && ++bad <= 5) ADD_FAILURE() << "line " << i << " at " << f;
    }
  }
  EXPECT_EQ(bad, 0u);
}

}  // namespace
}  // namespace lightcone
