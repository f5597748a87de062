// Survivable coverage: the cut rows equal a brute-force re-evaluation on the network
// with each edge removed, and a covering plan that survives every single cut adds the
// site brute force says is needed.
//
//   s0 ====== a ====== b ===bridge=== c ====== s2          (each segment 6 km)
//             |        |
//             s1 ------+                                    demand near c
//
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "latency/point_latency.hpp"
#include "network/attach.hpp"
#include "network/geodesic.hpp"
#include "placement/placement.hpp"
#include "placement/survival.hpp"
#include "support/network_edit.hpp"

namespace lightcone {
namespace {

struct Instance {
  Network net;
  std::vector<Source> candidates;
  std::vector<LonLat> demand;
};

Network without_edge(const Network& net, EdgeId cut) { return test::without_edges(net, std::span(&cut, 1)); }

// Sites covering each demand within the budget, by single-site point latency.
std::vector<std::set<std::uint32_t>> covered_sets(const Network& net, const LatencyModel& model,
                                                  const std::vector<Source>& cands, const std::vector<LonLat>& demand,
                                                  double budget) {
  Graph graph(net);
  SegmentIndex index(net);
  PointLatencyQuery q(net, index, model);
  std::vector<std::set<std::uint32_t>> out(demand.size());
  for (std::uint32_t j = 0; j < cands.size(); ++j) {
    const NodeLatencies lat = nearest_source_latency(graph, std::span(&cands[j], 1));
    for (std::size_t d = 0; d < demand.size(); ++d)
      if (q.evaluate(demand[d], lat.us, lat.source).latency_us <= budget) out[d].insert(j);
  }
  return out;
}

Instance make_instance(const LatencyModel& model) {
  const LonLat s0{120.0, 36.0};
  const LonLat a = geodesic_destination(s0, 90, 6000);
  const LonLat b = geodesic_destination(a, 90, 6000);
  const LonLat c = geodesic_destination(b, 90, 6000);
  const LonLat s2 = geodesic_destination(c, 90, 6000);
  const LonLat s1 = geodesic_destination(a, 180, 6000);
  const LonLat s1b = geodesic_destination(b, 180, 6000);
  LineInput lines;
  lines.add_line(std::vector<LonLat>{s0, a}, 1);
  lines.add_line(std::vector<LonLat>{a, b}, 2);
  lines.add_line(std::vector<LonLat>{b, c}, 3);  // the bridge towards the demand
  lines.add_line(std::vector<LonLat>{c, s2}, 4);
  lines.add_line(std::vector<LonLat>{a, s1}, 5);
  lines.add_line(std::vector<LonLat>{s1, s1b, b}, 6);
  Instance inst;
  inst.net = build_network(lines, model, {}, nullptr);
  SegmentIndex index(inst.net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  for (LonLat p : {s0, s1, s2}) at.push_back(attach_point(index, p, 100, scratch));
  const auto nodes = split_at(inst.net, at);
  for (NodeId v : nodes) inst.candidates.push_back({v, 0.0});
  for (double off : {300.0, 800.0, 1500.0}) inst.demand.push_back(geodesic_destination(c, 0, off));
  inst.demand.push_back(geodesic_destination(a, 0, 500.0));
  return inst;
}

TEST(Survival, RowsEqualBruteForceOverEverySingleCut) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const Instance inst = make_instance(model);
  const double budget = 150.0;  // one-way µs: ~20 km of fibre plus access
  Graph graph(inst.net);
  SegmentIndex index(inst.net);
  const Coverage cov = build_coverage(inst.net, graph, index, model, AccessFrom::edges, inst.demand, inst.candidates, budget, 2);
  const CutScenarios cuts = single_edge_cuts(inst.net);
  const SurvivalRows rows = survival_rows(inst.net, graph, index, model, AccessFrom::edges, inst.demand, inst.candidates,
                                          budget, cov, cuts, 2);
  const auto base = covered_sets(inst.net, model, inst.candidates, inst.demand, budget);
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::set<std::uint32_t>>> expected, got;
  for (EdgeId e = 0; e < inst.net.edges(); ++e) {
    const auto after = covered_sets(without_edge(inst.net, e), model, inst.candidates, inst.demand, budget);
    for (std::uint32_t d = 0; d < inst.demand.size(); ++d)
      if (after[d] != base[d]) expected.emplace(d, e, after[d]);
  }
  for (std::size_t r = 0; r < rows.rows(); ++r)
    got.emplace(rows.demand[r], rows.scenario[r],
                std::set<std::uint32_t>(rows.sites.begin() + rows.first[r], rows.sites.begin() + rows.first[r + 1]));
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(expected.empty()) << "the instance must have cuts that matter";
  EXPECT_TRUE(rows.complete);
  EXPECT_EQ(rows.sites_searched, rows.sites_to_search);
  EXPECT_GT(rows.sites_to_search, 0u);

  // A deadline far off changes nothing; one already passed stops the build: no rows at all
  // (a part of them would pass plans that some cut breaks), and it says so.
  const SurvivalRows later = survival_rows(inst.net, graph, index, model, AccessFrom::edges, inst.demand, inst.candidates,
                                           budget, cov, cuts, 2, Deadline::after(600.0));
  EXPECT_TRUE(later.complete);
  EXPECT_EQ(later.sites, rows.sites);
  EXPECT_EQ(later.first, rows.first);
  for (unsigned threads : {1u, 2u}) {
    const SurvivalRows none = survival_rows(inst.net, graph, index, model, AccessFrom::edges, inst.demand, inst.candidates,
                                            budget, cov, cuts, threads, Deadline::after(-1.0));
    EXPECT_FALSE(none.complete);
    EXPECT_EQ(none.rows(), 0u);
    EXPECT_EQ(none.sites_searched, 0u);
    EXPECT_EQ(none.sites_to_search, rows.sites_to_search);
  }
}

TEST(Survival, SurvivableCoverageFlagsEqualBruteForceForEveryOpenSet) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const Instance inst = make_instance(model);
  const double budget = 150.0;
  Graph graph(inst.net);
  SegmentIndex index(inst.net);
  const CutScenarios cuts = single_edge_cuts(inst.net);
  const auto base = covered_sets(inst.net, model, inst.candidates, inst.demand, budget);
  std::vector<std::vector<std::set<std::uint32_t>>> after;
  for (EdgeId e = 0; e < inst.net.edges(); ++e)
    after.push_back(covered_sets(without_edge(inst.net, e), model, inst.candidates, inst.demand, budget));
  int survivors = 0, losers = 0;
  for (unsigned mask = 1; mask < (1u << inst.candidates.size()); ++mask) {
    std::vector<Source> open(inst.candidates.size(), Source{kNone, 0.0});
    for (std::uint32_t j = 0; j < open.size(); ++j)
      if (mask & (1u << j)) open[j] = inst.candidates[j];
    const std::vector<char> got = survivable_coverage(inst.net, graph, index, model, AccessFrom::edges, inst.demand,
                                                      open, budget, cuts, 2);
    for (std::uint32_t d = 0; d < inst.demand.size(); ++d) {
      auto any_open = [&](const std::set<std::uint32_t>& s) {
        return std::any_of(s.begin(), s.end(), [&](std::uint32_t j) { return (mask >> j) & 1u; });
      };
      bool expected = any_open(base[d]);
      for (const auto& a : after) expected = expected && any_open(a[d]);
      EXPECT_EQ(got[d] != 0, expected) << "open mask " << mask << ", demand " << d;
      (expected ? survivors : losers)++;
    }
  }
  EXPECT_GT(survivors, 0);
  EXPECT_GT(losers, 0);
}

TEST(Survival, SurvivableCoverAddsTheSiteBeyondTheBridge) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const Instance inst = make_instance(model);
  const double budget = 150.0;
  Graph graph(inst.net);
  SegmentIndex index(inst.net);
  const std::vector<LonLat> demand(inst.demand.begin(), inst.demand.begin() + 3);  // near c only
  const Coverage cov = build_coverage(inst.net, graph, index, model, AccessFrom::edges, demand, inst.candidates, budget, 1);
  PlacementInput in;
  in.problem = Problem::lscp;
  in.coverage = &cov;
  const PlacementResult plain = solve_placement(in);
  ASSERT_EQ(plain.status, SolveStatus::optimal);
  EXPECT_DOUBLE_EQ(plain.objective, 1.0);
  const SurvivalRows rows = survival_rows(inst.net, graph, index, model, AccessFrom::edges, demand, inst.candidates,
                                          budget, cov, single_edge_cuts(inst.net), 1);
  in.survival = &rows;
  const PlacementResult survivable = solve_placement(in);
  ASSERT_EQ(survivable.status, SolveStatus::optimal) << survivable.reason;
  // Brute force: the cheapest set covering every demand under every single cut.
  double best = 1e9;
  std::vector<std::uint32_t> best_set;
  const auto base = covered_sets(inst.net, model, inst.candidates, demand, budget);
  std::vector<std::vector<std::set<std::uint32_t>>> after;
  for (EdgeId e = 0; e < inst.net.edges(); ++e)
    after.push_back(covered_sets(without_edge(inst.net, e), model, inst.candidates, demand, budget));
  for (unsigned mask = 1; mask < 8; ++mask) {
    auto has = [&](const std::set<std::uint32_t>& s) {
      for (std::uint32_t j : s)
        if (mask & (1u << j)) return true;
      return false;
    };
    bool ok = true;
    for (std::size_t d = 0; d < demand.size(); ++d) {
      ok = ok && has(base[d]);
      for (const auto& a : after) ok = ok && has(a[d]);
    }
    const double cost = __builtin_popcount(mask);
    if (ok && cost < best) {
      best = cost;
      best_set.clear();
      for (std::uint32_t j = 0; j < 3; ++j)
        if (mask & (1u << j)) best_set.push_back(j);
    }
  }
  EXPECT_DOUBLE_EQ(survivable.objective, best);
  EXPECT_GT(survivable.objective, plain.objective);
  // The site beyond the bridge (s2) is in every cheapest survivable plan.
  EXPECT_TRUE(std::find(survivable.open.begin(), survivable.open.end(), 2u) != survivable.open.end());
  EXPECT_TRUE(std::find(best_set.begin(), best_set.end(), 2u) != best_set.end());
}

