// Demand assignment after placement (placement/assign.hpp) against an independent
// oracle: the successive-shortest-path min-cost flow of tests/placement/brute_force.hpp.
// With capacities the LP must serve as much load as the maximum flow, never exceed a
// capacity, and reach the min-cost flow's Σ load × latency when everything fits.
#include <gtest/gtest.h>

#include <random>

#include "placement/assign.hpp"
#include "placement/brute_force.hpp"

namespace lightcone {
namespace {

using namespace place_test;

struct Case {
  Instance in;
  Coverage cov;
};

Case random_case(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  Case c;
  Instance& in = c.in;
  in.sites = 2 + rng() % 6;
  in.demands = 3 + rng() % 14;
  in.lat.assign(in.demands, std::vector<double>(in.sites, kInfinity));
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
  for (std::uint32_t d = 0; d < in.demands; ++d)
    for (std::uint32_t j = 0; j < in.sites; ++j)
      if (u01(rng) < 0.5) {
        in.lat[d][j] = 1.0 + 99.0 * u01(rng);
        triples.emplace_back(d, j, in.lat[d][j]);
      }
  in.load.resize(in.demands);
  for (double& l : in.load) l = 1.0 + std::floor(5.0 * u01(rng));
  in.weight = in.load;  // served weight = served load: the maximum flow is the oracle
  in.capacity.resize(in.sites);
  for (double& cap : in.capacity) cap = 2.0 + std::floor(12.0 * u01(rng));
  in.status.assign(in.sites, SiteStatus::candidate);
  c.cov = coverage_from_triples(in.demands, in.sites, std::move(triples), kInfinity);
  return c;
}

TEST(Assign, CapacitatedEqualsMinCostFlow) {
  std::mt19937_64 rng(20261127);
  int full = 0, partial = 0;
  for (int round = 0; round < 300; ++round) {
    const Case c = random_case(rng);
    const Instance& in = c.in;
    Subset open(in.sites, 0);
    for (auto& o : open) o = static_cast<char>(rng() % 3 != 0);
    const std::vector<double> limit(in.demands, kInfinity);
    const Assignment a = assign_demand(c.cov, open, limit, in.weight, in.load, in.capacity);
    const auto [flow, cost] = flow_on(in, open, kInfinity, false, [](std::size_t) { return 0.0; },
                                      [&](std::size_t d, std::size_t j) { return in.lat[d][j]; });
    double served = 0.0;
    for (std::size_t d = 0; d < in.demands; ++d) {
      served += a.served[d] * in.load[d];
      if (a.site[d] != kNone) {
        ASSERT_TRUE(open[a.site[d]]);
        ASSERT_DOUBLE_EQ(a.latency_us[d], in.lat[d][a.site[d]]);
      }
    }
    const std::string at = "round " + std::to_string(round);
    EXPECT_NEAR(served, flow, 1e-6) << at;
    for (std::size_t j = 0; j < in.sites; ++j) {
      EXPECT_LE(a.site_load[j], in.capacity[j] + 1e-6) << at;
      if (!open[j]) {
        EXPECT_EQ(a.site_load[j], 0.0) << at;
      }
    }
    if (flow >= total_load(in) - 1e-9) {
      ++full;
      EXPECT_NEAR(a.load_latency, cost, 1e-6 * std::max(1.0, cost)) << at;
    } else {
      ++partial;
    }
  }
  EXPECT_GT(full, 30);
  EXPECT_GT(partial, 30);
}

TEST(Assign, UncapacitatedIsNearestOpenWithinLimit) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 100; ++round) {
    const Case c = random_case(rng);
    const Instance& in = c.in;
    Subset open(in.sites, 0);
    for (auto& o : open) o = static_cast<char>(rng() % 2);
    const std::vector<double> limit(in.demands, 60.0);
    const Assignment a = assign_demand(c.cov, open, limit, in.weight, in.load, {});
    for (std::size_t d = 0; d < in.demands; ++d) {
      std::uint32_t best = kNone;
      for (std::uint32_t j = 0; j < in.sites; ++j)
        if (open[j] && in.lat[d][j] <= 60.0 && (best == kNone || in.lat[d][j] < in.lat[d][best])) best = j;
      EXPECT_EQ(a.site[d], best);
      EXPECT_EQ(a.served[d], best == kNone ? 0.0 : 1.0);
    }
    EXPECT_FALSE(a.split);
  }
}

}  // namespace
}  // namespace lightcone
