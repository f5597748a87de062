// Columns of a FeatureTable: one typed vector each, NULL as NaN (reals) or a flag.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "core/table.hpp"

namespace lightcone {
namespace {

TEST(Column, TypedValuesAndNulls) {
  const Column r = Column::reals("latency_us", {1.5, std::nan("")});
  EXPECT_EQ(r.type(), Column::Type::real);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_FALSE(r.is_null(0));
  EXPECT_TRUE(r.is_null(1));
  EXPECT_THROW((void)r.texts(), std::bad_variant_access);

  const Column t = Column::texts("site_id", {"A", ""}, {false, true});
  EXPECT_EQ(t.type(), Column::Type::text);
  EXPECT_EQ(t.texts(), (std::vector<std::string>{"A", ""}));
  EXPECT_FALSE(t.is_null(0));
  EXPECT_TRUE(t.is_null(1));

  Column i = Column::integers("open", {1, 0});  // no flags: none NULL
  EXPECT_FALSE(i.is_null(1));
  i.push_null();
  i.integers().push_back(7);
  EXPECT_EQ(i.integers(), (std::vector<std::int64_t>{1, 0, 0, 7}));
  EXPECT_TRUE(i.is_null(2));
  EXPECT_FALSE(i.is_null(3));
}

TEST(FeatureTable, FeaturesOfATableWithoutGeometryAreRows) {
  FeatureTable t;
  t.geometry = FeatureTable::Geometry::none;
  EXPECT_EQ(t.features(), 0u);
  t.columns.push_back(Column::texts("key", {"metric", "budget"}));
  EXPECT_EQ(t.features(), 2u);
}

}  // namespace
}  // namespace lightcone
