// route_between: hand-computed breakdowns on a straight line, a brute-force oracle on a
// small meshed map (min over network points q1 near A and q2 near B of access(A, q1) +
// shortest network path(q1, q2) + access(q2, B)), unreachable cases; and split_at
// keeping shortest paths between the original nodes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "latency/route.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "support/point_fixtures.hpp"
#include "support/point_oracle.hpp"

namespace lightcone {
namespace {

using point_test::oracle_direct;
using point_test::oracle_distance_m;
using point_test::OracleAccess;
using point_test::PointOracle;

const double kFibre = fibre_us_per_km(1.4682);  // µs per km

struct Fixture {
  Network net;
  Graph graph;
  SegmentIndex index;
  explicit Fixture(Network n) : net(std::move(n)), graph(net), index(net) {}
};

Network build(const LineInput& lines, const LatencyModel& model) {
  BuildReport report;
  return build_network(lines, model, BuildOptions{}, &report);
}

double path_length_m(const std::vector<LonLat>& path) { return point_test::oracle_length_m(path); }

// Checks that hold for every route found: the parts add up, the geometry starts and ends
// at the points, and its length is the access plus fibre distance (slack 1).
void expect_consistent(const RouteBreakdown& r, LonLat from, LonLat to, double fibre_us_per_km) {
  ASSERT_TRUE(r.found);
  EXPECT_NEAR(r.total_us, r.access_us + r.fibre_us + r.node_delay_us, 1e-9 * r.total_us);
  EXPECT_NEAR(r.fibre_us, r.fibre_km * fibre_us_per_km, 1e-6 * (1 + r.fibre_us));
  ASSERT_GE(r.path.size(), 4u);
  EXPECT_TRUE(r.path.front() == from);
  EXPECT_TRUE(r.path.back() == to);
  EXPECT_NEAR(oracle_distance_m(from, r.path[1]) + oracle_distance_m(r.path[r.path.size() - 2], to),
              r.access_km * 1000.0, 1e-6 * (1 + r.access_km * 1000.0));
  EXPECT_NEAR(path_length_m(r.path), (r.access_km + r.fibre_km) * 1000.0, 0.01 + 1e-7 * r.fibre_km * 1000.0);
  EXPECT_GE(r.hops, 1u);
}

// A 22 km line on the equator (edges 6, 7 and 9 km); a and b 1 km beyond its ends.
TEST(RouteBetween, HandComputedLineWithPointsBeyondTheEnds) {
  const auto map = point_test::parse_point_map("aA-----B------C--------Db", 1000.0);
  LatencyModel model;
  const Fixture f(build(map.lines, model));
  ASSERT_EQ(f.net.edges(), 3u);
  const LonLat a = map.points.at('a');
  const LonLat b = map.points.at('b');
  const RouteBreakdown r = route_between(f.net, f.graph, f.index, model, a, b);
  expect_consistent(r, a, b, kFibre);
  EXPECT_TRUE(r.start_within_access);
  EXPECT_TRUE(r.end_within_access);
  EXPECT_NEAR(r.fibre_km, 22.0, 1e-9);
  EXPECT_NEAR(r.access_km, 2.0, 1e-9);
  EXPECT_NEAR(r.access_us, 2 * 1.5 * kFibre, 1e-9);
  EXPECT_NEAR(r.fibre_us, 22.0 * kFibre, 1e-9);
  EXPECT_NEAR(r.node_delay_us, 0.0, 1e-12);
  EXPECT_NEAR(r.total_us, 25.0 * kFibre, 1e-9);
  EXPECT_NEAR(path_length_m(r.path), 24000.0, 1e-6);
  // The same with detour 2, slower access and a fixed delay on each leg.
  model.access_detour = 2.0;
  model.access_us_per_km = 6.0;
  model.access_fixed = Microseconds{3.0};
  const RouteBreakdown s = route_between(f.net, f.graph, f.index, model, a, b);
  expect_consistent(s, a, b, kFibre);
  EXPECT_NEAR(s.access_us, 2 * (2.0 * 6.0 + 3.0), 1e-9);
  EXPECT_NEAR(s.total_us, 30.0 + 22.0 * kFibre, 1e-9);
  // Reverse direction: the same numbers.
  const RouteBreakdown back = route_between(f.net, f.graph, f.index, model, b, a);
  EXPECT_NEAR(back.total_us, s.total_us, 1e-9);
  EXPECT_NEAR(back.fibre_km, s.fibre_km, 1e-9);
}

// The same line with a and b 1 km north of A and D and 5 µs per node. Each access leg
// meets the fibre where the marginal costs balance: x = h·f/√(a² − f²) along from the
// end (a = 1.5 f: x = 2/√5 km), costing h·√(a² − f²) = √1.25·f·h more than the foot point.
// Neither A nor D is passed, so only B and C add their delay.
TEST(RouteBetween, HandComputedLineWithPointsBesideTheEnds) {
  const auto map = point_test::parse_point_map(
      "a                     b\n"
      "A-----B------C--------D", 1000.0);
  LatencyModel model;
  model.node_delay = Microseconds{5.0};
  const Fixture f(build(map.lines, model));
  const LonLat a = map.points.at('a');
  const LonLat b = map.points.at('b');
  const double h_km = oracle_distance_m(a, map.nodes.at('A')) / 1000.0;
  EXPECT_NEAR(h_km, 1.0, 1e-6);
  EXPECT_NEAR(oracle_distance_m(b, map.nodes.at('D')) / 1000.0, h_km, 1e-9);
  const RouteBreakdown r = route_between(f.net, f.graph, f.index, model, a, b);
  expect_consistent(r, a, b, kFibre);
  const double x_km = h_km * 2.0 / std::sqrt(5.0);
  EXPECT_NEAR(r.fibre_km, 22.0 - 2 * x_km, 1e-4);
  EXPECT_NEAR(r.access_km, 2 * std::hypot(h_km, x_km), 1e-4);
  EXPECT_NEAR(r.node_delay_us, 10.0, 1e-9);
  EXPECT_EQ(r.hops, 2u);
  EXPECT_NEAR(r.total_us, (2 * std::sqrt(1.25) * h_km + 22.0) * kFibre + 10.0, 1e-6);
}

struct OracleRoute {
  double total_us = point_test::kOracleInf;
  bool start_within = false;
  bool end_within = false;
};

// min over network nodes a, b of leg(A→a) + delay(a) + dist(a, b) + leg(b→B), where legs
// are the brute-force access legs and dist the Floyd–Warshall shortest path with arc
// weight edge delay + head node delay.
OracleRoute oracle_route(const Network& net, const PointOracle& oracle, const std::vector<std::vector<double>>& dist,
                         const OracleAccess& acc, LonLat from, LonLat to) {
  const auto la = oracle.legs(from, acc);
  const auto lb = oracle.legs(to, acc);
  OracleRoute out;
  for (NodeId x = 0; x < net.nodes(); ++x) {
    out.start_within = out.start_within || la[x] < point_test::kOracleInf;
    out.end_within = out.end_within || lb[x] < point_test::kOracleInf;
  }
  for (NodeId x = 0; x < net.nodes(); ++x)
    for (NodeId y = 0; y < net.nodes(); ++y)
      out.total_us = std::min(out.total_us, la[x] + net.node_delay_us[x] + dist[x][y] + lb[y]);
  return out;
}

std::vector<std::vector<double>> floyd_warshall(const Network& net) {
  const std::size_t n = net.nodes();
  std::vector<std::vector<double>> d(n, std::vector<double>(n, point_test::kOracleInf));
  for (std::size_t v = 0; v < n; ++v) d[v][v] = 0.0;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const NodeId u = net.edge_u[e];
    const NodeId v = net.edge_v[e];
    d[u][v] = std::min(d[u][v], net.edge_delay_us[e] + net.node_delay_us[v]);
    d[v][u] = std::min(d[v][u], net.edge_delay_us[e] + net.node_delay_us[u]);
  }
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
  return d;
}

// A meshed map with random node delays; random pairs of points, skipping pairs that
// both reach one edge (a route along a single edge is not a path through a node).
TEST(RouteBetween, MatchesBruteForceOnAMeshedMap) {
  const auto map = point_test::parse_point_map(
      "A-------B--------C\n"
      "|       |        |\n"
      "|       D---E    |\n"
      "|           |    |\n"
      "F-----------G----H\n"
      "            |     \n"
      "            I-----J", 1500.0);
  constexpr std::uint64_t kSeed = 99;
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  LatencyModel model;
  model.max_access = Metres{3500.0};
  model.access_fixed = Microseconds{0.7};
  Network net = build(map.lines, model);
  for (double& d : net.node_delay_us) d = 5.0 * unit(rng);
  const Fixture f(std::move(net));
  const PointOracle oracle(f.net);
  const auto dist = floyd_warshall(f.net);
  const OracleAccess acc = OracleAccess::of(model);
  double lon_lo = 180, lon_hi = -180, lat_lo = 90, lat_hi = -90;
  for (LonLat q : f.net.node_pos) {
    lon_lo = std::min(lon_lo, q.lon);
    lon_hi = std::max(lon_hi, q.lon);
    lat_lo = std::min(lat_lo, q.lat);
    lat_hi = std::max(lat_hi, q.lat);
  }
  auto random_point = [&] {
    const double m = 0.03;  // about 3 km beyond the map
    return LonLat{lon_lo - m + unit(rng) * (lon_hi - lon_lo + 2 * m), lat_lo - m + unit(rng) * (lat_hi - lat_lo + 2 * m)};
  };
  std::size_t compared = 0, found = 0, skipped = 0, unreachable = 0;
  double max_diff = 0.0;
  for (int i = 0; i < 400; ++i) {
    const LonLat a = random_point();
    const LonLat b = random_point();
    const auto ea = oracle.edges_within(a, acc.max_m);
    const auto eb = oracle.edges_within(b, acc.max_m);
    bool shared = false;
    for (EdgeId e = 0; e < f.net.edges(); ++e) shared = shared || (ea[e] && eb[e]);
    if (shared) {
      ++skipped;
      continue;
    }
    const OracleRoute want = oracle_route(f.net, oracle, dist, acc, a, b);
    const RouteBreakdown got = route_between(f.net, f.graph, f.index, model, a, b);
    ++compared;
    EXPECT_EQ(got.start_within_access, want.start_within) << i;
    EXPECT_EQ(got.end_within_access, want.end_within) << i;
    ASSERT_EQ(got.found, want.total_us < point_test::kOracleInf) << i;
    if (!got.found) {
      ++unreachable;
      continue;
    }
    ++found;
    const double tol = 0.01 + 1e-6 * want.total_us;
    max_diff = std::max(max_diff, std::abs(got.total_us - want.total_us));
    EXPECT_NEAR(got.total_us, want.total_us, tol) << "pair " << i;
    expect_consistent(got, a, b, kFibre);
    double max_node_delay = 0.0;
    for (double d : f.net.node_delay_us) max_node_delay = std::max(max_node_delay, d);
    EXPECT_LE(got.node_delay_us, static_cast<double>(got.hops) * max_node_delay + 1e-9);
  }
  std::printf("meshed map: %zu pairs compared (%zu found, %zu unreachable), %zu skipped (one edge near both); "
              "max |ours-brute| %.3g us\n",
              compared, found, unreachable, skipped, max_diff);
  EXPECT_GT(found, 120u);
  EXPECT_GT(unreachable, 20u);

  // Access from nodes only: min over nodes x, y within reach of access(A, x) + delay(x) +
  // dist(x, y) + access(y, B). No pair needs skipping.
  std::size_t nodes_found = 0;
  for (int i = 0; i < 200; ++i) {
    const LonLat a = random_point();
    const LonLat b = random_point();
    double want = point_test::kOracleInf;
    for (NodeId x = 0; x < f.net.nodes(); ++x) {
      const double dx = oracle_distance_m(a, f.net.node_pos[x]);
      if (dx > acc.max_m) continue;
      for (NodeId y = 0; y < f.net.nodes(); ++y) {
        const double dy = oracle_distance_m(b, f.net.node_pos[y]);
        if (dy <= acc.max_m) want = std::min(want, acc.cost(dx) + f.net.node_delay_us[x] + dist[x][y] + acc.cost(dy));
      }
    }
    const RouteBreakdown got = route_between(f.net, f.graph, f.index, model, a, b, AccessFrom::nodes);
    ASSERT_EQ(got.found, want < point_test::kOracleInf) << "nodes pair " << i;
    if (!got.found) continue;
    ++nodes_found;
    EXPECT_NEAR(got.total_us, want, 0.01 + 1e-6 * want) << "nodes pair " << i;
    expect_consistent(got, a, b, kFibre);
  }
  EXPECT_GT(nodes_found, 50u);
}

TEST(RouteBetween, UnreachableWhenAnEndIsBeyondMaxAccess) {
  const auto map = point_test::parse_point_map("A-----B------C", 1000.0);
  const LatencyModel model;  // 10 km
  const Fixture f(build(map.lines, model));
  const LonLat near = oracle_direct(map.nodes.at('B'), 0.0, 500.0);
  const LonLat far = oracle_direct(map.nodes.at('B'), 180.0, 10050.0);
  RouteBreakdown r = route_between(f.net, f.graph, f.index, model, far, near);
  EXPECT_FALSE(r.found);
  EXPECT_FALSE(r.start_within_access);
  EXPECT_TRUE(r.end_within_access);
  r = route_between(f.net, f.graph, f.index, model, near, far);
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.start_within_access);
  EXPECT_FALSE(r.end_within_access);
  r = route_between(f.net, f.graph, f.index, model, far, far);
  EXPECT_FALSE(r.found);
  EXPECT_FALSE(r.start_within_access);
  EXPECT_FALSE(r.end_within_access);
  // Just inside max access (9.95 km south of B) it is found.
  const LonLat inside = oracle_direct(map.nodes.at('B'), 180.0, 9950.0);
  r = route_between(f.net, f.graph, f.index, model, inside, oracle_direct(map.nodes.at('C'), 90.0, 1000.0));
  EXPECT_TRUE(r.found);
}

