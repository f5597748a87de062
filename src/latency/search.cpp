#include "latency/search.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
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
  // An arc's record: what a relaxation reads, in one 16-byte record (a vertex's arcs
  // share a cache line or two; three parallel columns would touch three).
  struct Arc {
    double weight_us;  // edge delay + delay of the head node
    NodeId head;       // a vertex
    EdgeId edge;
  };
  std::vector<std::uint32_t> first_out;  // vertices + 1
  std::vector<Arc> arcs;
  std::vector<NodeId> vertex_of;         // network node → vertex
  std::vector<NodeId> node_of;           // vertex → network node
  std::vector<std::uint8_t> degree;      // per vertex: its number of arcs, 255 for 255 or more
  bool fast_ok = true;                   // every weight finite and >= 0: the fast sweep may run
  double inv_bucket_us = 1.0;            // 1 / the fast sweep's bucket width (BucketQueue)
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
  g.arcs.resize(m);
  std::vector<std::uint32_t> next(g.first_out.begin(), g.first_out.end() - 1);
  auto add = [&](NodeId from, NodeId to, EdgeId e) {
    Impl::Arc& a = g.arcs[next[g.vertex_of[from]]++];
    a = Impl::Arc{net.edge_delay_us[e] + net.node_delay_us[to], g.vertex_of[to], e};
    assert(!(a.weight_us < 0.0));  // Dijkstra needs non-negative weights (Network's invariant)
    if (!(a.weight_us >= 0.0 && a.weight_us < kUnreached)) g.fast_ok = false;
  };
  for (EdgeId e = 0; e < net.edges(); ++e) {
    add(net.edge_u[e], net.edge_v[e], e);
    add(net.edge_v[e], net.edge_u[e], e);
  }
  g.degree.resize(n);
  for (std::size_t x = 0; x < n; ++x)
    g.degree[x] = static_cast<std::uint8_t>(std::min<std::uint32_t>(g.first_out[x + 1] - g.first_out[x], 255));
  // The fast sweep's bucket width (BucketQueue): a tenth of the lower quartile of the
  // positive arc weights, so that a bucket holds a few nodes of a search's frontier (on
  // the medium benchmark a tenth was faster than a twentieth, a fifth, a half or one).
  std::vector<double> w;
  w.reserve(g.arcs.size());
  for (const Impl::Arc& a : g.arcs) {
    if (a.weight_us > 0.0 && a.weight_us < kUnreached) w.push_back(a.weight_us);
  }
  if (!w.empty()) {
    auto q = w.begin() + static_cast<std::ptrdiff_t>(w.size() / 4);
    std::nth_element(w.begin(), q, w.end());
    g.inv_bucket_us = 1.0 / (*q * 0.1);
  }
}
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
std::size_t Graph::nodes() const { return m_impl->node_of.size(); }
std::size_t Graph::arcs() const { return m_impl->arcs.size(); }
Graph::ArcList Graph::arc_list() const {
  const Impl& g = *m_impl;
  ArcList out;
  for (std::size_t x = 0; x + 1 < g.first_out.size(); ++x) {
    for (std::uint32_t a = g.first_out[x]; a < g.first_out[x + 1]; ++a) {
      out.tail.push_back(g.node_of[x]);
      out.head.push_back(g.node_of[g.arcs[a].head]);
      out.weight_us.push_back(g.arcs[a].weight_us);
      out.edge.push_back(g.arcs[a].edge);
    }
  }
  return out;
}

