// The latency sweep (Search::run_latencies, issue 17 item 2): vertices of degree 2 are
// never queued, chains of them are walked from whichever end settles first, and leaves
// are not queued either. Its reached nodes and latencies must be, bit for bit, those of
// the Boost.Graph engine (support/boost_search.hpp, the test oracle), in any order, with
// no sources or predecessors (kNone). The random networks here are made of what the sweep
// treats specially: chains between junctions, chains that return to their own junction,
// dead-end chains ending in a leaf, rings of degree-2 vertices with no junction (reached
// only from a source on them), pairs joined by two parallel edges, zero delays, sources
// on chain vertices and on leaves, equal offsets. Seeds are fixed and printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/search.hpp"
#include "network/network.hpp"
#include "support/boost_search.hpp"
#include "support/datasets.hpp"
#include "support/random_network.hpp"

namespace lightcone {
namespace {

// First difference between run_latencies' results and the oracle's run, or "".
std::string compare_latencies(const Network& net, const Search& got, const test::BoostSearch& want) {
  std::ostringstream out;
  out.precision(17);
  const auto rg = got.reached();
  const auto lg = got.reached_latency();
  if (rg.size() != want.reached().size() || lg.size() != rg.size()) {
    out << "reached() has " << rg.size() << " nodes (" << lg.size() << " latencies), oracle "
        << want.reached().size();
    return out.str();
  }
  std::vector<char> listed(net.nodes(), 0);
  for (std::size_t i = 0; i < rg.size(); ++i) {
    const NodeId v = rg[i];
    if (v >= net.nodes() || listed[v]) {
      out << "reached()[" << i << "] = " << v << " is not a node or is listed twice";
      return out.str();
    }
    listed[v] = 1;
    if (std::bit_cast<std::uint64_t>(lg[i]) != std::bit_cast<std::uint64_t>(want.latency(v))) {
      out << "reached_latency() of node " << v << " = " << lg[i] << ", oracle " << want.latency(v);
      return out.str();
    }
  }
  for (NodeId v = 0; v < net.nodes(); ++v) {
    if (std::bit_cast<std::uint64_t>(got.latency(v)) != std::bit_cast<std::uint64_t>(want.latency(v))) {
      out << "latency(" << v << ") = " << got.latency(v) << ", oracle " << want.latency(v);
      return out.str();
    }
    if (got.source_of(v) != kNone || got.pred_edge(v) != kNone) {
      out << "source_of / pred_edge of node " << v << " given after run_latencies";
      return out.str();
    }
  }
  return {};
}

// A network of chains (see the file comment). tie_heavy: delays from {0, 10, 20, 30} µs
// and node delays from {0, 5}; otherwise arbitrary doubles.
Network chain_network(std::mt19937_64& rng, bool tie_heavy) {
  Network net;
  std::uniform_real_distribution<double> lon(100.0, 101.0), lat(30.0, 31.0), delay(0.0, 50.0);
  auto node = [&] {
    net.node_pos.push_back(LonLat{lon(rng), lat(rng)});
    const double d = tie_heavy ? 5.0 * static_cast<double>(rng() % 2) : delay(rng) * 0.1;
    net.node_delay_us.push_back(d);
    return static_cast<NodeId>(net.node_pos.size() - 1);
  };
  auto edge = [&](NodeId u, NodeId v) {
    net.edge_u.push_back(u);
    net.edge_v.push_back(v);
    const double d = tie_heavy ? 10.0 * static_cast<double>(rng() % 4) : delay(rng);
    net.edge_delay_us.push_back(d);
  };
  const int junctions = 1 + static_cast<int>(rng() % 30);
  for (int j = 0; j < junctions; ++j) node();
  const int lines = static_cast<int>(rng() % 60);
  for (int l = 0; l < lines; ++l) {
    const auto a = static_cast<NodeId>(rng() % static_cast<std::uint64_t>(junctions));
    NodeId b = static_cast<NodeId>(rng() % static_cast<std::uint64_t>(junctions));
    const auto kind = rng() % 10;
    if (kind == 0) b = a;                      // a chain back to its own junction
    const bool dead_end = kind == 1 || kind == 2;  // ends in a leaf
    const int interior = static_cast<int>(rng() % 7);
    NodeId prev = a;
    for (int k = 0; k < interior; ++k) {
      const NodeId x = node();
      edge(prev, x);
      if (rng() % 12 == 0) edge(prev, x);  // a parallel edge inside the chain
      prev = x;
    }
    const NodeId end = dead_end ? node() : b;
    if (prev != end) edge(prev, end);
  }
  // Rings of degree-2 vertices with no junction, and pairs joined by two parallel edges.
  for (int r = static_cast<int>(rng() % 3); r > 0; --r) {
    const int len = 2 + static_cast<int>(rng() % 5);
    const NodeId first = node();
    NodeId prev = first;
    for (int k = 1; k < len; ++k) {
      const NodeId x = node();
      edge(prev, x);
      prev = x;
    }
    edge(prev, first);
  }
  if (rng() % 2) {
    const NodeId p = node(), q = node();
    edge(p, q);
    edge(p, q);
  }
  return net;
}

void run_and_compare(const Network& net, std::mt19937_64& rng, int runs, std::size_t& count) {
  const Graph g(net);
  Search search(g);  // reused: state left over from a previous run must not leak
  test::BoostSearch oracle(net);
  std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(net.nodes() - 1));
  for (int run = 0; run < runs; ++run) {
    std::vector<Source> sources;
    const int k = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < k; ++i) sources.push_back(Source{node(rng), 10.0 * static_cast<double>(rng() % 3)});
    if (rng() % 4 == 0) sources.push_back(sources.front());  // the same node twice, same offset
    const double budgets[] = {kUnreached, 0.0, 15.0, 30.0, 45.0, 60.0, 1e9};
    const double budget = budgets[rng() % std::size(budgets)];
    // Alternate with run() on the same object: each must leave nothing the other reads.
    if (rng() % 3 == 0) search.run(sources, budget);
    search.run_latencies(sources, budget);
    oracle.run(sources, budget, {});
    ASSERT_EQ(compare_latencies(net, search, oracle), "")
        << "run " << run << ", budget " << budget << ", " << sources.size() << " sources";
    ++count;
  }
}

