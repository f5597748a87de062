// attach_point against a brute-force nearest point (exact geodesics over every segment,
// tests/support/point_oracle.hpp) and split_at's bookkeeping: lengths and delays kept,
// nodes placed at the attachments, end nodes reused within 1 cm, several and duplicate
// attachments on one edge.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <span>
#include <set>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "support/point_fixtures.hpp"
#include "support/point_oracle.hpp"

namespace lightcone {
namespace {

using point_test::oracle_direct;
using point_test::oracle_distance_m;
using point_test::PointOracle;

const Network& andorra() {
  static const Network n = [] {
    BuildReport report;
    return build_network(point_test::andorra_lines(), LatencyModel{}, BuildOptions{}, &report);
  }();
  return n;
}

Network synthetic(std::uint64_t seed) {
  LatencyModel model;
  model.node_delay = Microseconds{1.0};
  BuildReport report;
  return build_network(point_test::synthetic_lines(seed), model, BuildOptions{}, &report);
}

struct AttachStats {
  std::size_t points = 0, attached = 0, unique = 0, far_unique = 0;
  double max_distance_diff_m = 0.0;   // |ours − brute| nearest distance
  double max_position_diff_m = 0.0;   // |ours.at − brute.at| where the nearest point is unique, ≤ 1 km away
  double max_far_position_diff_m = 0.0;  // the same for points farther than 1 km
  double max_on_edge_offset_m = 0.0;  // |point at (edge, along_m) − at|
};

AttachStats compare_attach(const char* label, const Network& net, std::span<const LonLat> points, double max_m) {
  const SegmentIndex index(net);
  const PointOracle oracle(net);
  std::vector<std::uint32_t> scratch;
  AttachStats s;
  std::size_t failures = 0;
  auto fail = [&](std::size_t i, const std::string& what) {
    if (++failures <= 12) ADD_FAILURE() << label << " point " << i << ": " << what;
  };
  for (std::size_t i = 0; i < points.size(); ++i) {
    const LonLat p = points[i];
    const Attachment got = attach_point(index, p, max_m, scratch);
    const PointOracle::Nearest want = oracle.nearest(p, max_m);
    ++s.points;
    if (std::abs(want.distance_m - max_m) < 0.01) continue;  // on the limit: either answer
    if (want.edge == kNone) {
      if (got.edge != kNone) fail(i, "attached at " + std::to_string(got.distance_m) + " m, nothing within max");
      continue;
    }
    if (got.edge == kNone) {
      fail(i, "not attached, nearest point " + std::to_string(want.distance_m) + " m");
      continue;
    }
    ++s.attached;
    const double dd = got.distance_m - want.distance_m;
    s.max_distance_diff_m = std::max(s.max_distance_diff_m, std::abs(dd));
    if (std::abs(dd) > 0.05)
      fail(i, "distance " + std::to_string(got.distance_m) + " m, brute force " + std::to_string(want.distance_m) + " m");
    if (std::abs(oracle_distance_m(p, got.at) - got.distance_m) > 1e-6) fail(i, "distance_m is not the distance to at");
    if (got.along_m < 0 || got.along_m > net.edge_geom_length_m[got.edge] + 1e-9) fail(i, "along_m outside the edge");
    const double on_edge = oracle_distance_m(oracle.point_on_edge(got.edge, got.along_m), got.at);
    s.max_on_edge_offset_m = std::max(s.max_on_edge_offset_m, on_edge);
    if (on_edge > 0.05) fail(i, "at is " + std::to_string(on_edge) + " m from the point at along_m");
    if (want.unique) {
      const double dp = oracle_distance_m(got.at, want.at);
      ++(want.distance_m <= 1000.0 ? s.unique : s.far_unique);
      double& worst = want.distance_m <= 1000.0 ? s.max_position_diff_m : s.max_far_position_diff_m;
      worst = std::max(worst, dp);
      if (dp > 0.05)
        fail(i, "nearest point is " + std::to_string(dp) + " m from brute force's (" + std::to_string(want.distance_m) +
                    " m away)");
    }
  }
  std::printf("[ %s ] %zu points, %zu attached, %zu unique within 1 km, %zu unique beyond; max |distance diff| %.3g m, "
              "max position diff %.3g m (beyond 1 km: %.3g m), max at-vs-along offset %.3g m\n",
              label, s.points, s.attached, s.unique, s.far_unique, s.max_distance_diff_m, s.max_position_diff_m,
              s.max_far_position_diff_m, s.max_on_edge_offset_m);
  EXPECT_EQ(failures, 0u) << label;
  return s;
}

constexpr std::uint64_t kSeed = 7331;

TEST(AttachPoint, NearestPointMatchesBruteForceOnAndorra) {
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  const PointOracle oracle(andorra());
  const auto points = point_test::sample_points(andorra(), oracle, 2000.0, rng, 600);
  const auto s = compare_attach("andorra", andorra(), points, 2000.0);
  EXPECT_GT(s.unique, 200u);
}

TEST(AttachPoint, NearestPointMatchesBruteForceOnASyntheticNetworkAt60N) {
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed + 1));
  std::mt19937_64 rng(kSeed + 1);
  const Network net = synthetic(kSeed + 1);
  const PointOracle oracle(net);
  const auto points = point_test::sample_points(net, oracle, 10000.0, rng, 600);
  const auto s = compare_attach("synthetic", net, points, 10000.0);
  EXPECT_GT(s.unique, 100u);
}