TEST(RouteBetween, UnreachableAcrossComponents) {
  const auto map = point_test::parse_point_map("A-----B                         C-----D", 1000.0);
  const LatencyModel model;
  const Fixture f(build(map.lines, model));
  ASSERT_EQ(f.net.edges(), 2u);
  const RouteBreakdown r = route_between(f.net, f.graph, f.index, model, oracle_direct(map.nodes.at('A'), 0.0, 300.0),
                                         oracle_direct(map.nodes.at('D'), 0.0, 300.0));
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.start_within_access);
  EXPECT_TRUE(r.end_within_access);
}

// Two points beside the middle of one 40 km edge, 20 km apart: the shortest route runs
// along the edge between them (20 km of fibre). route_between only joins the two access
// legs through a node, so it goes out to an end and back. Disabled: a known gap, see the
// report of the route tests.
TEST(RouteBetween, PointsBesideOneEdgeRouteAlongIt) {
  const auto map = point_test::parse_point_map("A----------------------------------------B", 1000.0);
  const LatencyModel model;
  const Fixture f(build(map.lines, model));
  const LonLat a = oracle_direct(oracle_direct(map.nodes.at('A'), 90.0, 10000.0), 0.0, 100.0);
  const LonLat b = oracle_direct(oracle_direct(map.nodes.at('A'), 90.0, 30000.0), 0.0, 100.0);
  const RouteBreakdown r = route_between(f.net, f.graph, f.index, model, a, b);
  ASSERT_TRUE(r.found);
  // Straight along the edge between the two feet (less what the detour saves at an angle).
  EXPECT_LT(r.fibre_km, 20.0);
  EXPECT_GT(r.fibre_km, 19.5);
  EXPECT_EQ(r.hops, 0u);
  EXPECT_NEAR(r.total_us, r.access_us + r.fibre_us, 1e-9);
  EXPECT_NEAR(r.fibre_us, r.fibre_km * model.fibre_us_per_km(), 1e-6);
  // The reverse direction costs the same.
  const RouteBreakdown back = route_between(f.net, f.graph, f.index, model, b, a);
  ASSERT_TRUE(back.found);
  EXPECT_NEAR(back.total_us, r.total_us, 1e-9);
}

