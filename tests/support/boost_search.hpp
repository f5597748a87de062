// The search engine as it was before issue 17 (src/latency/search.cpp at 157e3ad),
// kept verbatim as a test oracle: Boost.Graph's Dijkstra (breadth_first_visit with a
// 4-ary d_ary_heap_indirect, as dijkstra_shortest_paths_no_init runs it) on a Boost CSR
// graph with the same vertex (Morton) numbering and arc order. The engine's own kernel
// must give the same results bit for bit: latencies, settle order, sources, predecessors.
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cassert>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "core/spatial_order.hpp"
#include "latency/search.hpp"
#include "network/network.hpp"

namespace lightcone::test {
namespace boost_search_detail {

struct Arc {
  double weight_us = 0.0;
  EdgeId edge = kNone;
};

using CsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, Arc,
                                                    boost::no_property, NodeId, std::uint32_t>;
using Vertex = boost::graph_traits<CsrGraph>::vertex_descriptor;
using ArcDesc = boost::graph_traits<CsrGraph>::edge_descriptor;

// Per-node search state in one record (one cache line holds all a relaxation touches),
// valid only for the current epoch: a record not written in this epoch reads as the
// defaults. One allocation serves every search without clearing it.
struct NodeState {
  double dist = kUnreached;
  std::uint32_t stamp = 0;
  EdgeId pred = kNone;
  std::uint32_t source = kNone;
  std::uint32_t heap = kNone;  // position in the heap; kNone = not in it
  boost::default_color_type color = boost::white_color;
};

struct StateStore {
  std::vector<NodeState> nodes;
  std::uint32_t epoch = 1;

