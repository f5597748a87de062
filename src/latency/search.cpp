#include "latency/search.hpp"

#include <atomic>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cassert>
#include <exception>
#include <thread>

namespace lightcone {
namespace {

struct Arc {
  double weight_us = 0.0;
  EdgeId edge = kNone;
};

using CsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, Arc,
                                                    boost::no_property, NodeId, std::uint32_t>;
using Vertex = boost::graph_traits<CsrGraph>::vertex_descriptor;
using ArcDesc = boost::graph_traits<CsrGraph>::edge_descriptor;

// A property map over per-node storage that is valid only for the current epoch:
// reading an entry not written in this epoch gives the default. This lets one
// allocation serve every search without clearing it.
template <class T>
struct EpochStore {
  std::vector<T> values;
  std::vector<std::uint32_t> stamps;
  std::uint32_t epoch = 1;
  T fallback{};
  std::vector<NodeId>* touched = nullptr;  // nodes written this epoch (optional)

  void resize(std::size_t n, T def) {
    values.assign(n, def);
    stamps.assign(n, 0);
    fallback = def;
  }
  void next_epoch() {
    if (++epoch == 0) {
      std::fill(stamps.begin(), stamps.end(), 0u);
      epoch = 1;
    }
  }
  T get(std::size_t v) const { return stamps[v] == epoch ? values[v] : fallback; }
  void put(std::size_t v, T x) {
    if (stamps[v] != epoch) {
      stamps[v] = epoch;
      if (touched) touched->push_back(static_cast<NodeId>(v));
    }
    values[v] = x;
  }
};

template <class T>
struct EpochMap {
  EpochStore<T>* store;
  using key_type = Vertex;
  using value_type = T;
  using reference = T;
  using category = boost::read_write_property_map_tag;
};
template <class T>
T get(const EpochMap<T>& m, Vertex v) { return m.store->get(v); }
template <class T>
void put(const EpochMap<T>& m, Vertex v, T x) { m.store->put(v, x); }

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

}  // namespace

struct Graph::Impl {
  CsrGraph g;
};

Graph::Graph(const Network& net) : m_impl(std::make_unique<Impl>()) {
  std::vector<std::pair<NodeId, NodeId>> ends;
  std::vector<Arc> props;
  ends.reserve(net.edges() * 2);
  props.reserve(net.edges() * 2);
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const NodeId u = net.edge_u[e];
    const NodeId v = net.edge_v[e];
    ends.emplace_back(u, v);
    props.push_back(Arc{net.edge_delay_us[e] + net.node_delay_us[v], e});
    ends.emplace_back(v, u);
    props.push_back(Arc{net.edge_delay_us[e] + net.node_delay_us[u], e});
  }
  m_impl->g = CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(), props.begin(),
                       static_cast<NodeId>(net.nodes()));
}
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
std::size_t Graph::nodes() const { return boost::num_vertices(m_impl->g); }
std::size_t Graph::arcs() const { return boost::num_edges(m_impl->g); }

struct Search::Impl {
  const CsrGraph* g = nullptr;
  EpochStore<double> dist;
  EpochStore<boost::default_color_type> color;
  EpochStore<EdgeId> pred;
  EpochStore<std::uint32_t> source;
  std::vector<NodeId> settled;
  double budget = kUnreached;
  std::vector<char> cut;  // per edge, allocated on the first run with cuts
};

Search::Search(const Graph& graph) : m_impl(std::make_unique<Impl>()) {
  m_impl->g = &graph.m_impl->g;
  const std::size_t n = boost::num_vertices(*m_impl->g);
  m_impl->dist.resize(n, kUnreached);
  m_impl->color.resize(n, boost::white_color);
  m_impl->pred.resize(n, kNone);
  m_impl->source.resize(n, kNone);
}
Search::~Search() = default;

