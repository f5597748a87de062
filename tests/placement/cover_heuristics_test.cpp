// Plain covering (LSCP, k = 1) is solved first by a local search and the LP bound
// (solve_lscp.cpp: solve_plain_cover); CBC runs only when they do not meet. Oracle: CBC
// alone on the same model (PlacementInput::heuristics = false), on random geometric
// instances too large for brute force: sites and demand points in a square, a site covers
// the points within a radius, unit costs (the bound rounds up) and random costs (it does
// not). Both must be optimal with the same objective; the heuristic path's plan must
// cover every coverable demand point. p-center's threshold tests use the same pieces:
// checked against a brute-force p-center over every distinct latency value.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <memory>
#include <tuple>
#include <vector>

#include "placement/coverage.hpp"
#include "placement/mip.hpp"
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
// T (the threshold tests use the local search, the LP bound and row dominance, or CBC
// alone with row generation); brute force over all p-subsets on small geometric instances.
TEST(PlacementCoverHeuristics, PCenterEqualsBruteForceOnGeometricInstances) {
  constexpr std::uint64_t kFirstSeed = 601, kSeeds = 12;
  std::size_t with_cbc = 0;  // instances where CBC decided some threshold test
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
    // CBC alone decides the threshold tests (no local search, the LP only chooses rows),
    // on the LP's rows plus the ones its plans leave uncovered (forced row generation).
    in.heuristics = false;
    in.rowgen_min_nonzeros = 0;
    const PlacementResult c = solve_placement(in);
    ASSERT_EQ(c.status, SolveStatus::optimal) << c.method;
    EXPECT_DOUBLE_EQ(c.objective, best) << c.method;
    with_cbc += c.mip_solves > 0;
  }
  std::printf("[ placement ] p-center: CBC decided threshold tests in %zu of %llu instances\n", with_cbc,
              static_cast<unsigned long long>(kSeeds));
  EXPECT_GE(with_cbc, kSeeds / 2);
}

// MCLP on models above PlacementInput::rowgen_min_nonzeros (forced here with 0) skips the
// MIP: greedy + swaps with a Lagrangian bound. Oracle: CBC's optimum on the same model
// (the default threshold): the search's value never exceeds it, the bound never falls
// below it, and "optimal" is claimed only when the value equals it.
TEST(PlacementCoverHeuristics, LargeModelMclpBracketsTheCbcOptimum) {
  constexpr std::uint64_t kFirstSeed = 701, kSeeds = 12;
  std::size_t exact = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const Geometric g = geometric(rng, 40, 600, 0.2, true);
    std::uniform_real_distribution<double> w(1.0, 100.0);
    std::vector<double> weight(g.coverage.demands);
    for (double& x : weight) x = std::round(w(rng));
    PlacementInput in;
    in.problem = Problem::mclp;
    in.coverage = &g.coverage;
    in.weight = weight;
    in.p = 2 + static_cast<int>(seed % 4);
    in.time_limit_s = 120.0;
    const PlacementResult cbc = solve_placement(in);
    ASSERT_EQ(cbc.status, SolveStatus::optimal) << cbc.method;
    in.rowgen_min_nonzeros = 0;
    const PlacementResult big = solve_placement(in);
    ASSERT_NE(big.method.find("no MIP"), std::string::npos) << big.method;
    EXPECT_LE(big.objective, cbc.objective + 1e-6);
    EXPECT_GE(big.bound, cbc.objective - 1e-6);
    EXPECT_LE(big.open.size(), static_cast<std::size_t>(in.p));
    if (big.status == SolveStatus::optimal) {
      EXPECT_NEAR(big.objective, cbc.objective, 1e-6);
      ++exact;
    }
    // The reported objective is the weight the open sites cover.
    std::vector<char> open(g.coverage.sites, 0);
    for (std::uint32_t j : big.open) open[j] = 1;
    double covered = 0.0;
    for (std::size_t d = 0; d < g.coverage.demands; ++d) {
      bool any = false;
      for (std::uint32_t e = g.coverage.first[d]; e < g.coverage.first[d + 1]; ++e) any = any || open[g.coverage.site[e]];
      covered += any ? weight[d] : 0.0;
    }
    EXPECT_NEAR(covered, big.objective, 1e-6);
    std::printf("[ placement ] seed %llu: MCLP p=%d cbc %g; search %g, bound %g (%s)\n",
                static_cast<unsigned long long>(seed), in.p, cbc.objective, big.objective, big.bound, big.method.c_str());
  }
  std::printf("[ placement ] large-model MCLP equal to CBC's optimum and proven so in %zu of %llu\n", exact,
              static_cast<unsigned long long>(kSeeds));
}

