// Edge lengths and delays against PROJ geodesics called directly (geod_inverse, WGS 84),
// against the great-circle `gc_km` field of SNDlib, and against the textbook number
// for 100 km of G.652 fibre (n = 1.4682: 489.7 us one-way, 979.5 us RTT).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "network/network.hpp"
#include "support/datasets.hpp"
#include "support/network_checks.hpp"
#include "support/oracles.hpp"

namespace lightcone {
namespace {

double us_per_km(double n) { return n / 299792.458 * 1e6; }

// Every edge's drawn and route length is the sum of its segments' geodesics (1e-6 m),
// and its delay is that length × n / c.
void expect_geodesic_edges(const Network& net, std::size_t* checked) {
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const auto g = net.edge_geometry(e);
    double metres = 0.0;
    for (std::size_t i = 1; i < g.size(); ++i) {
      double s12 = 0.0;
      geod_inverse(&test::wgs84_geod(), g[i - 1].lat, g[i - 1].lon, g[i].lat, g[i].lon, &s12, nullptr, nullptr);
      metres += s12;
    }
    ASSERT_NEAR(net.edge_geom_length_m[e], metres, 1e-6) << "edge " << e;
    ASSERT_NEAR(net.edge_length_m[e], metres, 1e-6) << "edge " << e;
    ASSERT_NEAR(net.edge_delay_us[e], metres / 1000.0 * us_per_km(1.4682), 1e-9 * net.edge_delay_us[e] + 1e-12);
    ++*checked;
  }
}

TEST(EdgeLength, SndlibGeantEdgesAreProjGeodesics) {
  const test::RealNetwork geant{"sndlib", "geant", {}};
  const LineLayer layer = geant.read();
  BuildReport rep;
  const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, &rep);
  EXPECT_EQ(net.nodes(), 22u);  // README: 22 nodes, 36 links
  EXPECT_EQ(net.edges(), 36u);
  std::size_t checked = 0;
  expect_geodesic_edges(net, &checked);
  EXPECT_EQ(checked, 36u);
}

void expect_monaco_road_edges_are_proj_geodesics(const std::string& path, std::size_t min_edges) {
  const LineLayer layer = read_lines(parse_layer_spec(path + ":roads"), ReadOptions{}, LineFields{});
  const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, nullptr);
  std::size_t checked = 0;
  expect_geodesic_edges(net, &checked);
  EXPECT_GT(checked, min_edges);
}
TEST(EdgeLength, MonacoRoadEdgesAreProjGeodesics) {  // the centre of Monaco (tests/data)
  expect_monaco_road_edges_are_proj_geodesics(test::test_data("osm-monaco/monaco_roads.gpkg"), 1600);
}
TEST(FullSharedData, MonacoRoadEdgesAreProjGeodesics) {
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("osm-monaco/monaco_roads.gpkg");
  expect_monaco_road_edges_are_proj_geodesics(test::shared_data("osm-monaco/monaco_roads.gpkg"), 5000);
}

