// Plain covering (LSCP, k = 1) is solved first by a local search and the LP bound
// (placement.cpp: solve_plain_cover); CBC runs only when they do not meet. Oracle: CBC
// alone on the same model (PlacementInput::heuristics = false), on random geometric
// instances too large for brute force: sites and demand points in a square, a site covers
// the points within a radius, unit costs (the bound rounds up) and random costs (it does
// not). Both must be optimal with the same objective; the heuristic path's plan must
// cover every coverable demand point. p-center's threshold tests use the same pieces:
// checked against a brute-force p-center over every distinct latency value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "placement/coverage.hpp"
#include "placement/placement.hpp"

namespace lightcone {
namespace {

struct Geometric {
  Coverage coverage;
  std::vector<double> cost;
};

// n sites and m points uniform in the unit square; site j covers point d within radius.
// Latency = distance (any monotone value works for covering).
Geometric geometric(std::mt19937_64& rng, std::size_t sites, std::size_t points, double radius, bool unit_cost) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::vector<double> sx(sites), sy(sites);
  for (std::size_t j = 0; j < sites; ++j) {
    sx[j] = u01(rng);
    sy[j] = u01(rng);
  }
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
  std::uint32_t kept = 0;
  for (std::size_t d = 0; d < points; ++d) {
    const double x = u01(rng), y = u01(rng);
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> row;
    for (std::uint32_t j = 0; j < sites; ++j) {
      const double dist = std::hypot(x - sx[j], y - sy[j]);
      if (dist <= radius) row.emplace_back(kept, j, dist);
    }
    if (row.empty()) continue;  // LSCP needs every point coverable
    triples.insert(triples.end(), row.begin(), row.end());
    ++kept;
  }
  Geometric g;
  g.coverage = coverage_from_triples(kept, sites, std::move(triples), radius);
  g.cost.resize(sites, 1.0);
  if (!unit_cost)
    for (double& c : g.cost) c = 1.0 + std::floor(u01(rng) * 40.0) / 10.0;  // 1.0 .. 4.9
  return g;
}

bool covers_all(const Coverage& c, const std::vector<std::uint32_t>& open) {
  std::vector<char> is_open(c.sites, 0);
  for (std::uint32_t j : open) is_open[j] = 1;
  for (std::size_t d = 0; d < c.demands; ++d) {
    bool any = false;
    for (std::uint32_t e = c.first[d]; e < c.first[d + 1] && !any; ++e) any = is_open[c.site[e]] != 0;
    if (!any) return false;
  }
  return true;
}

TEST(PlacementCoverHeuristics, LocalSearchAndLpBoundEqualCbcAlone) {
  constexpr std::uint64_t kFirstSeed = 501, kSeeds = 16;
  std::size_t without_mip = 0, solves = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const bool unit = seed % 2 == 0;
    const std::size_t sites = 60 + seed % 5 * 20;
    const Geometric g = geometric(rng, sites, 2000, 0.22 + 0.04 * static_cast<double>(seed % 3), unit);
    PlacementInput in;
    in.problem = Problem::lscp;
    in.coverage = &g.coverage;
    in.cost = g.cost;
    in.time_limit_s = 120.0;
    const PlacementResult fast = solve_placement(in);
    in.heuristics = false;
    const PlacementResult cbc = solve_placement(in);
    ++solves;
    ASSERT_EQ(cbc.status, SolveStatus::optimal) << cbc.method;
    ASSERT_EQ(fast.status, SolveStatus::optimal) << fast.method;
    EXPECT_NEAR(fast.objective, cbc.objective, 1e-9) << fast.method;
    EXPECT_NEAR(fast.bound, fast.objective, 1e-9);
    EXPECT_TRUE(covers_all(g.coverage, fast.open));
    double cost = 0.0;
    for (std::uint32_t j : fast.open) cost += g.cost[j];
    EXPECT_NEAR(cost, fast.objective, 1e-9);
    if (fast.mip_solves == 0) ++without_mip;
    std::printf("[ placement ] seed %llu: %zu points x %zu sites, %s costs: %g (%s); cbc alone %g\n",
                static_cast<unsigned long long>(seed), g.coverage.demands, sites, unit ? "unit" : "random",
                fast.objective, fast.method.c_str(), cbc.objective);
  }
  std::printf("[ placement ] %zu of %zu proven optimal by local search + LP bound without a MIP\n", without_mip, solves);
  // The point of the heuristics: most such instances need no MIP at all.
  EXPECT_GE(without_mip, solves / 2);
}

// p-center = the least distinct latency value T at which p sites cover every point within
// T (the threshold tests use the local search, the LP bound and row dominance); brute
// force over all p-subsets on small geometric instances.
TEST(PlacementCoverHeuristics, PCenterEqualsBruteForceOnGeometricInstances) {
  constexpr std::uint64_t kFirstSeed = 601, kSeeds = 12;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const std::size_t sites = 14;
    const Geometric g = geometric(rng, sites, 400, 0.9, true);
    const int p = 2 + static_cast<int>(seed % 3);
    ASSERT_EQ(g.coverage.demands, 400u);
    // Brute force: every p-subset's worst nearest latency.
    double best = kUnreached;
    std::vector<int> pick(static_cast<std::size_t>(p));
    for (int k = 0; k < p; ++k) pick[static_cast<std::size_t>(k)] = k;
    while (true) {
      std::vector<char> open(sites, 0);
      for (int j : pick) open[static_cast<std::size_t>(j)] = 1;
      double worst = 0.0;
      for (std::size_t d = 0; d < g.coverage.demands && worst < best; ++d) {
        double m = kUnreached;
        for (std::uint32_t e = g.coverage.first[d]; e < g.coverage.first[d + 1]; ++e)
          if (open[g.coverage.site[e]]) m = std::min(m, g.coverage.latency_us[e]);
        worst = std::max(worst, m);
      }
      best = std::min(best, worst);
      int k = p - 1;
      while (k >= 0 && pick[static_cast<std::size_t>(k)] == static_cast<int>(sites) - p + k) --k;
      if (k < 0) break;
      ++pick[static_cast<std::size_t>(k)];
      for (int q = k + 1; q < p; ++q) pick[static_cast<std::size_t>(q)] = pick[static_cast<std::size_t>(q) - 1] + 1;
    }
    PlacementInput in;
    in.problem = Problem::pcenter;
    in.coverage = &g.coverage;
    in.p = p;
    const PlacementResult r = solve_placement(in);
    ASSERT_EQ(r.status, SolveStatus::optimal) << r.method;
    EXPECT_DOUBLE_EQ(r.objective, best) << r.method;
    EXPECT_LE(r.open.size(), static_cast<std::size_t>(p));
  }
}

}  // namespace
}  // namespace lightcone