// The search: Dijkstra that gives, bit for bit, what Boost.Graph's
// dijkstra_shortest_paths_no_init with its d_ary_heap_indirect<.., 4, ..> gives (the
// engine before issue 17, kept as the test oracle in tests/support/boost_search.hpp): the
// same reached() order, latencies, sources and predecessor edges. Two sweeps:
//
// - Fast (the common case): a bucket queue (BucketQueue) without positions (an improved
//   node is pushed again and its old entry skipped when taken; no decrease-key), and
//   nodes beyond the budget never pushed. Any exact Dijkstra
//   settles nodes in non-decreasing latency; when no two settled latencies are equal,
//   that order is the sorted order whatever the heap, and then predecessors and sources
//   are determined too: a node's predecessor is the first arc, in settle order and then
//   arc order, that reaches its final latency (relaxations are strict `<` and add the
//   same doubles in the same order). So the fast sweep gives up at the first tie (a node
//   settled at the latency of the one before) and the exact sweep repeats the run. It
//   needs finite, non-negative weights and offsets and no cut edges; otherwise the exact
//   sweep runs at once.
// - Exact: every step of Boost's loop (sources pushed in order, a node reached first is
//   pushed even when its arc does not relax (a cut arc), strict `<` everywhere, sift-down
//   to the first smallest child, stop at the first node taken beyond the budget), with
//   the key in the heap entry instead of a lookup per comparison.
// Both: arcs in one flat array of 16-byte records, 16 bytes of per-node state read on
// every relaxation plus 8 bytes written only when an arc relaxes, valid only for the
// current epoch (one allocation serves every search without clearing it), nothing
// allocated per run once the buffers have grown.
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
  // The fast sweep's queue: buckets of keys [b·δ, (b+1)·δ) (b = ⌊key / δ⌋, δ from the
  // graph), a window of kBuckets of them in a ring, farther keys in an overflow list; the
  // current bucket is sorted (descending, the least at the back) when the sweep reaches
  // it, and keys pushed into it are inserted in order. Pops come out in non-decreasing
  // key order, which is all the fast sweep needs (it gives up at the first tie).
  struct BucketQueue {
    static constexpr std::uint64_t kBuckets = 1024;  // a power of two
    static constexpr std::uint64_t kWords = kBuckets / 64;
    std::vector<std::vector<HeapEntry>> bucket = std::vector<std::vector<HeapEntry>>(kBuckets);
    std::array<std::uint64_t, kWords> used{};
    std::vector<HeapEntry> current;  // the bucket `cur`, descending by key
    std::vector<HeapEntry> overflow;  // keys in buckets >= cur + kBuckets
    std::uint64_t overflow_min = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t cur = 0;
    double inv = 1.0;
    // false (the latency sweep): the current bucket is taken in any order; a node taken
    // before one of a smaller key that then improves it is taken again (rare: it needs a
    // path shorter than the bucket width), and the latencies come out the same.
    bool sorted = true;

    // False when the key is too large for a bucket index (the exact sweep takes over).
    static bool index(double key, double inv, std::uint64_t& b) {
      const double x = key * inv;
      if (!(x < 0x1p62)) return false;
      b = static_cast<std::uint64_t>(x);
      return true;
    }
    void clear() {
      for (std::uint64_t w = 0; w < kWords; ++w) {
        for (std::uint64_t bits = used[w]; bits; bits &= bits - 1) {
          bucket[w * 64 + static_cast<std::uint64_t>(std::countr_zero(bits))].clear();
        }
        used[w] = 0;
      }
      current.clear();
      overflow.clear();
      overflow_min = std::numeric_limits<std::uint64_t>::max();
    }
    void start(std::uint64_t first, double inverse) {
      cur = first;
      inv = inverse;
    }
    [[gnu::always_inline]] void add(std::uint64_t b, HeapEntry e) {
      if (b - cur < kBuckets) {
        const std::uint64_t slot = b & (kBuckets - 1);
        bucket[slot].push_back(e);
        used[slot / 64] |= std::uint64_t{1} << (slot % 64);
      } else {
        overflow.push_back(e);
        overflow_min = std::min(overflow_min, b);
      }
    }
    // REQUIRES: b >= cur.
    [[gnu::always_inline]] void push(std::uint64_t b, HeapEntry e) {
      if (b != cur) return add(b, e);
      current.push_back(e);
      if (!sorted) return;
      std::size_t i = current.size() - 1;
      while (i > 0 && current[i - 1].key < e.key) {
        current[i] = current[i - 1];
        --i;
      }
      current[i] = e;
    }
    // The next entry to take (the least key of the current bucket, or any of it when not
    // sorted); false when the queue is empty.
    [[gnu::always_inline]] bool take(HeapEntry& e) {
      if (current.empty() && !advance()) return false;
      e = current.back();
      current.pop_back();
      return true;
    }
    // The next bucket after cur with entries; false when none is left.
    bool advance() {
      std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
      const std::uint64_t from = (cur + 1) & (kBuckets - 1);
      for (std::uint64_t k = 0; k <= kWords; ++k) {  // the ring, from `from` round to it
        const std::uint64_t w = (from / 64 + k) % kWords;
        std::uint64_t bits = used[w];
        if (k == 0) bits &= ~std::uint64_t{0} << (from % 64);
        if (bits) {
          const std::uint64_t slot = w * 64 + static_cast<std::uint64_t>(std::countr_zero(bits));
          next = cur + 1 + ((slot - from) & (kBuckets - 1));
          break;
        }
      }
      if (overflow_min <= next) {
        if (overflow_min == std::numeric_limits<std::uint64_t>::max()) return false;
        cur = overflow_min;  // every entry in the ring is in a bucket >= next >= cur
        std::vector<HeapEntry> far;
        far.swap(overflow);
        overflow_min = std::numeric_limits<std::uint64_t>::max();
        for (const HeapEntry& e : far) {
          std::uint64_t b = 0;
          index(e.key, inv, b);
          if (b == cur) current.push_back(e);
          else add(b, e);
        }
      } else {
        cur = next;
      }
      const std::uint64_t slot = cur & (kBuckets - 1);
      if (used[slot / 64] >> (slot % 64) & 1) {
        used[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
        if (current.empty()) {
          current.swap(bucket[slot]);  // buffers change hands, none is freed
        } else {
          current.insert(current.end(), bucket[slot].begin(), bucket[slot].end());
          bucket[slot].clear();
        }
      }
      if (!sorted) return true;
      // Insertion sort, descending: a bucket holds a few entries.
      HeapEntry* c = current.data();
      const std::size_t n = current.size();
      for (std::size_t i = 1; i < n; ++i) {
        const HeapEntry e = c[i];
        std::size_t j = i;
        for (; j > 0 && c[j - 1].key < e.key; --j) c[j] = c[j - 1];
        c[j] = e;
      }
      return true;
    }
  };
  const Graph::Impl* g = nullptr;
  std::vector<NodeState> state;
  std::vector<Tree> tree;
  std::uint32_t epoch = 0;
  std::vector<HeapEntry> heap;
  BucketQueue queue;
  std::vector<NodeId> starts;
  std::uint64_t tie_reruns = 0;
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
  // Removes the root: the last entry moves down from the root of the 4-ary heap to the
  // first smallest child while that child is smaller.
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

  bool tree_valid = true;     // false after run_latencies: no sources or predecessors kept

  template <bool kWithCut>
  void sweep();
  bool sweep_fast();
  bool sweep_latencies();
  // Puts the sources (starts) into the bucket queue, each marked `mark`, the queue's
  // buckets sorted or not (BucketQueue::sorted); false when a key does not fit a bucket
  // index.
  bool queue_starts(std::uint32_t mark, bool sorted);
  // Starts a run: a new epoch, the sources' nodes written and listed in `starts`.
  // False if an offset rules out the fast sweep (negative or not finite).
  bool start(std::span<const Source> sources, double budget_us);
};

