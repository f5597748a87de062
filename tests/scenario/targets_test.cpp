// Targets on hand-made run tables whose answers are known exactly:
//
//   lat 1 +-----------+-----------+        boundary "sq": the unit square
//         |  a (500)  |  b (2000) |        zone 1ms: the left half; zone 3ms: far larger
//         |  w=1      |  w=3      |        c (100 us, w=10) lies outside the square
//         |           |  u (NULL) |        u: unreachable, w=1, inside only "sq"
//   lat 0 +-----------+-----------+
//        lon 0       0.5          1
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "scenario/scenario.hpp"
#include "scenario/targets.hpp"
#include "geom/polygon_ops.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

MultiPolygon box(double w, double s, double e, double n) {
  MultiPolygon m;
  const std::vector<LonLat> ring = {{w, s}, {e, s}, {e, n}, {w, n}, {w, s}};
  m.add_ring(ring);
  m.close_polygon();
  return m;
}

const std::string kScenario = R"([network]
path = "n.gpkg"
[sites]
path = "s.gpkg"
[demand]
path = "d.gpkg"
[boundaries.sq]
path = "b.gpkg"
[boundaries.lower]
path = "b.gpkg"
[model]
metric = "rtt"
[zones]
budgets = ["1ms", "3ms"]
)";

std::string target(const std::string& body) { return "[[target]]\n" + body + "\n"; }

struct FakeRun {
  FeatureTable zones;
  FeatureTable demand;
  Boundaries boundaries;
  RunTables tables() const {
    RunTables t;
    t.metric = Metric::rtt;
    t.zones = &zones;
    t.demand = &demand;
    return t;
  }
};

// rings: the 3 ms feature is the ring 3 ms − 1 ms (as `zones --rings` writes it).
FakeRun make_run(bool rings) {
  FakeRun r;
  r.zones.name = "zones";
  r.zones.geometry = FeatureTable::Geometry::polygon;
  MultiPolygon z1 = box(0, 0, 0.5, 1);
  MultiPolygon z3 = box(-1, -1, 2, 2);
  const double a1 = area_m2(z1) / 1e6;
  const double a3 = area_m2(z3) / 1e6;
  r.zones.polygons.push_back(rings ? difference(z3, z1) : z3);
  r.zones.polygons.push_back(z1);
  r.zones.columns.push_back(Column::reals("budget_us", {3000, 1000}));
  r.zones.columns.push_back(Column::reals("area_km2", {a3, a1}));
  r.demand.name = "demand";
  r.demand.geometry = FeatureTable::Geometry::point;
  r.demand.coords = {{0.25, 0.5}, {0.75, 0.5}, {5, 5}, {0.9, 0.2}};
  r.demand.columns.push_back(Column::reals("weight", {1, 3, 10, 1}));
  r.demand.columns.push_back(Column::reals("latency_us", {500, 2000, 100, std::nan("")}));
  // The square with vertices at the middle of its edges too, so that its geodesic edges
  // are exactly those of the two halves.
  MultiPolygon sq;
  const std::vector<LonLat> ring = {{0, 0}, {0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}, {0, 1}, {0, 0}};
  sq.add_ring(ring);
  sq.close_polygon();
  r.boundaries["sq"] = sq;
  r.boundaries["lower"] = box(0, 0.3, 1, 1);
  return r;
}

TEST(Targets, DemandShareCountsWeightInsideTheBoundary) {
  const Scenario s = parse_scenario(kScenario +
                                        target("name = \"in-sq\"\nkind = \"demand_share\"\nboundary = \"sq\"\nbudget = \"1ms\"\nmin_share = \"20%\"") +
                                        target("name = \"in-sq-3\"\nkind = \"demand_share\"\nboundary = \"sq\"\nbudget = \"3ms\"\nmin_share = \"81%\"") +
                                        target("name = \"all\"\nkind = \"demand_share\"\nbudget = \"1ms\"\nmin_share = 0.7"),
                                    "s.toml");
  const FakeRun run = make_run(false);
  const auto r = evaluate_targets(s, run.tables(), run.boundaries);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(*r[0].actual, 1.0 / 5.0);  // a of a, b, u
  EXPECT_EQ(r[0].verdict, Verdict::pass) << "equal to the minimum holds";
  EXPECT_EQ(r[0].actual_text, "20.00 %");
  EXPECT_EQ(r[0].margin_text, "+0.00 pp");
  EXPECT_DOUBLE_EQ(*r[1].actual, 4.0 / 5.0);
  EXPECT_EQ(r[1].verdict, Verdict::fail);
  EXPECT_NEAR(*r[1].margin, -0.01, 1e-12);
  EXPECT_EQ(r[1].required_text, ">= 81.00 %");
  EXPECT_EQ(r[1].margin_text, "-1.00 pp");
  EXPECT_DOUBLE_EQ(*r[2].actual, 11.0 / 15.0);
  EXPECT_EQ(r[2].verdict, Verdict::pass);
  EXPECT_FALSE(all_hold(r));
}

