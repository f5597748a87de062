// Hand-checkable zones: a straight line with a site at each end.
//
//     A ====================== B        (30 km of fibre on the equator)
//    (  )>                    <(  )
//
// Each site's zone is the union of access discs along the line whose radius falls
// linearly from R = b/a at the site to 0 at D = b/f along the line (b: one-way budget,
// a: access µs/m, f: fibre µs/m): the convex hull of a disc of radius R and a point at
// distance D, area R·√(D² − R²) + (π − arccos(R/D))·R². With D < 15 km the two zones do
// not meet, so the zone area is twice that.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "geom/polygon_ops.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

TEST(ZonesClosedForm, TwoSitesOnALine) {
  LatencyModel model;
  model.max_access = Metres{50000};  // no cap
  const AccessCost access(model);
  const double f = model.fibre_us_per_km() / 1000.0;  // µs per metre of fibre
  const double a = access.us_per_m;                   // 1.5 × f
  const LonLat A{0.0, 0.0};
  const LonLat B = geodesic_destination(A, 90.0, 30000.0);
  LineInput lines;
  lines.add_line(std::vector<LonLat>{A, B}, 1);
  Network net = build_network(lines, model, {}, nullptr);
  ASSERT_EQ(net.nodes(), 2u);
  Graph graph(net);
  const std::vector<Source> sources{{0, 0.0}, {1, 0.0}};
  const NodeLatencies lat = nearest_source_latency(graph, sources);

  const double R = 5000.0;
  const double b = a * R;  // one-way budget: 5 km of access at the site
  const double D = b / f;  // 7.5 km along the line
  ASSERT_NEAR(D, 7500.0, 1e-6);
  const double one = R * std::sqrt(D * D - R * R) + (std::numbers::pi - std::acos(R / D)) * R * R;
  const MultiPolygon zone = zone_polygon(net, lat.us, access, b);
  EXPECT_EQ(zone.polygons(), 2u);
  const double area = area_m2(zone);
  EXPECT_GE(area, 2 * one * (1 - 1e-4)) << "never smaller than the true zone";
  EXPECT_LE(area, 2 * one * 1.005) << "at most 0.5 % of the radius too large";

  PolygonLocator in(zone);
  // Along the line: the tip at D.
  EXPECT_TRUE(in.covers(geodesic_destination(A, 90.0, D * 0.999)));
  EXPECT_FALSE(in.covers(geodesic_destination(A, 90.0, D + 0.005 * R + 1.0)));
  EXPECT_TRUE(in.covers(geodesic_destination(B, 270.0, D * 0.999)));
  // Across the line at a site: radius R.
  EXPECT_TRUE(in.covers(geodesic_destination(A, 0.0, R * 0.999)));
  EXPECT_FALSE(in.covers(geodesic_destination(A, 0.0, R * 1.005 + 1.0)));
  // Behind the site (no fibre there): radius R too.
  EXPECT_TRUE(in.covers(geodesic_destination(A, 270.0, R * 0.999)));
  EXPECT_FALSE(in.covers(geodesic_destination(A, 270.0, R * 1.005 + 1.0)));
  // The middle of the line is beyond the budget.
  EXPECT_FALSE(in.covers(geodesic_destination(A, 90.0, 15000.0)));
}

TEST(ZonesClosedForm, RingsTileTheLargestZone) {
  LatencyModel model;
  const AccessCost access(model);
  const LonLat A{120.0, 36.0};
  LineInput lines;
  lines.add_line(std::vector<LonLat>{A, geodesic_destination(A, 60.0, 40000.0)}, 1);
  Network net = build_network(lines, model, {}, nullptr);
  Graph graph(net);
  const NodeLatencies lat = nearest_source_latency(graph, std::vector<Source>{{0, 0.0}});
  const MultiPolygon z1 = zone_polygon(net, lat.us, access, 60.0);
  const MultiPolygon z2 = zone_polygon(net, lat.us, access, 150.0);
  const MultiPolygon ring = difference(z2, z1);
  EXPECT_NEAR(area_m2(ring) + area_m2(z1), area_m2(z2), area_m2(z2) * 1e-6);
  EXPECT_LT(area_m2(intersection(ring, z1)), 1.0);
}

}  // namespace
}  // namespace lightcone

namespace lightcone {
namespace {

TEST(ZonesSimplify, OnlyGrowsAndReducesVertices) {
  LatencyModel model;
  const AccessCost access(model);
  const LonLat A{120.0, 36.0};
  LineInput lines;
  LonLat p = A;
  std::vector<LonLat> wiggle{A};
  for (int i = 0; i < 40; ++i) {
    p = geodesic_destination(p, i % 2 ? 60.0 : 120.0, 700.0);
    wiggle.push_back(p);
  }
  lines.add_line(wiggle, 1);
  Network net = build_network(lines, model, {}, nullptr);
  Graph graph(net);
  const NodeLatencies lat = nearest_source_latency(graph, std::vector<Source>{{0, 0.0}});
  const MultiPolygon zone = zone_polygon(net, lat.us, access, 120.0);
  const MultiPolygon simple = simplify_outward(zone, 50.0);
  EXPECT_LT(simple.coords.size(), zone.coords.size());
  EXPECT_LT(area_m2(difference(zone, simple)), 1.0) << "the simplified zone contains the zone";
  EXPECT_LT(area_m2(simple), area_m2(zone) * 1.05);
}

}  // namespace
}  // namespace lightcone
