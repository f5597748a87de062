// The latency surface agrees with the zone polygons and with point latency.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

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
  for (const char* bad : {"1,2,3", "121,35.5,121,36.9", "119.5,35.5,181,36.9", "119.5,36.9,121,35.5"}) {
    try {
      parse_lonlat_box(bad, "--surface-extent");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), "invalid --surface-extent '" + std::string(bad) +
                                           "'. Write WEST,SOUTH,EAST,NORTH in degrees, e.g. 119.5,35.5,121.0,36.9 (WEST "
                                           "greater than EAST crosses 180°, e.g. 178,-19,-178,-16).");
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
  const Projection proj(grid.crs);
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
  box.add({105, 50});
  SurfaceOptions opt;
  opt.cell_m = 1.0;
  opt.max_cells = 1e15;  // past the cell budget: the memory limit still holds
  try {
    latency_surface(s.net, index, model, AccessFrom::edges, s.lat.us, s.lat.source, box, opt);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB of memory. Use a larger --cell-size"), std::string::npos) << e.what();
  }
}

// Geodesic area of the cell (col, row) of g, from its corners (inverse projected).
double cell_area_m2(const LatencyGrid& g, int col, int row) {
  const Projection proj(g.crs);
  const double x0 = g.x0 + col * g.cell, y0 = g.y0 - row * g.cell;
  // Corners and edge midpoints, so the ring follows the cell's curved image.
  std::vector<LonLat> ring;
  for (int k = 0; k <= 8; ++k) ring.push_back(proj.inverse({x0 + g.cell * k / 8.0, y0}));
  for (int k = 1; k <= 8; ++k) ring.push_back(proj.inverse({x0 + g.cell, y0 - g.cell * k / 8.0}));
  for (int k = 1; k <= 8; ++k) ring.push_back(proj.inverse({x0 + g.cell - g.cell * k / 8.0, y0 - g.cell}));
  for (int k = 1; k <= 8; ++k) ring.push_back(proj.inverse({x0, y0 - g.cell + g.cell * k / 8.0}));
  return geodesic_ring_area_m2(ring);
}

// Los Angeles to Frankfurt (issue 14): before, 14,042 x 5,142 cells of 1 km in UTM 22N.
TEST(SurfaceChoice, ContinentalExtentGetsAnEqualAreaCrsAndCellsWithinTheBudget) {
  LonLatBox box;
  box.add({-118.4, 33.9});
  box.add({8.8, 50.1});
  const LatencyGrid g = surface_grid_choice(box, {});
  EXPECT_EQ(g.epsg, 0);
  EXPECT_EQ(g.crs, "+proj=laea +lat_0=42.0 +lon_0=-54.8 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs");
  EXPECT_EQ(g.crs_name, "WGS 84 / Lambert azimuthal equal-area centred at 42.0°N 54.8°W");
  const double cells = static_cast<double>(g.width) * g.height;
  EXPECT_LE(cells, 25e6);
  EXPECT_EQ(g.max_cells, 25e6);
  // The cell is the first of the 1-2-2.5-5 series that fits: the one before it does not.
  const double series[] = {1000, 2000, 2500, 5000, 10000};
  const double* at = std::find(std::begin(series), std::end(series), g.cell);
  ASSERT_NE(at, std::end(series)) << g.cell;
  ASSERT_NE(at, std::begin(series)) << "1 km would have fitted? " << cells;
  SurfaceOptions finer;
  finer.cell_m = at[-1];
  finer.max_cells = 1e12;
  const LatencyGrid f = surface_grid_choice(box, finer);
  EXPECT_GT(static_cast<double>(f.width) * f.height, 25e6);
  // The summary says why.
  EXPECT_NE(g.crs_choice.find("spans 127.20° of longitude"), std::string::npos) << g.crs_choice;
  EXPECT_NE(g.crs_choice.find("equal-area"), std::string::npos) << g.crs_choice;
  EXPECT_NE(g.cell_choice.find("more than the cell budget of 25,000,000 (--max-cells)"), std::string::npos)
      << g.cell_choice;
  // Equal area: cells at the far corners cover the same ground as one at the centre
  // (geodesic area of the cell's image; UTM 22N made them 60 % larger at LA).
  const double centre = cell_area_m2(g, g.width / 2, g.height / 2);
  EXPECT_NEAR(centre / (g.cell * g.cell), 1.0, 1e-3);
  for (const auto& [c, r] : {std::pair{0, g.height - 1}, std::pair{g.width - 1, 0}, std::pair{0, 0}})
    EXPECT_NEAR(cell_area_m2(g, c, r) / centre, 1.0, 1e-3) << c << "," << r;
  // Every corner of the extent lies in the grid.
  const Projection proj(g.crs);
  for (const LonLat p : {box.min, box.max, LonLat{box.min.lon, box.max.lat}, LonLat{box.max.lon, box.min.lat}}) {
    const auto xy = proj.forward(p);
    EXPECT_GE(xy.x, g.x0);
    EXPECT_LE(xy.x, g.x0 + g.width * g.cell);
    EXPECT_LE(xy.y, g.y0);
    EXPECT_GE(xy.y, g.y0 - g.height * g.cell);
  }
}