bool Search::Impl::sweep_fast() {
  const std::uint32_t* first_out = g->first_out.data();
  const Graph::Impl::Arc* arcs = g->arcs.data();
  const NodeId* node_of = g->node_of.data();
  NodeState* st = state.data();
  Tree* tr = tree.data();
  const std::uint32_t ep = epoch;
  const double limit = budget;
  const double inv = g->inv_bucket_us;
  BucketQueue& q = queue;
  double previous = -1.0;  // latency of the last settled node (all are >= 0)
  for (HeapEntry top; q.take(top);) {
    const NodeId u = top.vertex;
    const double d = top.key;
    NodeState& su = st[u];
    // Superseded by a later push (an entry's key is its node's dist when pushed, dists
    // only fall, and a settled node's dist is its least entry, taken first).
    if (d != su.dist) continue;
    if (d == previous) return false;  // a tie: the order among equals is the exact sweep's call
    previous = d;
    su.heap = kSettled;
    settled.push_back(node_of[u]);
    settled_us.push_back(d);
    const std::uint32_t source = tr[u].source;
    const std::uint32_t end = first_out[u + 1];
    if (!q.current.empty()) __builtin_prefetch(arcs + first_out[q.current.back().vertex]);
    // Every head's state is asked for before the first branch that may mispredict.
    for (std::uint32_t a = first_out[u]; a < end; ++a) __builtin_prefetch(st + arcs[a].head);
    for (std::uint32_t a = first_out[u]; a < end; ++a) {
      const Graph::Impl::Arc& arc = arcs[a];
      const double nd = d + arc.weight_us;
      if (!(nd <= limit)) {  // never settled: not even pushed
        if (limit == kUnreached) return false;  // +inf by overflow: the exact sweep settles it last
        continue;
      }
      NodeState& sv = st[arc.head];
      // Not yet reached in this search counts as +inf. A settled node never improves: its
      // dist is at most d <= nd (weights are >= 0).
      const double old = sv.stamp == ep ? sv.dist : kUnreached;
      if (!(nd < old)) continue;
      sv = NodeState{nd, ep, 0};
      tr[arc.head] = Tree{arc.edge, source};
      std::uint64_t b = 0;
      if (!BucketQueue::index(nd, inv, b)) return false;
      q.push(b, HeapEntry{nd, arc.head});
    }
  }
  return true;  // the queue is empty
}

