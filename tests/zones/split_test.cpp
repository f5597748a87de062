// Per-site split zones (zones.hpp split_zone_by_site): the parts tile the zone (areas add
// up to the zone's area, pairwise overlaps have no area), a two-site line checked by
// hand, and every sampled point of a part has that part's site as its nearest site
// (point latency through each site alone) unless it lies within the stated tolerance
// of the split boundary.
#include <limits>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "core/error.hpp"
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
  std::unique_ptr<SegmentIndex> index;
};

// Sites attached to the network at the given points (edges split there), with entry delays.
Fixture with_sites(Network net, const std::vector<LonLat>& sites, const LatencyModel& model,
                   const std::vector<double>& entry_us = {}) {
  Fixture f;
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  {
    SegmentIndex index(net);
    for (LonLat s : sites) at.push_back(attach_point(index, s, model.max_access.value, scratch));
  }
  const auto nodes = split_at(net, at);
  const AccessCost access(model);
  for (std::size_t i = 0; i < sites.size(); ++i)
    if (nodes[i] != kNone)
      f.sources.push_back({nodes[i], access.us_per_m * at[i].distance_m + (entry_us.empty() ? 0.0 : entry_us[i])});
  f.net = std::move(net);
  Graph graph(f.net);
  f.lat = nearest_source_latency(graph, f.sources);
  f.index = std::make_unique<SegmentIndex>(f.net);
  return f;
}

// Parts tile the zone: disjoint (no overlap area) and their areas add up to its area.
void expect_tiling(const std::vector<MultiPolygon>& parts, const MultiPolygon& zone) {
  const double zone_area = area_m2(zone);
  double sum = 0.0;
  for (const auto& p : parts) sum += area_m2(p);
  EXPECT_NEAR(sum / zone_area, 1.0, 1e-6) << "parts " << sum << " m2, zone " << zone_area << " m2";
  for (std::size_t s = 0; s < parts.size(); ++s)
    for (std::size_t t = s + 1; t < parts.size(); ++t) {
      if (parts[s].empty() || parts[t].empty()) continue;
      EXPECT_LE(area_m2(intersection(parts[s], parts[t])), 1e-9 * zone_area + 1e-3) << s << " and " << t << " overlap";
    }
  // The union of the parts is the zone: nothing of the zone is left out.
  EXPECT_LE(area_m2(difference(zone, union_all(parts))), 1e-7 * zone_area + 1e-3);
}

