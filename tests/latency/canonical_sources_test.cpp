// canonical_sources (latency/search.hpp): after a multi-source search, each node's source
// is the one of the lowest rank among the sources whose own latency to the node equals
// the nearest latency. The oracle runs one search per source (the Boost.Graph engine,
// support/boost_search.hpp) and takes, per node, the lowest-ranked source that reaches it
// at exactly the multi-source latency. The networks are tie-heavy (delays and offsets in
// whole multiples of 5 µs, so sums are exact and equal sums are common, zero delays
// included); the property the parts need, that the answer does not depend on how the
// network is numbered, is checked on a renumbered copy of each network too.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "latency/search.hpp"
#include "network/network.hpp"
#include "support/boost_search.hpp"
#include "support/network_edit.hpp"
#include "support/random_network.hpp"

namespace lightcone {
namespace {

struct Case {
  std::vector<Source> sources;
  std::vector<std::uint32_t> rank;
};

Case random_sources(std::mt19937_64& rng, const Network& net) {
  Case c;
  const std::size_t k = std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(12, net.nodes()))(rng);
  std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(net.nodes() - 1));
  for (std::size_t i = 0; i < k; ++i) c.sources.push_back(Source{node(rng), 5.0 * static_cast<double>(rng() % 3)});
  c.rank.resize(k);
  std::iota(c.rank.begin(), c.rank.end(), 0u);
  std::shuffle(c.rank.begin(), c.rank.end(), rng);
  return c;
}

// Per node: the oracle's canonical source (kNone when unreached).
std::vector<std::uint32_t> oracle(const Network& net, const Case& c, const NodeLatencies& nearest) {
  test::BoostSearch search(net);
  std::vector<std::uint32_t> best(net.nodes(), kNone);
  for (std::uint32_t i = 0; i < c.sources.size(); ++i) {
    search.run(std::span<const Source>(&c.sources[i], 1));
    for (NodeId v = 0; v < net.nodes(); ++v) {
      if (search.latency(v) != nearest.us[v] || nearest.us[v] == kUnreached) continue;
      const std::uint32_t b = best[v];
      if (b == kNone || c.rank[i] < c.rank[b] || (c.rank[i] == c.rank[b] && i < b)) best[v] = i;
    }
  }
  return best;
}

TEST(CanonicalSources, TheLowestRankedSourceAtTheNearestLatency) {
  std::mt19937_64 rng(20261205);
  std::size_t nodes_checked = 0, changed = 0;
  for (int round = 0; round < 300; ++round) {
    const Network net = test::random_network(rng, true);
    const Case c = random_sources(rng, net);
    const Graph graph(net);
    NodeLatencies nodes = nearest_source_latency(graph, c.sources);
    const NodeLatencies before = nodes;
    canonical_sources(graph, c.sources, c.rank, nodes);
    const std::vector<std::uint32_t> want = oracle(net, c, nodes);
    ASSERT_EQ(nodes.us, before.us) << "round " << round;
    for (NodeId v = 0; v < net.nodes(); ++v) {
      ASSERT_EQ(nodes.source[v], want[v]) << "round " << round << " node " << v;
      changed += nodes.source[v] != before.source[v];
      if (want[v] == kNone) continue;
      ++nodes_checked;
      // The predecessor edges lead, through nodes of the same source at tight
      // latencies, to that source's node.
      NodeId x = v;
      for (std::size_t steps = 0; nodes.pred_edge[x] != kNone; ++steps) {
        ASSERT_LT(steps, net.nodes()) << "round " << round << ": a cycle of predecessors at node " << v;
        const EdgeId e = nodes.pred_edge[x];
        const NodeId u = net.edge_u[e] == x ? net.edge_v[e] : net.edge_u[e];
        ASSERT_EQ(nodes.source[u], nodes.source[v]) << "round " << round << " node " << x;
        ASSERT_EQ(nodes.us[u] + net.edge_delay_us[e] + net.node_delay_us[x], nodes.us[x]) << "round " << round;
        x = u;
      }
      EXPECT_EQ(x, c.sources[nodes.source[v]].node) << "round " << round << " node " << v;
      EXPECT_EQ(c.sources[nodes.source[v]].offset_us, nodes.us[x]) << "round " << round << " node " << v;
    }
  }
  // The cases must have had ties for this to test anything.
  EXPECT_GT(nodes_checked, 10000u);
  EXPECT_GT(changed, 100u);
}

TEST(CanonicalSources, DoNotDependOnHowTheNetworkIsNumbered) {
  std::mt19937_64 rng(5122026);
  std::size_t raw_differ = 0;  // nodes where the search alone names another source
  for (int round = 0; round < 200; ++round) {
    const Network net = test::random_network(rng, true);
    const Case c = random_sources(rng, net);
    // The same network, nodes and edges in another order (and each edge the other way).
    const test::Renumbered r = test::renumbered(net, rng, /*reverse=*/true);
    const Network& other = r.net;
    const std::vector<NodeId>& perm = r.perm;
    Case moved = c;
    for (Source& s : moved.sources) s.node = perm[s.node];
    const Graph g1(net), g2(other);
    NodeLatencies a = nearest_source_latency(g1, c.sources), b = nearest_source_latency(g2, moved.sources);
    for (NodeId v = 0; v < net.nodes(); ++v) raw_differ += a.source[v] != b.source[perm[v]];
    canonical_sources(g1, c.sources, c.rank, a);
    canonical_sources(g2, moved.sources, moved.rank, b);
    for (NodeId v = 0; v < net.nodes(); ++v) {
      ASSERT_EQ(a.us[v], b.us[perm[v]]) << "round " << round;
      ASSERT_EQ(a.source[v], b.source[perm[v]]) << "round " << round << " node " << v;
    }
  }
  EXPECT_GT(raw_differ, 100u);
}

}  // namespace
}  // namespace lightcone
