// Polygon operations (geom/polygon_ops.hpp, geom/geometry.hpp) on squares whose
// answers are known: areas add up over difference and intersection, a union of
// overlapping squares is one polygon, point queries agree one by one and in a batch,
// and threads (one GEOS context each) give the same coordinates as the main thread.
//
//   +-----+              a: [0, 2] × [0, 2] (degrees, on the equator; for areas
//   |  a +-----+         b: [1, 3] × [1, 3]    the same squares scaled by 1/100)
//   |    |a∩b |          a∩b: [1, 2] × [1, 2]
//   +----|    |
//        |  b |
//        +----+
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "geom/geometry.hpp"
#include "geom/polygon_ops.hpp"

namespace lightcone {
namespace {

MultiPolygon square(double x0, double y0, double x1, double y1) {
  MultiPolygon m;
  m.add_ring(std::vector<LonLat>{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}});
  m.close_polygon();
  return m;
}

// GEOS cuts along straight lon/lat lines, area_m2 follows geodesics between vertices:
// on squares of 0.02° the two agree to far better than 1e-6.
TEST(PolygonOps, AreasAddUpOverDifferenceAndIntersection) {
  const MultiPolygon a = square(0, 0, 0.02, 0.02);
  const MultiPolygon b = square(0.01, 0.01, 0.03, 0.03);
  const double both = area_m2(intersection(a, b));
  EXPECT_NEAR(both, area_m2(square(0.01, 0.01, 0.02, 0.02)), 1e-6 * both);
  EXPECT_NEAR(area_m2(difference(a, b)) + both, area_m2(a), 1e-6 * area_m2(a));
  const std::vector<MultiPolygon> parts{a, b};
  const MultiPolygon u = union_all(parts);
  EXPECT_EQ(u.polygons(), 1u);
  EXPECT_NEAR(area_m2(u), area_m2(a) + area_m2(b) - both, 1e-6 * area_m2(u));
}

TEST(PolygonOps, AreaSubtractsHoles) {
  MultiPolygon ring = square(0, 0, 2, 2);
  ring.polygon_first.pop_back();  // reopen the polygon and add a hole
  ring.add_ring(square(0.5, 0.5, 1.5, 1.5).ring(0));
  ring.close_polygon();
  EXPECT_NEAR(area_m2(ring), area_m2(square(0, 0, 2, 2)) - area_m2(square(0.5, 0.5, 1.5, 1.5)), 1.0);
}

TEST(PolygonOps, PointQueriesAgreeOneByOneAndInABatch) {
  const MultiPolygon a = square(0, 0, 2, 2);
  const std::vector<LonLat> pts{{1, 1}, {2, 1}, {3, 1}, {0, 0}, {-0.1, 1}};
  const std::vector<bool> want{true, true, false, true, false};  // covers: boundary counts
  EXPECT_EQ(covers_points(a, pts), want);
  const PolygonLocator locator(a);
  for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(locator.covers(pts[i]), want[i]) << i;
  const geom::Geometry g = geom::from(a);
  const geom::Prepared prepared(g);
  EXPECT_TRUE(prepared.contains({1, 1}));
  EXPECT_FALSE(prepared.contains({2, 1})) << "contains: the boundary does not count";
}

TEST(PolygonOps, GeometryHandles) {
  const geom::Geometry a = geom::from(square(0, 0, 2, 2));
  const geom::Geometry far = geom::rectangle({5, 5, 6, 6});
  EXPECT_FALSE(geom::intersects(a, far));
  const geom::Geometry none = geom::intersection(a, far);
  EXPECT_TRUE(geom::is_empty(none));
  EXPECT_TRUE(geom::extent(none).empty());
  EXPECT_FALSE(geom::point_on_surface(none));
  std::vector<geom::Geometry> parts;
  parts.push_back(geom::from(square(0, 0, 2, 2)));
  parts.push_back(geom::rectangle({5, 5, 6, 6}));
  const geom::Geometry both = geom::unary_union(std::move(parts));
  ASSERT_EQ(geom::part_count(both), 2u);
  const geom::Box b = geom::extent(both);
  EXPECT_EQ(b.x0, 0.0);
  EXPECT_EQ(b.y1, 6.0);
  const auto p = geom::point_on_surface(a);
  ASSERT_TRUE(p);
  EXPECT_TRUE(PolygonLocator(square(0, 0, 2, 2)).covers(*p));
  EXPECT_FALSE(geom::polygon(std::vector<LonLat>{{0, 0}, {1, 0}, {1, 1}})) << "an open ring is refused";
}

TEST(PolygonOps, EachThreadHasItsOwnContextAndTheSameAnswers) {
  const MultiPolygon a = square(0, 0, 2, 2);
  const MultiPolygon b = square(1, 1, 3, 3);
  const MultiPolygon want = difference(a, b);
  std::vector<MultiPolygon> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) got[t] = difference(a, b);
    });
  for (std::thread& t : threads) t.join();
  for (const MultiPolygon& g : got) {
    EXPECT_EQ(g.coords, want.coords);
    EXPECT_EQ(g.ring_first, want.ring_first);
    EXPECT_EQ(g.polygon_first, want.polygon_first);
  }
}

}  // namespace
}  // namespace lightcone