TEST(Targets, AreaShareWithFullZonesAndWithRings) {
  const Scenario s = parse_scenario(kScenario +
                                        target("name = \"half\"\nkind = \"area_share\"\nboundary = \"sq\"\nbudget = \"1ms\"\nmin_share = \"50%\"") +
                                        target("name = \"whole\"\nkind = \"area_share\"\nboundary = \"sq\"\nbudget = \"3ms\"\nmin_share = \"100%\""),
                                    "s.toml");
  for (bool rings : {false, true}) {
    SCOPED_TRACE(rings ? "rings" : "full zones");
    const FakeRun run = make_run(rings);
    const auto r = evaluate_targets(s, run.tables(), run.boundaries);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_NEAR(*r[0].actual, 0.5, 1e-9);  // symmetric halves of the square
    EXPECT_NEAR(*r[1].actual, 1.0, 1e-9);
    EXPECT_EQ(r[1].verdict, *r[1].actual >= 1.0 ? Verdict::pass : Verdict::fail);
  }
}

TEST(Targets, WorstLatencyFailsOnUnreachableDemand) {
  const Scenario s = parse_scenario(kScenario +
                                        target("name = \"sq\"\nkind = \"worst_latency\"\nboundary = \"sq\"\nmax_latency = \"3ms\"") +
                                        target("name = \"lower\"\nkind = \"worst_latency\"\nboundary = \"lower\"\nmax_latency = \"1.5ms\""),
                                    "s.toml");
  const FakeRun run = make_run(false);
  const auto r = evaluate_targets(s, run.tables(), run.boundaries);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].verdict, Verdict::fail);
  EXPECT_FALSE(r[0].actual);
  EXPECT_EQ(r[0].actual_text, "unreachable");
  EXPECT_EQ(r[0].message, "1 of 3 demand points are unreachable (no network within the maximum access distance, or no "
                          "site in their component)");
  EXPECT_EQ(r[1].verdict, Verdict::fail);  // b at 2 ms
  EXPECT_DOUBLE_EQ(*r[1].actual, 2000.0);
  EXPECT_DOUBLE_EQ(*r[1].margin, -500.0);
  EXPECT_EQ(r[1].required_text, "<= 1.500 ms");
  EXPECT_EQ(r[1].margin_text, "-0.500 ms");
}

// kScenario with site capacities and a placement.
const std::string kPlacementScenario =
    [] {
      std::string s = kScenario;
      s.replace(s.find("path = \"s.gpkg\"\n"), 16, "path = \"s.gpkg\"\ncapacity_field = \"cap\"\n");
      return s;
    }() +
    "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n";

// Sites as plan writes them after a placement: two existing, one chosen, one required,
// one candidate left closed.
FeatureTable placed_sites(double load_of_chosen) {
  FeatureTable t;
  t.name = "sites";
  t.geometry = FeatureTable::Geometry::point;
  t.coords = {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}};
  t.columns.push_back(Column::texts("site_id", {"e1", "e2", "c1", "r1", "c2"}));
  t.columns.push_back(Column::texts("status", {"existing", "existing", "chosen", "required", "candidate"}));
  t.columns.push_back(Column::integers("open", {1, 1, 1, 1, 0}));
  t.columns.push_back(Column::reals("load", {5, 0, load_of_chosen, 2, 0}));
  t.columns.push_back(Column::reals("capacity", {10, std::nan(""), 8, 4, 1}));
  return t;
}

