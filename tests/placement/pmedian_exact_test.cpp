// p-median's exact methods for uncapacitated instances, Benders decomposition
// (src/placement/benders.hpp, the default) and the radius formulation
// (src/placement/radius.hpp), each against two oracles: brute-force enumeration of every
// site subset (tests/placement/brute_force.hpp) on small random instances, and the
// assignment model (PlacementInput::force_mip) on random instances of moderate size.
// Benders' LP relaxation must also reach the assignment model's LP relaxation (solved here
// by Clp from the model written out again): a cut loop that stops early fails it.
// Instances: random points in a square, latency the Euclidean distance (or rounded to
// whole µs, so many demand–site pairs share a level), random weights, existing /
// required / excluded sites, a budget that removes pairs (PlacementInput gets only the
// pairs within it), and two network components (no pair between them). Every plan's
// objective is recomputed here from the latency matrix. Seeds are fixed and printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "placement/brute_force.hpp"
#include "core/latency_model.hpp"
#include "placement/mip.hpp"

namespace lightcone {
namespace {

using namespace place_test;

struct Shape {
  std::size_t sites = 10, demands = 25;
  int p = 2;
  bool rounded = false;      // whole-µs latencies: ties
  bool statuses = true;      // some existing / required / excluded sites
  bool components = false;   // two components, no pair between them
  double budget_quantile = 1.0;  // < 1: pairs above this quantile of all latencies are removed
  bool random_matrix = false;    // latencies uniform at random instead of distances (LP gaps are common)
};

Instance euclidean_instance(std::mt19937_64& rng, const Shape& shape, double& budget) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  Instance in;
  in.sites = shape.sites;
  in.demands = shape.demands;
  in.p = shape.p;
  in.status.assign(in.sites, SiteStatus::candidate);
  if (shape.statuses)
    for (auto& s : in.status) {
      const double r = u01(rng);
      s = r < 0.8 ? SiteStatus::candidate : r < 0.87 ? SiteStatus::existing : r < 0.94 ? SiteStatus::required : SiteStatus::excluded;
    }
  std::vector<double> sx(in.sites), sy(in.sites), dx(in.demands), dy(in.demands);
  std::vector<int> site_part(in.sites, 0), demand_part(in.demands, 0);
  for (std::size_t j = 0; j < in.sites; ++j) {
    sx[j] = 1000.0 * u01(rng), sy[j] = 1000.0 * u01(rng);
    if (shape.components) site_part[j] = u01(rng) < 0.3;
  }
  for (std::size_t d = 0; d < in.demands; ++d) {
    dx[d] = 1000.0 * u01(rng), dy[d] = 1000.0 * u01(rng);
    if (shape.components) demand_part[d] = u01(rng) < 0.3;
  }
  in.lat.assign(in.demands, std::vector<double>(in.sites, kInfinity));
  std::vector<double> all;
  for (std::size_t d = 0; d < in.demands; ++d)
    for (std::size_t j = 0; j < in.sites; ++j) {
      if (site_part[j] != demand_part[d]) continue;
      double l = 1.0 + std::hypot(sx[j] - dx[d], sy[j] - dy[d]);
      if (shape.random_matrix) l = 1.0 + 1000.0 * u01(rng);
      if (shape.rounded) l = std::round(l / 25.0) * 25.0;  // coarse: many equal latencies
      in.lat[d][j] = l;
      all.push_back(l);
    }
  budget = kInfinity;
  if (shape.budget_quantile < 1.0 && !all.empty()) {
    std::sort(all.begin(), all.end());
    budget = all[static_cast<std::size_t>(shape.budget_quantile * static_cast<double>(all.size() - 1))];
    for (auto& row : in.lat)
      for (double& l : row)
        if (l > budget) l = kInfinity;
  }
  in.weight.resize(in.demands);
  in.load.assign(in.demands, 1.0);
  for (double& w : in.weight) w = 0.5 + 9.5 * u01(rng);
  in.cost.assign(in.sites, 1.0);
  in.capacity.assign(in.sites, kInfinity);
  return in;
}

// The instance's demand with at least one admissible option (the rest: uncoverable).
Instance coverable_part(const Instance& in) {
  Instance out = in;
  out.lat.clear();
  out.weight.clear();
  out.load.clear();
  for (std::size_t d = 0; d < in.demands; ++d) {
    bool any = false;
    for (std::size_t j = 0; j < in.sites; ++j) any = any || (std::isfinite(in.lat[d][j]) && in.status[j] != SiteStatus::excluded);
    if (!any) continue;
    out.lat.push_back(in.lat[d]);
    out.weight.push_back(in.weight[d]);
    out.load.push_back(in.load[d]);
  }
  out.demands = out.lat.size();
  return out;
}

// Weighted mean latency of the plan from the matrix (NaN: not a feasible plan).
double plan_value(const Instance& in, const PlacementResult& r) {
  Subset open(in.sites, 0);
  for (std::uint32_t j : r.open) open[j] = 1;
  return evaluate(in, Problem::pmedian, open);
}

// LP + MIP rounds of caps, from the method ("radius formulation (2 LP + 1 cbc rounds ...").
std::size_t rounds_of(const PlacementResult& r) {
  const std::size_t at = r.method.find("radius formulation (");
  if (at == std::string::npos) return 0;
  const std::size_t plus = r.method.find(" LP + ", at);
  return std::stoul(r.method.substr(at + 20)) + (plus == std::string::npos ? 0 : std::stoul(r.method.substr(plus + 6)));
}

using Method = PlacementInput::MedianMethod;

const char* name_of(Method m) { return m == Method::radius ? "radius formulation" : "benders decomposition"; }

// Branch-and-bound nodes, from Benders' method ("... 3 branch-and-bound nodes ...").
std::size_t nodes_of(const PlacementResult& r) {
  const std::size_t at = r.method.find(" branch-and-bound nodes");
  if (at == std::string::npos) return 0;
  std::size_t b = at;
  while (b > 0 && r.method[b - 1] >= '0' && r.method[b - 1] <= '9') --b;
  return std::stoul(r.method.substr(b, at - b));
}

// exact: the method given (radius or Benders, even when the heuristic plan and the
// Lagrangian bound meet); else the assignment model.
PlacementResult solve(const Instance& in, std::mt19937_64& rng, double budget, bool exact, bool skip,
                      bool fixing = true, Method method = Method::radius, double in_out = 0.3,
                      std::uint32_t drop_slack_after = 5, bool lagrange_cuts = true) {
  Built b;
  build(b, in, Problem::pmedian, rng, budget);
  b.input.force_exact = exact;
  b.input.median_method = method;
  b.input.benders_in_out = in_out;
  b.input.benders_drop_slack_after = drop_slack_after;
  b.input.benders_lagrange_cuts = lagrange_cuts;
  b.input.reduced_cost_fixing = fixing;
  b.input.force_mip = !exact;
  b.input.uncoverable = skip ? Uncoverable::skip : Uncoverable::fail;
  return solve_placement(b.input);
}

// The assignment model's LP relaxation (Σ weight × latency / Σ weight; x_ij ≤ y_j,
// Σ_j x_ij = 1, exactly min(p, new admissible sites) new sites, existing and required
// sites open, excluded ones closed), written out from the definition and solved by Clp.
double assignment_lp(const Instance& in) {
  Mip lp;
  std::vector<int> y(in.sites);
  std::size_t new_sites = 0;
  for (std::size_t j = 0; j < in.sites; ++j) {
    const SiteStatus st = in.status[j];
    const bool open = st == SiteStatus::existing || st == SiteStatus::required;
    y[j] = lp.add_column(0.0, open ? 1.0 : 0.0, st == SiteStatus::excluded ? 0.0 : 1.0, false);
    new_sites += st == SiteStatus::candidate || st == SiteStatus::required;
  }
  double weight = 0.0;
  for (std::size_t d = 0; d < in.demands; ++d) {
    std::vector<int> cols;
    for (std::size_t j = 0; j < in.sites; ++j) {
      if (!std::isfinite(in.lat[d][j]) || in.status[j] == SiteStatus::excluded) continue;
      const int x = lp.add_column(in.weight[d] * in.lat[d][j], 0.0, 1.0, false);
      lp.add_row({x, y[j]}, {1.0, -1.0}, -Mip::kInf, 0.0);
      cols.push_back(x);
    }
    lp.add_row(cols, std::vector<double>(cols.size(), 1.0), 1.0, 1.0);
    weight += in.weight[d];
  }
  std::vector<int> count;
  for (std::size_t j = 0; j < in.sites; ++j)
    if (in.status[j] == SiteStatus::candidate || in.status[j] == SiteStatus::required) count.push_back(y[j]);
  const double k = std::min<double>(in.p, static_cast<double>(new_sites));
  lp.add_row(count, std::vector<double>(count.size(), 1.0), k, k);
  const MipResult m = lp.solve(Deadline{}, 1, {});
  return m.lp_solved ? m.lp_bound / weight : std::numeric_limits<double>::quiet_NaN();
}

class PmedianExact : public ::testing::TestWithParam<Method> {};

TEST_P(PmedianExact, EqualsBruteForce) {
  const Method method = GetParam();
  constexpr std::uint64_t kFirstSeed = 1, kSeeds = 48;
  std::printf("[ placement ] p-median %s vs brute force: seeds %llu..%llu, 10 sites, 25 demands\n", name_of(method),
              static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  std::size_t solved = 0, infeasible = 0, multi_round = 0, lp_checked = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.rounded = seed % 2 == 0;
    shape.components = seed % 3 == 0;
    shape.budget_quantile = seed % 4 == 1 ? 0.35 : 1.0;
    shape.random_matrix = seed % 5 == 2;  // LP gaps: Benders branches
    shape.p = 1 + static_cast<int>(seed % 4);
    double budget = kInfinity;
    Instance in = euclidean_instance(rng, shape, budget);
    // More required sites than p is infeasible: keep that to every eighth instance.
    const int required = static_cast<int>(std::count(in.status.begin(), in.status.end(), SiteStatus::required));
    if (seed % 8 != 0) in.p = std::max(in.p, required + 1) + (shape.components ? 1 : 0) + (std::isfinite(budget) ? 3 : 0);
    shape.p = in.p;
    const bool skip = std::isfinite(budget);  // demand the budget strands is left out
    const Instance oracle_in = skip ? coverable_part(in) : in;
    const BruteForce bf = brute_force(oracle_in, Problem::pmedian);
    // Without fixing, with fixing, the assignment model; Benders also without in-out
    // stabilisation (plain Kelley) and with a core point weighted heavily, its first cuts
    // there (not at the Lagrangian's levels).
    for (const int variant : {0, 1, 2, 3, 4}) {
      if (variant >= 3 && method == Method::radius) continue;
      const bool radius = variant != 2;  // the exact method asked for
      const double in_out = variant == 3 ? 1.0 : variant == 4 ? 0.05 : 0.3;
      SCOPED_TRACE("seed " + std::to_string(seed) + " variant " + std::to_string(variant) +
                   " p=" + std::to_string(shape.p) + (skip ? " budget, skip" : "") + (shape.components ? " components" : ""));
      const PlacementResult r = solve(in, rng, budget, radius, skip, variant == 1, method, in_out, 5, variant != 4);
      if (!bf.feasible) {
        EXPECT_EQ(r.status, SolveStatus::infeasible) << r.method << " objective " << r.objective;
        infeasible += variant == 0;
        continue;
      }
      ASSERT_EQ(r.status, SolveStatus::optimal) << r.reason << " (" << r.method << ")";
      if (radius) {
        EXPECT_NE(r.method.find(name_of(method)), std::string::npos) << r.method;
      }
      if (variant == 0) {
        ++solved;
        multi_round += method == Method::radius ? rounds_of(r) > 2 : nodes_of(r) > 1;
      }
      if (method == Method::benders && (variant == 0 || variant == 3) && !std::isnan(r.lp_bound)) {
        // The cutting planes reached the LP relaxation: the assignment model's.
        EXPECT_NEAR(r.lp_bound, assignment_lp(oracle_in), 1e-6 * bf.best) << r.method;
        lp_checked += variant == 0;
      }
      EXPECT_NEAR(r.objective, bf.best, 1e-9 * bf.best) << r.method;
      EXPECT_NEAR(plan_value(oracle_in, r), r.objective, 1e-9 * bf.best) << "the plan's own weighted mean latency";
      EXPECT_EQ(r.bound, r.objective);
    }
  }
  std::printf("[ placement ] %zu optimal by the %s (%zu with %s), %zu infeasible, %zu LP bounds checked\n", solved,
              name_of(method), multi_round, method == Method::radius ? "caps raised" : "branching", infeasible, lp_checked);
  EXPECT_GE(solved, kSeeds / 2);
  EXPECT_GE(multi_round, 1u) << (method == Method::radius ? "caps were never raised" : "never branched");
  if (method == Method::benders) {
    EXPECT_GE(lp_checked, kSeeds / 4);
  }
}

TEST_P(PmedianExact, EqualsAssignmentModel) {
  const Method method = GetParam();
  constexpr std::uint64_t kFirstSeed = 201, kSeeds = 12;
  std::printf("[ placement ] p-median %s vs assignment model: seeds %llu..%llu, 60 sites, 150 demands\n",
              name_of(method), static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  std::size_t multi_round = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.sites = 60;
    shape.demands = 150;
    shape.p = seed % 2 == 0 ? 4 : 9;
    shape.rounded = seed % 3 == 0;
    shape.components = seed % 4 == 1;
    shape.budget_quantile = seed % 3 == 1 ? 0.5 : 1.0;
    double budget = kInfinity;
    const Instance in = euclidean_instance(rng, shape, budget);
    const bool skip = std::isfinite(budget);
    const Instance oracle_in = skip ? coverable_part(in) : in;
    SCOPED_TRACE("seed " + std::to_string(seed) + " p=" + std::to_string(shape.p));
    const PlacementResult exact = solve(in, rng, budget, true, skip, seed % 2 == 1, method);
    const PlacementResult assignment = solve(in, rng, budget, false, skip);
    ASSERT_EQ(assignment.status, SolveStatus::optimal) << assignment.reason << " (" << assignment.method << ")";
    ASSERT_EQ(exact.status, SolveStatus::optimal) << exact.reason << " (" << exact.method << ")";
    EXPECT_NE(exact.method.find(name_of(method)), std::string::npos) << exact.method;
    multi_round += method == Method::radius ? rounds_of(exact) > 2 : nodes_of(exact) > 1;
    if (method == Method::benders && seed % 2 == 0) {
      ASSERT_FALSE(std::isnan(exact.lp_bound)) << exact.method;
      EXPECT_NEAR(exact.lp_bound, assignment_lp(oracle_in), 1e-6 * exact.objective) << exact.method;
    }
    EXPECT_NEAR(exact.objective, assignment.objective, 1e-9 * assignment.objective) << exact.method;
    EXPECT_NEAR(plan_value(oracle_in, exact), exact.objective, 1e-9 * exact.objective);
    EXPECT_NEAR(plan_value(oracle_in, assignment), assignment.objective, 1e-9 * assignment.objective);
    EXPECT_EQ(exact.uncoverable, assignment.uncoverable);
  }
  std::printf("[ placement ] %zu of %llu had %s\n", multi_round, static_cast<unsigned long long>(kSeeds),
              method == Method::radius ? "caps raised" : "branching");
}

// Benders' branch and bound: instances whose LP relaxation has a gap (latencies at
// random, not distances), each equal to the assignment model; some must branch.
TEST(PmedianExact, BendersBranchingEqualsAssignmentModel) {
  constexpr std::uint64_t kFirstSeed = 301, kSeeds = 8;
  std::printf("[ placement ] p-median Benders branching vs assignment model: seeds %llu..%llu, 20 sites, 50 demands\n",
              static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  std::size_t branched = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.sites = 20;
    shape.demands = 50;
    shape.p = 2 + static_cast<int>(seed % 5);
    shape.rounded = seed % 3 == 0;
    shape.statuses = seed % 4 == 0;
    shape.random_matrix = true;
    double budget = kInfinity;
    Instance in = euclidean_instance(rng, shape, budget);
    const int required = static_cast<int>(std::count(in.status.begin(), in.status.end(), SiteStatus::required));
    in.p = std::max(in.p, required + 2);
    SCOPED_TRACE("seed " + std::to_string(seed) + " p=" + std::to_string(in.p));
    const PlacementResult exact =
        solve(in, rng, budget, true, false, false, Method::benders, seed % 2 ? 1.0 : 0.3, 5, seed % 4 < 2);
    const PlacementResult assignment = solve(in, rng, budget, false, false);
    ASSERT_EQ(assignment.status, SolveStatus::optimal) << assignment.reason << " (" << assignment.method << ")";
    ASSERT_EQ(exact.status, SolveStatus::optimal) << exact.reason << " (" << exact.method << ")";
    branched += nodes_of(exact) > 1;
    EXPECT_NEAR(exact.objective, assignment.objective, 1e-9 * assignment.objective) << exact.method;
    EXPECT_NEAR(plan_value(in, exact), exact.objective, 1e-9 * exact.objective);
  }
  std::printf("[ placement ] %zu of %llu branched\n", branched, static_cast<unsigned long long>(kSeeds));
  EXPECT_GE(branched, 1u) << "never branched";
}

// Benders with every cut dropped from the LP as soon as it is slack: node LPs then lie below
// the bounds their nodes inherit, and reduced-cost fixing must start from the LP's own value.
// From the inherited bound it closed sites an optimum uses: on this instance (the one of
// `lightcone_bench_place --euclidean 1000 --p 50`: 1,000 demand points x 1,000 sites uniform
// in a 500 km square, weights 1..100, seed 1) it ended "optimal" at 236.676 us while the
// radius formulation and Benders with cuts kept longer prove 236.673 us. (400 small random
// instances, 30-70 sites, never showed it.) The same optimum whatever the cut management.
TEST(PmedianExact, BendersOptimumDoesNotDependOnWhenSlackCutsLeave) {
  const std::size_t n = 1000;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> km(0.0, 500.0);
  std::uniform_int_distribution<int> pop(1, 100);
  std::vector<double> sx(n), sy(n), dx(n), dy(n), weight(n);
  for (std::size_t j = 0; j < n; ++j) sx[j] = km(rng), sy[j] = km(rng);
  for (std::size_t d = 0; d < n; ++d) dx[d] = km(rng), dy[d] = km(rng), weight[d] = pop(rng);
  const LatencyModel model;
  Coverage cov;
  cov.demands = n;
  cov.sites = n;
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t j = 0; j < n; ++j) {
      cov.site.push_back(static_cast<std::uint32_t>(j));
      cov.latency_us.push_back(std::hypot(sx[j] - dx[d], sy[j] - dy[d]) * model.fibre_us_per_km());
    }
    cov.first.push_back(static_cast<std::uint32_t>(cov.site.size()));
  }
  auto solve_with = [&](std::uint32_t drop_slack_after) {
    PlacementInput in;
    in.problem = Problem::pmedian;
    in.coverage = &cov;
    in.weight = weight;
    in.p = 50;
    in.threads = 1;
    in.time_limit_s = 600;
    in.benders_drop_slack_after = drop_slack_after;
    return solve_placement(in);
  };
  const PlacementResult at_once = solve_with(1);
  const PlacementResult later = solve_with(5);
  ASSERT_EQ(at_once.status, SolveStatus::optimal) << at_once.reason << " (" << at_once.method << ")";
  ASSERT_EQ(later.status, SolveStatus::optimal) << later.reason << " (" << later.method << ")";
  EXPECT_NE(at_once.method.find("benders"), std::string::npos) << at_once.method;
  EXPECT_GT(nodes_of(at_once), 1u) << "the fault needs branching";
  EXPECT_NEAR(at_once.objective, later.objective, 1e-9 * later.objective);
}

