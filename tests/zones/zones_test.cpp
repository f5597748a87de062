// Zones against the point-latency definition (itself checked against brute force in
// tests/latency): every sampled point with latency ≤ B lies inside zone B, every point
// with latency > B + tolerance lies outside. Plus closed-form areas.
#include <limits>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "geom/polygon_ops.hpp"
#include "zones/zones.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {

struct Fixture {
  Network net;
  std::vector<Source> sources;
  NodeLatencies lat;
};

// Sites attached to the network at the given points (edges split there).
Fixture with_sites(Network net, const std::vector<LonLat>& sites, const LatencyModel& model) {
  Fixture f;
  SegmentIndex index(net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  for (LonLat s : sites) at.push_back(attach_point(index, s, model.max_access.value, scratch));
  const auto nodes = split_at(net, at);
  const AccessCost access(model);
  for (std::size_t i = 0; i < sites.size(); ++i)
    if (nodes[i] != kNone) f.sources.push_back({nodes[i], access.us_per_m * at[i].distance_m});
  f.net = std::move(net);
  Graph graph(f.net);
  f.lat = nearest_source_latency(graph, f.sources);
  return f;
}

// Samples points in the box and checks zone membership against point latency.
// Samples points uniformly in the box [lo, hi], or, when near_network, near random edge
// points (random offset up to 1.5 × max access) so that thin zones on wide networks are
// exercised on both sides.
void check_property(const Fixture& f, const LatencyModel& model, double budget_us, LonLat lo, LonLat hi,
                    int samples, unsigned seed, bool near_network = false) {
  SCOPED_TRACE("seed " + std::to_string(seed) + ", budget " + std::to_string(budget_us));
  const AccessCost access(model);
  const auto t0 = std::chrono::steady_clock::now();
  const MultiPolygon zone = zone_polygon(f.net, f.lat.us, access, budget_us);
  const auto t1 = std::chrono::steady_clock::now();
  std::printf("zone %.0f us: %zu polygons, %zu vertices, built in %.2f s\n", budget_us, zone.polygons(),
              zone.coords.size(), std::chrono::duration<double>(t1 - t0).count());
  ASSERT_FALSE(zone.empty());
  PolygonLocator locator(zone);
  SegmentIndex index(f.net);
  PointLatencyQuery query(f.net, index, model);
  // The zone may exceed the true one by 0.5 % of each disc's radius: a point counts as
  // clearly outside when even with 0.5 % longer access reach and a 0.5 %-of-max-radius
  // latency allowance it is beyond the budget.
  LatencyModel wider = model;
  wider.max_access = Metres{model.max_access.value * 1.005};
  PointLatencyQuery wide_query(f.net, index, wider);
  const double tol_us = 0.005 * access.max_m * access.us_per_m;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> ulon(lo.lon, hi.lon), ulat(lo.lat, hi.lat);
  int inside = 0, outside = 0, false_out = 0, false_in = 0;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < samples; ++i) {
    LonLat p{ulon(rng), ulat(rng)};
    if (near_network) {
      const auto e = static_cast<EdgeId>(static_cast<std::size_t>(unit(rng) * static_cast<double>(f.net.edges())) % f.net.edges());
      const auto g = f.net.edge_geometry(e);
      const std::size_t k = static_cast<std::size_t>(unit(rng) * static_cast<double>(g.size() - 1)) % (g.size() - 1);
      const LonLat q = geodesic_interpolate(g[k], g[k + 1], unit(rng));
      const double r = 1.5 * model.max_access.value * unit(rng);  // drawn last argument first (g++'s order)
      const double az = 360.0 * unit(rng);
      p = geodesic_destination(q, az, r);
    }
    const double l = query.evaluate(p, f.lat.us, f.lat.source).latency_us;
    const bool in = locator.covers(p);
    if (l <= budget_us) {
      ++inside;
      if (!in) {
        ++false_out;
        ADD_FAILURE() << "latency " << l << " <= " << budget_us << " but outside zone at " << p.lon << "," << p.lat;
      }
    } else if (wide_query.evaluate(p, f.lat.us, f.lat.source).latency_us > budget_us + tol_us) {
      ++outside;
      if (in) {
        ++false_in;
        ADD_FAILURE() << "latency " << l << " > " << budget_us + tol_us << " but inside zone at " << p.lon << ","
                      << p.lat;
      }
    }
    if (false_out + false_in > 5) break;
  }
  // The sample must exercise both sides.
  EXPECT_GT(inside, samples / 50);
  EXPECT_GT(outside, samples / 50);
}

