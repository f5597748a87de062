// The coverage build as it was before issue 13 item 8 (commit 28c49e2, verbatim apart
// from the name): per-site bounded searches scanning each reached node's demand legs into
// an array by demand rank, then a transposition of the per-site lists. A test oracle for
// build_coverage, which must give the same pairs and the same latency bits.
#pragma once

#include <algorithm>
#include <atomic>
#include <span>
#include <thread>
#include <tuple>
#include <vector>

#include "core/spatial_order.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "placement/coverage.hpp"

namespace lightcone::test {
namespace reference_coverage {

// Fibre arcs as flat arrays (the Graph's own CSR is private to the latency module):
// arc u → v weighs edge delay + delay of v, as in Graph.
struct Arcs {
  std::vector<std::uint32_t> first;
  std::vector<NodeId> head;
  std::vector<double> weight_us;
  explicit Arcs(const Network& net) : first(net.nodes() + 1, 0) {
    for (EdgeId e = 0; e < net.edges(); ++e) {
      ++first[net.edge_u[e] + 1];
      ++first[net.edge_v[e] + 1];
    }
    for (std::size_t v = 0; v < net.nodes(); ++v) first[v + 1] += first[v];
    head.resize(first.back());
    weight_us.resize(first.back());
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const NodeId u = net.edge_u[e], v = net.edge_v[e];
      std::uint32_t k = fill[u]++;
      head[k] = v;
      weight_us[k] = net.edge_delay_us[e] + net.node_delay_us[v];
      k = fill[v]++;
      head[k] = u;
      weight_us[k] = net.edge_delay_us[e] + net.node_delay_us[u];
    }
  }
};

struct Leg {
  NodeId node;
  double cost_us;  // access + along the edge to `node` + node delay of `node`
};

// The access legs of one demand point that can matter for some site. Leg w (cost c_w)
// cannot give any site a lower latency than leg w' when c_w' + d(w' → w) ≤ c_w, because
// d(s → w') ≤ d(s → w) + d(w → w') for every site s (and reversing a path changes its
// node delays by exactly delay(w) − delay(w'), which cancels). Such legs are dropped
// before their exact (geodesic) cost is ever computed: the plane bounds of every
// candidate (lower ≤ exact ≤ upper) feed a small Dijkstra over the network between the
// legs' own nodes, from every leg at its upper bound; a leg is dropped when a path from
// another leg arrives below its lower bound. On a dense network this keeps a few legs
// per point out of hundreds, and skips most geodesic distances.
class LegPruner {
 public:
  LegPruner(const Network& net, const SegmentIndex& index, const LatencyModel& model, AccessFrom mode,
            const Arcs& arcs)
      : m_query(net, index, model, mode), m_arcs(arcs), m_local(net.nodes(), 0), m_stamp(net.nodes(), 0) {}

  void legs(LonLat p, std::vector<Leg>& out) {
    out.clear();
    if (++m_epoch == 0) {
      std::fill(m_stamp.begin(), m_stamp.end(), 0u);
      m_epoch = 1;
    }
    m_nodes.clear();
    m_lower.clear();
    m_upper.clear();
    // One segment-index pass: the plane bounds of every candidate, kept for the exact pass.
    m_query.leg_candidates(p, m_candidates);
    for (const auto& c : m_candidates) {
      const std::uint32_t i = local(c.node);
      m_lower[i] = std::min(m_lower[i], c.lower_us);
      m_upper[i] = std::min(m_upper[i], c.upper_us);
    }
    const std::size_t n = m_nodes.size();
    if (n == 0) return;
    double max_lower = 0.0;
    for (double l : m_lower) max_lower = std::max(max_lower, l);
    arrivals(m_upper, max_lower);
    // Exact legs for the rest; per node only the candidates that may beat its best upper
    // bound. The cheapest exact leg per node (reused m_dist: kUnreached = none).
    m_keep.assign(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) m_keep[i] = !(m_other[i] < m_lower[i] - 1e-9 * (1.0 + m_lower[i]));
    m_dist.assign(n, kUnreached);
    // By node, cheapest lower bound first: a candidate whose lower bound exceeds an exact
    // cost already found for its node cannot lower that node's minimum.
    m_exact.clear();
    for (std::uint32_t k = 0; k < m_candidates.size(); ++k) {
      const auto& c = m_candidates[k];
      const std::uint32_t i = m_local[c.node];
      if (m_keep[i] && c.lower_us <= m_upper[i] + 1e-9 * (1.0 + m_upper[i])) m_exact.emplace_back(i, k);
    }
    std::sort(m_exact.begin(), m_exact.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : m_candidates[a.second].lower_us < m_candidates[b.second].lower_us;
    });
    const LocalFrame frame(p);
    PointLatencyQuery::AccessLeg leg;
    for (const auto& [i, k] : m_exact) {
      const auto& c = m_candidates[k];
      if (c.lower_us > m_dist[i]) continue;
      if (m_query.exact_leg(frame, c, leg)) m_dist[i] = std::min(m_dist[i], leg.cost_us);
    }
    for (std::uint32_t i = 0; i < n; ++i)
      if (m_dist[i] < kUnreached) out.push_back(Leg{m_nodes[i], m_dist[i]});
    std::sort(out.begin(), out.end(), [](const Leg& a, const Leg& b) { return a.node < b.node; });
  }