void Search::run(std::span<const Source> sources, double budget_us, std::span<const EdgeId> cut) {
  Impl& s = *m_impl;
  if (!cut.empty() && s.cut.empty()) {
    s.cut.assign(boost::num_edges(*s.g) / 2, 0);  // every edge is two arcs
  }
  for (EdgeId e : cut) s.cut[e] = 1;
  struct Uncut {
    std::vector<char>& cut;
    std::span<const EdgeId> edges;
    ~Uncut() {
      for (EdgeId e : edges) cut[e] = 0;
    }
  } uncut{s.cut, cut};
  s.dist.next_epoch();
  s.color.next_epoch();
  s.pred.next_epoch();
  s.source.next_epoch();
  s.settled.clear();
  s.budget = budget_us;

  std::vector<Vertex> starts;
  starts.reserve(sources.size());
  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    const Source& src = sources[i];
    assert(src.node < boost::num_vertices(*s.g));
    if (!(src.offset_us <= budget_us)) continue;
    const double cur = s.dist.get(src.node);
    if (src.offset_us < cur) {
      if (cur == kUnreached) starts.push_back(src.node);
      s.dist.put(src.node, src.offset_us);
      s.source.put(src.node, i);
    }
  }
  if (starts.empty()) return;

  struct Vis : boost::default_dijkstra_visitor {
    Impl* s;
    explicit Vis(Impl* impl) : s(impl) {}
    void examine_vertex(Vertex u, const CsrGraph&) {
      if (s->dist.get(u) > s->budget) throw StopSearch{};
      s->settled.push_back(static_cast<NodeId>(u));
    }
    void edge_relaxed(const ArcDesc& a, const CsrGraph& g) {
      const Vertex u = boost::source(a, g);
      const Vertex v = boost::target(a, g);
      s->pred.put(v, g[a].edge);
      s->source.put(v, s->source.get(u));
    }
  };
  try {
    boost::dijkstra_shortest_paths_no_init(
        *s.g, starts.begin(), starts.end(), NullPredMap{}, EpochMap<double>{&s.dist},
        CutWeightMap{s.g, &s.cut}, boost::get(boost::vertex_index, *s.g), std::less<double>(),
        std::plus<double>(), 0.0, Vis(&s), EpochMap<boost::default_color_type>{&s.color});
  } catch (const StopSearch&) {
    // Every node left in the queue is beyond the budget.
  }
}

double Search::latency(NodeId v) const {
  const double d = m_impl->dist.get(v);
  return d <= m_impl->budget && m_impl->color.get(v) == boost::black_color ? d : kUnreached;
}
std::uint32_t Search::source_of(NodeId v) const {
  return latency(v) == kUnreached ? kNone : m_impl->source.get(v);
}
EdgeId Search::pred_edge(NodeId v) const {
  return latency(v) == kUnreached ? kNone : m_impl->pred.get(v);
}
std::span<const NodeId> Search::reached() const { return m_impl->settled; }

NodeLatencies nearest_source_latency(const Graph& graph, std::span<const Source> sources, double budget_us) {
  Search search(graph);
  search.run(sources, budget_us);
  NodeLatencies out;
  const std::size_t n = graph.nodes();
  out.us.assign(n, kUnreached);
  out.source.assign(n, kNone);
  out.pred_edge.assign(n, kNone);
  for (NodeId v : search.reached()) {
    out.us[v] = search.latency(v);
    out.source[v] = search.source_of(v);
    out.pred_edge[v] = search.pred_edge(v);
  }
  return out;
}

void for_each_source(const Graph& graph, std::span<const Source> sources, double budget_us,
                     unsigned threads, const std::function<void(std::size_t, const Search&)>& visit) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, sources.size())));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  auto work = [&] {
    try {
      Search search(graph);
      for (std::size_t i; !failed && (i = next.fetch_add(1)) < sources.size();) {
        search.run(sources.subspan(i, 1), budget_us);
        visit(i, search);
      }
    } catch (...) {
      if (!failed.exchange(true)) error = std::current_exception();
    }
  };
  if (threads == 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lightcone