TEST(Survival, MaxCoverCountsOnlyDemandThatSurvivesEveryCut) {
  LatencyModel model;
  model.max_access = Metres{3000};
  const Instance inst = make_instance(model);
  const double budget = 150.0;
  Graph graph(inst.net);
  SegmentIndex index(inst.net);
  const std::vector<LonLat> demand(inst.demand.begin(), inst.demand.begin() + 3);  // near c only
  const Coverage cov = build_coverage(inst.net, graph, index, model, AccessFrom::edges, demand, inst.candidates, budget, 1);
  const SurvivalRows rows = survival_rows(inst.net, graph, index, model, AccessFrom::edges, demand, inst.candidates,
                                          budget, cov, single_edge_cuts(inst.net), 1);
  PlacementInput in;
  in.problem = Problem::mclp;
  in.coverage = &cov;
  in.weight = {1.0, 2.0, 4.0};
  in.p = 1;
  EXPECT_DOUBLE_EQ(solve_placement(in).objective, 7.0);  // any one site covers all three
  in.survival = &rows;
  const PlacementResult one = solve_placement(in);
  ASSERT_EQ(one.status, SolveStatus::optimal);
  EXPECT_DOUBLE_EQ(one.objective, 0.0) << "no single site survives both the bridge cut and its own spur cut";
  in.p = 2;
  const PlacementResult two = solve_placement(in);
  ASSERT_EQ(two.status, SolveStatus::optimal);
  EXPECT_DOUBLE_EQ(two.objective, 7.0);
}

}  // namespace
}  // namespace lightcone