TEST(SurfaceChoice, ProvinceExtentKeepsItsUtmZoneAndOneKilometre) {
  const LonLatBox box = parse_lonlat_box("119.5,35.5,121.0,36.9", "--surface-extent");
  const LatencyGrid g = surface_grid_choice(box, {});
  EXPECT_EQ(g.epsg, 32651);
  EXPECT_EQ(g.crs, "EPSG:32651");
  EXPECT_EQ(g.crs_name, "WGS 84 / UTM zone 51N");
  EXPECT_EQ(g.cell, 1000.0);
  EXPECT_EQ(g.crs_choice,
            "the extent spans 1.50° of longitude; in WGS 84 / UTM zone 51N, the UTM zone of its centre, lengths are "
            "true within 0.084 % (at most 0.5 %)");
  EXPECT_EQ(g.cell_choice.rfind("1 km (the default): ", 0), 0u) << g.cell_choice;
}

// UTM while lengths in the zone of the extent's centre are true within 0.5 %. Oracle:
// the transverse Mercator scale factor in closed form, k = k0 (1 + (Δλ cos φ)² / 2) to
// second order, at the extent's point farthest from the zone's central meridian (away
// from the 0.5 % line, where the closed form's higher orders could tip the choice).
TEST(SurfaceChoice, UtmWhileItsScaleErrorStaysWithinHalfAPercent) {
  std::mt19937 rng(3);  // seed 3
  std::uniform_real_distribution<double> lon(-175.0, 160.0), lat(-70.0, 60.0), w(0.2, 16.0), h(0.2, 10.0);
  int utm = 0, other = 0;
  for (int trial = 0; trial < 300; ++trial) {
    LonLatBox box;
    box.add({lon(rng), lat(rng)});
    box.add({box.min.lon + w(rng), box.min.lat + h(rng)});
    const double centre_lon = (box.min.lon + box.max.lon) / 2;
    const double cm = std::floor((centre_lon + 180.0) / 6.0) * 6.0 - 177.0;  // central meridian of its zone
    const double far_lon = std::max(std::abs(box.min.lon - cm), std::abs(box.max.lon - cm)) * std::numbers::pi / 180;
    const double near_eq = box.min.lat <= 0 && box.max.lat >= 0 ? 0.0 : std::min(std::abs(box.min.lat), std::abs(box.max.lat));
    const double x = far_lon * std::cos(near_eq * std::numbers::pi / 180);
    const double error = std::max(std::abs(0.9996 * (1 + x * x / 2) - 1), 4e-4);
    if (std::abs(error - 0.005) < 6e-4) continue;
    const LatencyGrid g = surface_grid_choice(box, {});
    if (error < 0.005) {
      ++utm;
      EXPECT_NE(g.epsg, 0) << trial << ": " << g.crs_choice;
    } else {
      ++other;
      EXPECT_EQ(g.epsg, 0) << trial << ": " << g.crs_choice;
      EXPECT_EQ(g.crs.rfind("+proj=laea ", 0), 0u) << g.crs;
    }
  }
  EXPECT_GT(utm, 50);
  EXPECT_GT(other, 50);
  // The shipped Shandong sample's extent (7.9° wide) keeps UTM 50N.
  LonLatBox shandong;
  shandong.add({114.79, 34.3682});
  shandong.add({122.629, 38.1572});
  EXPECT_EQ(surface_grid_choice(shandong, {}).epsg, 32650);
  // All of China does not (issue 14: one UTM zone, 47N).
  LonLatBox china;
  china.add({73.5, 18.2});
  china.add({134.8, 53.6});
  EXPECT_EQ(surface_grid_choice(china, {}).crs,
            "+proj=laea +lat_0=35.9 +lon_0=104.2 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs");
}

TEST(SurfaceChoice, WorldWideExtentGetsEqualEarth) {
  LonLatBox box;
  box.add({-170, -50});
  box.add({175, 70});
  const LatencyGrid g = surface_grid_choice(box, {});
  EXPECT_EQ(g.crs, "+proj=eqearth +lon_0=2.5 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs");
  EXPECT_LE(static_cast<double>(g.width) * g.height, 25e6);
}

TEST(SurfaceChoice, AGivenCellSizeBeyondTheBudgetIsRefusedWithAFix) {
  LonLatBox box;
  box.add({-118.4, 33.9});
  box.add({8.8, 50.1});
  SurfaceOptions opt;
  opt.cell_m = 1000.0;
  try {
    surface_grid_choice(box, opt);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cells of 1 km in WGS 84 / Lambert azimuthal equal-area centred at 42.0°N 54.8°W would have "),
              std::string::npos) << m;
    EXPECT_NE(m.find("more than the cell budget of 25,000,000 (--max-cells). Use a larger --cell-size ("),
              std::string::npos) << m;
    EXPECT_NE(m.find("fits), raise --max-cells, or give a smaller --surface-extent."), std::string::npos) << m;
  }
  opt.max_cells = 1e9;  // raised: built as asked
  const LatencyGrid g = surface_grid_choice(box, opt);
  EXPECT_EQ(g.cell, 1000.0);
  EXPECT_EQ(g.cell_choice.rfind("1 km, as given by --cell-size: ", 0), 0u) << g.cell_choice;
}

}  // namespace
}  // namespace lightcone
