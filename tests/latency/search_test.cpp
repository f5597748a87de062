// Certifies Search (bounded multi-source Dijkstra on the CSR graph) on every real
// backbone network of tests/data that has coordinates (22 Topology Zoo networks, 20 with
// a located link, and 7 SNDlib instances) and, when the full shared data is there, on
// all Topology Zoo networks with a located link and all SNDlib instances.
//
// For every run the results are checked against certificates that need no second
// implementation (RoutingKit style: every arc satisfies dist[u] + w >= dist[v]; every
// reached node has a tight predecessor edge incident to it; every path sums to its
// distance) and against a plain, independently written Dijkstra (support/oracles.hpp)
// on an adjacency list made from the Network columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/search.hpp"
#include "network/network.hpp"
#include "support/datasets.hpp"
#include "support/oracles.hpp"

namespace lightcone {
namespace {

using test::close;
using test::OracleArc;

// Collects failures so that a broken search reports a few examples per network
// instead of thousands of lines.
class Failures {
 public:
  template <class... T>
  void add(const T&... parts) {
    ++m_count;
    if (m_count > 8) return;
    std::ostringstream s;
    s.precision(17);
    (s << ... << parts);
    m_text += "  " + s.str() + "\n";
  }
  std::size_t count() const { return m_count; }
  const std::string& text() const { return m_text; }

