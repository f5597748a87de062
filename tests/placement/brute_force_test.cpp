// Every problem type against brute-force enumeration of all site subsets
// (tests/placement/brute_force.hpp) on random instances with ≤ 12 candidate sites:
// random sparse coverage (with repeated rows so the row merge has work, and dominated
// columns), weights, loads, costs, site statuses (existing / required / excluded) and,
// in the capacitated tests, capacities. Seeds are fixed and printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "placement/brute_force.hpp"

namespace lightcone {
namespace {

using namespace place_test;

const char* name_of(Problem p) {
  switch (p) {
    case Problem::lscp: return "lscp";
    case Problem::mclp: return "mclp";
    case Problem::pmedian: return "pmedian";
    case Problem::pcenter: return "pcenter";
  }
  return "?";
}

struct Shape {
  std::size_t sites = 12;
  std::size_t demands = 30;
  bool capacitated = false;
  bool all_coverable = true;  // every demand has ≥ 2 admissible options
};

Instance random_instance(std::mt19937_64& rng, const Shape& shape) {
  Instance in;
  in.sites = shape.sites;
  in.demands = shape.demands;
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  auto uniform = [&](double a, double b) { return a + (b - a) * u01(rng); };
  in.status.resize(in.sites);
  for (auto& s : in.status) {
    const double r = u01(rng);
    s = r < 0.7 ? SiteStatus::candidate : r < 0.8 ? SiteStatus::existing : r < 0.9 ? SiteStatus::required : SiteStatus::excluded;
  }
  const double density = uniform(0.15, 0.45);
  in.lat.assign(in.demands, std::vector<double>(in.sites, kInfinity));
  for (std::size_t d = 0; d < in.demands; ++d) {
    const double r = u01(rng);
    if (d > 0 && r < 0.25) {  // the same row as an earlier demand (merged by every problem)
      in.lat[d] = in.lat[std::uniform_int_distribution<std::size_t>(0, d - 1)(rng)];
      continue;
    }
    if (d > 0 && r < 0.35) {  // the same sites, other latencies (merged by LSCP / MCLP only)
      in.lat[d] = in.lat[std::uniform_int_distribution<std::size_t>(0, d - 1)(rng)];
      for (double& l : in.lat[d])
        if (std::isfinite(l)) l = uniform(1.0, 100.0);
      continue;
    }
    for (std::size_t j = 0; j < in.sites; ++j)
      if (u01(rng) < density) in.lat[d][j] = uniform(1.0, 100.0);
    if (shape.all_coverable) {
      auto options = [&] {
        int c = 0;
        for (std::size_t j = 0; j < in.sites; ++j) c += std::isfinite(in.lat[d][j]) && in.status[j] != SiteStatus::excluded;
        return c;
      };
      for (int guard = 0; options() < 2 && guard < 1000; ++guard) {
        const std::size_t j = std::uniform_int_distribution<std::size_t>(0, in.sites - 1)(rng);
        if (!std::isfinite(in.lat[d][j])) in.lat[d][j] = uniform(1.0, 100.0);
      }
    }
  }
  in.weight.resize(in.demands);
  in.load.resize(in.demands);
  for (std::size_t d = 0; d < in.demands; ++d) {
    in.weight[d] = uniform(0.5, 5.0);
    in.load[d] = uniform(0.5, 3.0);
  }
  in.cost.resize(in.sites);
  in.capacity.assign(in.sites, kInfinity);
  for (std::size_t j = 0; j < in.sites; ++j) {
    in.cost[j] = uniform(1.0, 10.0);
    if (shape.capacitated && u01(rng) < 0.85) in.capacity[j] = uniform(2.0, 8.0);
  }
  return in;
}

// Distinct non-empty admissible option sets (with latencies when they matter): the rows
// the merge must leave for an uncapacitated problem.
std::size_t expected_rows(const Instance& in, bool with_latency) {
  std::set<std::vector<std::pair<std::size_t, double>>> rows;
  for (std::size_t d = 0; d < in.demands; ++d) {
    std::vector<std::pair<std::size_t, double>> key;
    for (std::size_t j = 0; j < in.sites; ++j)
      if (std::isfinite(in.lat[d][j]) && in.status[j] != SiteStatus::excluded)
        key.emplace_back(j, with_latency ? in.lat[d][j] : 0.0);
    if (!key.empty()) rows.insert(key);
  }
  return rows.size();
}

// The fewest new sites that serve every demand (capacities included), by brute force;
// 2 when none can.
int fewest_new_sites(const Instance& in) {
  Instance unit = in;
  unit.k = 1;
  for (std::size_t j = 0; j < in.sites; ++j) unit.cost[j] = 1.0;
  const BruteForce bf = brute_force(unit, Problem::lscp);
  return bf.feasible ? std::max(1, static_cast<int>(std::lround(bf.best))) : 2;
}

std::string describe(const std::vector<std::uint32_t>& v) {
  std::ostringstream s;
  s << "{";
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  s << "}";
  return s.str();
}

struct Tally {
  std::size_t solves = 0, infeasible = 0, unique_checked = 0, subsets = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_problem;  // solves, infeasible
  std::string summary() const {
    std::string out;
    for (const auto& [what, n] : per_problem)
      out += (out.empty() ? "" : ", ") + what + " " + std::to_string(n.first - n.second) + "/" + std::to_string(n.first);
    return out;
  }
};

// Solves `problem` on `in` and checks it against brute force and the result contract.
PlacementResult check(const Instance& in, Problem problem, std::mt19937_64& rng, Tally& tally, const std::string& label) {
  SCOPED_TRACE(label);
  Built b;
  build(b, in, problem, rng, 100.0);
  const PlacementResult r = solve_placement(b.input);
  const BruteForce bf = brute_force(in, problem);
  ++tally.solves;
  auto& per = tally.per_problem[label.substr(label.find(' ', label.find(' ') + 1) + 1)];
  ++per.first;
  tally.subsets += bf.subsets;
  const bool cap = in.capacitated();

  EXPECT_EQ(r.rows_before, in.demands);
  EXPECT_LE(r.rows_after, r.rows_before);
  EXPECT_EQ(r.columns_before, in.sites);
  EXPECT_LE(r.columns_after, r.columns_before);
  if (!cap && problem == Problem::lscp && in.k <= 1) {
    // Plain covering also drops dominated rows (supersets of another row's options).
    EXPECT_LE(r.rows_after, expected_rows(in, false));
  } else if (!cap) {
    EXPECT_EQ(r.rows_after, expected_rows(in, problem == Problem::pmedian || problem == Problem::pcenter));
  }

  // Demand with fewer than k admissible options.
  std::vector<std::uint32_t> uncoverable;
  for (std::uint32_t d = 0; d < in.demands; ++d) {
    int c = 0;
    for (std::size_t j = 0; j < in.sites; ++j) c += std::isfinite(in.lat[d][j]) && in.status[j] != SiteStatus::excluded;
    if (c < (problem == Problem::lscp ? in.k : 1)) uncoverable.push_back(d);
  }
  if (problem != Problem::mclp) {
    EXPECT_EQ(r.uncoverable, uncoverable);
  }

  if (!bf.feasible) {
    ++tally.infeasible;
    ++per.second;
    EXPECT_EQ(r.status, SolveStatus::infeasible) << "objective " << r.objective << " open " << describe(r.open);
    EXPECT_FALSE(r.reason.empty());
    return r;
  }
  EXPECT_EQ(r.status, SolveStatus::optimal) << r.reason << " (" << r.method << ")";
  if (r.status != SolveStatus::optimal) return r;
  EXPECT_TRUE(same_value(r.objective, bf.best)) << "objective " << r.objective << " brute force " << bf.best
                                                << " open " << describe(r.open) << " brute-force optimum "
                                                << describe(sites_of(bf.optima.front()));
  // The chosen sites are a feasible solution worth the reported objective.
  EXPECT_TRUE(std::is_sorted(r.open.begin(), r.open.end()));
  Subset open(in.sites, 0);
  for (std::uint32_t j : r.open) {
    EXPECT_LT(j, in.sites);
    if (j < in.sites) open[j] = 1;
  }
  const double value = evaluate(in, problem, open);
  EXPECT_FALSE(std::isnan(value)) << "open " << describe(r.open) << " is not a feasible solution";
  if (!std::isnan(value)) {
    EXPECT_TRUE(same_value(value, r.objective)) << "open sites are worth " << value;
  }
  if (bf.optima.size() == 1 && problem != Problem::pcenter) {
    ++tally.unique_checked;
    EXPECT_EQ(r.open, sites_of(bf.optima.front()));
  }
  // Bound and gap of a proven optimum.
  EXPECT_TRUE(same_value(r.bound, r.objective)) << "bound " << r.bound;
  EXPECT_LE(r.gap, 1e-9);
  // Assignments: to an open site that covers the demand at the stated latency; without
  // capacities the nearest open one; every demand served except uncovered MCLP demand.
  EXPECT_EQ(r.assigned.size(), in.demands);
  EXPECT_EQ(r.assigned_latency_us.size(), in.demands);
  for (std::size_t d = 0; d < std::min(in.demands, r.assigned.size()); ++d) {
    const std::uint32_t a = r.assigned[d];
    const bool covered = covering_count(in, open, d) > 0;
    if (problem != Problem::mclp || covered) {
      EXPECT_NE(a, kNone) << "demand " << d;
    } else {
      EXPECT_EQ(a, kNone) << "demand " << d;
    }
    if (a == kNone) continue;
    EXPECT_LT(a, in.sites);
    if (a >= in.sites) continue;
    EXPECT_TRUE(open[a]) << "demand " << d << " assigned to closed site " << a;
    EXPECT_TRUE(std::isfinite(in.lat[d][a])) << "demand " << d << " assigned to site " << a << " that does not cover it";
    EXPECT_DOUBLE_EQ(r.assigned_latency_us[d], in.lat[d][a]) << "demand " << d;
    if (!cap) {
      EXPECT_DOUBLE_EQ(r.assigned_latency_us[d], nearest(in, open, d)) << "demand " << d;
    }
  }
  return r;
}

TEST(PlacementBruteForce, UncapacitatedEveryProblemOnTwelveSites) {
  constexpr std::uint64_t kFirstSeed = 1, kSeeds = 30;
  std::printf("[ placement ] uncapacitated brute force: seeds %llu..%llu, 12 sites, 30 demands\n",
              static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  Tally tally;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.all_coverable = seed % 5 != 0;  // every fifth instance has demand no site covers
    Instance in = random_instance(rng, shape);
    const std::string s = "seed " + std::to_string(seed);
    check(in, Problem::lscp, rng, tally, s + " lscp");
    in.heuristics = false;  // the same by CBC alone (the local search + LP bound skipped)
    check(in, Problem::lscp, rng, tally, s + " lscp cbc");
    in.heuristics = true;
    in.k = 2;
    check(in, Problem::lscp, rng, tally, s + " lscp k=2");
    in.k = 1;
    for (int p = 1; p <= 4; ++p) {
      in.p = p;
      check(in, Problem::mclp, rng, tally, s + " mclp p=" + std::to_string(p));
    }
    // k is the LSCP backup level only: the other problems must ignore it.
    in.k = 2;
    in.p = 3;
    in.money = 6.0 + 2.0 * static_cast<double>(seed % 7);
    check(in, Problem::mclp, rng, tally, s + " mclp money");
    in.money = kInfinity;
    // p-median / p-center need every demand served: p from the fewest new sites that
    // serve all (else nearly every instance is infeasible), plus a fixed small p.
    const int m = fewest_new_sites(in);
    for (int p : {2, m, m + 1}) {
      in.p = p;
      const std::string what = p == 2 ? "p=2" : p == m ? "p=m" : "p=m+1";
      check(in, Problem::pmedian, rng, tally, s + " pmedian " + what);
      check(in, Problem::pcenter, rng, tally, s + " pcenter " + what);
    }
    if (::testing::Test::HasFailure()) break;  // one seed's failures are enough to read
  }
  std::printf("[ placement ] %zu solves (%zu infeasible), %zu subsets enumerated, unique optimum sites compared %zu times\n"
              "[ placement ] feasible/solves: %s\n",
              tally.solves, tally.infeasible, tally.subsets, tally.unique_checked, tally.summary().c_str());
}

TEST(PlacementBruteForce, CapacitatedLscpMclpPmedianPcenter) {
  constexpr std::uint64_t kFirstSeed = 101, kSeeds = 30;
  std::printf("[ placement ] capacitated brute force: seeds %llu..%llu, 9 sites, 16 demands\n",
              static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  Tally tally;
  std::size_t binding = 0;  // instances where capacities change the LSCP optimum
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.sites = 9;
    shape.demands = 16;
    shape.capacitated = true;
    Instance in = random_instance(rng, shape);
    const std::string s = "seed " + std::to_string(seed);
    const PlacementResult lscp = check(in, Problem::lscp, rng, tally, s + " lscp");
    Instance free = in;
    free.capacity.assign(in.sites, kInfinity);
    const BruteForce uncap = brute_force(free, Problem::lscp);
    if (uncap.feasible && lscp.status == SolveStatus::optimal && !same_value(uncap.best, lscp.objective)) ++binding;
    for (int p : {2, 3}) {
      in.p = p;
      check(in, Problem::mclp, rng, tally, s + " mclp p=" + std::to_string(p));
    }
    const int m = fewest_new_sites(in);
    for (int p : {m, m + 1}) {
      in.p = p;
      const std::string what = p == m ? "p=m" : "p=m+1";
      check(in, Problem::pmedian, rng, tally, s + " pmedian " + what);
      check(in, Problem::pcenter, rng, tally, s + " pcenter " + what);
    }
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("[ placement ] %zu solves (%zu infeasible), capacities binding for LSCP in %zu instances, unique optimum sites compared %zu times\n"
              "[ placement ] feasible/solves: %s\n",
              tally.solves, tally.infeasible, binding, tally.unique_checked, tally.summary().c_str());
  EXPECT_GE(binding, 5u) << "the instances should exercise capacities";
}

// Dominated columns never change the optimum: LSCP and MCLP on the same instance with
// and without column reduction (a capacity of 1e12 on every site disables it while
// changing nothing else), and the reduction must really drop columns somewhere.
TEST(PlacementBruteForce, DominatedColumnsNeverChangeTheOptimum) {
  constexpr std::uint64_t kFirstSeed = 201, kSeeds = 20;
  std::printf("[ placement ] reductions: seeds %llu..%llu\n", static_cast<unsigned long long>(kFirstSeed),
              static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  std::size_t dropped = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Instance in = random_instance(rng, Shape{});
    for (Problem problem : {Problem::lscp, Problem::mclp}) {
      SCOPED_TRACE(name_of(problem));
      in.p = 3;
      Built reduced, full;
      build(reduced, in, problem, rng, 100.0);
      build(full, in, problem, rng, 100.0);
      full.input.capacity.assign(in.sites, 1e12);
      const PlacementResult a = solve_placement(reduced.input);
      const PlacementResult b = solve_placement(full.input);
      EXPECT_EQ(b.columns_after, static_cast<std::size_t>(std::count_if(in.status.begin(), in.status.end(), [](SiteStatus s) {
                  return s != SiteStatus::excluded;
                })));
      dropped += a.columns_before - a.columns_after;
      EXPECT_EQ(a.status, b.status) << b.reason << " / " << b.method;
      if (a.status == SolveStatus::optimal && b.status == SolveStatus::optimal) {
        EXPECT_TRUE(same_value(a.objective, b.objective)) << a.objective << " vs " << b.objective;
      }
    }
  }
  std::printf("[ placement ] %zu columns dropped as dominated or empty\n", dropped);
  EXPECT_GT(dropped, 0u);
}

// Row dominance (LSCP, k = 1) and row generation (LSCP on large models; forced here by
// rowgen_min_nonzeros = 0 with batches of 1-3 rows and no local search first, so that
// many rounds run) against
// brute force, on instances with more demand than sites so that rows dominate others.
TEST(PlacementBruteForce, RowDominanceAndRowGenerationKeepTheOptimum) {
  constexpr std::uint64_t kFirstSeed = 401, kSeeds = 30;
  std::printf("[ placement ] row dominance / generation: seeds %llu..%llu\n", static_cast<unsigned long long>(kFirstSeed),
              static_cast<unsigned long long>(kFirstSeed + kSeeds - 1));
  Tally tally;
  std::size_t dropped_rows = 0, generated = 0, generated_runs = 0, backup_runs = 0;
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    Shape shape;
    shape.demands = 60;
    shape.all_coverable = seed % 5 != 0;
    Instance in = random_instance(rng, shape);
    const std::string s = "seed " + std::to_string(seed);
    const PlacementResult plain = check(in, Problem::lscp, rng, tally, s + " lscp");
    if (plain.status == SolveStatus::optimal) dropped_rows += expected_rows(in, false) - plain.rows_after;
    in.rowgen_min_nonzeros = 0;
    in.rowgen_batch = 1 + seed % 3;
    in.heuristics = false;  // straight to CBC's row generation
    const PlacementResult gen = check(in, Problem::lscp, rng, tally, s + " lscp rowgen");
    if (gen.method.find("row generation") != std::string::npos) {
      generated += gen.mip_solves;
      ++generated_runs;
    }
    in.k = 2;  // backup coverage by row generation
    const PlacementResult backup = check(in, Problem::lscp, rng, tally, s + " lscp k=2 rowgen");
    if (backup.method.find("row generation") != std::string::npos) ++backup_runs;
    in.k = 1;
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("[ placement ] %zu solves (%zu infeasible), %zu dominated rows dropped, %zu row-generation MIPs\n",
              tally.solves, tally.infeasible, dropped_rows, generated);
  EXPECT_GT(dropped_rows, 0u);
  EXPECT_GT(generated_runs, 10u);
  EXPECT_GT(generated, generated_runs);  // more than one round per solve on average
  EXPECT_GT(backup_runs, 10u);
}

}  // namespace
}  // namespace lightcone
