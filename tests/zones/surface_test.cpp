// The latency surface agrees with the zone polygons and with point latency.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "network/projection.hpp"
#include "zones/surface.hpp"
#include "geom/polygon_ops.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

struct Star {
  Network net;
  NodeLatencies lat;
};

// A star of three 20 km lines around a site, with some node delay.
Star make_star(const LatencyModel& model) {
  const LonLat c{120.4, 36.1};
  LineInput lines;
  for (double az : {10.0, 130.0, 250.0}) lines.add_line(std::vector<LonLat>{c, geodesic_destination(c, az, 20000.0)}, 1);
  Star s;
  s.net = build_network(lines, model, {}, nullptr);
  Graph graph(s.net);
  s.lat = nearest_source_latency(graph, std::vector<Source>{{0, 0.0}});
  return s;
}

TEST(Surface, ParseLonLatBoxNamesTheOption) {
  const LonLatBox box = parse_lonlat_box("119.5,35.5,121.0,36.9", "--surface-extent");
  EXPECT_EQ(box.min.lon, 119.5);
  EXPECT_EQ(box.max.lat, 36.9);
  for (const char* bad : {"1,2,3", "121,35.5,119.5,36.9", "119.5,35.5,181,36.9"}) {
    try {
      parse_lonlat_box(bad, "--surface-extent");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), "invalid --surface-extent '" + std::string(bad) +
                                           "'. Write WEST,SOUTH,EAST,NORTH in degrees, e.g. 119.5,35.5,121.0,36.9.");
    }
  }
}

TEST(Surface, CellsWithinBudgetLieInsideTheZone) {
  LatencyModel model;
  model.max_access = Metres{4000};
  const Star s = make_star(model);
  SegmentIndex index(s.net);
  const AccessCost access(model);
  const double budget_rtt = 200.0;
  const MultiPolygon zone = zone_polygon(s.net, s.lat.us, access, budget_rtt / model.metric_factor());
  LonLatBox box;
  for (const LonLat& p : zone.coords) box.add(p);
  SurfaceOptions opt;
  opt.cell_m = 250.0;
  const LatencyGrid grid = latency_surface(s.net, index, model, AccessFrom::edges, s.lat.us, s.lat.source, box, opt);
  ASSERT_GT(grid.width, 50);
  EXPECT_EQ(grid.epsg, 32651);
  PolygonLocator in(zone);
  const Projection proj(grid.epsg);
  PointLatencyQuery query(s.net, index, model);
  int within = 0;
  for (int row = 0; row < grid.height; ++row)
    for (int col = 0; col < grid.width; ++col) {
      const float v = grid.values[static_cast<std::size_t>(row) * grid.width + col];
      const LonLat p = proj.inverse({grid.centre_x(col), grid.centre_y(row)});
      if (v != grid.nodata && v <= budget_rtt - 1e-3) {
        ++within;
        ASSERT_TRUE(in.covers(p)) << "cell " << col << "," << row << " = " << v;
      }
      if ((row * 7 + col) % 97 == 0) {  // spot-check values against point latency
        const double l = query.evaluate(p, s.lat.us, s.lat.source).latency_us;
        if (l == kUnreached) EXPECT_EQ(v, grid.nodata);
        else EXPECT_NEAR(v, l * model.metric_factor(), 1e-3 * l + 1e-3);
      }
    }
  EXPECT_GT(within, 100);
}

TEST(Surface, RefusesGridsTooLargeForMemory) {
  LatencyModel model;
  const Star s = make_star(model);
  SegmentIndex index(s.net);
  LonLatBox box;
  box.add({100, 20});
  box.add({130, 50});
  SurfaceOptions opt;
  opt.cell_m = 1.0;
  try {
    latency_surface(s.net, index, model, AccessFrom::edges, s.lat.us, s.lat.source, box, opt);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB of memory. Use a larger --cell-size"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lightcone