 private:
  std::size_t m_count = 0;
  std::string m_text;
};

double arc_weight(const Network& net, EdgeId e, NodeId head) {
  return net.edge_delay_us[e] + net.node_delay_us[head];
}
NodeId other_end(const Network& net, EdgeId e, NodeId v) {
  return net.edge_u[e] == v ? net.edge_v[e] : net.edge_u[e];
}

struct Oracle {
  std::vector<double> dist;                  // from all sources together
  std::vector<std::vector<double>> per_source;  // from each source alone (offset included)
};

Oracle oracle_for(const std::vector<std::vector<OracleArc>>& adj, const std::vector<Source>& sources) {
  Oracle o;
  std::vector<std::pair<NodeId, double>> all;
  for (const Source& s : sources) {
    all.emplace_back(s.node, s.offset_us);
    o.per_source.push_back(test::plain_dijkstra(adj, {{s.node, s.offset_us}}));
  }
  o.dist = test::plain_dijkstra(adj, all);
  return o;
}

// Checks one finished run of `search` against the oracle cut at `budget`.
void certify(const Network& net, const Search& search, const std::vector<Source>& sources, double budget,
             const Oracle& oracle, Failures& fail) {
  const std::size_t n = net.nodes();
  // 1. Distances equal the oracle's, cut at the budget; unreachable is kUnreached.
  //    Exactly: with non-negative weights and monotone rounding, every Dijkstra computes
  //    the same minimum over paths of the left-to-right float sums.
  for (NodeId v = 0; v < n; ++v) {
    const double want = oracle.dist[v] <= budget ? oracle.dist[v] : kUnreached;
    const double got = search.latency(v);
    if (got != want) fail.add("latency(", v, ") = ", got, ", oracle ", want, " (budget ", budget, ")");
  }
  // 2. reached() is exactly the nodes within the budget, each once, non-decreasing.
  std::set<NodeId> reached_set;
  double last = -1.0;
  for (NodeId v : search.reached()) {
    if (!reached_set.insert(v).second) fail.add("node ", v, " settled twice");
    const double d = search.latency(v);
    if (d < last) fail.add("reached() not in non-decreasing order at node ", v, ": ", d, " after ", last);
    last = d;
  }
  for (NodeId v = 0; v < n; ++v) {
    const bool want = oracle.dist[v] != kUnreached && oracle.dist[v] <= budget;
    if (want != reached_set.contains(v))
      fail.add("node ", v, (want ? " missing from" : " wrongly in"), " reached(); oracle ", oracle.dist[v],
               ", budget ", budget);
  }
  // 3. Every arc (both directions) between reached nodes satisfies dist[u] + w >= dist[v];
  //    an arc from a reached node to an unreached one must leave the budget.
  for (EdgeId e = 0; e < net.edges(); ++e)
    for (int dir = 0; dir < 2; ++dir) {
      const NodeId u = dir == 0 ? net.edge_u[e] : net.edge_v[e];
      const NodeId v = dir == 0 ? net.edge_v[e] : net.edge_u[e];
      const double du = search.latency(u);
      if (du == kUnreached) continue;
      const double through = du + arc_weight(net, e, v);
      const double dv = search.latency(v);
      if (dv == kUnreached) {
        if (!(through > budget) && !close(through, budget))
          fail.add("arc ", u, "->", v, " reaches ", through, " within budget ", budget, " but ", v, " unreached");
      } else if (through < dv && !close(through, dv)) {
        fail.add("arc ", u, "->", v, " (edge ", e, ") violates dist[u]+w >= dist[v]: ", through, " < ", dv);
      }
    }
  // 4. Shortest-path tree: roots are sources at their offset; every other reached node
  //    has a tight predecessor edge incident to it with the same source; the path to
  //    the root sums to the distance; the source is one of the nearest (ties allowed).
  for (NodeId v = 0; v < n; ++v) {
    const double d = search.latency(v);
    const std::uint32_t src = search.source_of(v);
    const EdgeId pe = search.pred_edge(v);
    if (d == kUnreached) {
      if (src != kNone || pe != kNone) fail.add("unreached node ", v, " has source ", src, " / pred ", pe);
      continue;
    }
    if (src >= sources.size()) {
      fail.add("node ", v, " has source index ", src, " of ", sources.size());
      continue;
    }
    if (!close(oracle.per_source[src][v], d))
      fail.add("node ", v, ": source ", src, " is at ", oracle.per_source[src][v], ", not the nearest (", d, ")");
    if (pe == kNone) {
      if (sources[src].node != v || !close(sources[src].offset_us, d))
        fail.add("node ", v, " has no pred edge but is not a source root (source ", src, ", latency ", d, ")");
      continue;
    }
    if (pe >= net.edges() || (net.edge_u[pe] != v && net.edge_v[pe] != v)) {
      fail.add("pred edge ", pe, " of node ", v, " is not incident to it");
      continue;
    }
    const NodeId p = other_end(net, pe, v);
    if (!close(search.latency(p) + arc_weight(net, pe, v), d))
      fail.add("pred edge ", pe, " of node ", v, " is not tight: ", search.latency(p), " + ",
               arc_weight(net, pe, v), " != ", d);
    if (search.source_of(p) != src) fail.add("node ", v, " and its predecessor ", p, " have different sources");
    // Walk to the root and sum the arcs.
    std::vector<double> weights;
    NodeId x = v;
    while (search.pred_edge(x) != kNone && weights.size() <= n) {
      const EdgeId e = search.pred_edge(x);
      weights.push_back(arc_weight(net, e, x));
      x = other_end(net, e, x);
    }
    if (weights.size() > n) {
      fail.add("predecessor chain of node ", v, " has a cycle");
      continue;
    }
    double sum = sources[src].offset_us;
    for (auto it = weights.rbegin(); it != weights.rend(); ++it) sum += *it;
    if (x != sources[src].node || !close(sum, d))
      fail.add("path of node ", v, " ends at ", x, " (source node ", sources[src].node, ") and sums to ", sum,
               ", latency ", d);
  }
}

double max_finite(const std::vector<double>& d) {
  double m = 0.0;
  for (double x : d)
    if (x != kUnreached) m = std::max(m, x);
  return m;
}

// Unbounded and bounded runs from several source sets, all on one reused Search.
std::size_t certify_network(const Network& net, Failures& fail) {
  const Graph graph(net);
  EXPECT_EQ(graph.nodes(), net.nodes());
  EXPECT_EQ(graph.arcs(), 2 * net.edges());
  const auto adj = test::adjacency(net);
  const auto n = static_cast<NodeId>(net.nodes());
  const std::vector<std::vector<Source>> source_sets = {
      {{0, 0.0}, {n / 3, 7.0}},                    // the brief's pair
      {{n - 1, 0.0}},                              // a single source
      {{n / 3, 7.0}, {n / 3, 2.0}, {2 * n / 3, 0.0}},  // one node given twice; lower offset wins
  };
  Search search(graph);
  std::size_t runs = 0;
  for (const auto& sources : source_sets) {
    const Oracle oracle = oracle_for(adj, sources);
    search.run(sources);
    certify(net, search, sources, kUnreached, oracle, fail);
    ++runs;
    // Unbounded: reached() holds every connected node.
    const auto connected = static_cast<std::size_t>(
        std::count_if(oracle.dist.begin(), oracle.dist.end(), [](double d) { return d != kUnreached; }));
    EXPECT_EQ(search.reached().size(), connected);

    const double top = max_finite(oracle.dist);
    std::vector<double> budgets = {0.25 * top, 0.5 * top, 0.75 * top, 0.0};
    // A budget equal to a node's latency includes that node (≤, not <).
    std::vector<double> finite;
    for (double d : oracle.dist)
      if (d != kUnreached) finite.push_back(d);
    std::sort(finite.begin(), finite.end());
    budgets.push_back(finite[finite.size() / 2]);
    for (double budget : budgets) {
      search.run(sources, budget);
      certify(net, search, sources, budget, oracle, fail);
      ++runs;
    }
  }
  // nearest_source_latency is one multi-source search.
  const NodeLatencies nl = nearest_source_latency(graph, source_sets[0]);
  search.run(source_sets[0]);
  for (NodeId v = 0; v < n; ++v) {
    if (nl.us[v] != search.latency(v) || nl.source[v] != search.source_of(v) || nl.pred_edge[v] != search.pred_edge(v))
      fail.add("nearest_source_latency differs from Search at node ", v);
  }
  return runs;
}

struct MaterialCounts {
  std::size_t networks;
  std::size_t min_with_unreachable;  // networks in several components
  std::size_t min_nodes_total;
};
void certify_every_network(test::DataRoot root, MaterialCounts want) {
  const auto networks = test::networks_with_coordinates(root);
  ASSERT_EQ(networks.size(), want.networks);
  std::size_t runs = 0;
  std::size_t with_unreachable = 0;
  std::size_t nodes_total = 0;
  for (const auto& sn : networks) {
    SCOPED_TRACE(sn.collection + "/" + sn.name);
    const LineLayer layer = sn.read();
    // Node delays: none, the model's uniform 20 us, and a different delay per node
    // (set in the column after the build) so that the head/tail choice matters.
    for (int delays = 0; delays < 3; ++delays) {
      const double node_delay = delays == 0 ? 0.0 : 20.0;
      LatencyModel model;
      model.node_delay = Microseconds{node_delay};
      BuildReport report;
      Network net = build_network(layer.lines, model, BuildOptions{}, &report);
      ASSERT_GT(net.nodes(), 0u);
      for (double d : net.node_delay_us) ASSERT_EQ(d, node_delay);
      if (delays == 2)
        for (NodeId v = 0; v < net.nodes(); ++v) net.node_delay_us[v] = static_cast<double>(v % 7) * 15.0;
      Failures fail;
      runs += certify_network(net, fail);
      EXPECT_EQ(fail.count(), 0u) << "node delays variant " << delays << ":\n" << fail.text();
      if (delays == 0) {
        nodes_total += net.nodes();
        if (report.components.size() > 1) ++with_unreachable;
      }
    }
  }
  // The material really exercises unreachable nodes and non-trivial sizes.
  EXPECT_GE(with_unreachable, want.min_with_unreachable);
  EXPECT_GT(nodes_total, want.min_nodes_total);
  EXPECT_EQ(runs, networks.size() * 3 * 3 * 6);
}

// tests/data/README.md: 22 Zoo networks, 2 without located links; 7 SNDlib instances.
TEST(SearchCertified, EveryZooAndSndlibNetworkWithCoordinates) {
  certify_every_network(test::DataRoot::tests, {20u + 7u, 9, 1000});
}
// The Zoo's README: 268 files, 20 without located links; SNDlib's: 13 instances.
TEST(FullSharedData, SearchCertifiedOnEveryZooAndSndlibNetworkWithCoordinates) {
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("topology-zoo/index.csv");
  certify_every_network(test::DataRoot::shared, {248u + 13u, 10, 5000});
}

// A source whose offset exceeds the budget is ignored; with no source left nothing is
// reached, and latencies are kUnreached rather than an error.
TEST(SearchCertified, SourcesAboveTheBudgetAreIgnored) {
  const test::RealNetwork geant{"sndlib", "geant", {}};
  const Network net = build_network(geant.read().lines, LatencyModel{}, BuildOptions{}, nullptr);
  const Graph graph(net);
  Search search(graph);
  const std::vector<Source> sources = {{3, 100.0}, {5, 10.0}};
  search.run(sources, 50.0);
  EXPECT_EQ(search.source_of(3), kNone);
  EXPECT_EQ(search.latency(3), kUnreached);
  EXPECT_EQ(search.latency(5), 10.0);
  EXPECT_EQ(search.source_of(5), 1u);
  search.run(std::span(sources).first(1), 50.0);
  EXPECT_TRUE(search.reached().empty());
  for (NodeId v = 0; v < net.nodes(); ++v) EXPECT_EQ(search.latency(v), kUnreached);
}

// for_each_source on 2 threads gives, per source, what a sequential run gives.
TEST(SearchCertified, ForEachSourceOnTwoThreadsEqualsSequentialRuns) {
  for (const char* name : {"janos-us-ca", "brain"}) {
    SCOPED_TRACE(name);
    const test::RealNetwork sn{"sndlib", name, {}};
    LatencyModel model;
    model.node_delay = Microseconds{3.0};
    const Network net = build_network(sn.read().lines, model, BuildOptions{}, nullptr);
    const Graph graph(net);
    const auto n = static_cast<NodeId>(net.nodes());
    std::vector<Source> sources;
    for (NodeId v = 0; v < n; v += 2) sources.push_back({v, static_cast<double>(v % 5)});
    Search probe(graph);
    probe.run(std::span(sources).first(1));
    std::vector<double> d0(n);
    for (NodeId v = 0; v < n; ++v) d0[v] = probe.latency(v);
    const double budget = 0.5 * max_finite(d0);

    struct Result {
      std::vector<double> latency;
      std::vector<std::uint32_t> source;
      std::vector<EdgeId> pred;
      std::vector<NodeId> reached;
    };
    auto capture = [n](const Search& s) {
      Result r;
      for (NodeId v = 0; v < n; ++v) {
        r.latency.push_back(s.latency(v));
        r.source.push_back(s.source_of(v));
        r.pred.push_back(s.pred_edge(v));
      }
      r.reached.assign(s.reached().begin(), s.reached().end());
      return r;
    };
    std::vector<Result> parallel(sources.size());
    std::vector<int> calls(sources.size(), 0);
    for_each_source(graph, sources, budget, 2, [&](std::size_t i, const Search& s) {
      parallel[i] = capture(s);  // each i is visited once: its own slot, no lock needed
      ++calls[i];
    });
    Search sequential(graph);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(calls[i], 1);
      sequential.run(std::span(sources).subspan(i, 1), budget);
      const Result want = capture(sequential);
      EXPECT_EQ(parallel[i].latency, want.latency);
      EXPECT_EQ(parallel[i].source, want.source);
      EXPECT_EQ(parallel[i].pred, want.pred);
      EXPECT_EQ(parallel[i].reached, want.reached);
      EXPECT_GT(want.reached.size(), 1u);
    }
  }
}

// An exception thrown by the visitor reaches the caller (no lost errors, no hang).
TEST(SearchCertified, ForEachSourcePropagatesVisitorErrors) {
  const test::RealNetwork sn{"sndlib", "geant", {}};
  const Network net = build_network(sn.read().lines, LatencyModel{}, BuildOptions{}, nullptr);
  const Graph graph(net);
  std::vector<Source> sources;
  for (NodeId v = 0; v < net.nodes(); ++v) sources.push_back({v, 0.0});
  EXPECT_THROW(for_each_source(graph, sources, kUnreached, 2,
                               [](std::size_t i, const Search&) {
                                 if (i == 7) throw std::runtime_error("visitor failed");
                               }),
               std::runtime_error);
}

}  // namespace
}  // namespace lightcone
