// Zones, split zones and the latency surface across the antimeridian (issue 14 item 2).
// Oracle: the same network moved west by a whole number of degrees so that it lies far
// from ±180 (geodesics and latencies do not change under a shift of longitude), where
// zones were right before; and point latency, which the zone must agree with (every
// point within the budget inside, every point beyond it outside).
//
//                      179°E   180   179°W
//   S1 o----a----b-----c----|---d-----e----o S2        a Fiji-like network: lines
//                  \        |       /                   crossing ±180 (one of them
//                   f-------|------g                    285 km, one with a vertex on
//        h==================|==============i             180 itself), a site each side
#include <gtest/gtest.h>

#include <limits>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "core/longitude.hpp"
#include "geom/polygon_ops.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "network/projection.hpp"
#include "zones/surface.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

struct Fixture {
  Network net;
  std::vector<Source> sources;
  NodeLatencies lat;
  std::unique_ptr<SegmentIndex> index;
};

LonLat shifted(LonLat p, double shift) { return {wrap_lon(p.lon + shift), p.lat}; }

// The network above, every longitude moved by `shift` degrees.
Fixture fiji(const LatencyModel& model, double shift) {
  const std::vector<std::vector<LonLat>> lines = {
      {{178.60, -17.60}, {178.95, -17.55}, {179.30, -17.50}},
      {{179.30, -17.50}, {179.75, -17.45}, {-179.80, -17.40}},  // crosses between vertices
      {{-179.80, -17.40}, {-179.35, -17.35}, {-178.90, -17.30}},
      {{179.30, -17.50}, {179.60, -17.80}, {180.00, -17.85}, {-179.55, -17.80}, {-179.35, -17.35}},  // vertex on 180
      {{178.40, -18.40}, {-178.90, -18.50}},  // 285 km in one segment: the index's long-segment path
      {{178.60, -17.60}, {178.40, -18.40}},
      {{-178.90, -17.30}, {-178.90, -18.50}},
  };
  LineInput in;
  for (const auto& l : lines) {
    std::vector<LonLat> moved;
    for (const LonLat& p : l) moved.push_back(shifted(p, shift));
    in.add_line(moved, static_cast<std::int64_t>(in.fid.size()));
  }
  Network net = build_network(in, model, {}, nullptr);
  Fixture f;
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  const std::vector<LonLat> sites = {shifted({178.62, -17.58}, shift), shifted({-178.92, -17.32}, shift)};
  {
    SegmentIndex index(net);
    for (LonLat s : sites) at.push_back(attach_point(index, s, model.max_access.value, scratch));
  }
  const auto nodes = split_at(net, at);
  const AccessCost access(model);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    EXPECT_NE(nodes[i], kNone);
    f.sources.push_back({nodes[i], access.us_per_m * at[i].distance_m});
  }
  f.net = std::move(net);
  Graph graph(f.net);
  f.lat = nearest_source_latency(graph, f.sources);
  f.index = std::make_unique<SegmentIndex>(f.net);
  return f;
}

void expect_within_world(const MultiPolygon& m) {
  for (const LonLat& p : m.coords) {
    ASSERT_GE(p.lon, -180.0);
    ASSERT_LE(p.lon, 180.0);
  }
}

// A shift of −168° (28 UTM zones) puts the copy at the same place within its UTM zone,
// so its surface grid is the same grid; zones are tested at other shifts too.
constexpr double kShift = -168.0;

// The Fiji links are tens of km long: tapped anywhere (--no-tap-longer-than off), so the
// zones have tapered edges to compare; the tap rule has its own tests.
LatencyModel any_tap_model() {
  LatencyModel m;
  m.no_tap_longer_than = Metres{std::numeric_limits<double>::infinity()};
  return m;
}

TEST(Antimeridian, PointLatencyEqualsTheShiftedCopys) {
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const Fixture b = fiji(model, kShift);
  PointLatencyQuery qa(a.net, *a.index, model), qb(b.net, *b.index, model);
  std::mt19937 rng(14);  // seed 14
  std::uniform_real_distribution<double> lon(179.5, 180.5), lat(-18.6, -17.2);
  int reached = 0;
  for (int i = 0; i < 400; ++i) {
    const LonLat p{wrap_lon(lon(rng)), lat(rng)};
    const PointLatency la = qa.evaluate(p, a.lat.us, a.lat.source);
    const PointLatency lb = qb.evaluate(shifted(p, kShift), b.lat.us, b.lat.source);
    if (lb.latency_us == kUnreached) {
      EXPECT_EQ(la.latency_us, kUnreached) << p.lon << " " << p.lat;
      continue;
    }
    ++reached;
    EXPECT_NEAR(la.latency_us, lb.latency_us, 1e-6 * lb.latency_us) << p.lon << " " << p.lat;
  }
  EXPECT_GT(reached, 50);
}