// Mip::solve with a cutoff answers "is there a solution below it?": the 5-cycle cover
// (each of 5 rows covered by 2 neighbouring columns, unit costs) needs 3 columns.
TEST(PlacementCoverHeuristics, MipCutoffDecidesFeasibilityBelowIt) {
  Mip mip;
  for (int j = 0; j < 5; ++j) mip.add_column(1.0, 0.0, 1.0, true);
  for (int i = 0; i < 5; ++i) mip.add_row({i, (i + 1) % 5}, {1.0, 1.0}, 1.0, Mip::kInf);
  const MipResult free = mip.solve(Deadline::after(30.0), 1, {});
  ASSERT_TRUE(free.proven_optimal);
  EXPECT_NEAR(free.objective, 3.0, 1e-9);
  const MipResult below = mip.solve(Deadline::after(30.0), 1, {}, 2.5);
  EXPECT_TRUE(below.proven_infeasible);
  EXPECT_FALSE(below.has_solution);
  const MipResult above = mip.solve(Deadline::after(30.0), 1, {}, 3.5);
  ASSERT_TRUE(above.has_solution);
  EXPECT_NEAR(above.objective, 3.0, 1e-9);
  // The incremental LP of the same rows: 2.5 (every column at 1/2).
  IncrementalLp lp(std::vector<double>(5, 1.0), std::vector<double>(5, 0.0), std::vector<double>(5, 1.0));
  for (int i = 0; i < 3; ++i) lp.add_row({i, (i + 1) % 5}, {1.0, 1.0}, 1.0, IncrementalLp::kInf);
  ASSERT_TRUE(lp.solve(Deadline::after(10.0)));
  EXPECT_NEAR(lp.objective(), 2.0, 1e-9);  // rows 0-2: columns 1 and 2... two columns suffice
  for (int i = 3; i < 5; ++i) lp.add_row({i, (i + 1) % 5}, {1.0, 1.0}, 1.0, IncrementalLp::kInf);
  ASSERT_TRUE(lp.solve(Deadline::after(10.0)));
  EXPECT_NEAR(lp.objective(), 2.5, 1e-9);
  EXPECT_EQ(lp.rows(), 5);
  // No time left: no model is built, nothing solved, no bound.
  const MipResult late = mip.solve(Deadline::after(-1.0), 1, {});
  EXPECT_TRUE(late.time_limit);
  EXPECT_FALSE(late.has_solution || late.proven_optimal || late.proven_infeasible || late.lp_solved);
  EXPECT_TRUE(std::isnan(late.bound));
}