// Sums of a column over edges grouped by source feature.
std::map<std::int64_t, double> per_fid(const Network& net, const std::vector<double>& column) {
  std::map<std::int64_t, double> out;
  for (EdgeId e = 0; e < net.edges(); ++e) out[net.edge_fid[e]] += column[e];
  return out;
}

void expect_same_sums(const std::map<std::int64_t, double>& before, const std::map<std::int64_t, double>& after,
                      const char* what) {
  ASSERT_EQ(before.size(), after.size()) << what;
  std::size_t bad = 0;
  for (const auto& [fid, value] : before) {
    const double got = after.at(fid);
    if (std::abs(got - value) > 1e-9 * std::max(1.0, std::abs(value)) && ++bad <= 5)
      ADD_FAILURE() << what << " of fid " << fid << ": " << value << " before, " << got << " after";
  }
}

void expect_invariants(const Network& net) {
  ASSERT_EQ(net.edge_geom_first.size(), net.edges() + 1);
  std::size_t bad = 0;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const auto g = net.edge_geometry(e);
    if (g.size() < 2 || !(g.front() == net.node_pos[net.edge_u[e]]) || !(g.back() == net.node_pos[net.edge_v[e]]) ||
        net.edge_u[e] == net.edge_v[e]) {
      if (++bad <= 5) ADD_FAILURE() << "edge " << e << " does not run from its u to its v";
      continue;
    }
    for (std::size_t k = 1; k < g.size(); ++k)
      if (g[k] == g[k - 1] && ++bad <= 5) ADD_FAILURE() << "edge " << e << " repeats vertex " << k;
    const double len = point_test::oracle_length_m(g);
    if (std::abs(len - net.edge_geom_length_m[e]) > 1e-6 * std::max(1.0, len) && ++bad <= 5)
      ADD_FAILURE() << "edge " << e << " geometry is " << len << " m, edge_geom_length_m " << net.edge_geom_length_m[e];
  }
}