INSTANTIATE_TEST_SUITE_P(Methods, PmedianExact, ::testing::Values(Method::benders, Method::radius),
                         [](const ::testing::TestParamInfo<Method>& i) {
                           return std::string(i.param == Method::radius ? "Radius" : "Benders");
                         });

}  // namespace
}  // namespace lightcone

namespace lightcone {
namespace {

using namespace place_test;

// No time at all (the deadline already passed): still exactly p sites (the greedy fills
// every slot at once), the plan's true weighted mean latency, and a bound no higher than
// it and no lower than every demand at its nearest option (the Lagrangian's start).
TEST(PmedianExact, PlanAndBoundWithNoTimeLeft) {
  std::mt19937_64 rng(7);
  Shape shape;
  shape.sites = 300;
  shape.demands = 300;
  shape.p = 25;
  shape.statuses = false;
  double budget = kInfinity;
  const Instance in = euclidean_instance(rng, shape, budget);
  Built b;
  build(b, in, Problem::pmedian, rng, budget);
  b.input.deadline = Deadline::after(-1.0);
  const PlacementResult r = solve_placement(b.input);
  ASSERT_TRUE(r.status == SolveStatus::feasible || r.status == SolveStatus::optimal) << r.reason;
  EXPECT_EQ(r.open.size(), 25u);
  EXPECT_NEAR(plan_value(in, r), r.objective, 1e-9 * r.objective);
  double nearest_sum = 0.0, weight = 0.0;
  for (std::size_t d = 0; d < in.demands; ++d) {
    nearest_sum += in.weight[d] * *std::min_element(in.lat[d].begin(), in.lat[d].end());
    weight += in.weight[d];
  }
  ASSERT_TRUE(std::isfinite(r.bound)) << r.method;
  EXPECT_LE(r.bound, r.objective * (1 + 1e-12));
  EXPECT_GE(r.bound, nearest_sum / weight * (1 - 1e-12));
}

}  // namespace
}  // namespace lightcone
