// The search kernel (issue 17: flat CSR arrays, a fast sweep that hands ties to an exact
// sweep taking Boost's steps, no allocation per run) against the engine it replaced,
// Boost.Graph's Dijkstra
// (support/boost_search.hpp), bit for bit: the settle order of reached(), every
// reached_latency() and latency() as bits, source_of() and pred_edge() of every node.
// Ties decide sources and predecessors, so the random graphs below are full of them
// (delays from a few integers, zero delays, parallel edges, duplicate sources with equal
// offsets), and one query object serves every run (state left over from a previous run
// must not leak). Seeds are fixed and printed.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "latency/search.hpp"
#include "network/network.hpp"
#include "support/boost_search.hpp"
#include "support/datasets.hpp"
#include "support/random_network.hpp"

namespace lightcone {
namespace {

// First difference between the kernel and the oracle after the same run, or "".
std::string compare(const Network& net, const Search& got, const test::BoostSearch& want) {
  std::ostringstream out;
  out.precision(17);
  const auto rg = got.reached();
  const auto rw = want.reached();
  if (rg.size() != rw.size()) {
    out << "reached() has " << rg.size() << " nodes, oracle " << rw.size();
    return out.str();
  }
  for (std::size_t i = 0; i < rg.size(); ++i) {
    if (rg[i] != rw[i]) {
      out << "reached()[" << i << "] = " << rg[i] << ", oracle " << rw[i];
      return out.str();
    }
    const auto bg = std::bit_cast<std::uint64_t>(got.reached_latency()[i]);
    const auto bw = std::bit_cast<std::uint64_t>(want.reached_latency()[i]);
    if (bg != bw) {
      out << "reached_latency()[" << i << "] = " << got.reached_latency()[i] << ", oracle "
          << want.reached_latency()[i];
      return out.str();
    }
  }
  for (NodeId v = 0; v < net.nodes(); ++v) {
    if (std::bit_cast<std::uint64_t>(got.latency(v)) != std::bit_cast<std::uint64_t>(want.latency(v))) {
      out << "latency(" << v << ") = " << got.latency(v) << ", oracle " << want.latency(v);
      return out.str();
    }
    if (got.source_of(v) != want.source_of(v)) {
      out << "source_of(" << v << ") = " << got.source_of(v) << ", oracle " << want.source_of(v);
      return out.str();
    }
    if (got.pred_edge(v) != want.pred_edge(v)) {
      out << "pred_edge(" << v << ") = " << got.pred_edge(v) << ", oracle " << want.pred_edge(v);
      return out.str();
    }
  }
  return {};
}

TEST(SearchKernel, EqualsTheBoostEngineBitForBitOnRandomGraphsWithTies) {
  constexpr std::uint64_t kSeed = 17;
  std::mt19937_64 rng(kSeed);
  std::size_t runs = 0, ties_seen = 0, fast_runs = 0, exact_runs = 0;
  for (int graph = 0; graph < 300; ++graph) {
    const bool tie_heavy = graph % 3 != 2;
    const Network net = test::random_network(rng, tie_heavy);
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", graph " + std::to_string(graph) + " (" +
                 std::to_string(net.nodes()) + " nodes, " + std::to_string(net.edges()) + " edges)");
    const Graph g(net);
    Search search(g);  // reused for every run of this graph
    test::BoostSearch oracle(net);
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(net.nodes() - 1));
    for (int run = 0; run < 12; ++run) {
      std::vector<Source> sources;
      const int k = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < k; ++i) sources.push_back(Source{node(rng), 10.0 * static_cast<double>(rng() % 3)});
      if (rng() % 4 == 0) sources.push_back(sources.front());  // the same node twice, same offset
      const double budgets[] = {kUnreached, 0.0, 15.0, 30.0, 45.0, 60.0, 1e9};
      const double budget = budgets[rng() % std::size(budgets)];
      std::vector<EdgeId> cut;
      if (net.edges() > 0 && rng() % 3 == 0)
        for (int c = 0; c < 3; ++c) cut.push_back(static_cast<EdgeId>(rng() % net.edges()));
      // Repeated cut edges are harmless: both engines set and clear a per-edge flag.
      const std::uint64_t reruns_before = search.tie_reruns();
      search.run(sources, budget, cut);
      oracle.run(sources, budget, cut);
      if (!cut.empty() || search.tie_reruns() != reruns_before) ++exact_runs;
      else ++fast_runs;
      const std::string diff = compare(net, search, oracle);
      ASSERT_EQ(diff, "") << "run " << run << ", budget " << budget << ", " << sources.size() << " sources, "
                          << cut.size() << " cut edges";
      ++runs;
      const auto lat = search.reached_latency();
      for (std::size_t i = 1; i < lat.size(); ++i) ties_seen += lat[i] == lat[i - 1];
    }
  }
  EXPECT_EQ(runs, 300u * 12u);
  EXPECT_GT(ties_seen, 10000u);  // the material really is full of equal latencies
  // Both sweeps ran many times: the fast one, and the exact one after a tie or with cuts.
  EXPECT_GT(fast_runs, 500u);  // 925 with seed 17
  EXPECT_GT(exact_runs, 1000u);  // 2,675 with seed 17
}

