// The rasterised latency surface against its definition: every cell value equals the
// point latency (PointLatencyQuery::evaluate, itself checked against brute force in
// tests/latency) at the cell centre, to float rounding; nodata exactly where evaluate
// says unreachable. On small synthetic networks, the OSM Andorra roads (dense) and the
// Shandong sample; plus: the grid is byte-identical for any number of threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "network/projection.hpp"
#include "zones/surface.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {

struct Prepared {
  Network net;
  NodeLatencies lat;
};

// Sites attached at the nearest network points (edges split there), as the CLI does.
Prepared with_sites(Network net, const std::vector<LonLat>& sites, const LatencyModel& model) {
  SegmentIndex pre(net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  for (LonLat s : sites) at.push_back(attach_point(pre, s, model.max_access.value, scratch));
  const auto nodes = split_at(net, at);
  const AccessCost access(model);
  std::vector<Source> sources;
  for (std::size_t i = 0; i < sites.size(); ++i)
    if (nodes[i] != kNone) sources.push_back({nodes[i], access.us_per_m * at[i].distance_m});
  Prepared p;
  p.net = std::move(net);
  Graph graph(p.net);
  p.lat = nearest_source_latency(graph, sources);
  return p;
}

// Compares every `stride`-th cell (all when 1) with evaluate at its centre.
void expect_matches_evaluate(const Prepared& s, const LatencyModel& model, AccessFrom mode, const LonLatBox& box,
                             double cell_m, int stride = 1) {
  const SegmentIndex index(s.net);
  SurfaceOptions opt;
  opt.cell_m = cell_m;
  opt.threads = 2;
  const LatencyGrid grid = latency_surface(s.net, index, model, mode, s.lat.us, s.lat.source, box, opt);
  ASSERT_GT(grid.width, 10);
  const Projection proj(grid.crs);
  PointLatencyQuery query(s.net, index, model, mode);
  const double k = model.metric_factor();
  std::size_t compared = 0, reached = 0, exact = 0, mismatched = 0;
  double worst = 0.0;
  for (int row = 0; row < grid.height; ++row)
    for (int col = 0; col < grid.width; ++col) {
      const std::size_t i = static_cast<std::size_t>(row) * static_cast<std::size_t>(grid.width) +
                            static_cast<std::size_t>(col);
      if (i % static_cast<std::size_t>(stride) != 0) continue;
      ++compared;
      const float v = grid.values[i];
      const LonLat p = proj.inverse({grid.centre_x(col), grid.centre_y(row)});
      const double l = query.evaluate(p, s.lat.us, s.lat.source).latency_us;
      if (l == kUnreached) {
        if (v != grid.nodata && ++mismatched <= 5)
          ADD_FAILURE() << "cell " << col << "," << row << " = " << v << " but evaluate says unreachable";
        continue;
      }
      ++reached;
      const float want = static_cast<float>(l * k);
      if (v == want) {
        ++exact;
        continue;
      }
      const double err = std::abs(static_cast<double>(v) - l * k) / (l * k);
      worst = std::max(worst, err);
      if (err > 1e-6 && ++mismatched <= 5)
        ADD_FAILURE() << "cell " << col << "," << row << " at " << p.lon << "," << p.lat << " = " << v
                      << ", evaluate " << want;
    }
  std::printf("%d x %d cells of %g m: %zu compared, %zu reached, %zu bit-identical, worst relative %.3g\n",
              grid.width, grid.height, cell_m, compared, reached, exact, worst);
  EXPECT_EQ(mismatched, 0u);
  EXPECT_GT(reached, compared / 20);
  EXPECT_LT(reached, compared);  // both sides of the reach exercised
}

LonLatBox box_of(const Network& net, double margin_deg) {
  LonLatBox box;
  for (const LonLat& p : net.node_pos) box.add(p);
  box.add({box.min.lon - margin_deg, box.min.lat - margin_deg});
  box.add({box.max.lon + margin_deg, box.max.lat + margin_deg});
  return box;
}

// A star of three 20 km lines and a 30 km line nearby, one site at the centre.
Prepared star(const LatencyModel& model) {
  const LonLat c{120.4, 36.1};
  LineInput lines;
  for (double az : {10.0, 130.0, 250.0}) lines.add_line(std::vector<LonLat>{c, geodesic_destination(c, az, 20000.0)}, 1);
  const LonLat far = geodesic_destination(c, 60.0, 9000.0);
  lines.add_line(std::vector<LonLat>{far, geodesic_destination(far, 100.0, 15000.0), geodesic_destination(far, 80.0, 30000.0)}, 2);
  return with_sites(build_network(lines, model, {}, nullptr), {c, geodesic_destination(far, 100.0, 15000.0)}, model);
}

TEST(SurfaceOracle, StarEveryCellBothModes) {
  LatencyModel model;
  model.max_access = Metres{4000};
  const Prepared s = star(model);
  expect_matches_evaluate(s, model, AccessFrom::edges, box_of(s.net, 0.06), 250.0);
  expect_matches_evaluate(s, model, AccessFrom::nodes, box_of(s.net, 0.06), 250.0);
}

TEST(SurfaceOracle, StarWithDelaysOneWayAndCheapAccess) {
  LatencyModel model;
  model.max_access = Metres{6000};
  model.node_delay = Microseconds{3};
  model.access_fixed = Microseconds{5};
  model.access_detour = 1.1;
  model.metric = Metric::one_way;
  const Prepared s = star(model);
  expect_matches_evaluate(s, model, AccessFrom::edges, box_of(s.net, 0.08), 300.0);
}

TEST(SurfaceOracle, AndorraRoadsDense) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const auto layer = read_lines(parse_layer_spec(test::test_data("osm-andorra/andorra_roads.gpkg")),
                                ReadOptions{}, LineFields{});
  const Prepared s = with_sites(build_network(layer.lines, model, {}, nullptr),
                                {{1.5218, 42.5063}, {1.5970, 42.5430}, {1.4680, 42.5650}}, model);
  LonLatBox box;
  box.add({1.40, 42.42});
  box.add({1.80, 42.67});
  expect_matches_evaluate(s, model, AccessFrom::edges, box, 250.0, 3);
}