// Random attachments on Andorra, with duplicates, several per edge, and points on nodes.
TEST(SplitAt, KeepsLengthsAndDelaysAndPlacesNodesAtTheAttachments) {
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed + 2));
  std::mt19937_64 rng(kSeed + 2);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Network net = andorra();
  const std::size_t nodes_before = net.nodes();
  const std::size_t edges_before = net.edges();
  const SegmentIndex index(net);
  const PointOracle oracle(net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> att;
  for (int i = 0; i < 300; ++i) {
    LonLat p;
    switch (i % 6) {
      case 0: p = net.node_pos[static_cast<std::size_t>(unit(rng) * static_cast<double>(net.nodes()))]; break;
      case 1: p = att.empty() ? net.node_pos[0] : att.back().at; break;  // a duplicate
      case 2: {  // a second point on the previous edge
        const EdgeId e = att.empty() ? 0 : att.back().edge == kNone ? 0 : att.back().edge;
        p = oracle.point_on_edge(e, unit(rng) * net.edge_geom_length_m[e]);
        break;
      }
      default: {
        const EdgeId e = static_cast<EdgeId>(unit(rng) * static_cast<double>(net.edges()));
        // Draws last argument first (g++'s order), in statements: argument order is unspecified.
        const double r = 300 * unit(rng);
        const double az = 360 * unit(rng);
        p = oracle_direct(oracle.point_on_edge(e, unit(rng) * net.edge_geom_length_m[e]), az, r);
      }
    }
    att.push_back(attach_point(index, p, 1000.0, scratch));
  }
  att.push_back(Attachment{});  // not attached
  const Network before = net;
  const auto node_of = split_at(net, att);
  ASSERT_EQ(node_of.size(), att.size());
  EXPECT_EQ(node_of.back(), kNone);

  expect_same_sums(per_fid(before, before.edge_length_m), per_fid(net, net.edge_length_m), "edge_length_m");
  expect_same_sums(per_fid(before, before.edge_geom_length_m), per_fid(net, net.edge_geom_length_m), "edge_geom_length_m");
  expect_same_sums(per_fid(before, before.edge_delay_us), per_fid(net, net.edge_delay_us), "edge_delay_us");
  expect_invariants(net);
  // Original nodes keep their ids and places; new nodes have no delay.
  for (NodeId v = 0; v < nodes_before; ++v) ASSERT_TRUE(net.node_pos[v] == before.node_pos[v]);
  for (NodeId v = static_cast<NodeId>(nodes_before); v < net.nodes(); ++v) EXPECT_EQ(net.node_delay_us[v], 0.0);

  double max_node_offset = 0.0;
  std::size_t reused = 0, created_checked = 0;
  std::map<std::pair<EdgeId, long long>, NodeId> by_place;  // (edge, along in cm) → node
  for (std::size_t i = 0; i + 1 < att.size(); ++i) {
    const Attachment& a = att[i];
    ASSERT_NE(a.edge, kNone);
    const NodeId n = node_of[i];
    ASSERT_LT(n, net.nodes());
    const double g = before.edge_geom_length_m[a.edge];
    if (a.along_m <= 0.01) {
      EXPECT_EQ(n, before.edge_u[a.edge]) << i;
      ++reused;
    } else if (a.along_m >= g - 0.01) {
      EXPECT_EQ(n, before.edge_v[a.edge]) << i;
      ++reused;
    } else {
      EXPECT_GE(n, nodes_before) << i;
      ++created_checked;
    }
    const double off = oracle_distance_m(net.node_pos[n], a.at);
    max_node_offset = std::max(max_node_offset, off);
    EXPECT_LE(off, 0.05) << "attachment " << i << " at along " << a.along_m << " of " << g;
    // Attachments at the same place share a node.
    const auto key = std::make_pair(a.edge, std::llround(a.along_m * 1000.0));
    const auto [it, inserted] = by_place.emplace(key, n);
    if (!inserted) {
      EXPECT_EQ(it->second, n) << "duplicate attachment " << i;
    }
  }
  std::set<NodeId> distinct_new;
  for (NodeId n : node_of)
    if (n != kNone && n >= nodes_before) distinct_new.insert(n);
  EXPECT_EQ(net.edges(), edges_before + distinct_new.size());
  EXPECT_EQ(net.nodes(), nodes_before + distinct_new.size());
  EXPECT_GT(reused, 40u);
  EXPECT_GT(created_checked, 100u);
  std::printf("split %zu attachments: %zu new nodes, %zu reused ends; max node offset from at %.3g m\n", att.size() - 1,
              distinct_new.size(), reused, max_node_offset);

  // Re-attaching a split point finds its node (distance unchanged).
  const SegmentIndex after(net);
  for (std::size_t i = 0; i + 1 < att.size(); i += 7) {
    const Attachment again = attach_point(after, att[i].at, 1000.0, scratch);
    EXPECT_LE(oracle_distance_m(again.at, net.node_pos[node_of[i]]), 0.05) << i;
  }
}

