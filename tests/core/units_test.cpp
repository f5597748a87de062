#include <gtest/gtest.h>

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

TEST(LatencyModel, ValidateRejectsNonsense) {
  LatencyModel m;
  m.group_index = 0.5;
  EXPECT_THROW(m.validate(), InputError);
  m = LatencyModel{};
  m.max_access = Metres{0};
  EXPECT_THROW(m.validate(), InputError);
  m = LatencyModel{};
  EXPECT_NO_THROW(m.validate());
}

}  // namespace
}  // namespace lightcone