// Strong branching's probe (IncrementalLp::probe): with iterations enough, the LP's value
// with one column fixed equals a new LP of the same rows solved with that bound (+inf when
// infeasible); stopped after one iteration it is at most that value; and after any probe
// the LP is as it was (the next solve gives the same value and solution).
TEST(PlacementCoverHeuristics, ProbeGivesTheLpWithAColumnFixedAndRestoresTheLp) {
  std::mt19937_64 rng(7);
  int compared = 0, infeasible = 0, early = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 8 + static_cast<int>(rng() % 8), m = 10 + static_cast<int>(rng() % 15);
    std::vector<double> cost(static_cast<std::size_t>(n));
    for (double& c : cost) c = 1.0 + static_cast<double>(rng() % 9);
    std::vector<std::vector<int>> rows(static_cast<std::size_t>(m));
    for (auto& row : rows) {
      for (int j = 0; j < n; ++j)
        if (rng() % 4 == 0) row.push_back(j);
      if (row.size() < 2) {
        const int a = static_cast<int>(rng() % static_cast<unsigned>(n));
        row = {a, (a + 1 + static_cast<int>(rng() % static_cast<unsigned>(n - 1))) % n};
      }
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
    }
    auto build = [&](int fixed, double at) {
      std::vector<double> lo(static_cast<std::size_t>(n), 0.0), up(static_cast<std::size_t>(n), 1.0);
      if (fixed >= 0) lo[static_cast<std::size_t>(fixed)] = up[static_cast<std::size_t>(fixed)] = at;
      auto lp = std::make_unique<IncrementalLp>(cost, lo, up);
      for (const auto& row : rows) lp->add_row(row, std::vector<double>(row.size(), 1.0), 1.0, IncrementalLp::kInf);
      // A count row as Benders' (Σ y = k) makes fixings infeasible now and then.
      std::vector<int> all(static_cast<std::size_t>(n));
      for (int j = 0; j < n; ++j) all[static_cast<std::size_t>(j)] = j;
      lp->add_row(all, std::vector<double>(all.size(), 1.0), 0.0, 3.0 + static_cast<double>(trial % 3));
      return lp;
    };
    const auto lp = build(-1, 0.0);
    if (!lp->solve(Deadline::after(30.0))) continue;
    const double value = lp->objective();
    const std::vector<double> x = lp->x();
    for (int j = 0; j < n; ++j)
      for (const double at : {0.0, 1.0}) {
        const auto fresh = build(j, at);
        const bool ok = fresh->solve(Deadline::after(30.0));
        const double want = ok ? fresh->objective() : std::numeric_limits<double>::infinity();
        ASSERT_TRUE(ok || fresh->infeasible());
        const double got = lp->probe(j, at, at, 1000, Deadline::after(30.0));
        SCOPED_TRACE("trial " + std::to_string(trial) + " column " + std::to_string(j) + " at " + std::to_string(at));
        if (std::isinf(want)) {
          EXPECT_TRUE(std::isinf(got)) << got;
          ++infeasible;
        } else {
          EXPECT_NEAR(got, want, 1e-7 * std::max(1.0, want));
          ++compared;
        }
        const double first = lp->probe(j, at, at, 1, Deadline::after(30.0));
        if (!std::isnan(first) && !std::isinf(first)) {
          EXPECT_LE(first, want + 1e-7 * std::max(1.0, std::abs(want)));
          early += first < want - 1e-7 * std::max(1.0, std::abs(want));
        }
        ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
        EXPECT_NEAR(lp->objective(), value, 1e-9 * std::max(1.0, value));
        for (int k = 0; k < n; ++k) EXPECT_NEAR(lp->x()[static_cast<std::size_t>(k)], x[static_cast<std::size_t>(k)], 1e-9);
      }
  }
  EXPECT_GT(compared, 300);
  EXPECT_GT(infeasible, 0) << "no fixing made the LP infeasible";
  EXPECT_GT(early, 0) << "one iteration always reached the optimum";
  // No time left: NaN, and the LP as it was.
  const auto lp = std::make_unique<IncrementalLp>(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 0.0},
                                                  std::vector<double>{1.0, 1.0});
  lp->add_row({0, 1}, {1.0, 1.0}, 1.0, IncrementalLp::kInf);
  ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
  EXPECT_TRUE(std::isnan(lp->probe(0, 0.0, 0.0, 100, Deadline::after(-1.0))));
  ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
  EXPECT_NEAR(lp->objective(), 1.0, 1e-12);
}