// The fast sweep's bucket queue (buckets of a tenth of the lower-quartile arc weight, a
// ring of 1,024 of them, farther keys in an overflow list): weights spread over eight
// decades (1e-3 .. 1e5 µs, log-uniform) put most keys of a search far beyond the ring, and
// source offsets up to 1e6 µs start it far from zero. No ties (arbitrary doubles), so
// these runs take the fast sweep, and must still equal the Boost engine bit for bit.
TEST(SearchKernel, BucketQueueWithWeightsOverEightDecadesEqualsTheBoostEngine) {
  constexpr std::uint64_t kSeed = 23;
  std::mt19937_64 rng(kSeed);
  std::size_t fast_runs = 0;
  for (int graph = 0; graph < 60; ++graph) {
    Network net;
    const std::size_t n = std::uniform_int_distribution<std::size_t>(2, 400)(rng);
    std::uniform_real_distribution<double> lon(100.0, 101.0), lat(30.0, 31.0), decade(-3.0, 5.0);
    for (std::size_t i = 0; i < n; ++i) {
      net.node_pos.push_back(LonLat{lon(rng), lat(rng)});
      net.node_delay_us.push_back(rng() % 2 ? 0.0 : std::pow(10.0, decade(rng)));
    }
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(n - 1));
    for (std::size_t k = 0; k < n * 2; ++k) {
      const NodeId u = node(rng), v = node(rng);
      if (u == v) continue;
      net.edge_u.push_back(u);
      net.edge_v.push_back(v);
      net.edge_delay_us.push_back(std::pow(10.0, decade(rng)));
    }
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", graph " + std::to_string(graph));
    const Graph g(net);
    Search search(g);
    test::BoostSearch oracle(net);
    for (int run = 0; run < 10; ++run) {
      std::vector<Source> sources;
      const int k = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < k; ++i) {  // distinct offsets: equal ones would be a tie
        sources.push_back(Source{node(rng), 0.37 * i + (run % 2 ? std::pow(10.0, decade(rng) + 1.0) : 0.0)});
      }
      const double budgets[] = {kUnreached, 1.0, 1e3, 1e5, 1e7};
      const double budget = budgets[rng() % std::size(budgets)];
      const std::uint64_t reruns_before = search.tie_reruns();
      search.run(sources, budget);
      oracle.run(sources, budget);
      fast_runs += search.tie_reruns() == reruns_before;
      ASSERT_EQ(compare(net, search, oracle), "") << "run " << run << ", budget " << budget;
    }
  }
  EXPECT_GT(fast_runs, 500u);  // nearly all of the 600 runs
}

// Unbounded with cut edges: nodes behind a cut are pushed with an infinite key and, as in
// Boost's engine, settled last with latency +infinity (reached() lists them).
TEST(SearchKernel, CutEdgesWithoutABudgetBehaveAsTheBoostEngine) {
  Network net;
  for (int i = 0; i < 4; ++i) {
    net.node_pos.push_back(LonLat{static_cast<double>(i), 0.0});
    net.node_delay_us.push_back(0.0);
  }
  // 0 -10- 1 -10- 2 -10- 3, edge 1 (1-2) cut.
  for (NodeId i = 0; i < 3; ++i) {
    net.edge_u.push_back(i);
    net.edge_v.push_back(i + 1);
    net.edge_delay_us.push_back(10.0);
  }
  const Graph g(net);
  Search search(g);
  test::BoostSearch oracle(net);
  const std::vector<Source> sources = {{0, 0.0}};
  const std::vector<EdgeId> cut = {1};
  search.run(sources, kUnreached, cut);
  oracle.run(sources, kUnreached, cut);
  EXPECT_EQ(compare(net, search, oracle), "");
  EXPECT_EQ(search.latency(1), 10.0);
  EXPECT_EQ(search.latency(2), kUnreached);
  // With a budget the cut side is simply unreached.
  search.run(sources, 100.0, cut);
  oracle.run(sources, 100.0, cut);
  EXPECT_EQ(compare(net, search, oracle), "");
  EXPECT_EQ(search.reached().size(), 2u);
}

// The certified real networks (tests/data): every node as a single source at three
// budgets, and all-sources runs, bit for bit against the Boost engine.
TEST(SearchKernel, EqualsTheBoostEngineOnEveryCertifiedNetwork) {
  const auto networks = test::networks_with_coordinates(test::DataRoot::tests);
  ASSERT_EQ(networks.size(), 27u);
  std::size_t runs = 0;
  for (const auto& sn : networks) {
    SCOPED_TRACE(sn.collection + "/" + sn.name);
    LatencyModel model;
    model.node_delay = Microseconds{20.0};
    Network net = build_network(sn.read().lines, model, BuildOptions{}, nullptr);
    for (NodeId v = 0; v < net.nodes(); ++v) net.node_delay_us[v] = static_cast<double>(v % 7) * 15.0;
    const Graph g(net);
    Search search(g);
    test::BoostSearch oracle(net);
    std::vector<Source> all;
    for (NodeId v = 0; v < net.nodes(); ++v) {
      all.push_back(Source{v, static_cast<double>(v % 3) * 100.0});
      for (double budget : {500.0, 5000.0, kUnreached}) {
        const Source one{v, 0.0};
        search.run(std::span(&one, 1), budget);
        oracle.run(std::span(&one, 1), budget);
        ASSERT_EQ(compare(net, search, oracle), "") << "source " << v << ", budget " << budget;
        ++runs;
      }
    }
    for (double budget : {300.0, kUnreached}) {
      search.run(all, budget);
      oracle.run(all, budget);
      ASSERT_EQ(compare(net, search, oracle), "") << "all sources, budget " << budget;
    }
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace lightcone
