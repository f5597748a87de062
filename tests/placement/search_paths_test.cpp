// The shortcuts solve_placement takes before (or instead of) a MIP, against brute force
// over every subset: MCLP with p at least the fewest sites that cover everything (a
// greedy cover proves the optimum), and p-center under a time limit too short to finish
// (the bound it states must still be a bound: bound ≤ optimum ≤ objective).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "placement/brute_force.hpp"

namespace lightcone::place_test {
namespace {

Instance random_cover_instance(std::mt19937_64& rng, std::size_t sites, std::size_t demands, double reach) {
  Instance in;
  in.sites = sites;
  in.demands = demands;
  std::uniform_real_distribution<double> coord(0.0, 100.0), w(1.0, 10.0);
  std::vector<std::pair<double, double>> s(sites), d(demands);
  for (auto& p : s) p = {coord(rng), coord(rng)};
  for (auto& p : d) p = {coord(rng), coord(rng)};
  in.lat.assign(demands, std::vector<double>(sites, kInfinity));
  for (std::size_t i = 0; i < demands; ++i)
    for (std::size_t j = 0; j < sites; ++j) {
      const double l = std::hypot(d[i].first - s[j].first, d[i].second - s[j].second);
      if (l <= reach) in.lat[i][j] = l;
    }
  for (std::size_t i = 0; i < demands; ++i) in.weight.push_back(w(rng));
  in.load.assign(demands, 1.0);
  in.cost.assign(sites, 1.0);
  in.capacity.assign(sites, kInfinity);
  in.status.assign(sites, SiteStatus::candidate);
  return in;
}

// Fewest sites covering every coverable demand (brute force over subsets).
int fewest_cover(const Instance& in) {
  int best = static_cast<int>(in.sites);
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << in.sites); ++mask) {
    const int n = __builtin_popcountll(mask);
    if (n >= best) continue;
    bool all = true;
    for (std::size_t i = 0; i < in.demands && all; ++i) {
      bool coverable = false, covered = false;
      for (std::size_t j = 0; j < in.sites; ++j) {
        coverable = coverable || std::isfinite(in.lat[i][j]);
        covered = covered || (std::isfinite(in.lat[i][j]) && ((mask >> j) & 1));
      }
      all = !coverable || covered;
    }
    if (all) best = n;
  }
  return best;
}

TEST(PlacementSearchPaths, MclpWithGenerousPIsProvenByACover) {
  std::size_t shortcut = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    Instance in = random_cover_instance(rng, 12, 30, 30.0);
    const int m = fewest_cover(in);
    for (int p : {m, m + 1, 12}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " p=" + std::to_string(p));
      in.p = p;
      Built b;
      build(b, in, Problem::mclp, rng, 100.0);
      const PlacementResult r = solve_placement(b.input);
      const BruteForce bf = brute_force(in, Problem::mclp);
      ASSERT_TRUE(bf.feasible);
      EXPECT_EQ(r.status, SolveStatus::optimal) << r.method;
      EXPECT_TRUE(same_value(r.objective, bf.best)) << r.objective << " vs " << bf.best << " (" << r.method << ")";
      EXPECT_TRUE(same_value(r.bound, r.objective));
      int opened = 0;
      Subset open(in.sites, 0);
      for (std::uint32_t j : r.open) {
        open[j] = 1;
        ++opened;
      }
      EXPECT_LE(opened, p);
      EXPECT_TRUE(same_value(evaluate(in, Problem::mclp, open), r.objective));
      shortcut += r.mip_solves == 0;
    }
  }
  std::printf("[ placement ] MCLP with p >= fewest covering sites: %zu of 60 proven without a MIP\n", shortcut);
  EXPECT_GT(shortcut, 20u) << "the greedy cover should prove most of these";
}

TEST(PlacementSearchPaths, PcenterBoundHoldsUnderATimeLimit) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Instance in = random_cover_instance(rng, 12, 40, 60.0);
    in.p = 3;
    Built b;
    build(b, in, Problem::pcenter, rng, 100.0);
    b.input.time_limit_s = 1e-9;  // runs out after the first tests
    const PlacementResult r = solve_placement(b.input);
    const BruteForce bf = brute_force(in, Problem::pcenter);
    if (!bf.feasible) continue;
    if (r.status == SolveStatus::no_solution) continue;  // allowed: nothing found in time
    ASSERT_TRUE(r.status == SolveStatus::optimal || r.status == SolveStatus::feasible) << r.reason;
    EXPECT_LE(r.bound, bf.best + 1e-9);
    EXPECT_GE(r.objective, bf.best - 1e-9);
    EXPECT_LE(r.bound, r.objective);
    if (r.status == SolveStatus::optimal) {
      EXPECT_TRUE(same_value(r.objective, bf.best));
    }
    Subset open(in.sites, 0);
    for (std::uint32_t j : r.open) open[j] = 1;
    EXPECT_TRUE(same_value(evaluate(in, Problem::pcenter, open), r.objective));
  }
}

}  // namespace
}  // namespace lightcone::place_test