// Columns fixed at 0 taken out of the LP (IncrementalLp::remove_columns_at_zero, as
// Benders does with the sites closed by reduced costs before branching): the LP keeps its
// optimum; rows added later that name removed columns, probes and copies give what an LP
// that kept those columns at [0, 0] gives; removed columns read 0 and take only [0, 0].
TEST(PlacementCoverHeuristics, ColumnsRemovedAtZeroLeaveTheLpAsItWas) {
  std::mt19937_64 rng(17);
  int removed_total = 0, compared = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 10 + static_cast<int>(rng() % 10), m = 12 + static_cast<int>(rng() % 12);
    std::vector<double> cost(static_cast<std::size_t>(n));
    for (double& c : cost) c = 1.0 + static_cast<double>(rng() % 9);
    auto random_row = [&] {
      std::vector<int> row;
      for (int j = 0; j < n; ++j)
        if (rng() % 3 == 0) row.push_back(j);
      while (row.size() < 4) row.push_back(static_cast<int>(rng() % static_cast<unsigned>(n)));
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      return row;
    };
    std::vector<std::vector<int>> rows(static_cast<std::size_t>(m)), later(5);
    for (auto& row : rows) row = random_row();
    for (auto& row : later) row = random_row();
    std::vector<char> closed(static_cast<std::size_t>(n), 0);
    for (int j = 0; j < n; ++j) closed[static_cast<std::size_t>(j)] = rng() % 4 == 0;
    std::vector<int> gone;
    for (int j = 0; j < n; ++j)
      if (closed[static_cast<std::size_t>(j)]) gone.push_back(j);
    // The reference keeps every column, the closed ones at [0, 0].
    auto build = [&](bool bounded_at_start) {
      std::vector<double> lo(static_cast<std::size_t>(n), 0.0), up(static_cast<std::size_t>(n), 1.0);
      if (bounded_at_start)
        for (int j : gone) up[static_cast<std::size_t>(j)] = 0.0;
      auto lp = std::make_unique<IncrementalLp>(cost, lo, up);
      for (const auto& row : rows) lp->add_row(row, std::vector<double>(row.size(), 1.0), 1.0, IncrementalLp::kInf);
      return lp;
    };
    const auto reference = build(true);
    if (!reference->solve(Deadline::after(30.0))) continue;
    // Solved first with every column free, then closed and re-solved, as in Benders.
    const auto lp = build(false);
    ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
    for (int j : gone) lp->set_column_bounds(j, 0.0, 0.0);
    ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
    const std::size_t removed = lp->remove_columns_at_zero(gone);
    EXPECT_LE(removed, gone.size());
    removed_total += static_cast<int>(removed);
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_TRUE(lp->solve(Deadline::after(30.0)));
    EXPECT_NEAR(lp->objective(), reference->objective(), 1e-9 * std::max(1.0, reference->objective()));
    ASSERT_EQ(lp->x().size(), static_cast<std::size_t>(n));
    for (int j : gone) {
      EXPECT_EQ(lp->x()[static_cast<std::size_t>(j)], 0.0);
      EXPECT_NO_THROW(lp->set_column_bounds(j, 0.0, 0.0));
    }
    // Later rows (naming removed columns too), on the LP and on a copy of it.
    for (const auto& row : later) {
      lp->add_row(row, std::vector<double>(row.size(), 1.0), 1.0, IncrementalLp::kInf);
      reference->add_row(row, std::vector<double>(row.size(), 1.0), 1.0, IncrementalLp::kInf);
    }
    IncrementalLp copied(*lp);
    const bool ok = reference->solve(Deadline::after(30.0));
    ASSERT_EQ(lp->solve(Deadline::after(30.0)), ok);
    ASSERT_EQ(copied.solve(Deadline::after(30.0)), ok);
    if (!ok) {
      EXPECT_TRUE(reference->infeasible() && lp->infeasible() && copied.infeasible());
      continue;
    }
    const double want = reference->objective();
    EXPECT_NEAR(lp->objective(), want, 1e-9 * std::max(1.0, want));
    EXPECT_NEAR(copied.objective(), want, 1e-9 * std::max(1.0, want));
    double activity = 0.0;
    for (int j = 0; j < n; ++j) activity += cost[static_cast<std::size_t>(j)] * lp->x()[static_cast<std::size_t>(j)];
    EXPECT_NEAR(activity, want, 1e-7 * std::max(1.0, want));
    // Probes of the columns left: as on the reference.
    for (int j = 0; j < n; ++j) {
      if (closed[static_cast<std::size_t>(j)]) continue;
      const double a = reference->probe(j, 1.0, 1.0, 1000, Deadline::after(30.0));
      const double b = lp->probe(j, 1.0, 1.0, 1000, Deadline::after(30.0));
      if (std::isinf(a)) EXPECT_TRUE(std::isinf(b));
      else EXPECT_NEAR(b, a, 1e-7 * std::max(1.0, std::abs(a)));
      ++compared;
    }
  }
  EXPECT_GT(removed_total, 40);
  EXPECT_GT(compared, 200);
  // A removed column takes no bound beyond 0.
  IncrementalLp small(std::vector<double>{1.0, 2.0, 3.0}, std::vector<double>{0.0, 0.0, 0.0},
                      std::vector<double>{1.0, 1.0, 1.0});
  small.add_row({0, 1, 2}, {1.0, 1.0, 1.0}, 1.0, IncrementalLp::kInf);
  ASSERT_TRUE(small.solve(Deadline::after(30.0)));
  small.set_column_bounds(2, 0.0, 0.0);
  ASSERT_TRUE(small.solve(Deadline::after(30.0)));
  ASSERT_EQ(small.remove_columns_at_zero({2}), 1u);
  EXPECT_THROW(small.set_column_bounds(2, 1.0, 1.0), std::logic_error);
  small.set_column_bounds(0, 0.0, 0.0);  // the next cheapest takes over
  ASSERT_TRUE(small.solve(Deadline::after(30.0)));
  EXPECT_NEAR(small.objective(), 2.0, 1e-12);
  EXPECT_EQ(small.x()[2], 0.0);
  EXPECT_EQ(small.x()[1], 1.0);
}