 private:
  // m_other[i]: the least arrival at leg node i over an arc from another leg node, by
  // paths among leg nodes starting at node j at start[j]; exact below `stop`.
  void arrivals(const std::vector<double>& start, double stop) {
    const std::size_t n = m_nodes.size();
    m_reach.assign(start.begin(), start.end());
    m_other.assign(n, kUnreached);
    m_heap.clear();
    for (std::uint32_t i = 0; i < n; ++i)
      if (m_reach[i] <= stop) m_heap.emplace_back(m_reach[i], i);
    auto later = [](const std::pair<double, std::uint32_t>& a, const std::pair<double, std::uint32_t>& b) {
      return a.first > b.first || (a.first == b.first && a.second > b.second);
    };
    std::make_heap(m_heap.begin(), m_heap.end(), later);
    while (!m_heap.empty()) {
      std::pop_heap(m_heap.begin(), m_heap.end(), later);
      const auto [d, i] = m_heap.back();
      m_heap.pop_back();
      if (d > m_reach[i]) continue;  // stale entry
      if (d > stop) break;           // cannot undercut any leg's bound any more
      const NodeId u = m_nodes[i];
      for (std::uint32_t k = m_arcs.first[u]; k < m_arcs.first[u + 1]; ++k) {
        const NodeId x = m_arcs.head[k];
        if (m_stamp[x] != m_epoch) continue;  // not a leg node: paths stay among legs
        const std::uint32_t j = m_local[x];
        const double via = d + m_arcs.weight_us[k];
        m_other[j] = std::min(m_other[j], via);
        if (via < m_reach[j]) {
          m_reach[j] = via;
          if (via > stop) continue;  // would be popped after the stop: never relaxes anything
          m_heap.emplace_back(via, j);
          std::push_heap(m_heap.begin(), m_heap.end(), later);
        }
      }
    }
  }

  std::uint32_t local(NodeId w) {
    if (m_stamp[w] != m_epoch) {
      m_stamp[w] = m_epoch;
      m_local[w] = static_cast<std::uint32_t>(m_nodes.size());
      m_nodes.push_back(w);
      m_lower.push_back(kUnreached);
      m_upper.push_back(kUnreached);
    }
    return m_local[w];
  }

  PointLatencyQuery m_query;
  const Arcs& m_arcs;
  std::vector<std::uint32_t> m_local, m_stamp;
  std::uint32_t m_epoch = 0;
  std::vector<NodeId> m_nodes;
  std::vector<double> m_lower, m_upper, m_dist, m_other, m_reach;
  std::vector<char> m_keep;
  std::vector<std::pair<double, std::uint32_t>> m_heap;
  std::vector<PointLatencyQuery::LegCandidate> m_candidates;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> m_exact;  // (local node, candidate)
};

}  // namespace reference_coverage