// The latency sweep (Search::run_latencies): latencies only, in no particular order.
// - A vertex of degree 2 (about 40 % of a fibre network's: where two lines meet end to
//   end) is never queued: when an arc improves it, its other arc is relaxed at once (walk),
//   so a chain of them is walked from the junction that settles first, and walked back
//   from the other end as far as that improves it. A leaf (degree 1) is not queued either:
//   its one arc leads back. Only the other vertices go through the bucket queue.
// - The queue's current bucket is taken in any order (BucketQueue::sorted false): a vertex
//   taken before one of the same bucket that then improves it is queued and taken again.
// Relaxing an arc early or twice changes no result: every vertex still ends at its least
// latency over all paths, each path's latency the same doubles added in the same order
// (addition of non-negative weights is monotone), so the latencies are bit for bit the
// other sweeps' (tests: LatencySweep.*). A vertex reached below the budget is in the
// reached list from its first improvement on; its latency is read when the queue is
// empty, when every vertex holds its least. Ties need no care here (no order, no
// predecessors). Gives up (false) as the fast sweep does on keys too large for a bucket
// index; run() then gives the latencies.
bool Search::Impl::sweep_latencies() {
  const std::uint32_t* first_out = g->first_out.data();
  const Graph::Impl::Arc* arcs = g->arcs.data();
  const std::uint8_t* degree = g->degree.data();
  NodeState* st = state.data();
  const std::uint32_t ep = epoch;
  const double limit = budget;
  const double inv = g->inv_bucket_us;
  BucketQueue& q = queue;
  // Improves v to nd if nd is below its latency; false if not.
  auto improve = [&](NodeId v, double nd) -> bool {
    NodeState& sv = st[v];
    const bool seen = sv.stamp == ep;
    if (seen && !(nd < sv.dist)) return false;
    if (!seen) settled.push_back(v);  // a vertex until the end of the run
    sv = NodeState{nd, ep, kSettled};
    return true;
  };
  // After `prev` improved `v` (of degree 2) to dv: v's other arc, and on along the chain
  // while it improves. (The arc back to prev cannot improve it: dv = prev's latency + a
  // weight >= 0.) False when a key does not fit a bucket index.
  auto walk = [&](NodeId prev, NodeId v, double dv) -> bool {
    for (;;) {
      const std::uint32_t a0 = first_out[v];
      const Graph::Impl::Arc* arc = arcs + a0;
      if (arc->head == prev) ++arc;
      if (arc->head == prev) return true;  // both arcs lead back (parallel edges)
      const double nd = dv + arc->weight_us;
      if (!(nd <= limit)) return limit != kUnreached;  // +inf by overflow: the exact sweep's case
      const NodeId h = arc->head;
      if (!improve(h, nd)) return true;
      if (degree[h] != 2) {
        if (degree[h] == 1) return true;  // its one arc leads back
        std::uint64_t b = 0;
        if (!BucketQueue::index(nd, inv, b)) return false;
        q.push(b, HeapEntry{nd, h});
        return true;
      }
      prev = v;
      v = h;
      dv = nd;
    }
  };
  for (HeapEntry top; q.take(top);) {
    const NodeId u = top.vertex;
    const double d = top.key;
    // Superseded by a later push (keys only fall) or by a chain walk.
    if (d != st[u].dist) continue;
    const std::uint32_t end = first_out[u + 1];
    for (std::uint32_t a = first_out[u]; a < end; ++a) __builtin_prefetch(st + arcs[a].head);
    for (std::uint32_t a = first_out[u]; a < end; ++a) {
      const Graph::Impl::Arc& arc = arcs[a];
      const double nd = d + arc.weight_us;
      if (!(nd <= limit)) {  // never reached
        if (limit == kUnreached) return false;
        continue;
      }
      if (!improve(arc.head, nd)) continue;
      const std::uint8_t dh = degree[arc.head];
      if (dh == 2) {
        if (!walk(u, arc.head, nd)) return false;
      } else if (dh != 1) {  // a leaf's one arc leads back to u
        std::uint64_t b = 0;
        if (!BucketQueue::index(nd, inv, b)) return false;
        q.push(b, HeapEntry{nd, arc.head});
      }
    }
  }
  return true;  // the queue is empty
}

