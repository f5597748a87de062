#include "placement/coverage.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <memory>
#include <mutex>
#include <thread>
#include <chrono>
#include <ctime>
#include <tuple>

#include "core/huge_pages.hpp"
#include "core/spatial_order.hpp"
#include "placement/parallel.hpp"

namespace lightcone {

using placement_detail::NoState;
using placement_detail::parallel_blocks;
using placement_detail::PerWorker;

Coverage coverage_from_triples(std::size_t demands, std::size_t sites,
                               std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples,
                               double budget_us) {
  std::sort(triples.begin(), triples.end());
  Coverage c;
  c.demands = demands;
  c.sites = sites;
  c.first.assign(demands + 1, 0);
  std::size_t k = 0;
  for (std::uint32_t d = 0; d < demands; ++d) {
    while (k < triples.size() && std::get<0>(triples[k]) == d) {
      const auto [dd, s, l] = triples[k++];
      if (l > budget_us) continue;
      if (!c.site.empty() && c.first[d] < c.site.size() && c.site.back() == s) continue;  // duplicate: sorted, smaller first
      c.site.push_back(s);
      c.latency_us.push_back(l);
    }
    c.first[d + 1] = static_cast<std::uint32_t>(c.site.size());
  }
  return c;
}

namespace {

// Fibre arcs as flat arrays (the Graph's own CSR is private to the latency module):
// arc u → v weighs edge delay + delay of v, as in Graph. Nodes are numbered in a
// space-filling order of their positions (vertex), so a leg pruner's small searches
// among nearby nodes touch nearby memory; each vertex's arcs keep the network's order.
struct Arcs {
  struct Arc {
    std::uint32_t head;  // vertex
    double weight_us;
  };
  std::vector<std::uint32_t> vertex_of;  // network node → vertex
  std::vector<std::uint32_t> first;      // by vertex
  std::vector<Arc> arc;
  explicit Arcs(const Network& net) : vertex_of(net.nodes()), first(net.nodes() + 1, 0) {
    const std::vector<std::uint32_t> node_of = spatial_order(net.node_pos);
    for (std::uint32_t i = 0; i < node_of.size(); ++i) vertex_of[node_of[i]] = i;
    for (EdgeId e = 0; e < net.edges(); ++e) {
      ++first[vertex_of[net.edge_u[e]] + 1];
      ++first[vertex_of[net.edge_v[e]] + 1];
    }
    for (std::size_t v = 0; v < net.nodes(); ++v) first[v + 1] += first[v];
    arc.resize(first.back());
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const NodeId u = net.edge_u[e], v = net.edge_v[e];
      arc[fill[vertex_of[u]]++] = Arc{vertex_of[v], net.edge_delay_us[e] + net.node_delay_us[v]};
      arc[fill[vertex_of[v]]++] = Arc{vertex_of[u], net.edge_delay_us[e] + net.node_delay_us[u]};
    }
  }
};

struct Leg {
  NodeId node;
  double cost_us;  // access + along the edge to `node` + node delay of `node`
};

// The access legs of demand points that can matter for some site. Leg w (cost c_w) of a
// point cannot give any site a lower latency than leg w' when c_w' + d(w' → w) ≤ c_w,
// because d(s → w') ≤ d(s → w) + d(w → w') for every site s (and reversing a path changes
// its node delays by exactly delay(w) − delay(w'), which cancels). Such legs are dropped
// before their exact (geodesic) cost is computed, and most of them before their plane
// bounds are: a Dijkstra over the network from the point's legs (each at the upper bound
// of its cost), fed lazily. The pieces near the point are taken by a floor of their legs'
// costs (access over the plane gap to the piece's box, fibre to the edge end), in buckets
// of rising floors; before a bucket the search settles every node below the bucket's
// least floor. A piece whose ends both have a label below their floors (a path from
// another leg arrives cheaper than any leg through this piece could) is dropped with no
// plane work; the others get their plane bounds, and each of their candidates not already
// beaten becomes a source. (An edge's neighbouring pieces are first taken together, as one
// group with floors at or below each piece's: most far groups are dropped whole, on one
// floor per lane.) At the end the search runs up to the greatest lower bound
// kept, and a candidate is dropped when its node's label lies below its lower bound (its
// own upper bound never does).
//
// Which legs are kept does not depend on the order: a candidate left out or beaten when
// looked at would not have lowered any label (its bound lies above a label already there),
// so the final labels up to the last lower bound are the distances from every candidate's
// upper bound, whatever was looked at first. That lets up to kLanes neighbouring points
// (lanes) share one search over the union of their regions, a node's labels (one per
// lane) in one cache line: the index query, the pieces and the search's traversal are
// shared, each lane's decisions are its own. Each (piece, lane) pair is looked at in the
// bucket of that lane's own floor, as a search for that lane alone would look at it, so
// no lane's source arrives behind the part already settled; a node is relaxed (all lanes
// at once) when one of its lanes' labels fell since its last relaxation. (On the large
// benchmark instance: 345 relaxations per point instead of 742, the legs 5–12 % faster.)
// Up to kShare such searches in a row share one index query and its groups of pieces, each
// taking the groups that meet its points' query boxes (large: the legs 15.7 → 14.4 s wall).
class LanePruner {
 public:
  static constexpr std::size_t kLanes = 8;

  LanePruner(const Network& net, const SegmentIndex& index, const LatencyModel& model, AccessFrom mode,
             const Arcs& arcs)
      : m_query(net, index, model, mode), m_arcs(arcs), m_stamp(net.nodes(), 0), m_slot(net.nodes(), 0),
        m_bucket_us(AccessCost(model).us_per_m * kBucketM > 0 ? AccessCost(model).us_per_m * kBucketM : 1.0),
        m_queue_width(std::max(AccessCost(model).us_per_m * kQueueM, 1e-6)) {}

  // Up to this many searches of kLanes neighbouring points share one index query (and
  // its pieces' groups): each search then takes the groups whose box meets its points'
  // query boxes.
  static constexpr std::size_t kShare = 4;
  static constexpr double kShareSpread = 2.0;