TEST(Zones, AccessOnlyDiscHasAreaPiRSquared) {
  // A 2 m edge: the zone is (up to 2 m) the disc of radius max access around it.
  LatencyModel model;
  model.max_access = Metres{10000};
  LineInput lines;
  const LonLat a{120.3, 36.1};
  const LonLat b = geodesic_destination(a, 90, 2.0);
  lines.add_line(std::vector<LonLat>{a, b}, 1);
  BuildReport rep;
  Fixture f = with_sites(build_network(lines, model, {}, &rep), {a}, model);
  const AccessCost access(model);
  // Budget large enough for the full radius, capped at max access.
  const MultiPolygon zone = zone_polygon(f.net, f.lat.us, access, 10000.0);
  const double r = 10000.0;
  const double expected = std::numbers::pi * r * r;
  const double got = area_m2(zone);
  EXPECT_GE(got, expected * (1 - 1e-4));
  EXPECT_LE(got, expected * 1.005);
  // A budget that leaves r = 5 km of access: area π (5 km)².
  const double budget = 5000.0 * access.us_per_m;
  const double got5 = area_m2(zone_polygon(f.net, f.lat.us, access, budget));
  EXPECT_NEAR(got5 / (std::numbers::pi * 25e6), 1.0025, 0.0026);
}

TEST(Zones, AddingFibreOnlyGrowsTheZone) {
  LatencyModel model;
  const LonLat a{120.3, 36.1};
  LineInput one;
  const LonLat b = geodesic_destination(a, 90, 50.0);
  one.add_line(std::vector<LonLat>{a, b}, 1);
  LineInput two = one;
  two.add_line(std::vector<LonLat>{b, geodesic_destination(b, 45, 30000.0)}, 2);
  const AccessCost access(model);
  const double budget = 400.0;
  Fixture f1 = with_sites(build_network(one, model, {}, nullptr), {a}, model);
  Fixture f2 = with_sites(build_network(two, model, {}, nullptr), {a}, model);
  const MultiPolygon z1 = zone_polygon(f1.net, f1.lat.us, access, budget);
  const MultiPolygon z2 = zone_polygon(f2.net, f2.lat.us, access, budget);
  EXPECT_GT(area_m2(z2), area_m2(z1) * 1.5);
  EXPECT_LT(area_m2(difference(z1, z2)), 1.0);  // z1 ⊆ z2 (up to rounding)
}

TEST(Zones, PropertyOnAndorra) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const auto layer = read_lines(parse_layer_spec(test::test_data("osm-andorra/andorra_roads.gpkg")),
                                ReadOptions{}, LineFields{});
  Network net = build_network(layer.lines, model, {}, nullptr);
  Fixture f = with_sites(std::move(net), {{1.5218, 42.5063}, {1.5970, 42.5430}, {1.4680, 42.5650}}, model);
  for (double budget : {40.0, 90.0}) check_property(f, model, budget, {1.40, 42.42}, {1.80, 42.67}, 5000, 7);
}

TEST(Zones, PropertyWithNodeDelaysAndFixedAccess) {
  LatencyModel model;
  model.max_access = Metres{5000};
  model.node_delay = Microseconds{3};
  model.access_fixed = Microseconds{5};
  model.access_detour = 1.2;
  const auto layer = read_lines(parse_layer_spec(test::test_data("osm-andorra/andorra_roads.gpkg")),
                                ReadOptions{}, LineFields{});
  Network net = build_network(layer.lines, model, {}, nullptr);
  Fixture f = with_sites(std::move(net), {{1.5218, 42.5063}}, model);
  check_property(f, model, 120.0, {1.40, 42.42}, {1.80, 42.67}, 5000, 11);
}

TEST(Zones, PropertyOnATopologyZooBackbone) {
  LatencyModel model;
  // Straight PoP-to-PoP links, most over 50 km: with the default tap rule the zones are
  // discs around PoPs and too few samples fall inside; this checks the tapered edges.
  model.no_tap_longer_than = Metres{std::numeric_limits<double>::infinity()};
  ReadOptions ro;
  ro.where = "network = 'Geant2012'";
  const auto layer = read_lines(parse_layer_spec(test::test_data("topology-zoo/topology_zoo.gpkg:links")),
                                ro, LineFields{});
  Network net = build_network(layer.lines, model, {}, nullptr);
  ASSERT_GT(net.edges(), 20u);
  // Sites at three nodes (attached where they are).
  Fixture f = with_sites(std::move(net), {}, model);
  f.sources = {{0, 0.0}, {static_cast<NodeId>(f.net.nodes() / 2), 0.0}, {static_cast<NodeId>(f.net.nodes() - 1), 0.0}};
  Graph graph(f.net);
  f.lat = nearest_source_latency(graph, f.sources);
  for (double budget : {1500.0, 4000.0}) check_property(f, model, budget, {}, {}, 2500, 23, true);
}

TEST(Zones, PropertyOnTheSample) {
  LatencyModel model;
  const std::string sample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
  const auto layer = read_lines(parse_layer_spec(sample + ":fibre"), ReadOptions{}, LineFields{});
  ReadOptions existing;
  existing.where = "status = 'existing'";
  const auto sites = read_points(parse_layer_spec(sample + ":sites"), existing, PointFields{});
  Fixture f = with_sites(build_network(layer.lines, model, {}, nullptr), sites.pos, model);
  // 1 ms and 3 ms RTT.
  for (double budget : {500.0, 1500.0}) check_property(f, model, budget, {114.8, 34.4}, {122.7, 38.4}, 2500, 31);
  check_property(f, model, 500.0, {}, {}, 2500, 37, true);
}

}  // namespace
}  // namespace lightcone
