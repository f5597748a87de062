// Capacitated p-center when time runs out: the threshold search's capacitated greedy
// (heuristics.hpp: greedy_capacitated_cover) gives a plan whatever time is left, so a
// time-limited solve returns status feasible with a bound and a gap instead of no plan.
// Oracles (tests/placement/brute_force.hpp): every admissible site subset with its least
// threshold at which all load fits (a min-cost-flow written from the definition), and the
// same flow to check that a returned plan's loads fit within its stated worst latency.
// Instances: sites and demand points uniform in the unit square, latency 1000 × distance
// rounded to whole µs (ties), pairs beyond 0.7 missing, loads 1..5, capacities around the
// total load / p (some instances infeasible), some existing / required / excluded sites.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "placement/brute_force.hpp"

namespace lightcone {
namespace {

using namespace place_test;

Instance random_instance(std::mt19937_64& rng, std::size_t demands, std::size_t sites, int p, bool statuses) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> load(1, 5);
  Instance in;
  in.demands = demands;
  in.sites = sites;
  in.p = p;
  std::vector<std::pair<double, double>> s(sites), d(demands);
  for (auto& x : s) x = {u(rng), u(rng)};
  for (auto& x : d) x = {u(rng), u(rng)};
  in.lat.assign(demands, std::vector<double>(sites, kInfinity));
  for (std::size_t i = 0; i < demands; ++i)
    for (std::size_t j = 0; j < sites; ++j) {
      const double dist = std::hypot(d[i].first - s[j].first, d[i].second - s[j].second);
      if (dist <= 0.7) in.lat[i][j] = std::round(1000.0 * dist);
    }
  in.weight.assign(demands, 1.0);
  in.load.resize(demands);
  for (double& l : in.load) l = load(rng);
  const double per_site = total_load(in) / p;
  std::uniform_real_distribution<double> cap(0.6 * per_site, 1.6 * per_site);
  in.capacity.resize(sites);
  for (double& c : in.capacity) c = std::round(cap(rng));
  in.cost.assign(sites, 1.0);
  in.status.assign(sites, SiteStatus::candidate);
  if (statuses) {
    std::uniform_int_distribution<std::size_t> pick(0, sites - 1);
    in.status[pick(rng)] = SiteStatus::existing;
    in.status[pick(rng)] = SiteStatus::excluded;
    if (u(rng) < 0.5) in.status[pick(rng)] = SiteStatus::required;
  }
  return in;
}

// The returned plan as a subset (fixed sites open whatever happens).
Subset plan_of(const Instance& in, const PlacementResult& r) {
  Subset open(in.sites, 0);
  for (std::uint32_t j : r.open) open[j] = 1;
  for (std::size_t j = 0; j < in.sites; ++j)
    if (in.status[j] == SiteStatus::existing || in.status[j] == SiteStatus::required) open[j] = 1;
  return open;
}

// A plan with a bound: at most p new sites, admissible, every load fits within the stated
// worst latency, bound ≤ objective, the gap as stated.
void expect_sound_plan(const Instance& in, const PlacementResult& r) {
  ASSERT_TRUE(r.status == SolveStatus::feasible || r.status == SolveStatus::optimal)
      << to_string(r.status) << ": " << r.reason;
  const Subset open = plan_of(in, r);
  EXPECT_TRUE(admissible(in, open));
  EXPECT_LE(new_count(in, open), in.p);
  EXPECT_TRUE(loads_fit(in, open, r.objective)) << "the loads do not fit within " << r.objective << " us";
  EXPECT_LE(r.bound, r.objective);
  EXPECT_NEAR(r.gap, (r.objective - r.bound) / r.objective, 1e-9);
  if (r.status == SolveStatus::feasible) {
    EXPECT_NE(r.reason.find("time limit"), std::string::npos) << r.reason;
  }
}

TEST(PcenterCapacity, NoTimeLeftGivesAPlanAndABoundAroundTheBruteForceOptimum) {
  std::mt19937_64 rng(20261205);
  std::printf("[ placement ] capacitated p-center, seed 20261205\n");
  int feasible = 0, planned = 0, gaps = 0, infeasible = 0;
  for (int seed = 0; seed < 40; ++seed) {
    SCOPED_TRACE("instance " + std::to_string(seed));
    const int p = 2 + seed % 2;
    const Instance in = random_instance(rng, 8, 7, p, seed % 3 == 0);
    const BruteForce bf = brute_force(in, Problem::pcenter);
    // With time: the optimum (the greedy's "yes" and the capacity bound's "no" verdicts
    // must not mislead the search).
    Built full;
    build(full, in, Problem::pcenter, rng);
    const PlacementResult opt = solve_placement(full.input);
    if (!bf.feasible) {
      ++infeasible;
      EXPECT_EQ(opt.status, SolveStatus::infeasible) << opt.reason;
      continue;
    }
    ++feasible;
    ASSERT_EQ(opt.status, SolveStatus::optimal) << opt.reason;
    EXPECT_DOUBLE_EQ(opt.objective, bf.best);
    expect_sound_plan(in, opt);
    // No time at all: CBC decides nothing; the greedy's plan and the bound bracket the optimum.
    Built none;
    build(none, in, Problem::pcenter, rng);
    none.input.deadline = Deadline::after(-1.0);
    const PlacementResult r = solve_placement(none.input);
    if (r.status == SolveStatus::no_solution) continue;  // the greedy found no plan within p sites
    ++planned;
    expect_sound_plan(in, r);
    EXPECT_GE(r.objective, bf.best);
    EXPECT_LE(r.bound, bf.best);
    if (r.status == SolveStatus::optimal) {
      EXPECT_DOUBLE_EQ(r.objective, bf.best);
    }
    gaps += r.status == SolveStatus::feasible;
  }
  std::printf("[ placement ] %d feasible (%d infeasible): %d planned with no time left, %d of them with a gap\n",
              feasible, infeasible, planned, gaps);
  EXPECT_GE(feasible, 20);
  EXPECT_GE(planned, feasible * 8 / 10);  // before the greedy: none (CBC had no time)
  EXPECT_GE(gaps, 3);                     // the time-limit path is taken, not only instant optima
}

TEST(PcenterCapacity, ShortLimitOnALargerInstanceGivesAFeasiblePlanWhoseCapacitiesHold) {
  std::mt19937_64 rng(77);
  std::printf("[ placement ] capacitated p-center 80 x 30, seed 77\n");
  const Instance in = random_instance(rng, 80, 30, 6, true);
  Built b;
  build(b, in, Problem::pcenter, rng);
  b.input.deadline = Deadline::after(-1.0);
  const PlacementResult r = solve_placement(b.input);
  expect_sound_plan(in, r);
  EXPECT_EQ(r.status, SolveStatus::feasible);
  EXPECT_GT(r.gap, 0.0);
  // The plan's own least threshold (the flow oracle) is at most the stated objective.
  EXPECT_LE(evaluate(in, Problem::pcenter, plan_of(in, r)), r.objective);
  // A real (short) limit: still a plan whose loads fit, and never worse than with no time.
  Built s;
  build(s, in, Problem::pcenter, rng);
  s.input.time_limit_s = 0.5;
  const PlacementResult q = solve_placement(s.input);
  expect_sound_plan(in, q);
  EXPECT_LE(q.objective, r.objective);
  EXPECT_GE(q.bound, r.bound);
  std::printf("[ placement ] no time: %.0f us (bound %.0f, gap %.1f %%); 0.5 s: %s %.0f us (bound %.0f); %s\n", r.objective,
              r.bound, 100 * r.gap, to_string(q.status).c_str(), q.objective, q.bound, q.method.c_str());
}

}  // namespace
}  // namespace lightcone