  // The legs of each of `pts` (at most kLanes × kShare; neighbours: kLanes share one search,
  // and all of them one index query, when they can; else kLanes, else one at a time).
  void legs(std::span<const LonLat> pts, std::span<std::vector<Leg>> out) {
    if (pts.size() > kLanes && m_query.near_pieces(pts, m_near, kShareSpread)) {
      group_pieces(pts[0]);
      for (std::size_t i = 0; i < pts.size(); i += kLanes) {
        const std::size_t n = std::min(kLanes, pts.size() - i);
        select_groups(pts.subspan(i, n));
        lanes(pts.subspan(i, n), out.subspan(i, n));
      }
      return;
    }
    // A search from its own query (in m_near): every group.
    auto alone = [&](std::span<const LonLat> batch, std::span<std::vector<Leg>> legs_out) {
      group_pieces(batch[0]);
      select_groups({});
      lanes(batch, legs_out);
    };
    for (std::size_t i = 0; i < pts.size(); i += kLanes) {
      const std::size_t n = std::min(kLanes, pts.size() - i);
      const auto batch = pts.subspan(i, n);
      if (n > 1 && m_query.near_pieces(batch, m_near)) {
        alone(batch, out.subspan(i, n));
        continue;
      }
      for (std::size_t k = 0; k < n; ++k) {
        m_query.near_pieces(batch[k], m_near);
        alone(batch.subspan(k, 1), out.subspan(i + k, 1));
      }
    }
  }

  // The work done so far (CoverageStats' leg_groups, leg_pieces, leg_candidates, leg_nodes,
  // exact_legs); nodes: the relaxations of the searches, each shared by its lanes.
  struct Count {
    std::size_t groups = 0, pieces = 0, candidates = 0, nodes = 0, exact = 0;
  };
  const Count& count() const { return m_count; }

 private:
  // The legs of the points of `pts` (at most kLanes) from the pieces of m_near.
  void lanes(std::span<const LonLat> pts, std::span<std::vector<Leg>> out) {
    const std::size_t n = pts.size();
    if (++m_epoch == 0) {
      std::fill(m_stamp.begin(), m_stamp.end(), 0);
      m_epoch = 1;
    }
    m_heap.clear();
    m_label.clear();
    m_dirty.clear();
    m_frame.clear();
    for (std::size_t k = 0; k < n; ++k) {
      out[k].clear();
      m_kept[k].clear();
      m_frame.emplace_back(pts[k]);
      m_scale[k] = m_query.scale_at(m_frame[k]);
    }
    if (m_group.empty()) return;
    // A (group, lane) pair is looked at first; only when its ends are not both beaten at
    // the group's floors are its pieces looked at, each in the bucket of its own floors.
    m_query.piece_floors(pts, m_group, m_floor);
    // Each (group, lane) pair in reach is looked at in the bucket of the lane's lesser
    // floor of the group's ends, after the search has settled up to the bucket's least
    // floor, as the lane's own search would have (a counting sort of the pairs).
    const std::size_t pairs = m_group.size() * n;
    m_pair_floor.resize(pairs);
    double lo = kUnreached;  // no label lies below it
    for (std::size_t x = 0; x < pairs; ++x) {
      const double f = std::min(m_floor[x * 2], m_floor[x * 2 + 1]);
      m_pair_floor[x] = f;
      lo = std::min(lo, f);
    }
    if (lo == kUnreached) return;
    for (std::size_t b = m_queue_cur; b <= m_queue_top && b < kQueue; ++b) m_queue[b].clear();
    m_queue_base = lo;
    m_queue_cur = 0;
    m_queue_top = 0;
    const double per_bucket = 1.0 / m_bucket_us;
    auto bucket_of = [&](double f) {
      const double at = (f - lo) * per_bucket;
      return at < static_cast<double>(kBuckets - 1) ? static_cast<std::size_t>(std::max(at, 0.0)) : kBuckets - 1;
    };
    m_first.assign(kBuckets + 1, 0);
    m_least.assign(kBuckets, kUnreached);
    m_pair_bucket.resize(pairs);
    m_ends.resize(m_group.size());
    for (std::size_t g = 0; g < m_group.size(); ++g)
      m_ends[g] = {m_arcs.vertex_of[m_group[g].node[0]], m_arcs.vertex_of[m_group[g].node[1]]};
    for (std::size_t x = 0; x < pairs; ++x) {
      const double f = m_pair_floor[x];
      if (f == kUnreached) {
        m_pair_bucket[x] = kBuckets;
        continue;
      }
      const std::size_t b = bucket_of(f);
      m_pair_bucket[x] = static_cast<std::uint8_t>(b);
      ++m_first[b + 1];
      m_least[b] = std::min(m_least[b], f);
    }
    for (std::size_t b = 0; b < kBuckets; ++b) m_first[b + 1] += m_first[b];
    m_count.groups += m_first[kBuckets];
    m_sorted.resize(m_first[kBuckets]);
    m_fill.assign(m_first.begin(), m_first.end() - 1);
    for (std::uint32_t x = 0; x < pairs; ++x)
      if (m_pair_bucket[x] < kBuckets) m_sorted[m_fill[m_pair_bucket[x]]++] = x;
    for (auto& later : m_later) later.clear();
    // A (piece, lane) pair: dropped when both ends are beaten at its floors; else its
    // candidates not beaten are kept, those surely within max access become sources.
    auto look = [&](std::size_t k, std::uint32_t i, const std::array<std::uint32_t, 2>& ends, const double* f) {
      if (both_beaten(k, ends, f)) return;
      m_candidates.clear();
      m_query.piece_candidates(m_frame[k], m_scale[k], m_near[i].piece, m_candidates);
      m_count.candidates += m_candidates.size();
      for (const auto& c : m_candidates) {
        const std::uint32_t v = m_arcs.vertex_of[c.node];
        if (beaten(k, v, c.lower_us)) continue;
        m_kept[k].push_back(c);
        if (c.upper_us < kUnreached) reach(k, v, c.upper_us);
      }
    };
    for (std::size_t b = 0; b < kBuckets; ++b) {
      if (m_first[b] == m_first[b + 1] && m_later[b].empty()) continue;
      settle(m_least[b]);
      for (std::uint32_t s = m_first[b]; s < m_first[b + 1]; ++s) {
        const std::uint32_t x = m_sorted[s];
        const std::size_t k = x % n;
        const double* f = &m_floor[x * 2];
        const auto g = static_cast<std::uint32_t>(x / n);
        if (both_beaten(k, m_ends[g], f)) continue;
        for (std::uint32_t i = m_group_range[g][0]; i < m_group_range[g][1]; ++i) {
          Later piece{i, g, static_cast<std::uint32_t>(k), {}};
          if (!m_query.piece_floor(m_frame[k], m_scale[k], pts[k], m_near[i], piece.floor_us.data())) continue;
          ++m_count.pieces;
          const double least = std::min(piece.floor_us[0], piece.floor_us[1]);
          const std::size_t at = std::max(b, bucket_of(least));  // never below the group's
          if (at == b) {
            look(k, i, m_ends[g], piece.floor_us.data());
          } else {
            m_later[at].push_back(piece);
            m_least[at] = std::min(m_least[at], least);
          }
        }
      }
      for (const Later& piece : m_later[b]) look(piece.lane, piece.piece, m_ends[piece.group], piece.floor_us.data());
    }
    double stop = 0.0;
    for (std::size_t k = 0; k < n; ++k)
      for (const auto& c : m_kept[k]) stop = std::max(stop, c.lower_us);
    settle(stop);
    for (std::size_t k = 0; k < n; ++k) exact(k, out[k]);
  }

