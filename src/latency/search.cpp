#include "latency/search.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <exception>
#include <limits>
#include <thread>

#include "core/spatial_order.hpp"

namespace lightcone {
namespace {

// Heap slot of a node that is not in the heap (NodeState::heap).
constexpr std::uint32_t kPopped = 0xFFFFFFFDu;   // taken from the heap, not settled (beyond the budget)
constexpr std::uint32_t kSettled = 0xFFFFFFFEu;  // settled: dist is final and within the budget

}  // namespace

struct Graph::Impl {
  // Flat CSR arrays in vertex numbering: the arcs of vertex x are first_out[x] ..
  // first_out[x + 1] - 1, in the order the network lists its edges (edge e gives arc u→v
  // then v→u). Vertices are numbered in a space-filling (Morton) order of the node
  // positions, so a search's working set is a compact range of memory instead of random
  // node ids (the network's ids follow the input file). Only vertex numbers change: arc
  // order, hence every search's relaxations and ties, are as with the network's own ids.
  std::vector<std::uint32_t> first_out;  // vertices + 1
  std::vector<NodeId> head;              // per arc, a vertex
  std::vector<double> weight_us;         // per arc: edge delay + delay of the head node
  std::vector<EdgeId> edge;              // per arc
  std::vector<NodeId> vertex_of;         // network node → vertex
  std::vector<NodeId> node_of;           // vertex → network node
};

Graph::Graph(const Network& net) : m_impl(std::make_unique<Impl>()) {
  Impl& g = *m_impl;
  const std::size_t n = net.nodes();
  const std::size_t m = net.edges() * 2;
  g.node_of = spatial_order(net.node_pos);
  g.vertex_of.resize(n);
  for (NodeId i = 0; i < n; ++i) g.vertex_of[g.node_of[i]] = i;
  // A stable counting sort by tail: each vertex's arcs keep the order of the edges.
  g.first_out.assign(n + 1, 0);
  for (EdgeId e = 0; e < net.edges(); ++e) {
    ++g.first_out[g.vertex_of[net.edge_u[e]] + 1];
    ++g.first_out[g.vertex_of[net.edge_v[e]] + 1];
  }
  for (std::size_t x = 0; x < n; ++x) g.first_out[x + 1] += g.first_out[x];
  g.head.resize(m);
  g.weight_us.resize(m);
  g.edge.resize(m);
  std::vector<std::uint32_t> next(g.first_out.begin(), g.first_out.end() - 1);
  auto add = [&](NodeId from, NodeId to, EdgeId e) {
    const std::uint32_t a = next[g.vertex_of[from]]++;
    g.head[a] = g.vertex_of[to];
    g.weight_us[a] = net.edge_delay_us[e] + net.node_delay_us[to];
    g.edge[a] = e;
    assert(!(g.weight_us[a] < 0.0));  // Dijkstra needs non-negative weights (Network's invariant)
  };
  for (EdgeId e = 0; e < net.edges(); ++e) {
    add(net.edge_u[e], net.edge_v[e], e);
    add(net.edge_v[e], net.edge_u[e], e);
  }
}
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
std::size_t Graph::nodes() const { return m_impl->node_of.size(); }
std::size_t Graph::arcs() const { return m_impl->head.size(); }
Graph::ArcList Graph::arc_list() const {
  const Impl& g = *m_impl;
  ArcList out;
  out.tail.reserve(g.head.size());
  for (std::size_t x = 0; x + 1 < g.first_out.size(); ++x)
    for (std::uint32_t a = g.first_out[x]; a < g.first_out[x + 1]; ++a) out.tail.push_back(g.node_of[x]);
  for (NodeId h : g.head) out.head.push_back(g.node_of[h]);
  out.weight_us = g.weight_us;
  out.edge = g.edge;
  return out;
}

// The search: Dijkstra with a 4-ary heap of (key, vertex) entries, every step exactly as
// Boost.Graph's dijkstra_shortest_paths_no_init with its d_ary_heap_indirect<.., 4, ..>
// takes it (the engine before issue 17, kept as the test oracle in
// tests/latency/support/boost_search.hpp): sources pushed in order, a node reached first
// is pushed even when its arc does not relax (a cut arc), strict `<` everywhere, sift-down
// to the first smallest child, the search stops at the first node taken beyond the
// budget. So settle order, ties, predecessors and sources are the same, bit for bit.
// What changed is cost: the key lives in the heap entry (no lookup per comparison), the
// arcs are flat arrays, the per-node state is 16 bytes read on every relaxation plus
// 8 bytes written only when an arc relaxes, valid only for the current epoch (one
// allocation serves every search without clearing it), and nothing is allocated per run.
struct Search::Impl {
  struct NodeState {
    double dist;
    std::uint32_t stamp;  // == epoch: this search wrote the node
    std::uint32_t heap;   // heap position, kPopped or kSettled
  };
  struct Tree {
    EdgeId pred;
    std::uint32_t source;
  };
  struct HeapEntry {
    double key;
    std::uint32_t vertex;
  };

  const Graph::Impl* g = nullptr;
  std::vector<NodeState> state;
  std::vector<Tree> tree;
  std::uint32_t epoch = 0;
  std::vector<HeapEntry> heap;
  std::vector<NodeId> starts;
  std::vector<NodeId> settled;
  std::vector<double> settled_us;  // latency of each settled node (final when settled)
  double budget = kUnreached;
  std::vector<char> cut;  // per edge, allocated on the first run with cuts