  void resize(std::size_t n) { nodes.assign(n, NodeState{}); }
  void next_epoch() {
    if (++epoch == 0) {
      for (NodeState& s : nodes) s.stamp = 0;
      epoch = 1;
    }
  }
  const NodeState* read(std::size_t v) const { return nodes[v].stamp == epoch ? &nodes[v] : nullptr; }
  NodeState& write(std::size_t v) {
    NodeState& s = nodes[v];
    if (s.stamp != epoch) {
      s = NodeState{};
      s.stamp = epoch;
    }
    return s;
  }
};

// Property maps over the store, one per field Boost's Dijkstra reads or writes.
struct DistMap {
  StateStore* store;
  using key_type = Vertex;
  using value_type = double;
  using reference = double;
  using category = boost::read_write_property_map_tag;
};
inline double get(const DistMap& m, Vertex v) {
  const NodeState* s = m.store->read(v);
  return s ? s->dist : kUnreached;
}
inline void put(const DistMap& m, Vertex v, double x) { m.store->write(v).dist = x; }

struct ColorMap {
  StateStore* store;
  using key_type = Vertex;
  using value_type = boost::default_color_type;
  using reference = boost::default_color_type;
  using category = boost::read_write_property_map_tag;
};
inline boost::default_color_type get(const ColorMap& m, Vertex v) {
  const NodeState* s = m.store->read(v);
  return s ? s->color : boost::white_color;
}
inline void put(const ColorMap& m, Vertex v, boost::default_color_type c) { m.store->write(v).color = c; }

// The heap's index-in-heap map (Boost's default allocates one of num_vertices entries
// per search: ~20 µs and a page fault per touched page on a 300k-node graph).
struct HeapIndexMap {
  StateStore* store;
  using key_type = Vertex;
  using value_type = std::size_t;
  using reference = std::size_t;
  using category = boost::read_write_property_map_tag;
};
inline std::size_t get(const HeapIndexMap& m, Vertex v) {
  const NodeState* s = m.store->read(v);
  return s && s->heap != kNone ? s->heap : static_cast<std::size_t>(-1);
}
inline void put(const HeapIndexMap& m, Vertex v, std::size_t i) {
  m.store->write(v).heap = i == static_cast<std::size_t>(-1) ? kNone : static_cast<std::uint32_t>(i);
}

// The heap's storage, borrowed from the query object so its capacity is kept.
struct HeapStorage {
  std::vector<Vertex>* v;
  using size_type = std::size_t;
  using value_type = Vertex;
  std::size_t size() const { return v->size(); }
  bool empty() const { return v->empty(); }
  void push_back(Vertex x) { v->push_back(x); }
  void pop_back() { v->pop_back(); }
  Vertex& back() { return v->back(); }
  const Vertex& back() const { return v->back(); }
  Vertex& operator[](std::size_t i) { return (*v)[i]; }
  const Vertex& operator[](std::size_t i) const { return (*v)[i]; }
};

// Predecessors are recorded by edge in the visitor; the vertex map is not needed.
struct NullPredMap {
  using key_type = Vertex;
  using value_type = Vertex;
  using reference = Vertex;
  using category = boost::read_write_property_map_tag;
};
inline Vertex get(const NullPredMap&, Vertex v) { return v; }
inline void put(const NullPredMap&, Vertex, Vertex) {}

struct StopSearch {};

// Arc weights, with the arcs of cut edges weighing +infinity (never relaxed).
struct CutWeightMap {
  const CsrGraph* g;
  const std::vector<char>* cut;  // per edge; empty = nothing cut
  using key_type = ArcDesc;
  using value_type = double;
  using reference = double;
  using category = boost::readable_property_map_tag;
};
inline double get(const CutWeightMap& m, const ArcDesc& a) {
  const Arc& arc = (*m.g)[a];
  return !m.cut->empty() && (*m.cut)[arc.edge] ? std::numeric_limits<double>::infinity() : arc.weight_us;
}

}  // namespace boost_search_detail


class BoostSearch {
 public:
  explicit BoostSearch(const Network& net) : m_impl(std::make_unique<Impl>()) {
    using namespace boost_search_detail;
    Impl& s = *m_impl;
    const std::size_t n = net.nodes();
    s.node_of = spatial_order(net.node_pos);
    s.vertex_of.resize(n);
    for (NodeId i = 0; i < n; ++i) s.vertex_of[s.node_of[i]] = i;
    std::vector<std::pair<NodeId, NodeId>> ends;
    std::vector<Arc> props;
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const NodeId u = net.edge_u[e];
      const NodeId v = net.edge_v[e];
      ends.emplace_back(s.vertex_of[u], s.vertex_of[v]);
      props.push_back(Arc{net.edge_delay_us[e] + net.node_delay_us[v], e});
      ends.emplace_back(s.vertex_of[v], s.vertex_of[u]);
      props.push_back(Arc{net.edge_delay_us[e] + net.node_delay_us[u], e});
    }
    s.g = CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(), props.begin(),
                   static_cast<NodeId>(n));
    s.state.resize(n);
  }

  void run(std::span<const Source> sources, double budget_us = kUnreached, std::span<const EdgeId> cut = {}) {
    using namespace boost_search_detail;
    Impl& s = *m_impl;
    if (!cut.empty() && s.cut.empty()) {
      s.cut.assign(boost::num_edges(s.g) / 2, 0);  // every edge is two arcs
    }
    for (EdgeId e : cut) s.cut[e] = 1;
    struct Uncut {
      std::vector<char>& cut;
      std::span<const EdgeId> edges;
      ~Uncut() {
        for (EdgeId e : edges) cut[e] = 0;
      }
    } uncut{s.cut, cut};
    s.state.next_epoch();
    s.heap.clear();
    s.settled.clear();
    s.settled_us.clear();
    s.budget = budget_us;

    std::vector<Vertex> starts;
    starts.reserve(sources.size());
    for (std::uint32_t i = 0; i < sources.size(); ++i) {
      const Source& src = sources[i];
      assert(src.node < boost::num_vertices(s.g));
      const Vertex x = s.vertex_of[src.node];
      if (!(src.offset_us <= budget_us)) continue;
      const NodeState* cur = s.state.read(x);
      if (!cur || src.offset_us < cur->dist) {
        if (!cur) starts.push_back(x);
        NodeState& st = s.state.write(x);
        st.dist = src.offset_us;
        st.source = i;
      }
    }
    if (starts.empty()) return;

    struct Vis : boost::default_dijkstra_visitor {
      Impl* s;
      explicit Vis(Impl* impl) : s(impl) {}
      void examine_vertex(Vertex u, const CsrGraph&) {
        const double d = s->state.nodes[u].dist;
        if (d > s->budget) throw StopSearch{};
        s->settled.push_back(s->node_of[u]);
        s->settled_us.push_back(d);
      }
      void edge_relaxed(const ArcDesc& a, const CsrGraph& g) {
        // Both ends were written this epoch (u is settled, v was just relaxed).
        NodeState& v = s->state.nodes[boost::target(a, g)];
        v.pred = g[a].edge;
        v.source = s->state.nodes[boost::source(a, g)].source;
      }
    };
    // Boost.Graph's Dijkstra exactly as dijkstra_shortest_paths_no_init runs it (a 4-ary
    // indirect heap driven by breadth_first_visit with dijkstra_bfs_visitor), with the heap
    // index and storage kept in this query object instead of allocated per search.
    using Queue = boost::d_ary_heap_indirect<Vertex, 4, HeapIndexMap, DistMap, std::less<double>, HeapStorage>;
    const DistMap dist{&s.state};
    Queue queue(dist, HeapIndexMap{&s.state}, std::less<double>(), HeapStorage{&s.heap});
    boost::detail::dijkstra_bfs_visitor<Vis, Queue, CutWeightMap, NullPredMap, DistMap, std::plus<double>,
                                        std::less<double>>
        bfs_vis(Vis(&s), queue, CutWeightMap{&s.g, &s.cut}, NullPredMap{}, dist, std::plus<double>(),
                std::less<double>(), 0.0);
    try {
      boost::breadth_first_visit(s.g, starts.begin(), starts.end(), queue, bfs_vis, ColorMap{&s.state});
    } catch (const StopSearch&) {
      // Every node left in the queue is beyond the budget.
    }
  }

  double latency(NodeId v) const {
    const boost_search_detail::NodeState* s = m_impl->state.read(m_impl->vertex_of[v]);
    return s && s->dist <= m_impl->budget && s->color == boost::black_color ? s->dist : kUnreached;
  }
  std::uint32_t source_of(NodeId v) const {
    return latency(v) == kUnreached ? kNone : m_impl->state.nodes[m_impl->vertex_of[v]].source;
  }
  EdgeId pred_edge(NodeId v) const {
    return latency(v) == kUnreached ? kNone : m_impl->state.nodes[m_impl->vertex_of[v]].pred;
  }
  std::span<const NodeId> reached() const { return m_impl->settled; }
  std::span<const double> reached_latency() const { return m_impl->settled_us; }

 private:
  struct Impl {
    boost_search_detail::CsrGraph g;
    std::vector<NodeId> vertex_of;
    std::vector<NodeId> node_of;
    boost_search_detail::StateStore state;
    std::vector<boost_search_detail::Vertex> heap;
    std::vector<NodeId> settled;
    std::vector<double> settled_us;
    double budget = kUnreached;
    std::vector<char> cut;
  };
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lightcone::test
