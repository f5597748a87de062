#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "core/units.hpp"

namespace lightcone {
namespace {

TEST(Units, ParsesDurations) {
  EXPECT_DOUBLE_EQ(parse_duration("1ms", "x").value, 1000.0);
  EXPECT_DOUBLE_EQ(parse_duration("500us", "x").value, 500.0);
  EXPECT_DOUBLE_EQ(parse_duration("0.5 ms", "x").value, 500.0);
  EXPECT_DOUBLE_EQ(parse_duration("2s", "x").value, 2e6);
  EXPECT_DOUBLE_EQ(parse_duration("250ns", "x").value, 0.25);
  EXPECT_DOUBLE_EQ(parse_duration("3\xC2\xB5s", "x").value, 3.0);
}

TEST(Units, ParsesLengths) {
  EXPECT_DOUBLE_EQ(parse_length("10km", "x").value, 10000.0);
  EXPECT_DOUBLE_EQ(parse_length("250m", "x").value, 250.0);
  EXPECT_DOUBLE_EQ(parse_length("1.5 km", "x").value, 1500.0);
}

TEST(Units, RejectsBareNumbersAndUnknownUnits) {
  EXPECT_THROW(parse_duration("1", "--budget"), InputError);
  EXPECT_THROW(parse_duration("1 fortnight", "--budget"), InputError);
  EXPECT_THROW(parse_duration("ms", "--budget"), InputError);
  EXPECT_THROW(parse_duration("nanms", "--budget"), InputError);
  EXPECT_THROW(parse_length("10", "--max-access"), InputError);
  EXPECT_THROW(parse_length("10 miles", "--max-access"), InputError);
  EXPECT_NO_THROW(parse_length("10km", "--max-access"));
}

TEST(Units, ErrorNamesTheOptionAndAFix) {
  try {
    parse_duration("3", "--budget");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "missing unit in '3' for --budget. A bare number is ambiguous: write e.g. '1ms'.");
  }
}

TEST(Units, BudgetsMustBePositive) {
  const auto b = parse_budgets("1ms,3ms", "--budget");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_DOUBLE_EQ(b[1].value, 3000.0);
  EXPECT_THROW(parse_budgets("0ms", "--budget"), InputError);
  EXPECT_THROW(parse_budgets("-1ms", "--budget"), InputError);
  EXPECT_THROW(parse_budgets("1ms,", "--budget"), InputError);
}

TEST(LatencyModel, FibreSpeedIsExact) {
  // n / c with c = 299 792.458 km/s: 4.89738 µs per km at n = 1.4682.
  EXPECT_NEAR(fibre_us_per_km(1.4682), 4.897388, 1e-6);
  LatencyModel m;
  EXPECT_NEAR(100.0 * m.fibre_us_per_km(), 489.74, 0.01);
  EXPECT_DOUBLE_EQ(m.metric_factor(), 2.0);
  EXPECT_EQ(parse_metric("one-way", "--metric"), Metric::one_way);
  EXPECT_THROW(parse_metric("twoway", "--metric"), InputError);
}

// The one set of model rules, named as the command line names its options.
std::string model_error(const ModelSettings& s) {
  try {
    make_latency_model(s, CliSettingNames{});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LatencyModel, MakeRejectsNonsenseNamingTheSetting) {
  ModelSettings s;
  s.group_index = 0.5;
  EXPECT_EQ(model_error(s), "--group-index = 0.5 is out of range: the fibre group index is between 1 and 10 "
                            "(single-mode fibre is about 1.468).");
  s = {};
  s.max_access = Metres{0};
  EXPECT_EQ(model_error(s), "--max-access must be greater than zero, e.g. --max-access 10km.");
  s = {};
  s.node_delay = Microseconds{std::nan("")};
  EXPECT_EQ(model_error(s), "--node-delay must not be negative.");
  s = {};
  s.direction = "from-site";
  EXPECT_EQ(model_error(s).rfind("--direction applies to one-way latencies; with --metric rtt", 0), 0u);
  s.metric = "one-way";
  EXPECT_EQ(model_error(s), "");
  EXPECT_EQ(make_latency_model(s, CliSettingNames{}).direction, Direction::from_site);
  s = {};
  s.access_from = "ends";
  EXPECT_EQ(model_error(s), "unknown value 'ends' for --access-from. Use 'edges' or 'nodes'.");
  s.access_from = "nodes";
  EXPECT_EQ(make_latency_model(s, CliSettingNames{}).access_from, AccessFrom::nodes);
  EXPECT_EQ(model_error({}), "");
}

TEST(LatencyModel, BudgetIsMadeOnceInBothUnits) {
  LatencyModel m;
  const Budget b = make_budget(m, Microseconds{1000.0});
  EXPECT_EQ(b.one_way.value, 500.0);
  EXPECT_EQ(b.name(), "1ms");
  m.metric = Metric::one_way;
  EXPECT_EQ(make_budget(m, Microseconds{1000.0}).one_way.value, 1000.0);
}

TEST(Units, ParseLonLatIsStrictAndNamesTheOption) {
  const LonLat p = parse_lonlat("120.38,36.07", "--route");
  EXPECT_EQ(p.lon, 120.38);
  EXPECT_EQ(p.lat, 36.07);
  for (const char* bad : {"120.38", "120.38,36.07x", "200,10", "10,95", "a,b", ""}) {
    try {
      parse_lonlat(bad, "--route");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()),
                "invalid point '" + std::string(bad) + "' for --route. Write LON,LAT in degrees, e.g. 120.38,36.07.");
    }
  }
}

}  // namespace
}  // namespace lightcone