bool Search::Impl::queue_starts(std::uint32_t mark, bool sorted) {
  const double inv = g->inv_bucket_us;
  double least = kUnreached;
  for (NodeId x : starts) least = std::min(least, state[x].dist);
  std::uint64_t first = 0;
  if (!starts.empty() && !BucketQueue::index(least, inv, first)) return false;
  queue.start(first, inv);
  queue.sorted = sorted;
  for (NodeId x : starts) {
    state[x].heap = mark;
    std::uint64_t b = 0;
    if (!BucketQueue::index(state[x].dist, inv, b)) return false;
    queue.push(b, HeapEntry{state[x].dist, x});
  }
  return true;
}

bool Search::Impl::start(std::span<const Source> sources, double budget_us) {
  next_epoch();
  heap.clear();
  queue.clear();
  starts.clear();
  settled.clear();
  settled_us.clear();
  budget = budget_us;
  bool fast = true;
  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    const Source& src = sources[i];
    assert(src.node < g->node_of.size());
    const NodeId x = g->vertex_of[src.node];
    if (!(src.offset_us <= budget_us)) continue;
    if (!(src.offset_us >= 0.0 && src.offset_us < kUnreached)) fast = false;
    if (!current(x)) {
      starts.push_back(x);
      state[x] = NodeState{src.offset_us, epoch, kPopped};
      tree[x] = Tree{kNone, i};
    } else if (src.offset_us < state[x].dist) {
      state[x].dist = src.offset_us;
      tree[x].source = i;
    }
  }
  return fast;
}