//   A ==================================|======================== B
//   0 km                               60 km (meeting point)     100 km
// One straight 100 km fibre, a site at each end; B has an entry delay worth 20 km of
// fibre, so the two meet 60 km from A. With a budget that reaches the whole line at the
// full access radius R, the zone is a stadium and the split boundary is the
// perpendicular through the meeting point (access costs mirror around it): part A is
// 2R·60 km + πR²/2, part B 2R·40 km + πR²/2.
TEST(SplitZones, TwoSitesOnALineMeetWhereTheirLatenciesAreEqual) {
  LatencyModel model;
  model.max_access = Metres{10000};
  model.no_tap_longer_than = Metres{std::numeric_limits<double>::infinity()};  // a 100 km line tapped anywhere
  const LonLat a{120.0, 36.0};
  const LonLat b = geodesic_destination(a, 90, 100000.0);
  LineInput lines;
  lines.add_line(std::vector<LonLat>{a, b}, 1);
  const double fibre_us_per_m = model.fibre_us_per_km() / 1000.0;
  const double entry_b = 20000.0 * fibre_us_per_m;
  Fixture f = with_sites(build_network(lines, model, {}, nullptr), {a, b}, model, {0.0, entry_b});
  ASSERT_EQ(f.sources.size(), 2u);
  const AccessCost access(model);
  // Budget: the farthest line point (60 km from A) plus the full access radius, and some.
  const double budget = 60000.0 * fibre_us_per_m + 10000.0 * access.us_per_m + 50.0;
  const MultiPolygon zone = zone_polygon(f.net, f.lat.us, access, budget);
  SplitOptions so;
  so.cell_m = 250.0;
  const auto parts = split_zone_by_site(f.net, *f.index, model, f.lat.us, f.lat.source, 2, budget, {}, so);
  ASSERT_EQ(parts.size(), 2u);
  expect_tiling(parts, zone);
  const double R = 10.0;  // km
  const double half_disc = std::numbers::pi * R * R / 2;
  // Outward circle approximation (≤ 0.25 % of R along ~130 km of outline) and the split
  // tolerance (one cell diagonal along the 2R-long boundary).
  const double tol_km2 = 0.0025 * R * 130.0 + 2 * R * 0.25 * std::numbers::sqrt2;
  EXPECT_NEAR(area_m2(parts[0]) / 1e6, 2 * R * 60.0 + half_disc, tol_km2);
  EXPECT_NEAR(area_m2(parts[1]) / 1e6, 2 * R * 40.0 + half_disc, tol_km2);
  EXPECT_GE(area_m2(parts[0]) / 1e6, 2 * R * 60.0 + half_disc - 2 * R * 0.25 * std::numbers::sqrt2);
  // Points 3 km beside the line, 1 km either side of the meeting point.
  const LonLat m = geodesic_destination(a, 90, 60000.0);
  PolygonLocator in_a(parts[0]), in_b(parts[1]);
  for (double side : {0.0, 180.0}) {
    const LonLat off = geodesic_destination(m, side, 3000.0);
    EXPECT_TRUE(in_a.covers(geodesic_destination(off, 270, 1000.0)));
    EXPECT_FALSE(in_b.covers(geodesic_destination(off, 270, 1000.0)));
    EXPECT_TRUE(in_b.covers(geodesic_destination(off, 90, 1000.0)));
    EXPECT_FALSE(in_a.covers(geodesic_destination(off, 90, 1000.0)));
  }
}