TEST(Targets, PlacementTargetsFromTheRunsSitesAndDemand) {
  const Scenario s = parse_scenario(kPlacementScenario + target("name = \"n\"\nkind = \"new_sites\"\nmax_new_sites = 2") +
                                        target("name = \"n1\"\nkind = \"new_sites\"\nmax_new_sites = 1") +
                                        target("name = \"c\"\nkind = \"capacity\"") +
                                        target("name = \"v\"\nkind = \"survivable\"\nboundary = \"sq\"\nbudget = \"1ms\"\nmin_share = \"75%\""),
                                    "s.toml");
  FakeRun run = make_run(false);
  // a (w=1) and b (w=3) survive, u (w=1) does not; c lies outside the square.
  run.demand.columns.push_back(Column::integers(survives_field(Microseconds{1000}), {1, 1, 0, 0}));
  for (double chosen_load : {8.0, 9.0}) {
    const FeatureTable sites = placed_sites(chosen_load);
    RunTables t = run.tables();
    t.sites = &sites;
    const auto r = evaluate_targets(s, t, run.boundaries);
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0].verdict, Verdict::pass);  // chosen + required = 2
    EXPECT_DOUBLE_EQ(*r[0].actual, 2.0);
    EXPECT_EQ(r[0].margin_text, "+0");
    EXPECT_EQ(r[1].verdict, Verdict::fail);
    EXPECT_EQ(r[1].margin_text, "-1");
    // capacity: e1 50 %, c1 100 % or 112.5 %, r1 50 %; c2 is closed.
    EXPECT_DOUBLE_EQ(*r[2].actual, chosen_load / 8.0);
    EXPECT_EQ(r[2].verdict, chosen_load <= 8.0 ? Verdict::pass : Verdict::fail);
    EXPECT_EQ(r[2].message, chosen_load <= 8.0 ? "fullest site: c1" : "over capacity: c1");
    EXPECT_DOUBLE_EQ(*r[3].actual, 4.0 / 5.0);
    EXPECT_EQ(r[3].verdict, Verdict::pass);
  }
}

TEST(Targets, PlacementTargetsWithoutTheirFieldsAreNotEvaluatedAndFail) {
  const Scenario s = parse_scenario(kPlacementScenario + target("name = \"n\"\nkind = \"new_sites\"\nmax_new_sites = 2") +
                                        target("name = \"c\"\nkind = \"capacity\"") +
                                        target("name = \"v\"\nkind = \"survivable\"\nbudget = \"1ms\"\nmin_share = \"90%\""),
                                    "s.toml");
  const FakeRun run = make_run(false);  // a run written by `zones`: no sites fields, no cut analysis
  const auto r = evaluate_targets(s, run.tables(), run.boundaries);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& t : r) {
    EXPECT_EQ(t.verdict, Verdict::not_evaluated);
    EXPECT_EQ(t.message.rfind("not evaluated: ", 0), 0u) << t.message;
  }
  EXPECT_EQ(r[2].message, "not evaluated: the run's demand has no field 'survives_1ms' (no cut analysis)");
  EXPECT_FALSE(all_hold(r));
}

TEST(Targets, PlacementTargetsNeedTheirInputs) {
  auto message = [](const std::string& text) {
    try {
      parse_scenario(text, "s.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(kScenario + target("name = \"n\"\nkind = \"new_sites\"\nmax_new_sites = 2")),
            "s.toml:17: target 'n' (new_sites) counts the sites a placement opens: add a [placement] table.");
  EXPECT_EQ(message(kScenario + target("name = \"c\"\nkind = \"capacity\"")),
            "s.toml:17: target 'c' (capacity) needs site capacities: set capacity_field in [sites] (and load_field in "
            "[demand]; DEFAULT load 1 per demand feature).");
}

TEST(Targets, RunThatDoesNotFitTheScenarioIsBadInput) {
  const Scenario s = parse_scenario(kScenario + target("name = \"a\"\nkind = \"area_share\"\nboundary = \"sq\"\nbudget = \"1ms\"\nmin_share = \"50%\""),
                                    "s.toml");
  FakeRun run = make_run(false);
  RunTables t = run.tables();
  t.metric = Metric::one_way;
  try {
    evaluate_targets(s, t, run.boundaries);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "the run reports one-way latencies but the scenario's metric is rtt. Run the scenario again.");
  }
  run.zones.columns[0].reals() = {3000, 2000};  // no 1 ms zone
  try {
    evaluate_targets(s, run.tables(), run.boundaries);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "the run has no zone for budget 1ms. Run the scenario again (its [zones] budgets must include "
                           "every target budget).");
  }
}

}  // namespace
}  // namespace lightcone