// A large first LP (a Benders master's first cuts, over 100,000 nonzeros) solved by the
// primal simplex from Clp's Idiot crash (IncrementalLp::primal_first) has the optimum the
// dual simplex from the slack basis finds, and so does the next round of cuts (the dual
// from each one's last basis). With too little time for the crash the first solve goes
// without it and stops at the deadline. The master: random points in a square, each
// row's cut at the distance to its k-th nearest point, p points open.
TEST(PlacementCoverHeuristics, FirstPrimalFromTheCrashHasTheDualsOptimum) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> coord(0.0, 1000.0), weight(1.0, 3.0);
  const int n = 1200, p = 12;
  std::vector<double> x(n), y(n), w(n);
  for (int i = 0; i < n; ++i) {
    x[static_cast<std::size_t>(i)] = coord(rng);
    y[static_cast<std::size_t>(i)] = coord(rng);
    w[static_cast<std::size_t>(i)] = weight(rng);
  }
  // Row i's points by distance (itself first, at 0).
  std::vector<std::vector<std::pair<double, int>>> near(n);
  for (int i = 0; i < n; ++i) {
    auto& row = near[static_cast<std::size_t>(i)];
    for (int j = 0; j < n; ++j)
      row.emplace_back(std::hypot(x[static_cast<std::size_t>(i)] - x[static_cast<std::size_t>(j)],
                                  y[static_cast<std::size_t>(i)] - y[static_cast<std::size_t>(j)]),
                       j);
    std::sort(row.begin(), row.end());
  }
  // y_j: columns 0..n-1; θ_i: n + i, at least the row's nearest distance (0).
  std::vector<double> obj(2 * n, 0.0), lo(2 * n, 0.0), up(2 * n, 1.0);
  for (int i = 0; i < n; ++i) {
    obj[static_cast<std::size_t>(n + i)] = w[static_cast<std::size_t>(i)];
    up[static_cast<std::size_t>(n + i)] = IncrementalLp::kInf;
  }
  // A batch of cuts, one per row at its k-th nearest point: their right-hand sides and
  // nonzeros. The first batch also holds the count row (Σ y = p, last).
  struct Batch {
    std::vector<double> d;
    std::size_t nonzeros = 0;
  };
  auto add_cuts = [&](IncrementalLp& lp, int round) {
    Batch b;
    for (int i = 0; i < n; ++i) {
      const auto& row = near[static_cast<std::size_t>(i)];
      const int k = round == 0 ? 90 + static_cast<int>((i * 7) % 40) : 20 + static_cast<int>((i * 3) % 30);
      const double d = row[static_cast<std::size_t>(k)].first;
      std::vector<int> cols{n + i};
      std::vector<double> coefs{1.0};
      for (int q = 0; q < k; ++q) {
        cols.push_back(row[static_cast<std::size_t>(q)].second);
        coefs.push_back(d - row[static_cast<std::size_t>(q)].first);
      }
      b.nonzeros += cols.size();
      b.d.push_back(d);
      lp.add_row(cols, coefs, d, IncrementalLp::kInf);
    }
    if (round == 0) {
      std::vector<int> all(static_cast<std::size_t>(n));
      for (int j = 0; j < n; ++j) all[static_cast<std::size_t>(j)] = j;
      lp.add_row(all, std::vector<double>(all.size(), 1.0), p, p);
      b.nonzeros += all.size();
    }
    return b;
  };
  IncrementalLp crashed(obj, lo, up), dual(obj, lo, up);
  crashed.primal_first();
  const Batch first = add_cuts(crashed, 0);
  add_cuts(dual, 0);
  ASSERT_GE(first.nonzeros, 100'000u);  // large enough for the crash
  ASSERT_TRUE(crashed.solve(Deadline::after(120.0)));
  EXPECT_TRUE(crashed.crashed());
  ASSERT_TRUE(dual.solve(Deadline::after(120.0)));
  EXPECT_FALSE(dual.crashed());
  EXPECT_NEAR(crashed.objective(), dual.objective(), 1e-7 * dual.objective());
  EXPECT_GT(crashed.objective(), 0.0);
  // Its x meets the count row and every cut.
  double open = 0.0;
  for (int j = 0; j < n; ++j) open += crashed.x()[static_cast<std::size_t>(j)];
  EXPECT_NEAR(open, p, 1e-6);
  ASSERT_EQ(crashed.row_activity().size(), first.d.size() + 1);
  for (std::size_t i = 0; i < first.d.size(); ++i)
    EXPECT_GE(crashed.row_activity()[i], first.d[i] - 1e-6 * std::max(1.0, first.d[i])) << "cut " << i;
  add_cuts(crashed, 1);
  add_cuts(dual, 1);
  ASSERT_TRUE(crashed.solve(Deadline::after(120.0)));
  ASSERT_TRUE(dual.solve(Deadline::after(120.0)));
  EXPECT_NEAR(crashed.objective(), dual.objective(), 1e-7 * dual.objective());

  // 0.2 s: less than the crash's margin (about 5 µs per nonzero, three times over), so the
  // primal runs alone and stops at the deadline.
  IncrementalLp late(obj, lo, up);
  late.primal_first();
  add_cuts(late, 0);
  const auto start = std::chrono::steady_clock::now();
  late.solve(Deadline::after(0.2));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(late.crashed());
  EXPECT_LT(took, 1.5);
}