TEST(SurfaceOracle, ShandongSample) {
  LatencyModel model;
  const std::string sample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
  const auto layer = read_lines(parse_layer_spec(sample + ":fibre"), ReadOptions{}, LineFields{});
  const auto sites = read_points(parse_layer_spec(sample + ":sites"), ReadOptions{}, PointFields{});
  const Prepared s = with_sites(build_network(layer.lines, model, {}, nullptr), sites.pos, model);
  LonLatBox box;
  box.add({114.8, 34.4});
  box.add({122.7, 38.4});
  expect_matches_evaluate(s, model, AccessFrom::edges, box, 1000.0, 3);
}

TEST(SurfaceOracle, SameBytesForAnyThreadCount) {
  LatencyModel model;
  model.max_access = Metres{4000};
  const auto layer = read_lines(parse_layer_spec(test::test_data("osm-andorra/andorra_roads.gpkg")),
                                ReadOptions{}, LineFields{});
  const Prepared s = with_sites(build_network(layer.lines, model, {}, nullptr), {{1.5218, 42.5063}}, model);
  const SegmentIndex index(s.net);
  LonLatBox box;
  box.add({1.40, 42.42});
  box.add({1.80, 42.67});
  SurfaceOptions opt;
  opt.cell_m = 200.0;
  std::vector<float> first;
  for (unsigned threads : {1u, 2u, 3u}) {
    opt.threads = threads;
    const LatencyGrid g = latency_surface(s.net, index, model, AccessFrom::edges, s.lat.us, s.lat.source, box, opt);
    if (first.empty()) {
      first = g.values;
      continue;
    }
    ASSERT_EQ(g.values.size(), first.size());
    EXPECT_EQ(std::memcmp(g.values.data(), first.data(), first.size() * sizeof(float)), 0) << threads << " threads";
  }
}

}  // namespace
}  // namespace lightcone