// A hand-checked edge: cuts at 30 % (twice) and 70 %, and within 1 cm of either end.
TEST(SplitAt, SharesAStraightEdgeInProportion) {
  const auto map = point_test::parse_point_map("A----------B", 1000.0);  // 11 km on the equator
  LatencyModel model;
  model.slack = 1.25;
  BuildReport report;
  Network net = build_network(map.lines, model, BuildOptions{}, &report);
  ASSERT_EQ(net.edges(), 1u);
  const double g = net.edge_geom_length_m[0];
  EXPECT_NEAR(g, 11000.0, 1e-6);
  const LonLat a = net.node_pos[net.edge_u[0]];
  auto at_m = [&](double m) {
    Attachment x;
    x.edge = 0;
    x.along_m = m;
    x.at = oracle_direct(a, 90.0, m);
    x.distance_m = 0.0;
    return x;
  };
  const double delay = net.edge_delay_us[0];
  const std::vector<Attachment> att{at_m(3300.0), at_m(7700.0), at_m(3300.0), at_m(0.004), at_m(g - 0.009),
                                    at_m(3300.005)};
  const auto node_of = split_at(net, att);
  EXPECT_EQ(net.edges(), 3u);
  EXPECT_EQ(net.nodes(), 4u);
  EXPECT_EQ(node_of[0], node_of[2]);
  EXPECT_EQ(node_of[0], node_of[5]);  // within 1 cm of another cut
  EXPECT_EQ(node_of[3], NodeId{0});
  EXPECT_EQ(node_of[4], NodeId{1});
  const double parts[] = {3300.0, 4400.0, 3300.0};
  for (EdgeId e = 0; e < 3; ++e) {
    EXPECT_NEAR(net.edge_geom_length_m[e], parts[e], 1e-6) << e;
    EXPECT_NEAR(net.edge_length_m[e], parts[e] * 1.25, 1e-6) << e;
    EXPECT_NEAR(net.edge_delay_us[e], delay * parts[e] / 11000.0, 1e-9) << e;
  }
  EXPECT_LE(oracle_distance_m(net.node_pos[node_of[0]], att[0].at), 1e-6);
  EXPECT_LE(oracle_distance_m(net.node_pos[node_of[1]], att[1].at), 1e-6);
  expect_invariants(net);
}

// A cut exactly at an interior vertex of the geometry, and one just past it.
TEST(SplitAt, CutsAtAnInteriorVertex) {
  const LonLat a{10.0, 0.0};
  const LonLat m = oracle_direct(a, 90.0, 2000.0);
  const LonLat b = oracle_direct(m, 0.0, 3000.0);
  LineInput lines;
  const LonLat pts[] = {a, m, b};
  lines.add_line(pts, 1);
  BuildReport report;
  Network net = build_network(lines, LatencyModel{}, BuildOptions{}, &report);
  ASSERT_EQ(net.edges(), 1u);
  const double first = oracle_distance_m(a, m);
  Attachment at_vertex;
  at_vertex.edge = 0;
  at_vertex.along_m = first;
  at_vertex.at = m;
  Attachment past = at_vertex;
  past.along_m = first + 500.0;
  past.at = oracle_direct(m, 0.0, 500.0);
  const std::vector<Attachment> att{at_vertex, past};
  const auto node_of = split_at(net, att);
  EXPECT_EQ(net.edges(), 3u);
  EXPECT_LE(oracle_distance_m(net.node_pos[node_of[0]], m), 1e-6);
  EXPECT_LE(oracle_distance_m(net.node_pos[node_of[1]], past.at), 1e-3);
  expect_invariants(net);
}

}  // namespace
}  // namespace lightcone