// SNDlib's gc_km is a haversine on a sphere (R = 6371.0088 km); WGS 84 geodesics
// differ by well under 0.5 %. Read as a length field it becomes the route length
// exactly, and the drawn geodesic length is kept beside it.
void expect_sndlib_geodesics_within_half_a_percent_of_gc_km(test::DataRoot root, std::size_t min_links) {
  LineFields fields;
  fields.length = "gc_km";
  fields.length_unit = "km";
  std::size_t links = 0;
  double worst = 0.0;
  for (const auto& sn : test::networks_with_coordinates(root)) {
    if (sn.collection != "sndlib") continue;
    SCOPED_TRACE(sn.name);
    const LineLayer layer = sn.read(fields);
    EXPECT_EQ(layer.lines.lines(), std::stoul(sn.index.at("links")));
    BuildReport rep;
    const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, &rep);
    // Parallel links between the same pair have the same drawn segment: kept once.
    EXPECT_EQ(net.edges() + rep.duplicate_edges, layer.lines.lines());
    EXPECT_EQ(net.nodes(), std::stoul(sn.index.at("nodes")));
    std::map<std::int64_t, std::size_t> line_of_fid;
    for (std::size_t i = 0; i < layer.lines.lines(); ++i) line_of_fid[layer.lines.fid[i]] = i;
    double total_gc_km = 0.0;
    for (std::size_t i = 0; i < layer.lines.lines(); ++i) total_gc_km += layer.lines.length_m[i] / 1000.0;
    EXPECT_NEAR(total_gc_km, std::stod(sn.index.at("total_gc_km")), 0.1);
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const std::size_t i = line_of_fid.at(net.edge_fid[e]);
      const double gc_m = layer.lines.length_m[i];
      const auto g = net.edge_geometry(e);
      // The field's meaning: haversine of the segment's ends, to the field's rounding.
      EXPECT_NEAR(test::haversine_km(g.front(), g.back()), gc_m / 1000.0, 0.01);
      EXPECT_NEAR(net.edge_length_m[e], gc_m, 1e-9 * gc_m);  // field given: slack not applied
      EXPECT_NEAR(net.edge_delay_us[e], gc_m / 1000.0 * us_per_km(1.4682), 1e-9 * net.edge_delay_us[e]);
      EXPECT_NEAR(net.edge_geom_length_m[e], test::geod_polyline_m(g), 1e-6);
      const double rel = std::abs(net.edge_geom_length_m[e] / gc_m - 1.0);
      EXPECT_LT(rel, 0.005) << "edge " << e;
      worst = std::max(worst, rel);
      ++links;
    }
  }
  EXPECT_GT(links, min_links);
  EXPECT_GT(worst, 1e-4);  // the two really are different models of the Earth
}
TEST(EdgeLength, SndlibGeodesicsWithinHalfAPercentOfGcKm) {  // 7 instances: 652 links, 383 distinct segments
  expect_sndlib_geodesics_within_half_a_percent_of_gc_km(test::DataRoot::tests, 380);
}
TEST(FullSharedData, SndlibGeodesicsWithinHalfAPercentOfGcKm) {  // all 13: 878 links, 609 distinct segments
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("sndlib/index.csv");
  expect_sndlib_geodesics_within_half_a_percent_of_gc_km(test::DataRoot::shared, 600);
}

// 100 km of fibre drawn as a geodesic through 11 vertices (10 km apart) from Paris
// towards the north-east: 100 km × 1.4682 / c = 489.738 us one-way, 979.476 us RTT.
TEST(EdgeLength, HundredKilometresOfFibreIs489_7usOneWay) {
  const LonLat start{2.35, 48.85};
  std::vector<LonLat> line;
  for (int k = 0; k <= 10; ++k) line.push_back(test::geod_move(start, 45.0, 10000.0 * k));
  LineInput in;
  in.add_line(line, 7);
  const LatencyModel model;  // n = 1.4682, slack 1, RTT
  BuildReport rep;
  const Network net = build_network(in, model, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  ASSERT_EQ(net.edges(), 1u);
  ASSERT_EQ(net.nodes(), 2u);
  EXPECT_NEAR(net.edge_geom_length_m[0], 100000.0, 1e-6);
  EXPECT_NEAR(net.edge_length_m[0], 100000.0, 1e-6);
  EXPECT_NEAR(net.edge_delay_us[0], 489.7, 0.1);
  EXPECT_NEAR(net.edge_delay_us[0] * model.metric_factor(), 979.5, 0.1);
  EXPECT_NEAR(net.edge_delay_us[0], 100.0 * 1.4682 / 299792.458 * 1e6, 1e-9);
  EXPECT_EQ(net.edge_fid[0], 7);
  EXPECT_EQ(rep.dangling_ends, 2u);
}

}  // namespace
}  // namespace lightcone