inline Coverage reference_build_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                                        const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                                        std::span<const Source> candidates, double budget_us, unsigned threads) {
  using namespace reference_coverage;
  const std::size_t nd = demand.size();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Demand points are handled by rank in a space-filling order: consecutive ranks share
  // most of their pieces and network nodes (legs), and the demand points one node leads
  // to have nearby ranks (the per-site scan below). Results do not depend on the order.
  const std::vector<std::uint32_t> order = spatial_order(demand);  // rank → demand point
  // Each demand point's ways onto the network (independent of any site): node w and
  // the least access + along-edge cost from the point to w, legs that cannot matter
  // dropped (LegPruner). Inverted by node.
  std::vector<std::vector<Leg>> legs(nd);  // by rank
  {
    const Arcs arcs(net);
    // Handed out in small blocks of ranks: threads stay balanced whatever the density.
    std::atomic<std::size_t> next{0};
    constexpr std::size_t kBlock = 64;
    std::vector<std::jthread> pool;
    auto work = [&] {
      LegPruner pruner(net, index, model, mode, arcs);
      for (std::size_t b; (b = next.fetch_add(kBlock)) < nd;)
        for (std::size_t r = b; r < std::min(nd, b + kBlock); ++r) pruner.legs(demand[order[r]], legs[r]);
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  // By node, each node's legs by increasing cost (the scan stops at the budget).
  std::vector<std::uint32_t> node_first(net.nodes() + 1, 0);
  for (const auto& l : legs)
    for (const auto& leg : l) ++node_first[leg.node + 1];
  for (std::size_t v = 0; v < net.nodes(); ++v) node_first[v + 1] += node_first[v];
  std::vector<std::uint32_t> leg_rank(node_first.back());
  std::vector<double> leg_cost(node_first.back());
  {
    std::vector<std::uint32_t> fill(node_first.begin(), node_first.end() - 1);
    for (std::uint32_t r = 0; r < nd; ++r) {
      for (const auto& leg : legs[r]) {
        const std::uint32_t k = fill[leg.node]++;
        leg_rank[k] = r;
        // The leg's cost includes the node delay of w; a path from a site ending at w
        // already paid it, so subtract it once.
        leg_cost[k] = leg.cost_us - net.node_delay_us[leg.node];
      }
      std::vector<Leg>().swap(legs[r]);
    }
    legs.clear();
    std::vector<std::pair<double, std::uint32_t>> sorted;
    for (std::size_t v = 0; v < net.nodes(); ++v) {
      const std::uint32_t a = node_first[v], b = node_first[v + 1];
      if (b - a < 2) continue;
      sorted.clear();
      for (std::uint32_t k = a; k < b; ++k) sorted.emplace_back(leg_cost[k], leg_rank[k]);
      std::sort(sorted.begin(), sorted.end());
      for (std::uint32_t k = a; k < b; ++k) std::tie(leg_cost[k], leg_rank[k]) = sorted[k - a];
    }
  }
  // One bounded search per candidate; per-candidate lists of (rank, latency), in no
  // particular order (the transposition below orders by site).
  std::vector<std::vector<std::pair<std::uint32_t, double>>> per_site(candidates.size());
  std::vector<Source> valid;
  std::vector<std::size_t> valid_index;
  for (std::size_t j = 0; j < candidates.size(); ++j)
    if (candidates[j].node != kNone) {
      valid.push_back(candidates[j]);
      valid_index.push_back(j);
    }
  for_each_source(graph, valid, budget_us, threads, [&](std::size_t i, const Search& s) {
    thread_local std::vector<double> best;  // by rank; kUnreached = not reached yet
    thread_local std::vector<std::uint32_t> touched;
    if (best.size() != nd) best.assign(nd, kUnreached);
    touched.clear();
    const auto reached = s.reached();
    const auto reached_us = s.reached_latency();
    for (std::size_t n = 0; n < reached.size(); ++n) {
      const NodeId w = reached[n];
      const double dw = reached_us[n];
      for (std::uint32_t k = node_first[w], end = node_first[w + 1]; k < end; ++k) {
        const double l = dw + leg_cost[k];
        if (l > budget_us) break;  // costs increase: so do the rest
        const std::uint32_t r = leg_rank[k];
        if (best[r] == kUnreached) touched.push_back(r);
        if (l < best[r]) best[r] = l;
      }
    }
    auto& out = per_site[valid_index[i]];
    out.reserve(touched.size());
    for (std::uint32_t r : touched) {
      out.emplace_back(r, best[r]);
      best[r] = kUnreached;
    }
  });
  Coverage c;
  c.demands = nd;
  c.sites = candidates.size();
  c.first.assign(nd + 1, 0);
  for (const auto& l : per_site)
    for (const auto& [r, lat] : l) ++c.first[order[r] + 1];
  for (std::size_t d = 0; d < nd; ++d) c.first[d + 1] += c.first[d];
  c.site.resize(c.first.back());
  c.latency_us.resize(c.first.back());
  std::vector<std::uint32_t> fill(c.first.begin(), c.first.end() - 1);
  for (std::uint32_t j = 0; j < per_site.size(); ++j) {
    for (const auto& [r, lat] : per_site[j]) {
      const std::uint32_t k = fill[order[r]]++;
      c.site[k] = j;
      c.latency_us[k] = lat;
    }
    std::vector<std::pair<std::uint32_t, double>>().swap(per_site[j]);
  }
  return c;
}

}  // namespace lightcone::test