TEST(Antimeridian, ZonesEqualTheShiftedCopysAndAreCutAt180) {
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const AccessCost access(model);
  for (const double budget_rtt : {300.0, 1000.0, 3000.0}) {
    const double one_way = budget_rtt / model.metric_factor();
    const MultiPolygon za = zone_polygon(a.net, a.lat.us, access, one_way);
    expect_within_world(za);
    if (budget_rtt == 3000.0) {
      // Cut at ±180 (the zone lies on both sides): vertices on each side of the line.
      bool east = false, west = false;
      for (const LonLat& p : za.coords) {
        east = east || p.lon > 179.9;
        west = west || p.lon < -179.9;
      }
      EXPECT_TRUE(east && west);
    }
    for (const double shift : {kShift, -170.0, 90.0}) {
      const Fixture b = fiji(model, shift);
      const MultiPolygon zb = zone_polygon(b.net, b.lat.us, access, one_way);
      EXPECT_NEAR(area_m2(za) / area_m2(zb), 1.0, 1e-3) << budget_rtt << " us, shift " << shift;
    }
  }
}

TEST(Antimeridian, ZoneHoldsEveryPointWithinTheBudgetAndNoneBeyond) {
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const AccessCost access(model);
  const double budget_rtt = 1000.0;
  const double one_way = budget_rtt / model.metric_factor();
  const MultiPolygon zone = zone_polygon(a.net, a.lat.us, access, one_way);
  const PolygonLocator in(zone);
  PointLatencyQuery q(a.net, *a.index, model);
  // Zones are approximated from outside by up to 0.25 % of a disc's radius: a point
  // must lie outside only when it is beyond the budget or max access by more.
  LatencyModel wider = model;
  wider.max_access = Metres{model.max_access.value * 1.005};
  PointLatencyQuery q_wider(a.net, *a.index, wider);
  std::mt19937 rng(7);  // seed 7
  std::uniform_real_distribution<double> lon(178.2, 181.3), lat(-18.7, -17.0);
  int inside = 0;
  for (int i = 0; i < 3000; ++i) {
    const LonLat p{wrap_lon(lon(rng)), lat(rng)};
    const double l = q.evaluate(p, a.lat.us, a.lat.source).latency_us;
    if (l <= one_way * (1 - 1e-6)) {
      ++inside;
      EXPECT_TRUE(in.covers(p)) << p.lon << " " << p.lat << " at " << l << " us";
    } else if (const double lw = q_wider.evaluate(p, a.lat.us, a.lat.source).latency_us; lw > one_way * 1.01) {
      EXPECT_FALSE(in.covers(p)) << p.lon << " " << p.lat << " at " << l << " us";
    }
  }
  EXPECT_GT(inside, 300);
}

TEST(Antimeridian, SplitZonesEqualTheShiftedCopys) {
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const Fixture b = fiji(model, kShift);
  const double one_way = 1000.0 / model.metric_factor();
  SplitOptions so;
  so.cell_m = 50.0;
  const auto pa = split_zone_by_site(a.net, *a.index, model, a.lat.us, a.lat.source, 2, one_way, {}, so);
  const auto pb = split_zone_by_site(b.net, *b.index, model, b.lat.us, b.lat.source, 2, one_way, {}, so);
  const AccessCost access(model);
  const double zone = area_m2(zone_polygon(a.net, a.lat.us, access, one_way));
  double sum = 0.0;
  for (std::size_t s = 0; s < 2; ++s) {
    expect_within_world(pa[s]);
    ASSERT_FALSE(pb[s].empty());
    EXPECT_NEAR(area_m2(pa[s]) / area_m2(pb[s]), 1.0, 1e-3) << "site " << s;
    sum += area_m2(pa[s]);
  }
  EXPECT_NEAR(sum / zone, 1.0, 1e-6);  // the parts tile the zone
}

// Cells by class: nodata, ≤ 0.5 ms, ≤ 1 ms, ≤ 2 ms, beyond.
std::array<int, 5> classes(const LatencyGrid& g) {
  std::array<int, 5> n{};
  for (const float v : g.values) {
    if (v == g.nodata) ++n[0];
    else if (v <= 500.0f) ++n[1];
    else if (v <= 1000.0f) ++n[2];
    else if (v <= 2000.0f) ++n[3];
    else ++n[4];
  }
  return n;
}