  // The pieces of m_near in groups (m_all_group, m_all_first): runs of pieces of one edge
  // (the index gives an edge's pieces in a cell one after another) within kGroupM (in
  // degrees at `at`), each group a near piece that stands for its pieces (NearPiece::hold:
  // floors at or below each one's, within reach of any point one of them is).
  void group_pieces(LonLat at) {
    const LocalFrame frame(at);
    const double group_lat = kGroupM / frame.m_per_deg_lat();
    const double group_lon = kGroupM / std::max(frame.m_per_deg_lon(), 1.0);
    m_all_group.clear();
    m_all_first.clear();
    for (std::uint32_t i = 0; i < m_near.size(); ++i) {
      const auto& piece = m_near[i];
      if (!m_all_group.empty()) {
        auto& g = m_all_group.back();
        if (g.node[0] == piece.node[0] && g.node[1] == piece.node[1] &&
            std::max(g.box.lon1, piece.box.lon1) - std::min(g.box.lon0, piece.box.lon0) <= group_lon &&
            std::max(g.box.lat1, piece.box.lat1) - std::min(g.box.lat0, piece.box.lat0) <= group_lat) {
          g.hold(piece);
          continue;
        }
      }
      m_all_first.push_back(i);
      m_all_group.push_back(piece);
    }
    m_all_first.push_back(static_cast<std::uint32_t>(m_near.size()));
  }

  // The groups of one search (m_group, m_group_range): those whose box meets the query box
  // of one of `pts` (each piece within reach of a point lies in its query, so in such a
  // group; the other pieces of a group are dropped on their own floors); all when `pts` is
  // empty (the query was the search's own).
  void select_groups(std::span<const LonLat> pts) {
    m_group.clear();
    m_group_range.clear();
    m_boxes.clear();
    for (const LonLat& p : pts) m_boxes.push_back(m_query.near_box(p));
    for (std::size_t g = 0; g + 1 < m_all_first.size(); ++g) {
      const DegreeBox& b = m_all_group[g].box;
      bool meets = m_boxes.empty();
      for (std::size_t k = 0; k < m_boxes.size() && !meets; ++k) meets = b.meets(m_boxes[k]);
      if (!meets) continue;
      m_group.push_back(m_all_group[g]);
      m_group_range.push_back({m_all_first[g], m_all_first[g + 1]});
    }
  }