// Splitting edges at site attachments adds nodes without delay and keeps every shortest
// path between the original nodes (OSM Andorra, searches from 20 original nodes).
TEST(SplitAtSites, KeepsShortestPathsBetweenOriginalNodes) {
  constexpr std::uint64_t kSeed = 4242;
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  LatencyModel model;
  model.node_delay = Microseconds{1.0};
  Network net = build(point_test::andorra_lines(), model);
  const Network before = net;
  const std::size_t n0 = net.nodes();
  std::vector<Attachment> att;
  {
    const SegmentIndex index(net);
    const PointOracle oracle(net);
    std::vector<std::uint32_t> scratch;
    for (int i = 0; i < 400; ++i) {
      const EdgeId e = static_cast<EdgeId>(unit(rng) * static_cast<double>(net.edges()));
      const LonLat q = oracle.point_on_edge(e, unit(rng) * net.edge_geom_length_m[e]);
      att.push_back(attach_point(index, oracle_direct(q, 360 * unit(rng), 200 * unit(rng)), 1000.0, scratch));
      if (i % 10 == 0) att.push_back(att.back());  // duplicates
    }
  }
  split_at(net, att);
  ASSERT_GT(net.nodes(), n0 + 300);
  const Graph g0(before);
  const Graph g1(net);
  Search s0(g0);
  Search s1(g1);
  std::size_t bad = 0;
  for (int k = 0; k < 20; ++k) {
    const NodeId src = static_cast<NodeId>(unit(rng) * static_cast<double>(n0));
    const Source source{src, 0.0};
    s0.run(std::span(&source, 1));
    s1.run(std::span(&source, 1));
    for (NodeId v = 0; v < n0; ++v) {
      const double a = s0.latency(v);
      const double b = s1.latency(v);
      if (a == kUnreached ? b != kUnreached : std::abs(a - b) > 1e-9 * (1 + a)) {
        if (++bad <= 5) ADD_FAILURE() << "from " << src << " to " << v << ": " << a << " us before, " << b << " after";
      }
    }
  }
  EXPECT_EQ(bad, 0u);
}

}  // namespace
}  // namespace lightcone
