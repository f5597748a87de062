// Zones follow the per-line tap rule (DESIGN §3, §4) on the Boston/Worcester-style
// fixture (tests/support/tap_fixture.hpp): the zone property — a point is in zone B
// exactly when its point latency is within B — checked at points whose latency the
// fixture's hand-made oracle gives, under the DEFAULT rule and with the rule off.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "geom/polygon_ops.hpp"
#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "latency/search.hpp"
#include "support/tap_fixture.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

namespace tf = tap_fixture;

std::vector<bool> covered(const LatencyModel& model, double budget_us, std::span<const LonLat> pts) {
  const std::vector<LonLat> site{tf::kA};
  const std::vector<double> delay{std::numeric_limits<double>::quiet_NaN()};
  const SitePoints sites{site, delay};
  const PreparedNetwork P = prepare_network(tf::lines(), model, BuildOptions{}, &sites);
  const NodeLatencies nodes = nearest_source_latency(*P.graph, P.sources);
  ZoneOptions zo;
  zo.access_from = model.access_from;
  return covers_points(zone_polygon(P.net, nodes.us, AccessCost(model), budget_us, zo), pts);
}

TEST(TapRuleZones, LongLinkGivesNoZoneMidSpanByDefault) {
  const tf::Oracle o;
  // Q: 2.2 km south of the link's middle, 13 km from C–E: by default no network point
  // within max access (unreachable, outside every zone); with the rule off its latency
  // is about 560 µs one-way.
  const std::vector<LonLat> pts{{1.0, -0.02}, tf::kP, {0.0, -0.05}};
  const double budget = o.mid_span_us() + 100.0;  // P is inside with the rule off, outside by default
  const std::vector<bool> by_default = covered(LatencyModel{}, budget, pts);
  EXPECT_FALSE(by_default[0]);
  EXPECT_FALSE(by_default[1]);  // its latency is o.local_us() > budget
  EXPECT_TRUE(by_default[2]);   // 5.5 km from the site's node A: the end is still joined
  LatencyModel off;
  off.no_tap_longer_than = Metres{std::numeric_limits<double>::infinity()};
  const std::vector<bool> old = covered(off, budget, pts);
  EXPECT_TRUE(old[0]);
  EXPECT_TRUE(old[1]);
  EXPECT_TRUE(old[2]);
  // By default P is in the zone of a budget above its (long way round) latency.
  EXPECT_TRUE(covered(LatencyModel{}, o.local_us() + 1.0, std::span(&pts[1], 1))[0]);
  EXPECT_FALSE(covered(LatencyModel{}, o.local_us() - 1.0, std::span(&pts[1], 1))[0]);
}

}  // namespace
}  // namespace lightcone