  // Lane k's legs from its candidates kept, the search settled up to their lower bounds.
  void exact(std::size_t k, std::vector<Leg>& out) {
    auto& kept = m_kept[k];
    // The candidates no other leg beats, by node and cheapest lower bound first: a
    // candidate whose lower bound exceeds an exact cost already found for its node cannot
    // lower that node's minimum.
    std::erase_if(kept, [&](const auto& c) { return beaten(k, m_arcs.vertex_of[c.node], c.lower_us); });
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.node != b.node ? a.node < b.node : a.lower_us < b.lower_us;
    });
    PointLatencyQuery::AccessLeg leg;
    for (std::size_t i = 0; i < kept.size();) {
      const NodeId w = kept[i].node;
      double best = kUnreached;
      m_vertices.clear();
      for (; i < kept.size() && kept[i].node == w; ++i) {
        const auto& c = kept[i];
        if (c.lower_us > best) continue;
        // Candidates at the same vertex point with the same fibre to w have the same exact
        // leg: computed once. Only a leg found at the vertex itself counts; beyond max
        // access the leg is searched along the candidate's own piece instead.
        PointLatencyQuery::VertexKey key;
        if (c.at_vertex != 0) {
          key = m_query.vertex_key(c);
          if (std::find(m_vertices.begin(), m_vertices.end(), key) != m_vertices.end()) continue;
        }
        ++m_count.exact;
        if (!m_query.exact_leg(m_frame[k], c, leg)) continue;
        best = std::min(best, leg.cost_us);
        if (c.at_vertex != 0 && leg.at.lon == key.q.lon && leg.at.lat == key.q.lat) m_vertices.push_back(key);
      }
      // With its exact cost known, a leg that a path from another leg undercuts (the
      // label: its own upper bound is never below its exact cost) cannot matter either.
      if (best < kUnreached && !beaten(k, m_arcs.vertex_of[w], best)) out.push_back(Leg{w, best});
    }
  }

  // Buckets of this much access distance (the floors' spread within a bucket); pieces
  // whose floors lie beyond the last bucket share it.
  static constexpr double kBucketM = 100.0;
  static constexpr std::size_t kBuckets = 160;
  // A group of an edge's pieces spans at most this in either direction.
  static constexpr double kGroupM = 1000.0;

  // Whether a path from some leg of lane k reaches vertex v below `lower_us` (with a
  // rounding margin): then a leg through v costing at least lower_us cannot matter. A
  // label only ever comes from upper bounds of real legs plus arcs, so it is such a path
  // whether or not settled.
  bool beaten(std::size_t k, std::uint32_t v, double lower_us) const {
    return m_stamp[v] == m_epoch && m_label[m_slot[v]].us[k] < lower_us - 1e-9 * (1.0 + lower_us);
  }
  // Whether both ends of a group or piece (vertices `ends`) are beaten at its floors `f`:
  // then no leg through it can matter.
  bool both_beaten(std::size_t k, const std::array<std::uint32_t, 2>& ends, const double* f) const {
    return beaten(k, ends[0], f[0]) && beaten(k, ends[1], f[1]);
  }

  struct alignas(64) Labels {
    double us[kLanes];
  };
  static_assert(kBuckets < 256, "a pair's bucket is a byte");
  // Vertex v's labels, a slot taken on its first touch by this search (unreached lanes: kUnreached).
  Labels& labels(std::uint32_t v) {
    if (m_stamp[v] != m_epoch) {
      m_stamp[v] = m_epoch;
      m_slot[v] = static_cast<std::uint32_t>(m_label.size());
      m_label.emplace_back();
      std::fill(std::begin(m_label.back().us), std::end(m_label.back().us), kUnreached);
      m_dirty.push_back(0);
    }
    return m_label[m_slot[v]];
  }
  std::uint8_t& dirty(std::uint32_t v) { return m_dirty[m_slot[v]]; }

  void push(std::uint32_t v, double d) {
    const double b = (d - m_queue_base) / m_queue_width;
    if (b < static_cast<double>(kQueue)) {
      // Never behind the bucket being settled (a label found there may round below it).
      const std::size_t i = std::max(m_queue_cur, b > 0 ? static_cast<std::size_t>(b) : std::size_t{0});
      m_queue[i].push_back(Entry{d, v});
      m_queue_top = std::max(m_queue_top, i);
    } else {
      m_heap.push_back(Entry{d, v});
      std::push_heap(m_heap.begin(), m_heap.end(), later);
    }
  }

  // A source of lane k: a leg's upper bound at vertex v.
  void reach(std::size_t k, std::uint32_t v, double d) {
    Labels& l = labels(v);
    if (!(d < l.us[k])) return;
    l.us[k] = d;
    dirty(v) |= static_cast<std::uint8_t>(1u << k);
    push(v, d);
  }

  // Relaxes the arcs of vertex u in every lane; a head whose labels fall gets an entry at
  // the least of its fallen labels.
  void relax(std::uint32_t u) {
    ++m_count.nodes;
    dirty(u) = 0;
    const Labels from = m_label[m_slot[u]];
    for (std::uint32_t a = m_arcs.first[u]; a < m_arcs.first[u + 1]; ++a) {
      const auto& arc = m_arcs.arc[a];
      Labels& to = labels(arc.head);
      unsigned fell = 0;
      double least = kUnreached;
      for (std::size_t k = 0; k < kLanes; ++k) {
        const double d = from.us[k] + arc.weight_us;
        const bool lower = d < to.us[k];
        to.us[k] = lower ? d : to.us[k];
        fell |= static_cast<unsigned>(lower) << k;
        least = lower ? std::min(least, d) : least;
      }
      if (fell == 0) continue;
      dirty(arc.head) |= static_cast<std::uint8_t>(fell);
      push(arc.head, least);
    }
  }

  // Relaxes every vertex with an entry at most `upto` whose labels fell since it was last
  // relaxed. A bucket queue (Dial's) over the labels near the points, a heap beyond it:
  // within a bucket the order is any, and a vertex is relaxed again when a label of some
  // lane falls after its last relaxation (label-correcting). After it, every label at
  // most `upto` is its lane's distance from the sources so far (an entry at most the
  // label is queued whenever a label falls, and relaxing it passes the label on).
  void settle(double upto) {
    for (; m_queue_cur < kQueue && m_queue_cur <= m_queue_top; ++m_queue_cur) {
      if (m_queue_base + m_queue_width * static_cast<double>(m_queue_cur) > upto) return;
      auto& bucket = m_queue[m_queue_cur];
      bool left = false;  // entries above `upto` stay
      for (std::size_t i = 0; i < bucket.size();) {
        const Entry e = bucket[i];
        if (dirty(e.v) == 0) {  // stale
          bucket[i] = bucket.back();
          bucket.pop_back();
        } else if (e.d > upto) {
          left = true;
          ++i;
        } else {
          bucket[i] = bucket.back();
          bucket.pop_back();
          relax(e.v);  // may append to this bucket
        }
      }
      if (left) return;
    }
    if (m_queue_cur <= m_queue_top && m_queue_cur < kQueue) return;
    while (!m_heap.empty() && m_heap.front().d <= upto) {
      std::pop_heap(m_heap.begin(), m_heap.end(), later);
      const Entry top = m_heap.back();
      m_heap.pop_back();
      if (dirty(top.v) == 0) continue;  // stale entry
      relax(top.v);
    }
  }

  struct Entry {
    double d;
    std::uint32_t v;  // vertex
  };
  static bool later(const Entry& a, const Entry& b) { return a.d > b.d; }

  Count m_count;
  PointLatencyQuery m_query;
  const Arcs& m_arcs;
  std::vector<std::uint32_t> m_stamp;  // by vertex: m_epoch when this search touched it
  std::vector<std::uint32_t> m_slot;   // by vertex touched: its slot in m_label and m_dirty
  std::vector<Labels> m_label;         // by slot
  std::vector<std::uint8_t> m_dirty;   // by slot: the lanes whose labels fell since the vertex was relaxed
  std::uint32_t m_epoch = 0;
  double m_bucket_us;  // width of the floors' buckets (> 0)
  std::vector<Entry> m_heap;  // labels beyond the bucket queue
  // The bucket queue: bucket i holds labels from base + i × width (the access over kQueueM).
  static constexpr std::size_t kQueue = 4096;
  static constexpr double kQueueM = 10.0;
  std::vector<std::vector<Entry>> m_queue = std::vector<std::vector<Entry>>(kQueue);
  double m_queue_base = 0.0, m_queue_width = 1.0;
  std::size_t m_queue_cur = 0, m_queue_top = 0;
  std::vector<PointLatencyQuery::NearPiece> m_near;
  // The groups of m_near (m_all_group, its pieces from m_all_first), and those of one search
  // (m_group, its pieces m_group_range).
  std::vector<PointLatencyQuery::NearPiece> m_all_group;
  std::vector<std::uint32_t> m_all_first;
  std::vector<PointLatencyQuery::NearPiece> m_group;
  std::vector<std::array<std::uint32_t, 2>> m_group_range;
  std::vector<DegreeBox> m_boxes;
  std::vector<double> m_floor;       // by (group × lanes + lane) × 2 + end
  std::vector<double> m_pair_floor;  // by group × lanes + lane: the lesser of the two
  std::vector<std::uint8_t> m_pair_bucket;  // kBuckets: beyond reach
  std::vector<std::array<std::uint32_t, 2>> m_ends;  // by group: the vertices of its edge's ends
  // A (piece, lane) pair of a group looked at, waiting for the bucket of its floors.
  struct Later {
    std::uint32_t piece, group, lane;
    std::array<double, 2> floor_us;
  };
  std::array<std::vector<Later>, kBuckets> m_later;
  std::vector<std::uint32_t> m_first, m_fill, m_sorted;
  std::vector<double> m_least;
  std::vector<LocalFrame> m_frame;  // by lane
  std::array<PlaneScale, kLanes> m_scale{};
  std::array<std::vector<PointLatencyQuery::LegCandidate>, kLanes> m_kept;
  std::vector<PointLatencyQuery::LegCandidate> m_candidates;
  std::vector<PointLatencyQuery::VertexKey> m_vertices;  // of one node's exact legs
};


