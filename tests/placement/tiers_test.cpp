// Tiered budgets: a coverage built at the largest budget, cut per demand.
#include <gtest/gtest.h>

#include <tuple>

#include "placement/coverage.hpp"
#include "placement/placement.hpp"

namespace lightcone {
namespace {

TEST(Tiers, RestrictKeepsOnlyEntriesWithinEachDemandsBudget) {
  // demand 0: sites 0 (100 µs), 1 (400 µs); demand 1: sites 1 (200 µs), 2 (900 µs).
  const Coverage c = coverage_from_triples(2, 3, {{0, 0, 100.0}, {0, 1, 400.0}, {1, 1, 200.0}, {1, 2, 900.0}}, 1000.0);
  const std::vector<double> budgets{150.0, 1000.0};
  const Coverage r = restrict_coverage(c, budgets);
  ASSERT_EQ(r.first, (std::vector<std::uint32_t>{0, 1, 3}));
  EXPECT_EQ(r.site, (std::vector<std::uint32_t>{0, 1, 2}));
  // Set cover: demand 0 now needs site 0; site 1 serves demand 1 → two sites, where one
  // (site 1) sufficed with a single 1000 µs budget.
  PlacementInput in;
  in.problem = Problem::lscp;
  in.coverage = &c;
  EXPECT_DOUBLE_EQ(solve_placement(in).objective, 1.0);
  in.coverage = &r;
  const PlacementResult tiered = solve_placement(in);
  EXPECT_DOUBLE_EQ(tiered.objective, 2.0);
  EXPECT_EQ(tiered.open, (std::vector<std::uint32_t>{0, 1}));
}

}  // namespace
}  // namespace lightcone