// Sampled oracle: a point inside part s has s as its nearest site, i.e. latency through
// s alone is the least, unless it lies within one cell diagonal d of the split boundary.
// Latency through one site is Lipschitz with the access rate a within reach, so near
// the boundary latency_s(p) ≤ latency_min(p) + 2·a·d/2 (the cell centre decided, at most
// d/2 away); latency through s alone is evaluated with the access reach widened by d (a
// point may sit just beyond s's reach while its cell centre is within it). Where that
// fails (p reaches a disc the centre does not), some point within d/2 must have s as its
// nearest site.
void check_nearest_site(const Fixture& f, const LatencyModel& model, double budget_us, const ZoneOptions& zo,
                        double cell_m, LonLat lo, LonLat hi, int samples, unsigned seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + ", budget " + std::to_string(budget_us));
  const AccessCost access(model);
  const std::size_t n = f.sources.size();
  SplitOptions so;
  so.cell_m = cell_m;
  const auto t0 = std::chrono::steady_clock::now();
  const MultiPolygon zone = zone_polygon(f.net, f.lat.us, access, budget_us, zo);
  const auto t1 = std::chrono::steady_clock::now();
  const auto parts = split_zone_by_site(f.net, *f.index, model, f.lat.us, f.lat.source, n, budget_us, zo, so);
  const auto t2 = std::chrono::steady_clock::now();
  ASSERT_EQ(parts.size(), n);
  expect_tiling(parts, zone);
  const auto t3 = std::chrono::steady_clock::now();
  std::printf("zone %.2f s, split %.2f s, tiling check %.2f s\n", std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(), std::chrono::duration<double>(t3 - t2).count());
  std::size_t non_empty = 0;
  for (const auto& p : parts) non_empty += !p.empty();
  EXPECT_GE(non_empty, 2u);
  // Latencies through each site alone.
  Graph graph(f.net);
  std::vector<NodeLatencies> alone;
  for (const Source& s : f.sources) alone.push_back(nearest_source_latency(graph, std::vector<Source>{s}));
  const double diag = cell_m * std::numbers::sqrt2;
  LatencyModel wider = model;
  wider.max_access = Metres{model.max_access.value * 1.005 + diag};
  PointLatencyQuery query(f.net, *f.index, model, zo.access_from);
  PointLatencyQuery wide(f.net, *f.index, wider, zo.access_from);
  std::vector<std::unique_ptr<PolygonLocator>> loc;
  for (const auto& p : parts) loc.push_back(std::make_unique<PolygonLocator>(p));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> ulon(lo.lon, hi.lon), ulat(lo.lat, hi.lat);
  int checked = 0, exact = 0;
  for (int i = 0; i < samples; ++i) {
    const LonLat p{ulon(rng), ulat(rng)};
    int owners = 0;
    std::size_t s = n;
    for (std::size_t t = 0; t < n; ++t)
      if (!parts[t].empty() && loc[t]->covers(p)) {
        ++owners;
        s = t;
      }
    const PointLatency best = query.evaluate(p, f.lat.us, f.lat.source);
    if (best.latency_us <= budget_us) {
      EXPECT_GE(owners, 1) << "in zone, in no part: " << p.lon << "," << p.lat;
    }
    if (owners == 0) continue;
    EXPECT_EQ(owners, 1) << "in two parts (off a shared boundary): " << p.lon << "," << p.lat;
    ++checked;
    if (best.source == s) {
      ++exact;
      continue;
    }
    const double mine = wide.evaluate(p, alone[s].us, alone[s].source).latency_us;
    if (mine <= best.latency_us + access.us_per_m * diag + 1e-6) continue;
    // Not Lipschitz across the edge of an access disc (beyond max access latency jumps
    // to unreachable): then look for the deciding point geometrically, some point within
    // half a cell diagonal whose nearest site is s.
    bool near_s = false;
    for (int k = 0; k < 4 && !near_s; ++k)
      for (int az = 0; az < 32 && !near_s; ++az)
        near_s = query.evaluate(geodesic_destination(p, az * 11.25, diag / 2 * (k + 1) / 4), f.lat.us, f.lat.source)
                     .source == s;
    EXPECT_TRUE(near_s) << "point " << p.lon << "," << p.lat << " in part " << s << " but nearest site "
                        << best.source << " (" << best.latency_us << " us; " << mine << " us through " << s
                        << "), and no point within half a cell diagonal has " << s << " as nearest site";
  }
  std::printf("split %.0f us: %d points in parts, %d with the part's site exactly nearest\n", budget_us, checked,
              exact);
  EXPECT_GT(checked, samples / 50);
  EXPECT_GT(exact, checked * 9 / 10);
}

TEST(SplitZones, NearestSiteOnAndorra) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const auto layer = read_lines(parse_layer_spec(test::test_data("osm-andorra/andorra_roads.gpkg")),
                                ReadOptions{}, LineFields{});
  Fixture f = with_sites(build_network(layer.lines, model, {}, nullptr),
                         {{1.5218, 42.5063}, {1.5970, 42.5430}, {1.4680, 42.5650}}, model, {0.0, 5.0, 0.0});
  check_nearest_site(f, model, 40.0, {}, 250.0, {1.40, 42.42}, {1.80, 42.67}, 2000, 7);
  ZoneOptions nodes;
  nodes.access_from = AccessFrom::nodes;
  check_nearest_site(f, model, 60.0, nodes, 250.0, {1.40, 42.42}, {1.80, 42.67}, 1500, 9);
}

TEST(SplitZones, NearestSiteOnTheSample) {
  LatencyModel model;
  const std::string sample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
  const auto layer = read_lines(parse_layer_spec(sample + ":fibre"), ReadOptions{}, LineFields{});
  ReadOptions existing;
  existing.where = "status = 'existing'";
  const auto sites = read_points(parse_layer_spec(sample + ":sites"), existing, PointFields{});
  Fixture f = with_sites(build_network(layer.lines, model, {}, nullptr), sites.pos, model);
  check_nearest_site(f, model, 500.0, {}, 500.0, {114.8, 34.4}, {122.7, 38.4}, 3000, 31);
}