  bool current(NodeId x) const { return state[x].stamp == epoch; }
  void next_epoch() {
    if (++epoch == 0) {
      for (NodeState& s : state) s.stamp = 0;
      epoch = 1;
    }
  }
  void place(std::size_t i, const HeapEntry& e) {
    heap[i] = e;
    state[e.vertex].heap = static_cast<std::uint32_t>(i);
  }
  void sift_up(std::size_t i, HeapEntry e) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!(e.key < heap[parent].key)) break;
      place(i, heap[parent]);
      i = parent;
    }
    place(i, e);
  }
  void push(NodeId x, double key) {
    heap.push_back(HeapEntry{key, x});
    sift_up(heap.size() - 1, heap.back());
  }
  void pop() {
    state[heap.front().vertex].heap = kPopped;
    const HeapEntry moving = heap.back();
    heap.pop_back();
    const std::size_t n = heap.size();
    if (n == 0) return;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      const std::size_t end = std::min(first + 4, n);
      std::size_t best = first;
      double best_key = heap[first].key;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (heap[c].key < best_key) {
          best = c;
          best_key = heap[c].key;
        }
      }
      if (!(best_key < moving.key)) break;
      place(i, heap[best]);
      i = best;
    }
    place(i, moving);
  }

  template <bool kWithCut>
  void sweep();
};

template <bool kWithCut>
void Search::Impl::sweep() {
  const std::uint32_t* first_out = g->first_out.data();
  const NodeId* head = g->head.data();
  const double* weight = g->weight_us.data();
  const EdgeId* edge = g->edge.data();
  const NodeId* node_of = g->node_of.data();
  NodeState* st = state.data();
  Tree* tr = tree.data();
  const std::uint32_t ep = epoch;
  while (!heap.empty()) {
    const NodeId u = heap.front().vertex;
    const double d = heap.front().key;
    pop();
    if (d > budget) return;  // every node left in the heap is beyond the budget too
    settled.push_back(node_of[u]);
    settled_us.push_back(d);
    const std::uint32_t source = tr[u].source;
    const std::uint32_t end = first_out[u + 1];
    for (std::uint32_t a = first_out[u]; a < end; ++a) {
      const NodeId v = head[a];
      double w = weight[a];
      if constexpr (kWithCut) {
        if (cut[edge[a]]) w = std::numeric_limits<double>::infinity();
      }
      NodeState& sv = st[v];
      const double nd = d + w;
      if (sv.stamp != ep) {
        // First reached: pushed whether or not the arc relaxes (as Boost's tree_edge).
        sv.stamp = ep;
        if (nd < kUnreached) {
          sv.dist = nd;
          tr[v] = Tree{edge[a], source};
        } else {
          sv.dist = kUnreached;
          tr[v] = Tree{kNone, kNone};
        }
        push(v, sv.dist);
      } else if (sv.heap < kPopped && nd < sv.dist) {
        sv.dist = nd;
        tr[v] = Tree{edge[a], source};
        heap[sv.heap].key = nd;
        sift_up(sv.heap, heap[sv.heap]);
      }
    }
    st[u].heap = kSettled;
  }
}

Search::Search(const Graph& graph) : m_impl(std::make_unique<Impl>()) {
  m_impl->g = graph.m_impl.get();
  const std::size_t n = graph.nodes();
  m_impl->state.assign(n, Impl::NodeState{kUnreached, 0, kPopped});
  m_impl->tree.assign(n, Impl::Tree{kNone, kNone});
}
Search::~Search() = default;

void Search::run(std::span<const Source> sources, double budget_us, std::span<const EdgeId> cut) {
  Impl& s = *m_impl;
  if (!cut.empty() && s.cut.empty()) {
    s.cut.assign(s.g->head.size() / 2, 0);  // every edge is two arcs
  }
  for (EdgeId e : cut) s.cut[e] = 1;
  struct Uncut {
    std::vector<char>& cut;
    std::span<const EdgeId> edges;
    ~Uncut() {
      for (EdgeId e : edges) cut[e] = 0;
    }
  } uncut{s.cut, cut};
  s.next_epoch();
  s.heap.clear();
  s.starts.clear();
  s.settled.clear();
  s.settled_us.clear();
  s.budget = budget_us;

  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    const Source& src = sources[i];
    assert(src.node < s.g->node_of.size());
    const NodeId x = s.g->vertex_of[src.node];
    if (!(src.offset_us <= budget_us)) continue;
    if (!s.current(x)) {
      s.starts.push_back(x);
      s.state[x] = Impl::NodeState{src.offset_us, s.epoch, kPopped};
      s.tree[x] = Impl::Tree{kNone, i};
    } else if (src.offset_us < s.state[x].dist) {
      s.state[x].dist = src.offset_us;
      s.tree[x].source = i;
    }
  }
  for (NodeId x : s.starts) s.push(x, s.state[x].dist);
  if (cut.empty()) s.sweep<false>();
  else s.sweep<true>();
}

double Search::latency(NodeId v) const {
  const Impl& s = *m_impl;
  const NodeId x = s.g->vertex_of[v];
  return s.current(x) && s.state[x].heap == kSettled && s.state[x].dist <= s.budget ? s.state[x].dist : kUnreached;
}
std::uint32_t Search::source_of(NodeId v) const {
  return latency(v) == kUnreached ? kNone : m_impl->tree[m_impl->g->vertex_of[v]].source;
}
EdgeId Search::pred_edge(NodeId v) const {
  return latency(v) == kUnreached ? kNone : m_impl->tree[m_impl->g->vertex_of[v]].pred;
}
std::span<const NodeId> Search::reached() const { return m_impl->settled; }
std::span<const double> Search::reached_latency() const { return m_impl->settled_us; }

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
