// The per-line tap rule (DESIGN §3, issue 14 item 1) on the Boston/Worcester-style
// fixture of tests/support/tap_fixture.hpp, against hand-computed latencies (the closed
// form along one straight line): under the DEFAULT rule a long link passing near a point
// is not joined mid-span; `no_tap_longer_than` off (or above its length) restores the
// old behaviour; a tap field yes / no / ends overrides the rule per line. Sites follow
// the same rule (one decision: Network::edge_tap, read by the segment index).
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "latency/search.hpp"
#include "support/tap_fixture.hpp"

namespace lightcone {
namespace {

namespace tf = tap_fixture;

constexpr double kTolUs = 0.05;  // the oracle's plane closed form vs geodesics (~1e-5 relative)

LatencyModel model_with_rule(double no_tap_longer_than_m) {
  LatencyModel m;
  m.no_tap_longer_than = Metres{no_tap_longer_than_m};
  return m;
}

// P's latency (one-way µs) from the site at A, with the given lines and model.
PointLatency latency_of_p(const LineInput& lines, const LatencyModel& model) {
  const std::vector<LonLat> site{tf::kA};
  const std::vector<double> delay{std::numeric_limits<double>::quiet_NaN()};
  const SitePoints sites{site, delay};
  const PreparedNetwork P = prepare_network(lines, model, BuildOptions{}, &sites);
  EXPECT_EQ(P.sources.size(), 1u);
  const NodeLatencies nodes = nearest_source_latency(*P.graph, P.sources);
  PointLatencyQuery q(P.net, *P.index, model, model.access_from);
  return q.evaluate(tf::kP, nodes.us, nodes.source);
}

TEST(TapRule, DefaultIsFiftyKilometres) {
  EXPECT_EQ(LatencyModel{}.no_tap_longer_than.value, 50000.0);
  const LatencyModel m;
  const Network net = build_network(tf::lines(), m, BuildOptions{}, nullptr);
  ASSERT_EQ(net.edges(), 4u);
  EXPECT_EQ(net.tap(tf::kLineAB), Tap::ends);  // 222.6 km
  EXPECT_EQ(net.tap(tf::kLineCE), Tap::anywhere);
  EXPECT_EQ(net.tap(tf::kLineEF), Tap::anywhere);
  EXPECT_EQ(net.tap(tf::kLineFB), Tap::anywhere);
}

TEST(TapRule, LongLinkNearAPointIsNotJoinedMidSpanByDefault) {
  const tf::Oracle o;
  const PointLatency p = latency_of_p(tf::lines(), LatencyModel{});
  ASSERT_NE(p.latency_us, kUnreached);
  EXPECT_NEAR(p.latency_us, o.local_us(), kTolUs);
  EXPECT_EQ(p.edge, static_cast<EdgeId>(tf::kLineCE));
  EXPECT_GT(p.latency_us, 1600.0);  // the long way round, not ~575 µs over the link
  EXPECT_EQ(far_mid_span_joins(Network{}, {}), 0u);
}

TEST(TapRule, OffRestoresTheOldBehaviour) {
  const tf::Oracle o;
  const PointLatency p = latency_of_p(tf::lines(), model_with_rule(std::numeric_limits<double>::infinity()));
  EXPECT_NEAR(p.latency_us, o.mid_span_us(), kTolUs);
  EXPECT_LT(p.latency_us, 600.0);
  // A rule above the link's length does the same.
  EXPECT_NEAR(latency_of_p(tf::lines(), model_with_rule(300000.0)).latency_us, o.mid_span_us(), kTolUs);
  // ... and one just below it keeps the link closed.
  EXPECT_NEAR(latency_of_p(tf::lines(), model_with_rule(o.ab - 1.0)).latency_us, o.local_us(), kTolUs);
}

TEST(TapRule, FarMidSpanJoinIsCounted) {
  const LatencyModel off = model_with_rule(std::numeric_limits<double>::infinity());
  const std::vector<LonLat> site{tf::kA};
  const std::vector<double> delay{std::numeric_limits<double>::quiet_NaN()};
  const SitePoints sites{site, delay};
  const PreparedNetwork P = prepare_network(tf::lines(), off, BuildOptions{}, &sites);
  const NodeLatencies nodes = nearest_source_latency(*P.graph, P.sources);
  PointLatencyQuery q(P.net, *P.index, off, off.access_from);
  // P taps A–B about 106 km from A and 117 km from B; a point beside C joins C–E within
  // 5 km of C (not far from its ends).
  const std::vector<PointLatency> pts{q.evaluate(tf::kP, nodes.us, nodes.source),
                                      q.evaluate({1.0, 0.12}, nodes.us, nodes.source)};
  EXPECT_EQ(far_mid_span_joins(P.net, pts), 1u);
  EXPECT_EQ(far_mid_span_joins(P.net, pts, 200000.0), 0u);
  // Under the DEFAULT rule nothing is far.
  EXPECT_EQ(far_mid_span_joins(P.net, std::span(&pts[1], 1)), 0u);
}

TEST(TapRule, TapFieldOverridesTheRule) {
  const tf::Oracle o;
  const Tap r = Tap::by_rule;
  // yes on the long link: joined mid-span under the DEFAULT rule.
  EXPECT_NEAR(latency_of_p(tf::lines({Tap::anywhere, r, r, r}), LatencyModel{}).latency_us, o.mid_span_us(), kTolUs);
  // ends on the long link with the rule off: closed mid-span again.
  EXPECT_NEAR(latency_of_p(tf::lines({Tap::ends, r, r, r}), model_with_rule(std::numeric_limits<double>::infinity()))
                  .latency_us,
              o.local_us(), kTolUs);
  // ends on C–E: P joins at node C only.
  const PointLatency at_c = latency_of_p(tf::lines({r, Tap::ends, r, r}), LatencyModel{});
  EXPECT_NEAR(at_c.latency_us, o.at_node_c_us(), kTolUs);
  EXPECT_NEAR(at_c.access_m, o.h_c, 0.01);
  // no on C–E: no network point within max access (E is 44 km away, A–B only at its ends).
  const PointLatency none = latency_of_p(tf::lines({r, Tap::none, r, r}), LatencyModel{});
  EXPECT_EQ(none.latency_us, kUnreached);
  EXPECT_FALSE(none.within_access);
}

TEST(TapRule, SitesFollowTheRule) {
  // A site 2.2 km from the long link's middle, 13 km from C–E: not attached by default
  // (A–B is joined only at its ends, 111 km away), attached mid-span with the rule off.
  const std::vector<LonLat> site{{1.0, -0.02}};
  const std::vector<double> delay{std::numeric_limits<double>::quiet_NaN()};
  const SitePoints sites{site, delay};
  const PreparedNetwork by_default = prepare_network(tf::lines(), LatencyModel{}, BuildOptions{}, &sites);
  EXPECT_EQ(by_default.site_node[0], kNone);
  EXPECT_TRUE(by_default.sources.empty());
  const PreparedNetwork off =
      prepare_network(tf::lines(), model_with_rule(std::numeric_limits<double>::infinity()), BuildOptions{}, &sites);
  ASSERT_NE(off.site_node[0], kNone);
  EXPECT_NEAR(off.site_attach[0].distance_m, geodesic_distance_m({1.0, -0.02}, tf::kFootAB), 0.01);
  // The split keeps each part's tap.
  ASSERT_EQ(off.net.edge_tap.size(), off.net.edges());
}

TEST(TapRule, AccessFromNodesSkipsLinesClosedToAccess) {
  // Nodes only: P reaches node C (5.5 km) unless C–E says no.
  LatencyModel nodes;
  nodes.access_from = AccessFrom::nodes;
  const tf::Oracle o;
  const Tap r = Tap::by_rule;
  EXPECT_NEAR(latency_of_p(tf::lines(), nodes).latency_us, o.at_node_c_us(), kTolUs);
  EXPECT_EQ(latency_of_p(tf::lines({r, Tap::none, r, r}), nodes).latency_us, kUnreached);
}

}  // namespace
}  // namespace lightcone