TEST(SplitZones, OneSiteIsTheWholeZoneAndAZeroCellIsRefused) {
  LatencyModel model;
  const LonLat a{120.0, 36.0};
  LineInput lines;
  lines.add_line(std::vector<LonLat>{a, geodesic_destination(a, 45, 30000.0)}, 1);
  Fixture f = with_sites(build_network(lines, model, {}, nullptr), {a}, model);
  const AccessCost access(model);
  const MultiPolygon zone = zone_polygon(f.net, f.lat.us, access, 200.0);
  const auto parts = split_zone_by_site(f.net, *f.index, model, f.lat.us, f.lat.source, 1, 200.0, {});
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_NEAR(area_m2(parts[0]) / area_m2(zone), 1.0, 1e-9);
  SplitOptions zero;
  zero.cell_m = 0.0;
  EXPECT_THROW(split_zone_by_site(f.net, *f.index, model, f.lat.us, f.lat.source, 1, 200.0, {}, zero), InputError);
}

// Demand polygon samples (sample_polygon): area-weighted, so the share of sample points
// in any part of a polygon is close to that part's share of its area.
MultiPolygon rectangle(LonLat sw, LonLat ne) {
  MultiPolygon m;
  m.add_ring(std::vector<LonLat>{sw, {ne.lon, sw.lat}, ne, {sw.lon, ne.lat}, sw});
  m.close_polygon();
  return m;
}

TEST(PolygonSample, SharesFollowAreaAndTheSampleIsDeterministic) {
  // Two equal squares 4° apart (one polygon each, one feature): half the points in each.
  MultiPolygon two = rectangle({120.35, 36.10}, {120.45, 36.20});
  const MultiPolygon far = rectangle({124.45, 36.10}, {124.55, 36.20});
  two.add_ring(far.ring(0));
  two.close_polygon();
  const auto pts = sample_polygon(two, 400);
  ASSERT_GE(pts.size(), 200u);
  ASSERT_LE(pts.size(), 600u);
  std::size_t west = 0;
  for (const LonLat& p : pts) west += p.lon < 122.0;
  EXPECT_NEAR(static_cast<double>(west) / static_cast<double>(pts.size()), 0.5, 0.05);
  EXPECT_EQ(pts, sample_polygon(two, 400));
  // An L-shaped polygon: the 1 × 2 arm holds 2/3 of the area (units of 0.1°, at 36° N).
  MultiPolygon ell;
  ell.add_ring(std::vector<LonLat>{{120.0, 36.0}, {120.2, 36.0}, {120.2, 36.1}, {120.1, 36.1}, {120.1, 36.2}, {120.0, 36.2}, {120.0, 36.0}});
  ell.close_polygon();
  const auto lp = sample_polygon(ell, 1000);
  std::size_t arm = 0;
  for (const LonLat& p : lp) arm += p.lon < 120.1;
  EXPECT_NEAR(static_cast<double>(arm) / static_cast<double>(lp.size()), 2.0 / 3.0, 0.03);
  // Every sample point lies inside.
  PolygonLocator inside(ell);
  for (const LonLat& p : lp) EXPECT_TRUE(inside.covers(p));
  // A sliver far thinner than the grid spacing still gets points (refined grid, or one
  // interior point).
  const auto thin = sample_polygon(rectangle({120.0, 36.0}, {121.0, 36.00001}), 10);
  ASSERT_FALSE(thin.empty());
  EXPECT_TRUE(PolygonLocator(rectangle({120.0, 36.0}, {121.0, 36.00001})).covers(thin.front()));
}

}  // namespace
}  // namespace lightcone
