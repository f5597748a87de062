// Shortest-path latency on the fibre network. Graph: flat CSR arrays (first_out and one
// array of 16-byte arc records: weight, head, edge; RoutingKit style) built once, both
// arc directions of every edge; arc weight (µs, one-way) = edge delay + delay of the
// head node.
// Search: a reusable query object (one per thread) running Dijkstra from several
// sources with start offsets, stopped at a budget. Its results are bit for bit those of
// the Boost.Graph engine it replaced (tests/support/boost_search.hpp, the test oracle),
// ties included (search.cpp says how). Work and memory per query are proportional to
// what it reaches; arrays are allocated once.
// Unreachable is +infinity, never an exception.
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "core/ids.hpp"
#include "network/network.hpp"

namespace lightcone {

inline constexpr double kUnreached = std::numeric_limits<double>::infinity();

struct Source;
struct NodeLatencies;
class Search;
// What for_each_source's searches keep: everything run() gives, or run_latencies()'s.
enum class SearchResults { ordered_tree, latencies };

class Graph {
 public:
  explicit Graph(const Network& net);
  ~Graph();
  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;
  std::size_t nodes() const;
  std::size_t arcs() const;

  // Every arc as the searches see it (network node ids), in the order a search relaxes
  // them: grouped by tail, each tail's arcs in the graph's order. For benchmarks and
  // tests that run another implementation on exactly this graph.
  struct ArcList {
    std::vector<NodeId> tail, head;
    std::vector<double> weight_us;  // one-way µs: edge delay + delay of the head node
    std::vector<EdgeId> edge;
  };
  ArcList arc_list() const;

 private:
  friend class Search;
  friend void for_each_source(const Graph&, std::span<const Source>, double, unsigned,
                              const std::function<void(std::size_t, const Search&)>&, SearchResults);
  friend void canonical_sources(const Graph&, std::span<const Source>, std::span<const std::uint32_t>, NodeLatencies&);
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A search source: a node and its start latency (site entry + access delay), µs.
struct Source {
  NodeId node = kNone;
  double offset_us = 0.0;
};

class Search {
 public:
  explicit Search(const Graph& graph);
  ~Search();
  Search(const Search&) = delete;
  Search& operator=(const Search&) = delete;

  // Settles every node whose one-way latency from the nearest source is ≤ budget_us
  // (kUnreached: no bound). Sources with offset > budget are ignored. Edges listed in
  // `cut` are treated as absent (a fibre cut).
  void run(std::span<const Source> sources, double budget_us = kUnreached, std::span<const EdgeId> cut = {});
  // The same reached nodes and latencies, bit for bit, in no particular order and without
  // sources or predecessors (source_of and pred_edge give kNone until the next run()):
  // faster where only latencies are needed (search.cpp: the latency sweep).
  void run_latencies(std::span<const Source> sources, double budget_us = kUnreached);

  // One-way latency of v, kUnreached if beyond the budget or not connected.
  double latency(NodeId v) const;
  // Index into the sources of run() of the source that reaches v first; kNone if unreached.
  std::uint32_t source_of(NodeId v) const;
  // Edge by which the shortest path enters v; kNone for sources and unreached nodes.
  EdgeId pred_edge(NodeId v) const;
  // Settled nodes within the budget, in settle order (non-decreasing latency); after
  // run_latencies, in no particular order.
  std::span<const NodeId> reached() const;
  // latency() of each node of reached(), in the same order.
  std::span<const double> reached_latency() const;
  // How many run() calls so far met two equal latencies and were repeated by the exact
  // sweep (search.cpp: the fast sweep leaves the order among equals to it). For
  // benchmarks and tests; results never depend on it.
  std::uint64_t tie_reruns() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Latency from the nearest source for every node (one multi-source search).
struct NodeLatencies {
  std::vector<double> us;              // one-way µs, kUnreached when not reached
  std::vector<std::uint32_t> source;   // nearest source index, kNone when not reached
  std::vector<EdgeId> pred_edge;       // shortest-path tree
};
NodeLatencies nearest_source_latency(const Graph& graph, std::span<const Source> sources,
                                     double budget_us = kUnreached);

// Ties between sources made independent of how the network is numbered: each reached
// node's source becomes, among the sources from which a shortest path reaches it (a
// path whose every arc sums exactly to the latencies: start offset, then latency of the
// tail + arc weight, as the search adds them), the one of the lowest rank[source] (then
// the lowest index), and its pred_edge the last edge of such a path from it. Latencies are
// unchanged. So a part's halo network and the whole network name the same nearest site
// for every node they share with equal latencies (plan/parts.hpp).
// REQUIRES: `nodes` from nearest_source_latency(graph, sources, …); rank.size() == sources.size().
void canonical_sources(const Graph& graph, std::span<const Source> sources, std::span<const std::uint32_t> rank,
                       NodeLatencies& nodes);

// Runs one bounded search per source on `threads` threads (0 = hardware threads).
// visit(i, search) is called on a worker thread after source i's search; it may read
// the search but must synchronise its own writes. Order of calls is unspecified;
// results per i are deterministic.
void for_each_source(const Graph& graph, std::span<const Source> sources, double budget_us,
                     unsigned threads, const std::function<void(std::size_t, const Search&)>& visit,
                     SearchResults results = SearchResults::ordered_tree);

}  // namespace lightcone