// The coverage rows of one block of demand ranks: per rank its entry count, then the
// entries (site ascending) of every rank of the block in rank order.
struct RowBlock {
  std::vector<std::uint32_t> count;
  std::span<const std::uint32_t> site;  // in a row arena
  std::span<const double> latency_us;
};
struct RowArena {
  ChunkArena<std::uint32_t> site;
  ChunkArena<double> latency_us;
};

}  // namespace

// The latency of a pair (d, j) is min over d's access legs (w, c) of dist_j(w) + c, with
// dist_j(w) the one-way latency of node w in a search from site j alone and c the leg's
// cost less w's node delay (the path already paid it), one addition per term.
// dist_j(w) is the same double whatever algorithm settles it (the least fixed point of
// d(w) = min over arcs of d(u) + weight, with rounding monotone and weights ≥ 0), so the
// per-site searches below give the same bits as any other search from j alone.
//
// 1. Legs of every demand point (LanePruner; independent of the sites), by rank in a
//    space-filling order of the points.
// 2. One bounded search per site; it keeps only the leg nodes it reaches early enough to
//    give some leg within the budget (dist + cheapest leg there ≤ budget). Inverted once
//    into a flat per-node list of (site, dist), by band of dist (a counting sort).
// 3. Per demand point (blocks of consecutive ranks, one thread each; within a block,
//    groups of 8 ranks read each node's list once for all their legs there): for each
//    leg, the sites of its node's list with dist + cost ≤ budget (up to where the rest of
//    the list lies beyond it for every leg there), the minimum per site and rank in an
//    array by site index. Rows come out by site, per demand point: no transposition of
//    the pairs, and the random access stays within one array of `sites` × 8 doubles.
Coverage build_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                        const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                        std::span<const Source> candidates, double budget_us, unsigned threads,
                        CoverageStats* stats) {
  const std::size_t nd = demand.size();
  const std::size_t ns = candidates.size();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Demand points are handled by rank in a space-filling order: consecutive ranks share
  // most of their pieces and network nodes (legs). Results do not depend on the order.
  const std::vector<std::uint32_t> order = spatial_order(demand);  // rank → demand point
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();  // process CPU time on Linux (every thread)
  auto lap = [&](CoverageStats::Phase CoverageStats::*phase) {
    const auto t = std::chrono::steady_clock::now();
    const std::clock_t c = std::clock();
    if (stats) {
      (stats->*phase).wall_s = std::chrono::duration<double>(t - t0).count();
      (stats->*phase).cpu_s = static_cast<double>(c - c0) / CLOCKS_PER_SEC;
    }
    t0 = t;
    c0 = c;
  };

  // 1. Each demand point's ways onto the network: node w and the least access +
  // along-edge cost from the point to w, legs that cannot matter dropped (LanePruner).
  std::vector<std::uint32_t> leg_first(nd + 1, 0);  // by rank
  std::vector<NodeId> leg_node;
  std::vector<double> leg_cost;  // cost less the node delay of w (the path pays it)
  {
    std::vector<std::span<const Leg>> legs(nd);  // by rank, in the threads' arenas
    constexpr std::size_t kGroup = LanePruner::kLanes * LanePruner::kShare;
    const Arcs arcs(net);
    std::mutex count_mutex;
    LanePruner::Count count;
    PerWorker<ChunkArena<Leg>> arenas;
    struct State {
      std::unique_ptr<LanePruner> pruner;
      ChunkArena<Leg>* arena = nullptr;
      std::array<std::vector<Leg>, kGroup> out;
      std::mutex* count_mutex = nullptr;
      LanePruner::Count* count = nullptr;
      ~State() {
        if (!pruner) return;
        const std::lock_guard lock(*count_mutex);
        count->groups += pruner->count().groups;
        count->pieces += pruner->count().pieces;
        count->candidates += pruner->count().candidates;
        count->nodes += pruner->count().nodes;
        count->exact += pruner->count().exact;
      }
    };
    parallel_blocks<State>(nd, 64, threads, [&](State& st, std::size_t b, std::size_t e) {
      if (!st.pruner) {
        st.pruner = std::make_unique<LanePruner>(net, index, model, mode, arcs);
        st.count_mutex = &count_mutex;
        st.count = &count;
        st.arena = &arenas.of(&st);
      }
      // Groups of consecutive ranks (neighbours in the space-filling order) share one
      // index query for their pieces.
      std::array<LonLat, kGroup> pts;
      for (std::size_t g = b; g < e; g += kGroup) {
        const std::size_t n = std::min(kGroup, e - g);
        for (std::size_t i = 0; i < n; ++i) pts[i] = demand[order[g + i]];
        st.pruner->legs(std::span(pts.data(), n), std::span(st.out.data(), n));
        for (std::size_t i = 0; i < n; ++i) legs[g + i] = st.arena->append(st.out[i]);
      }
    });
    if (stats) {
      stats->leg_groups = count.groups;
      stats->leg_pieces = count.pieces;
      stats->leg_candidates = count.candidates;
      stats->leg_nodes = count.nodes;
      stats->exact_legs = count.exact;
    }
    for (std::size_t r = 0; r < nd; ++r) leg_first[r + 1] = leg_first[r] + static_cast<std::uint32_t>(legs[r].size());
    reserve_huge(leg_node, leg_first.back());
    reserve_huge(leg_cost, leg_first.back());
    leg_node.resize(leg_first.back());
    leg_cost.resize(leg_first.back());
    for (std::size_t r = 0; r < nd; ++r) {
      std::uint32_t k = leg_first[r];
      for (const Leg& leg : legs[r]) {
        leg_node[k] = leg.node;
        leg_cost[k] = leg.cost_us - net.node_delay_us[leg.node];
        ++k;
      }
    }
  }
  lap(&CoverageStats::legs);
  if (stats) stats->legs_kept = leg_node.size();
  // The cheapest leg at each node (kUnreached: no demand point's leg ends there).
  std::vector<double> node_leg_min(net.nodes(), kUnreached);
  for (std::size_t k = 0; k < leg_node.size(); ++k)
    node_leg_min[leg_node[k]] = std::min(node_leg_min[leg_node[k]], leg_cost[k]);

  // Bands of latency over [0, budget] (the last one holds the rest): band(l) never
  // decreases as l grows, so in a list ordered by band an entry is never followed by one
  // more than a band's width below it.
  constexpr std::size_t kBands = 256;
  struct Bands {
    double width_us, per_us;
    std::size_t of(double l) const {
      const double b = l * per_us;
      return b < static_cast<double>(kBands - 1) ? static_cast<std::size_t>(b) : kBands - 1;
    }
  };
  const Bands bands{budget_us / kBands, budget_us > 0 ? kBands / budget_us : 0.0};

  // 2. One bounded search per candidate: the leg nodes that matter, with their latency.
  std::vector<std::size_t> valid_index;
  std::vector<Source> valid;
  for (std::size_t j = 0; j < ns; ++j)
    if (candidates[j].node != kNone) {
      valid.push_back(candidates[j]);
      valid_index.push_back(j);
    }
  // Each search's kept nodes go to its worker's arenas (no copy on growth, huge pages).
  std::vector<std::span<const NodeId>> hit_node(valid.size());
  std::vector<std::span<const double>> hit_us(valid.size());
  std::vector<std::uint32_t> node_first(net.nodes() + 1, 0);
  HugeArray<std::uint32_t> node_site;
  HugeArray<double> node_us;
  {
    struct Worker {  // per search thread
      ChunkArena<NodeId> nodes;
      ChunkArena<double> us;
      std::vector<NodeId> scratch_nodes;
      std::vector<double> scratch_us;
    };
    PerWorker<Worker> workers;
    // Latencies only (the latency sweep): the lists are inverted by node and banded below.
    for_each_source(graph, valid, budget_us, threads, [&](std::size_t i, const Search& s) {
      Worker& wk = workers.of(&s);
      const auto reached = s.reached();
      const auto reached_us = s.reached_latency();
      wk.scratch_nodes.clear();
      wk.scratch_us.clear();
      for (std::size_t n = 0; n < reached.size(); ++n) {
        const NodeId w = reached[n];
        // The cheapest leg first: if even it exceeds the budget, every leg at w does.
        if (!(reached_us[n] + node_leg_min[w] <= budget_us)) continue;
        wk.scratch_nodes.push_back(w);
        wk.scratch_us.push_back(reached_us[n]);
      }
      hit_node[i] = wk.nodes.append(wk.scratch_nodes);
      hit_us[i] = wk.us.append(wk.scratch_us);
    }, SearchResults::latencies);
    lap(&CoverageStats::searches);
    std::vector<double>().swap(node_leg_min);
    // Inverted by node: node w's entries [node_first[w], node_first[w + 1]), by band of
    // latency (below).
    // In two passes, so that no write lands far from the last: the sites' hits into the
    // lists of buckets of 512 consecutive nodes (each chunk of sites writes its own run of
    // each bucket, in order, with the node's place in its bucket), then each bucket's
    // entries into its nodes' lists. The lists' memory is first written here, by every
    // thread (HugeArray: no zeroing pass). A node's entries arrive in any order (a row's
    // minima do not depend on it).
    constexpr unsigned kBucketShift = 9;
    const std::size_t buckets = (net.nodes() >> kBucketShift) + 1;
    const std::size_t chunks = std::min<std::size_t>(valid.size(), 16 * std::max(1u, threads));
    auto chunk_sites = [&](std::size_t c) {
      return std::pair{valid.size() * c / chunks, valid.size() * (c + 1) / chunks};
    };
    std::vector<std::uint32_t> at(buckets * chunks + 1, 0);  // by bucket × chunks + chunk: where its run starts
    parallel_blocks<NoState>(chunks, 1, threads, [&](NoState&, std::size_t c, std::size_t) {
      const auto [b, e] = chunk_sites(c);
      for (std::size_t i = b; i < e; ++i)
        for (const NodeId w : hit_node[i]) ++at[(w >> kBucketShift) * chunks + c + 1];
    });
    for (std::size_t x = 0; x + 1 < at.size(); ++x) at[x + 1] += at[x];
    std::vector<std::uint32_t> bucket_first(buckets + 1);  // bucket b's entries from bucket_first[b]
    for (std::size_t b = 0; b <= buckets; ++b) bucket_first[b] = at[b * chunks];
    const std::uint32_t entries = bucket_first[buckets];
    node_site = HugeArray<std::uint32_t>(entries);
    node_us = HugeArray<double>(entries);
    HugeArray<std::uint16_t> node_in_bucket(entries);
    parallel_blocks<NoState>(chunks, 1, threads, [&](NoState&, std::size_t c, std::size_t) {
      const auto [b, e] = chunk_sites(c);
      for (std::size_t i = b; i < e; ++i) {
        const auto j = static_cast<std::uint32_t>(valid_index[i]);
        for (std::size_t n = 0; n < hit_node[i].size(); ++n) {
          const NodeId w = hit_node[i][n];
          const std::uint32_t k = at[(w >> kBucketShift) * chunks + c]++;
          node_site[k] = j;
          node_us[k] = hit_us[i][n];
          node_in_bucket[k] = static_cast<std::uint16_t>(w & ((1u << kBucketShift) - 1));
        }
      }
    });
    workers.clear();  // the searches' hits are in the buckets now
    // Each bucket into its nodes' lists, then each node's entries by band of latency (a
    // counting sort; within a band in any order): the row scan below stops where the rest
    // of a node's list lies beyond the budget.
    struct State {
      std::vector<std::uint32_t> fill, start, site;
      std::vector<double> us;
      std::array<std::uint32_t, kBands + 1> first;
    };
    parallel_blocks<State>(buckets, 1, threads, [&](State& st, std::size_t bucket, std::size_t) {
      const std::size_t v0 = bucket << kBucketShift, v1 = std::min(net.nodes(), v0 + (std::size_t{1} << kBucketShift));
      if (v0 >= v1) return;
      const std::uint32_t lo = bucket_first[bucket], hi = bucket_first[bucket + 1];
      // The bucket's nodes' lists: their counts, then where each starts.
      st.fill.assign(v1 - v0 + 1, 0);
      std::vector<std::uint32_t>& fill = st.fill;
      for (std::uint32_t x = lo; x < hi; ++x) ++fill[node_in_bucket[x] + 1];
      fill[0] = lo;
      for (std::size_t v = v0; v < v1; ++v) {
        fill[v - v0 + 1] += fill[v - v0];
        node_first[v] = fill[v - v0];
      }
      if (v1 == net.nodes()) node_first[v1] = hi;
      st.start.assign(fill.begin(), fill.end());  // node_first of the bucket's nodes and the next
      st.site.assign(node_site.data() + lo, node_site.data() + hi);
      st.us.assign(node_us.data() + lo, node_us.data() + hi);
      for (std::uint32_t x = lo; x < hi; ++x) {
        const std::uint32_t k = fill[node_in_bucket[x]]++;
        node_site[k] = st.site[x - lo];
        node_us[k] = st.us[x - lo];
      }
      for (std::size_t v = v0; v < v1; ++v) {
        const std::uint32_t a = st.start[v - v0], z = st.start[v - v0 + 1];
        if (z - a < 2) continue;
        st.first.fill(0);
        for (std::uint32_t k = a; k < z; ++k) ++st.first[bands.of(node_us[k]) + 1];
        for (std::size_t i = 0; i < kBands; ++i) st.first[i + 1] += st.first[i];
        st.site.resize(z - a);
        st.us.resize(z - a);
        for (std::uint32_t k = a; k < z; ++k) {
          const std::uint32_t to = st.first[bands.of(node_us[k])]++;
          st.site[to] = node_site[k];
          st.us[to] = node_us[k];
        }
        std::copy(st.site.begin(), st.site.end(), node_site.data() + a);
        std::copy(st.us.begin(), st.us.end(), node_us.data() + a);
      }
    });
  }  // the searches' arenas go
  lap(&CoverageStats::invert);
  if (stats) stats->node_entries = node_first.back();
  // 3. Rows per demand point, by blocks of ranks, in groups of kRowLanes consecutive ranks
  // (neighbours: most of their legs end at the same nodes). A group reads each node's
  // list once for all its ranks with a leg there: entry (j, d) gives rank k the latency
  // d + c_k (c_k its leg's cost; none: kUnreached), the least per site and rank kept.
  constexpr std::size_t kBlock = 256;
  constexpr std::size_t kRowLanes = 8;
  static_assert(kBlock % kRowLanes == 0);
  struct alignas(64) RowLanes {
    double us[kRowLanes];
  };
  std::vector<RowBlock> blocks((nd + kBlock - 1) / kBlock);
  PerWorker<RowArena> row_arenas;
  {
    struct GroupLeg {
      NodeId node;
      double least_us;  // the least of cost_us
      RowLanes cost_us;  // by rank of the group; kUnreached: no leg at the node
    };
    struct State {
      std::vector<RowLanes> best;         // by site, per rank of the group; kUnreached = not reached
      std::vector<std::uint64_t> marked;  // by site, a bit each: some entry read
      std::vector<std::uint32_t> stamp, slot;  // by node: the group that has a leg there, its slot
      std::uint32_t group = 0;
      std::vector<GroupLeg> legs;          // the group's leg nodes
      std::array<std::vector<std::uint32_t>, kRowLanes> lane_site;  // a group's rows by rank
      std::array<std::vector<double>, kRowLanes> lane_us;
      std::vector<std::uint32_t> site;    // the block's rows, then into the arena
      std::vector<double> latency_us;
      RowArena* arena = nullptr;
    };
    const std::size_t words = (ns + 63) / 64;
    RowLanes none;
    std::fill(std::begin(none.us), std::end(none.us), kUnreached);
    parallel_blocks<State>(nd, kBlock, threads, [&](State& st, std::size_t b, std::size_t e) {
      if (st.best.size() != ns) {
        st.best.assign(ns, none);
        st.marked.assign(words, 0);
        st.stamp.assign(net.nodes(), 0);
        st.slot.assign(net.nodes(), 0);
        st.arena = &row_arenas.of(&st);
      }
      RowBlock& out = blocks[b / kBlock];
      out.count.reserve(e - b);
      st.site.clear();
      st.latency_us.clear();
      for (std::size_t g = b; g < e; g += kRowLanes) {
        const std::size_t n = std::min(kRowLanes, e - g);
        if (++st.group == 0) {
          std::fill(st.stamp.begin(), st.stamp.end(), 0);
          st.group = 1;
        }
        st.legs.clear();
        for (std::size_t k = 0; k < n; ++k)
          for (std::uint32_t x = leg_first[g + k]; x < leg_first[g + k + 1]; ++x) {
            const NodeId w = leg_node[x];
            if (st.stamp[w] != st.group) {
              st.stamp[w] = st.group;
              st.slot[w] = static_cast<std::uint32_t>(st.legs.size());
              st.legs.push_back(GroupLeg{w, kUnreached, none});
            }
            GroupLeg& leg = st.legs[st.slot[w]];
            leg.cost_us.us[k] = std::min(leg.cost_us.us[k], leg_cost[x]);
            leg.least_us = std::min(leg.least_us, leg_cost[x]);
          }
        for (const GroupLeg& leg : st.legs) {
          const NodeId w = leg.node;
          for (std::uint32_t x = node_first[w], end = node_first[w + 1]; x < end; ++x) {
            const double d = node_us[x];
            const double least = d + leg.least_us;
            if (least > budget_us) {
              // Entries further on lie in this band or above: not below this one's
              // latency less a band's width.
              if (bands.width_us > 0 && least - bands.width_us * 1.01 > budget_us) break;
              continue;
            }
            const std::uint32_t j = node_site[x];
            st.marked[j >> 6] |= std::uint64_t{1} << (j & 63);
            RowLanes& to = st.best[j];
            for (std::size_t k = 0; k < kRowLanes; ++k) {
              const double l = d + leg.cost_us.us[k];
              to.us[k] = l < to.us[k] ? l : to.us[k];
            }
          }
        }
        // By site: the sites read, each rank's within the budget.
        for (std::size_t k = 0; k < n; ++k) {
          st.lane_site[k].clear();
          st.lane_us[k].clear();
        }
        for (std::size_t wd = 0; wd < words; ++wd) {
          for (std::uint64_t bits = st.marked[wd]; bits; bits &= bits - 1) {
            const auto j = static_cast<std::uint32_t>(wd * 64 + static_cast<unsigned>(std::countr_zero(bits)));
            RowLanes& at = st.best[j];
            for (std::size_t k = 0; k < n; ++k)
              if (at.us[k] <= budget_us && at.us[k] < kUnreached) {
                st.lane_site[k].push_back(j);
                st.lane_us[k].push_back(at.us[k]);
              }
            at = none;
          }
          st.marked[wd] = 0;
        }
        for (std::size_t k = 0; k < n; ++k) {
          out.count.push_back(static_cast<std::uint32_t>(st.lane_site[k].size()));
          st.site.insert(st.site.end(), st.lane_site[k].begin(), st.lane_site[k].end());
          st.latency_us.insert(st.latency_us.end(), st.lane_us[k].begin(), st.lane_us[k].end());
        }
      }
      out.site = st.arena->site.append(st.site);
      out.latency_us = st.arena->latency_us.append(st.latency_us);
    });
  }
  lap(&CoverageStats::rows);
  std::vector<std::uint32_t>().swap(node_first);
  node_site = {};
  node_us = {};

  // Into rows by demand point: counts, offsets, then each block's rows in place.
  Coverage c;
  c.demands = nd;
  c.sites = ns;
  std::uint64_t pairs = 0;
  for (const RowBlock& blk : blocks)
    for (std::uint32_t k : blk.count) pairs += k;
  check_coverage_pairs(pairs);  // before 32-bit offsets could wrap
  c.first.assign(nd + 1, 0);
  for (std::size_t bi = 0; bi < blocks.size(); ++bi)
    for (std::size_t i = 0; i < blocks[bi].count.size(); ++i) c.first[order[bi * kBlock + i] + 1] = blocks[bi].count[i];
  for (std::size_t d = 0; d < nd; ++d) c.first[d + 1] += c.first[d];
  reserve_huge(c.site, c.first.back());
  reserve_huge(c.latency_us, c.first.back());
  c.site.resize(c.first.back());
  c.latency_us.resize(c.first.back());
  for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
    RowBlock& blk = blocks[bi];
    std::size_t at = 0;
    for (std::size_t i = 0; i < blk.count.size(); ++i) {
      const std::uint32_t to = c.first[order[bi * kBlock + i]];
      std::copy_n(blk.site.begin() + static_cast<std::ptrdiff_t>(at), blk.count[i], c.site.begin() + to);
      std::copy_n(blk.latency_us.begin() + static_cast<std::ptrdiff_t>(at), blk.count[i], c.latency_us.begin() + to);
      at += blk.count[i];
    }
    std::vector<std::uint32_t>().swap(blk.count);
  }
  row_arenas.clear();
  lap(&CoverageStats::layout);
  return c;
}

}  // namespace lightcone

namespace lightcone {

Coverage restrict_coverage(const Coverage& c, std::span<const double> budget_us) {
  Coverage out;
  out.demands = c.demands;
  out.sites = c.sites;
  out.first.assign(c.demands + 1, 0);
  for (std::size_t d = 0; d < c.demands; ++d) {
    for (std::uint32_t e = c.first[d]; e < c.first[d + 1]; ++e)
      if (c.latency_us[e] <= budget_us[d]) {
        out.site.push_back(c.site[e]);
        out.latency_us.push_back(c.latency_us[e]);
      }
    out.first[d + 1] = static_cast<std::uint32_t>(out.site.size());
  }
  return out;
}

}  // namespace lightcone
