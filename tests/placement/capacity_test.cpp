// Capacities on a hand-made instance where the uncapacitated optimum overloads its site,
// and infeasible covering problems that must name exactly the demand no admissible
// candidate covers. Oracles: tests/placement/brute_force.hpp.
//
//   demand      d0  d1  d2  d3  d4  d5      (load 3 each, 18 in all)
//   site 0       x   x   x   x   x   x      cost 1.0   capacity 10
//   site 1       x   x   x                  cost 1.5   capacity 10
//   site 2                   x   x   x      cost 1.2   capacity 10
//   site 3       x           x              cost 0.5   capacity 10
//
// Uncapacitated: {0} (cost 1) serves 18 > 10. Capacitated: {0, 3} cannot (site 3 takes
// at most d0 + d3 = 6, leaving 12 for site 0); the optimum is {0, 2} at cost 2.2.
#include <gtest/gtest.h>

#include <random>

#include "placement/brute_force.hpp"

namespace lightcone {
namespace {

using namespace place_test;

Instance capacity_instance() {
  Instance in;
  in.demands = 6;
  in.sites = 4;
  in.lat.assign(6, std::vector<double>(4, kInfinity));
  for (std::size_t d = 0; d < 6; ++d) in.lat[d][0] = 10.0 + static_cast<double>(d);
  for (std::size_t d : {0, 1, 2}) in.lat[d][1] = 3.0 + static_cast<double>(d);
  for (std::size_t d : {3, 4, 5}) in.lat[d][2] = 4.0 + static_cast<double>(d);
  for (std::size_t d : {0, 3}) in.lat[d][3] = 2.0;
  in.weight.assign(6, 1.0);
  in.load.assign(6, 3.0);
  in.cost = {1.0, 1.5, 1.2, 0.5};
  in.capacity.assign(4, 10.0);
  in.status.assign(4, SiteStatus::candidate);
  return in;
}

TEST(PlacementCapacity, UncapacitatedOptimumOverloadsTheCapacitatedAnswerDoesNot) {
  std::mt19937_64 rng(7);
  std::printf("[ placement ] capacity fixture, seed 7\n");
  const Instance capped = capacity_instance();
  Instance free = capped;
  free.capacity.assign(4, kInfinity);

  Built uncap;
  build(uncap, free, Problem::lscp, rng);
  const PlacementResult u = solve_placement(uncap.input);
  ASSERT_EQ(u.status, SolveStatus::optimal);
  EXPECT_EQ(u.open, (std::vector<std::uint32_t>{0}));
  EXPECT_DOUBLE_EQ(u.objective, 1.0);
  Subset open_u(4, 0);
  for (auto j : u.open) open_u[j] = 1;
  EXPECT_FALSE(loads_fit(capped, open_u)) << "the uncapacitated optimum should overload site 0";

  Built cap;
  build(cap, capped, Problem::lscp, rng);
  const PlacementResult c = solve_placement(cap.input);
  const BruteForce bf = brute_force(capped, Problem::lscp);
  ASSERT_TRUE(bf.feasible);
  ASSERT_EQ(bf.optima.size(), 1u);
  ASSERT_EQ(c.status, SolveStatus::optimal) << c.reason;
  EXPECT_NEAR(c.objective, 2.2, 1e-9);
  EXPECT_NEAR(c.objective, bf.best, 1e-9);
  EXPECT_EQ(c.open, sites_of(bf.optima.front()));
  EXPECT_EQ(c.open, (std::vector<std::uint32_t>{0, 2}));
  Subset open_c(4, 0);
  for (auto j : c.open) open_c[j] = 1;
  EXPECT_TRUE(loads_fit(capped, open_c));
  for (std::size_t d = 0; d < 6; ++d) {
    ASSERT_NE(c.assigned[d], kNone);
    EXPECT_TRUE(open_c[c.assigned[d]]);
    EXPECT_TRUE(std::isfinite(capped.lat[d][c.assigned[d]]));
  }

  // The same instance as capacitated p-median (2 new sites) and MCLP (1 site).
  for (auto [problem, p] : {std::pair{Problem::pmedian, 2}, std::pair{Problem::mclp, 1}}) {
    Instance in = capped;
    in.p = p;
    Built b;
    build(b, in, problem, rng);
    const PlacementResult r = solve_placement(b.input);
    const BruteForce brute = brute_force(in, problem);
    ASSERT_TRUE(brute.feasible);
    ASSERT_EQ(r.status, SolveStatus::optimal) << r.reason;
    EXPECT_TRUE(same_value(r.objective, brute.best)) << r.objective << " vs " << brute.best;
    Subset open(4, 0);
    for (auto j : r.open) open[j] = 1;
    EXPECT_TRUE(same_value(evaluate(in, problem, open), r.objective));
  }
  // MCLP, one site of capacity 10: 10 of 18 load served, weight 1 per 3 load → 10/3.
  Instance one = capped;
  one.p = 1;
  EXPECT_NEAR(brute_force(one, Problem::mclp).best, 10.0 / 3.0, 1e-9);
}

// Demand d1 has no candidate at all, d3 only an excluded one; d4 has a single option.
Instance infeasible_instance() {
  Instance in;
  in.demands = 6;
  in.sites = 4;
  in.lat.assign(6, std::vector<double>(4, kInfinity));
  in.lat[0][0] = 5, in.lat[0][1] = 7;
  in.lat[2][1] = 4, in.lat[2][2] = 9;
  in.lat[3][3] = 1;
  in.lat[4][2] = 6;
  in.lat[5][0] = 3, in.lat[5][2] = 2, in.lat[5][3] = 8;
  in.weight.assign(6, 1.0);
  in.load.assign(6, 1.0);
  in.cost.assign(4, 1.0);
  in.capacity.assign(4, kInfinity);
  in.status = {SiteStatus::candidate, SiteStatus::existing, SiteStatus::candidate, SiteStatus::excluded};
  return in;
}

TEST(PlacementInfeasible, LscpNamesExactlyTheUncoverableDemand) {
  std::mt19937_64 rng(11);
  std::printf("[ placement ] infeasible fixture, seed 11\n");
  Instance in = infeasible_instance();
  for (int k : {1, 2}) {
    SCOPED_TRACE("k = " + std::to_string(k));
    in.k = k;
    Built b;
    build(b, in, Problem::lscp, rng, 50.0);
    const PlacementResult r = solve_placement(b.input);
    EXPECT_FALSE(brute_force(in, Problem::lscp).feasible);
    EXPECT_EQ(r.status, SolveStatus::infeasible);
    EXPECT_FALSE(r.reason.empty());
    EXPECT_TRUE(r.open.empty());
    // k = 1: d1 (nothing) and d3 (excluded site only); k = 2 adds d4 (one option).
    const std::vector<std::uint32_t> expected = k == 1 ? std::vector<std::uint32_t>{1, 3} : std::vector<std::uint32_t>{1, 3, 4};
    EXPECT_EQ(r.uncoverable, expected);
    std::printf("[ placement ] k=%d: %s; uncoverable %zu\n", k, r.reason.c_str(), r.uncoverable.size());
  }
  // p-median and p-center need every demand served: infeasible, same list as k = 1.
  in.k = 1;
  in.p = 2;
  for (Problem problem : {Problem::pmedian, Problem::pcenter}) {
    Built b;
    build(b, in, problem, rng, 50.0);
    const PlacementResult r = solve_placement(b.input);
    EXPECT_EQ(r.status, SolveStatus::infeasible);
    EXPECT_EQ(r.uncoverable, (std::vector<std::uint32_t>{1, 3}));
  }
  // MCLP is still solvable: it covers what it can (here all but d1 and d3).
  in.p = 1;
  Built b;
  build(b, in, Problem::mclp, rng, 50.0);
  const PlacementResult r = solve_placement(b.input);
  ASSERT_EQ(r.status, SolveStatus::optimal);
  EXPECT_DOUBLE_EQ(r.objective, brute_force(in, Problem::mclp).best);
  EXPECT_DOUBLE_EQ(r.objective, 4.0);  // existing site 1 covers d0, d2; one new site 2 adds d4, d5
  EXPECT_EQ(r.assigned[1], kNone);
  EXPECT_EQ(r.assigned[3], kNone);
}

}  // namespace
}  // namespace lightcone