// The column-major matrix handed to Clp/CBC keeps every coefficient with its row and
// column, whatever order a row lists its columns in. By hand: min x0 + x1 + 1.5 x2 with
// x0 + 3 x2 >= 3 (listed as x2, x0) and 2 x1 + x2 >= 2 has its optimum 2 at (0, 1/2, 1)
// (x2 = t costs 4 - 2t up to t = 1, then 1 + t); a coefficient put in the wrong row or
// column changes it.
TEST(PlacementCoverHeuristics, MipMatrixKeepsEachCoefficientInPlace) {
  for (const bool integer : {false, true}) {
    Mip mip;
    mip.add_column(1.0, 0.0, 10.0, false);
    mip.add_column(1.0, 0.0, 10.0, false);
    mip.add_column(1.5, 0.0, 10.0, integer);
    mip.add_row({2, 0}, {3.0, 1.0}, 3.0, Mip::kInf);
    mip.add_row({1, 2}, {2.0, 1.0}, 2.0, Mip::kInf);
    const MipResult r = mip.solve(Deadline::after(30.0), 1, {});
    ASSERT_TRUE(r.proven_optimal) << integer;
    EXPECT_NEAR(r.objective, 2.0, 1e-9);
    ASSERT_EQ(r.x.size(), 3u);
    EXPECT_NEAR(r.x[0], 0.0, 1e-9);
    EXPECT_NEAR(r.x[1], 0.5, 1e-9);
    EXPECT_NEAR(r.x[2], 1.0, 1e-9);
  }
}

}  // namespace
}  // namespace lightcone