TEST(Antimeridian, SurfaceEqualsTheShiftedCopys) {
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const Fixture b = fiji(model, kShift);
  const AccessCost access(model);
  const double one_way = 2000.0 / model.metric_factor();
  // The default extent: the largest zone's box, on the circle.
  const MultiPolygon za = zone_polygon(a.net, a.lat.us, access, one_way);
  const MultiPolygon zb = zone_polygon(b.net, b.lat.us, access, one_way);
  const LonLatBox ea = LonLatBox::covering(za.coords);
  const LonLatBox eb = LonLatBox::covering(zb.coords);
  EXPECT_LT(ea.max.lon - ea.min.lon, 4.0);  // a few degrees across 180, not 360
  EXPECT_GT(ea.max.lon, 180.0);
  EXPECT_NEAR(ea.max.lon - ea.min.lon, eb.max.lon - eb.min.lon, 1e-9);
  SurfaceOptions opt;
  opt.cell_m = 500.0;
  const LatencyGrid ga = latency_surface(a.net, *a.index, model, AccessFrom::edges, a.lat.us, a.lat.source, ea, opt);
  const LatencyGrid gb = latency_surface(b.net, *b.index, model, AccessFrom::edges, b.lat.us, b.lat.source, eb, opt);
  // UTM 60S (or 1S) across 180, UTM 32S for the copy: the same place in each zone.
  EXPECT_TRUE(ga.epsg == 32760 || ga.epsg == 32701) << ga.epsg;
  EXPECT_EQ(gb.epsg, 32732);
  ASSERT_EQ(ga.width, gb.width);
  ASSERT_EQ(ga.height, gb.height);
  EXPECT_LT(static_cast<double>(ga.width) * ga.height, 2e6);  // not a world-wide strip
  const auto ca = classes(ga), cb = classes(gb);
  for (std::size_t k = 0; k < ca.size(); ++k) EXPECT_NEAR(ca[k], cb[k], 1e-3 * ca[k] + 2) << "class " << k;
  EXPECT_GT(ca[1] + ca[2] + ca[3], 1000);
  // Cell by cell: the same values (to float rounding) where both are reached.
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ga.values.size(); ++i) {
    const float va = ga.values[i], vb = gb.values[i];
    if ((va == ga.nodata) != (vb == gb.nodata) || std::abs(va - vb) > 1e-3f * std::max(1.0f, std::abs(vb))) ++differ;
  }
  EXPECT_LE(differ, ga.values.size() / 10000 + 2);
}

// --surface-extent given by hand across ±180 (WEST > EAST): the same surface as the
// shifted copy's ordinary extent.
TEST(Antimeridian, HandGivenSurfaceExtentAcross180) {
  const LonLatBox across = parse_lonlat_box("178.3,-18.7,-178.7,-17.1", "--surface-extent");
  EXPECT_DOUBLE_EQ(across.min.lon, 178.3);
  EXPECT_DOUBLE_EQ(across.max.lon, 181.3);
  const LonLatBox copy = parse_lonlat_box("10.3,-18.7,13.3,-17.1", "--surface-extent");
  EXPECT_THROW(parse_lonlat_box("178.3,-18.7,178.3,-17.1", "--surface-extent"), InputError);
  EXPECT_THROW(parse_lonlat_box("178.3,-18.7,-181,-17.1", "--surface-extent"), InputError);
  LatencyModel model = any_tap_model();
  const Fixture a = fiji(model, 0.0);
  const Fixture b = fiji(model, kShift);
  SurfaceOptions opt;
  opt.cell_m = 1000.0;
  const LatencyGrid ga = latency_surface(a.net, *a.index, model, AccessFrom::edges, a.lat.us, a.lat.source, across, opt);
  const LatencyGrid gb = latency_surface(b.net, *b.index, model, AccessFrom::edges, b.lat.us, b.lat.source, copy, opt);
  ASSERT_EQ(ga.width, gb.width);
  ASSERT_EQ(ga.height, gb.height);
  EXPECT_LT(ga.width, 400) << "about 3 degrees of longitude at 1 km, not 357";
  std::size_t reached = 0, differ = 0;
  for (std::size_t i = 0; i < ga.values.size(); ++i) {
    const float va = ga.values[i], vb = gb.values[i];
    reached += va != ga.nodata;
    if ((va == ga.nodata) != (vb == gb.nodata) || std::abs(va - vb) > 1e-3f * std::max(1.0f, std::abs(vb))) ++differ;
  }
  EXPECT_GT(reached, 1000u);
  EXPECT_LE(differ, ga.values.size() / 10000 + 2);
}

}  // namespace
}  // namespace lightcone