TEST(LatencySweep, EqualsTheBoostEngineOnRandomNetworksOfChains) {
  constexpr std::uint64_t kSeed = 29;
  std::mt19937_64 rng(kSeed);
  std::size_t runs = 0, degree2 = 0, nodes = 0;
  for (int graph = 0; graph < 400; ++graph) {
    const Network net = chain_network(rng, graph % 3 != 2);
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", graph " + std::to_string(graph) + " (" +
                 std::to_string(net.nodes()) + " nodes, " + std::to_string(net.edges()) + " edges)");
    std::vector<int> degree(net.nodes(), 0);
    for (EdgeId e = 0; e < net.edges(); ++e) {
      ++degree[net.edge_u[e]];
      ++degree[net.edge_v[e]];
    }
    degree2 += static_cast<std::size_t>(std::count(degree.begin(), degree.end(), 2));
    nodes += net.nodes();
    run_and_compare(net, rng, 12, runs);
  }
  EXPECT_EQ(runs, 400u * 12u);
  EXPECT_GT(degree2 * 2, nodes);  // most vertices are on chains
}

// Random pairs of nodes (kernel_test's material: few chains, many parallel edges).
TEST(LatencySweep, EqualsTheBoostEngineOnRandomGraphs) {
  constexpr std::uint64_t kSeed = 31;
  std::mt19937_64 rng(kSeed);
  std::size_t runs = 0;
  for (int graph = 0; graph < 200; ++graph) {
    const Network net = test::random_network(rng, graph % 3 != 2);
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", graph " + std::to_string(graph));
    run_and_compare(net, rng, 10, runs);
  }
  EXPECT_EQ(runs, 200u * 10u);
}

// The latency sweep takes a bucket's nodes in any order (search.cpp: BucketQueue::sorted):
// here u (99 µs) is taken before x (95 µs) of the same bucket (width 10 µs: a tenth of
// the lower-quartile weight, 100), x then improves u to 96, and u must be taken again so
// that its leaf y ends at 196, not 199.
TEST(LatencySweep, ANodeTakenBeforeOneOfTheSameBucketThatImprovesItIsTakenAgain) {
  Network net;
  enum : NodeId { s, x, u, y, z, f0 };
  for (NodeId i = 0; i < f0 + 11; ++i) {
    net.node_pos.push_back(LonLat{100.0 + 0.01 * i, 30.0});
    net.node_delay_us.push_back(0.0);
  }
  auto edge = [&](NodeId a, NodeId b, double w) {
    net.edge_u.push_back(a);
    net.edge_v.push_back(b);
    net.edge_delay_us.push_back(w);
  };
  edge(s, x, 95.0);  // first: x enters the bucket before u, and the bucket is taken from the back
  edge(s, u, 99.0);
  edge(x, u, 1.0);
  edge(u, y, 100.0);
  edge(x, z, 100.0);                                        // x and u have degree 3: queued
  for (NodeId i = f0; i < f0 + 10; ++i) edge(i, i + 1, 100.0);  // sets the bucket width
  const Graph g(net);
  Search search(g);
  test::BoostSearch oracle(net);
  const std::vector<Source> sources = {{s, 0.0}};
  search.run_latencies(sources, kUnreached);
  oracle.run(sources, kUnreached, {});
  EXPECT_EQ(compare_latencies(net, search, oracle), "");
  EXPECT_EQ(search.latency(u), 96.0);
  EXPECT_EQ(search.latency(y), 196.0);
}