template <bool kWithCut>
void Search::Impl::sweep() {
  const std::uint32_t* first_out = g->first_out.data();
  const Graph::Impl::Arc* arcs = g->arcs.data();
  const NodeId* node_of = g->node_of.data();
  NodeState* st = state.data();
  Tree* tr = tree.data();
  const std::uint32_t ep = epoch;
  while (!heap.empty()) {
    const NodeId u = heap.front().vertex;
    const double d = heap.front().key;
    pop();
    if (d > budget) return;  // every node left in the heap is beyond the budget too
    // The next node to settle is most often the new top: fetch its arcs meanwhile.
    if (!heap.empty()) __builtin_prefetch(arcs + first_out[heap.front().vertex]);
    settled.push_back(node_of[u]);
    settled_us.push_back(d);
    const std::uint32_t source = tr[u].source;
    const std::uint32_t end = first_out[u + 1];
    for (std::uint32_t a = first_out[u]; a < end; ++a) {
      const NodeId v = arcs[a].head;
      double w = arcs[a].weight_us;
      if constexpr (kWithCut) {
        if (cut[arcs[a].edge]) w = std::numeric_limits<double>::infinity();
      }
      NodeState& sv = st[v];
      const double nd = d + w;
      if (sv.stamp != ep) {
        // First reached: pushed whether or not the arc relaxes (as Boost's tree_edge).
        sv.stamp = ep;
        if (nd < kUnreached) {
          sv.dist = nd;
          tr[v] = Tree{arcs[a].edge, source};
        } else {
          sv.dist = kUnreached;
          tr[v] = Tree{kNone, kNone};
        }
        push(v, sv.dist);
      } else if (sv.heap < kPopped && nd < sv.dist) {
        sv.dist = nd;
        tr[v] = Tree{arcs[a].edge, source};
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
    s.cut.assign(s.g->arcs.size() / 2, 0);  // every edge is two arcs
  }
  for (EdgeId e : cut) s.cut[e] = 1;
  struct Uncut {
    std::vector<char>& cut;
    std::span<const EdgeId> edges;
    ~Uncut() {
      for (EdgeId e : edges) cut[e] = 0;
    }
  } uncut{s.cut, cut};
  s.tree_valid = true;
  if (s.start(sources, budget_us) && cut.empty() && s.g->fast_ok) {
    if (s.queue_starts(/*in the queue*/ 0, /*sorted=*/true) && s.sweep_fast()) return;
    ++s.tie_reruns;
    s.start(sources, budget_us);
  }
  for (NodeId x : s.starts) s.push(x, s.state[x].dist);
  if (cut.empty()) s.sweep<false>();
  else s.sweep<true>();
}

void Search::run_latencies(std::span<const Source> sources, double budget_us) {
  Impl& s = *m_impl;
  if (s.start(sources, budget_us) && s.g->fast_ok) {
    s.settled.assign(s.starts.begin(), s.starts.end());  // vertices during the sweep
    if (s.queue_starts(kSettled, /*sorted=*/false) && s.sweep_latencies()) {
      s.tree_valid = false;
      s.settled_us.resize(s.settled.size());
      for (std::size_t i = 0; i < s.settled.size(); ++i) {
        s.settled_us[i] = s.state[s.settled[i]].dist;
        s.settled[i] = s.g->node_of[s.settled[i]];
      }
      return;
    }
  }
  run(sources, budget_us);
}

double Search::latency(NodeId v) const {
  const Impl& s = *m_impl;
  const NodeId x = s.g->vertex_of[v];
  return s.current(x) && s.state[x].heap == kSettled && s.state[x].dist <= s.budget ? s.state[x].dist : kUnreached;
}
std::uint32_t Search::source_of(NodeId v) const {
  if (!m_impl->tree_valid) return kNone;
  return latency(v) == kUnreached ? kNone : m_impl->tree[m_impl->g->vertex_of[v]].source;
}
EdgeId Search::pred_edge(NodeId v) const {
  if (!m_impl->tree_valid) return kNone;
  return latency(v) == kUnreached ? kNone : m_impl->tree[m_impl->g->vertex_of[v]].pred;
}
std::span<const NodeId> Search::reached() const { return m_impl->settled; }
std::uint64_t Search::tie_reruns() const { return m_impl->tie_reruns; }
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

void canonical_sources(const Graph& graph, std::span<const Source> sources, std::span<const std::uint32_t> rank,
                       NodeLatencies& nodes) {
  assert(rank.size() == sources.size());
  const Graph::Impl& g = *graph.m_impl;
  const std::size_t n = g.node_of.size();
  // The reached vertices by latency: every tight arc's tail comes first, or ties it (a
  // zero weight), which the passes below settle.
  std::vector<NodeId> order;
  for (NodeId x = 0; x < n; ++x)
    if (nodes.us[g.node_of[x]] != kUnreached) order.push_back(x);
  std::stable_sort(order.begin(), order.end(),
                   [&](NodeId a, NodeId b) { return nodes.us[g.node_of[a]] < nodes.us[g.node_of[b]]; });
  // Each arc's partner (the same edge the other way): the arc into a vertex.
  std::vector<std::uint32_t> partner(g.arcs.size()), arc_of_edge;
  for (std::uint32_t j = 0; j < g.arcs.size(); ++j) {
    const EdgeId e = g.arcs[j].edge;
    if (e >= arc_of_edge.size()) arc_of_edge.resize(static_cast<std::size_t>(e) + 1, kNone);
    if (arc_of_edge[e] == kNone) {
      arc_of_edge[e] = j;
    } else {
      partner[j] = arc_of_edge[e];
      partner[arc_of_edge[e]] = j;
    }
  }
  // A start: the source of the lowest rank whose offset is the node's latency.
  std::vector<std::uint32_t> start(n, kNone);
  const auto better = [&](std::uint32_t a, std::uint32_t b) {  // source a before source b
    return b == kNone || rank[a] < rank[b] || (rank[a] == rank[b] && a < b);
  };
  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    const NodeId v = sources[i].node;
    if (sources[i].offset_us == nodes.us[v] && better(i, start[v])) start[v] = i;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (NodeId x : order) {
      const NodeId v = g.node_of[x];
      const double dv = nodes.us[v];
      std::uint32_t best = start[v];
      EdgeId pred = kNone;
      for (std::uint32_t j = g.first_out[x]; j < g.first_out[x + 1]; ++j) {
        const NodeId u = g.node_of[g.arcs[j].head];
        const std::uint32_t su = nodes.source[u];
        if (su == kNone || nodes.us[u] + g.arcs[partner[j]].weight_us != dv) continue;
        if (su != best && better(su, best)) {
          best = su;
          pred = g.arcs[j].edge;
        }
      }
      if (best != nodes.source[v]) {
        nodes.source[v] = best;
        nodes.pred_edge[v] = pred;
        changed = true;
      }
    }
  }
}

void for_each_source(const Graph& graph, std::span<const Source> sources, double budget_us,
                     unsigned threads, const std::function<void(std::size_t, const Search&)>& visit,
                     SearchResults results) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, sources.size())));
  // Sources are handed out in the order of their vertices (a space-filling order of the
  // nodes), so that consecutive searches on a thread mostly touch the same memory.
  std::vector<std::uint32_t> order(sources.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const NodeId* vertex_of = graph.m_impl->vertex_of.data();
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return vertex_of[sources[a].node] < vertex_of[sources[b].node];
  });
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  auto work = [&] {
    try {
      Search search(graph);
      for (std::size_t k; !failed && (k = next.fetch_add(1)) < sources.size();) {
        const std::size_t i = order[k];
        if (results == SearchResults::latencies) search.run_latencies(sources.subspan(i, 1), budget_us);
        else search.run(sources.subspan(i, 1), budget_us);
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