// Keys beyond the bucket index (weights up to 1e300): the sweep gives up and the exact
// sweep's latencies are returned, still without order or predecessors promised.
TEST(LatencySweep, KeysTooLargeForTheBucketQueueStillEqualTheBoostEngine) {
  Network net;
  for (int i = 0; i < 5; ++i) {
    net.node_pos.push_back(LonLat{static_cast<double>(i), 0.0});
    net.node_delay_us.push_back(0.0);
  }
  // 0 -1- 1 -1e300- 2 -1- 3 -1- 4: 1 and 3 are on chains.
  const double w[] = {1.0, 1e300, 1.0, 1.0};
  for (NodeId i = 0; i < 4; ++i) {
    net.edge_u.push_back(i);
    net.edge_v.push_back(i + 1);
    net.edge_delay_us.push_back(w[i]);
  }
  const Graph g(net);
  Search search(g);
  test::BoostSearch oracle(net);
  for (const double budget : {kUnreached, 2.0, 1e301}) {
    const std::vector<Source> sources = {{0, 0.0}};
    search.run_latencies(sources, budget);
    oracle.run(sources, budget, {});
    const auto got = search.reached();
    EXPECT_EQ(got.size(), oracle.reached().size()) << budget;
    for (NodeId v = 0; v < 5; ++v) EXPECT_EQ(search.latency(v), oracle.latency(v)) << v << " " << budget;
  }
}

// The certified real networks (tests/data): every node as a single source at three
// budgets, bit for bit against the Boost engine; and for_each_source's latency results
// against run() per source.
TEST(LatencySweep, EqualsTheBoostEngineOnEveryCertifiedNetwork) {
  const auto networks = test::networks_with_coordinates(test::DataRoot::tests);
  ASSERT_EQ(networks.size(), 27u);
  std::size_t runs = 0;
  for (const auto& sn : networks) {
    SCOPED_TRACE(sn.collection + "/" + sn.name);
    const Network net = build_network(sn.read().lines, LatencyModel{}, BuildOptions{}, nullptr);
    const Graph g(net);
    Search search(g);
    test::BoostSearch oracle(net);
    double top = 0.0;
    oracle.run(std::vector<Source>{{0, 0.0}}, kUnreached, {});
    for (double d : oracle.reached_latency()) top = std::max(top, d);
    for (NodeId v = 0; v < net.nodes(); ++v) {
      for (const double budget : {kUnreached, 0.2 * top, 0.6 * top}) {
        const std::vector<Source> sources = {{v, 0.0}};
        search.run_latencies(sources, budget);
        oracle.run(sources, budget, {});
        ASSERT_EQ(compare_latencies(net, search, oracle), "") << "source " << v << ", budget " << budget;
        ++runs;
      }
    }
    std::vector<Source> all;
    for (NodeId v = 0; v < net.nodes(); v += 3) all.push_back(Source{v, 1.5 * v});
    std::vector<std::vector<std::pair<NodeId, double>>> got(all.size());
    for_each_source(
        g, all, 0.3 * top, 2,
        [&](std::size_t i, const Search& s) {
          for (std::size_t k = 0; k < s.reached().size(); ++k)
            got[i].emplace_back(s.reached()[k], s.reached_latency()[k]);
        },
        SearchResults::latencies);
    for (std::size_t i = 0; i < all.size(); ++i) {
      search.run(std::span(all).subspan(i, 1), 0.3 * top);
      std::vector<std::pair<NodeId, double>> want;
      for (std::size_t k = 0; k < search.reached().size(); ++k)
        want.emplace_back(search.reached()[k], search.reached_latency()[k]);
      std::sort(got[i].begin(), got[i].end());
      std::sort(want.begin(), want.end());
      ASSERT_EQ(got[i], want) << "for_each_source, source " << i;
    }
  }
  EXPECT_GT(runs, 3000u);
}

}  // namespace
}  // namespace lightcone
