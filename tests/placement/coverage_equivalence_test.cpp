// build_coverage (issue 13 item 8: per-site searches inverted into per-node site lists,
// rows assembled per demand point) against two oracles, pair for pair and bit for bit:
//  - the build as it was before (tests/support/coverage_reference.hpp, verbatim), and
//  - an independent brute force: every access leg of every demand point (access_legs,
//    nothing pruned), one unbounded search per site alone, and per pair the least
//    dist(site → w) + (leg cost − node delay of w) over the legs: the sum DESIGN §3's
//    coverage takes, without the leg pruning, the bounded searches or the row assembly.
// On random networks (tie-heavy integer edge delays, node delays, sites off the network,
// two sites on one node, both access modes, budgets from 0 to unbounded, 1 and 2
// threads) and on every certified real network of tests/data. Seeds fixed and printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "placement/coverage.hpp"
#include "support/coverage_reference.hpp"
#include "support/datasets.hpp"

namespace lightcone {
namespace {

constexpr std::uint64_t kSeed = 20261204;

struct Case {
  LatencyModel model;
  Network net;
  std::vector<Source> candidates;  // per site; node kNone when off the network
  std::vector<LonLat> demand;
};

// Attaches sites as prepare_network does (nearest edge within max access, split there,
// offset = site delay + access of the site's own link).
void attach_sites(Case& c, const std::vector<LonLat>& sites, const std::vector<double>& delay_us) {
  const SegmentIndex pre(c.net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> attach(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) attach[i] = attach_point(pre, sites[i], c.model.max_access.value, scratch);
  const std::vector<NodeId> node = split_at(c.net, attach);
  const AccessCost access(c.model);
  for (std::size_t i = 0; i < sites.size(); ++i)
    c.candidates.push_back(node[i] == kNone ? Source{kNone, 0.0}
                                            : Source{node[i], delay_us[i] + access.us_per_m * attach[i].distance_m});
}

// Brute force: see the file comment. Rows by demand point, sites ascending.
Coverage brute_coverage(const Case& c, const Graph& graph, const SegmentIndex& index, AccessFrom mode, double budget_us) {
  PointLatencyQuery query(c.net, index, c.model, mode);
  std::vector<std::vector<PointLatencyQuery::AccessLeg>> legs;
  for (const LonLat& p : c.demand) legs.push_back(query.access_legs(p));
  const std::size_t nd = c.demand.size(), ns = c.candidates.size();
  std::vector<std::vector<double>> lat(nd, std::vector<double>(ns, kUnreached));
  for (std::size_t j = 0; j < ns; ++j) {
    if (c.candidates[j].node == kNone) continue;
    const NodeLatencies nodes = nearest_source_latency(graph, std::span(&c.candidates[j], 1));
    for (std::size_t d = 0; d < nd; ++d)
      for (const auto& leg : legs[d]) {
        if (nodes.us[leg.node] == kUnreached) continue;
        lat[d][j] = std::min(lat[d][j], nodes.us[leg.node] + (leg.cost_us - c.net.node_delay_us[leg.node]));
      }
  }
  Coverage out;
  out.demands = nd;
  out.sites = ns;
  out.first.assign(nd + 1, 0);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::uint32_t j = 0; j < ns; ++j)
      if (lat[d][j] != kUnreached && lat[d][j] <= budget_us) {  // unreached is never a pair
        out.site.push_back(j);
        out.latency_us.push_back(lat[d][j]);
      }
    out.first[d + 1] = static_cast<std::uint32_t>(out.site.size());
  }
  return out;
}

// "" when a and b hold the same pairs with the same latency bits, else the first difference.
std::string difference(const Coverage& a, const Coverage& b) {
  if (a.demands != b.demands || a.sites != b.sites) return "sizes differ";
  for (std::size_t d = 0; d < a.demands; ++d) {
    const std::uint32_t na = a.first[d + 1] - a.first[d], nb = b.first[d + 1] - b.first[d];
    for (std::uint32_t k = 0; k < std::max(na, nb); ++k) {
      if (k >= na || k >= nb)
        return "demand " + std::to_string(d) + ": " + std::to_string(na) + " vs " + std::to_string(nb) + " pairs";
      const std::uint32_t ea = a.first[d] + k, eb = b.first[d] + k;
      if (a.site[ea] != b.site[eb])
        return "demand " + std::to_string(d) + " entry " + std::to_string(k) + ": site " + std::to_string(a.site[ea]) +
               " vs " + std::to_string(b.site[eb]);
      if (std::bit_cast<std::uint64_t>(a.latency_us[ea]) != std::bit_cast<std::uint64_t>(b.latency_us[eb])) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "demand %zu site %u: latency %.17g vs %.17g", d, a.site[ea], a.latency_us[ea],
                      b.latency_us[eb]);
        return buf;
      }
    }
  }
  return "";
}

// Budgets: 0, three quantiles of the brute-force latencies (so some pairs sit exactly on
// a budget) and unbounded.
std::vector<double> budgets_of(const Coverage& all) {
  std::vector<double> v(all.latency_us);
  std::sort(v.begin(), v.end());
  std::vector<double> out{0.0};
  if (!v.empty())
    for (double q : {0.1, 0.4, 0.8}) out.push_back(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]);
  out.push_back(kUnreached);
  return out;
}

// Checks every budget and both thread counts; returns the pairs compared.
std::size_t check_case(const Case& c, AccessFrom mode) {
  const Graph graph(c.net);
  const SegmentIndex index(c.net);
  const Coverage all = brute_coverage(c, graph, index, mode, kUnreached);
  std::size_t pairs = 0;
  for (double budget : budgets_of(all)) {
    SCOPED_TRACE("budget " + std::to_string(budget) + (mode == AccessFrom::nodes ? ", access from nodes" : ""));
    const Coverage brute = brute_coverage(c, graph, index, mode, budget);
    const Coverage old =
        test::reference_build_coverage(c.net, graph, index, c.model, mode, c.demand, c.candidates, budget, 2);
    for (unsigned threads : {1u, 2u}) {
      const Coverage cov = build_coverage(c.net, graph, index, c.model, mode, c.demand, c.candidates, budget, threads);
      EXPECT_EQ(difference(cov, old), "") << "new vs the old build, " << threads << " thread(s)";
      EXPECT_EQ(difference(cov, brute), "") << "new vs brute force, " << threads << " thread(s)";
    }
    pairs += brute.entries();
  }
  return pairs;
}

// A random planar-ish network: n nodes in a box, each joined to its 2–3 nearest others by
// a line with a mid vertex; integer edge delays (many equal path latencies) and node
// delays; sites near nodes (two on one spot, one far off); demand anywhere in the box.
Case random_case(std::mt19937_64& rng, int n, double box_deg) {
  Case c;
  c.model.max_access = Metres{3000.0};
  c.model.access_fixed = Microseconds{1.0};
  const LonLat o{117.0, 36.0};
  std::uniform_real_distribution<double> u(0.0, box_deg), jitter(-0.003, 0.003);
  std::vector<LonLat> pts;
  for (int i = 0; i < n; ++i) pts.push_back({o.lon + u(rng), o.lat + u(rng)});
  LineInput lines;
  std::int64_t id = 1;
  std::uniform_int_distribution<int> extra(2, 3);
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<double, int>> near;
    for (int k = 0; k < n; ++k)
      if (k != i) near.emplace_back(std::hypot(pts[i].lon - pts[k].lon, pts[i].lat - pts[k].lat), k);
    std::partial_sort(near.begin(), near.begin() + 3, near.end());
    for (int m = 0, e = extra(rng); m < e; ++m) {
      const int k = near[m].second;
      if (k < i) continue;  // each pair once (from its smaller end)
      const LonLat mid{0.5 * (pts[i].lon + pts[k].lon) + jitter(rng), 0.5 * (pts[i].lat + pts[k].lat) + jitter(rng)};
      lines.add_line(std::vector<LonLat>{pts[i], mid, pts[k]}, id++);
    }
  }
  c.net = build_network(lines, c.model, BuildOptions{}, nullptr);
  std::uniform_int_distribution<int> delay(1, 40), node_delay(0, 3);
  for (auto& d : c.net.edge_delay_us) d = 5.0 * delay(rng);
  for (auto& d : c.net.node_delay_us) d = 2.5 * node_delay(rng);
  std::vector<LonLat> sites;
  std::vector<double> site_delay;
  std::uniform_int_distribution<int> pick(0, n - 1);
  for (int i = 0; i < 12; ++i) {
    const LonLat p = pts[pick(rng)];
    sites.push_back({p.lon + jitter(rng), p.lat + jitter(rng)});
    site_delay.push_back(3.0 * node_delay(rng));
  }
  sites.push_back(sites.front());  // two sites on one spot
  site_delay.push_back(0.0);
  sites.push_back({o.lon - 1.0, o.lat - 1.0});  // far off: not attached
  site_delay.push_back(0.0);
  attach_sites(c, sites, site_delay);
  for (int i = 0; i < 250; ++i) c.demand.push_back({o.lon + u(rng), o.lat + u(rng)});
  c.demand.push_back(c.demand.front());  // two demand points on one spot
  return c;
}

// A street-like lattice: k × k nodes `step` degrees apart, each joined to its east and
// north neighbours by a line with a slightly jittered mid vertex; edges keep the model's
// fibre latency of their length, node delays are small, the maximum access is 10 km (as
// on the benchmark instances). Paths from a point's nearer legs then undercut most of its
// farther ones, as on real metro networks. Sites near nodes, demand anywhere.
// Longitudes from o eastwards, wrapped into [-180, 180).
Case lattice_case(std::mt19937_64& rng, int k, double step, LonLat o = {117.0, 36.0}) {
  Case c;
  c.model.max_access = Metres{10000.0};
  std::uniform_real_distribution<double> jitter(-0.1 * step, 0.1 * step), u(0.0, step * (k - 1));
  auto wrap = [](LonLat p) { return LonLat{p.lon >= 180.0 ? p.lon - 360.0 : p.lon, p.lat}; };
  auto at = [&](int i, int j) { return LonLat{o.lon + step * i, o.lat + step * j}; };
  LineInput lines;
  std::int64_t id = 1;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j)
      for (const auto& [di, dj] : {std::pair{1, 0}, std::pair{0, 1}}) {
        if (i + di >= k || j + dj >= k) continue;
        const LonLat a = at(i, j), b = at(i + di, j + dj);
        const LonLat mid{0.5 * (a.lon + b.lon) + jitter(rng), 0.5 * (a.lat + b.lat) + jitter(rng)};
        lines.add_line(std::vector<LonLat>{wrap(a), wrap(mid), wrap(b)}, id++);
      }
  c.net = build_network(lines, c.model, BuildOptions{}, nullptr);
  std::uniform_int_distribution<int> node_delay(0, 3);
  for (auto& d : c.net.node_delay_us) d = 0.1 * node_delay(rng);
  std::vector<LonLat> sites;
  std::vector<double> site_delay;
  for (int s = 0; s < 12; ++s) {
    sites.push_back(wrap({o.lon + u(rng), o.lat + u(rng)}));
    site_delay.push_back(node_delay(rng));
  }
  attach_sites(c, sites, site_delay);
  for (int i = 0; i < 100; ++i) c.demand.push_back(wrap({o.lon + u(rng), o.lat + u(rng)}));
  return c;
}

// Dense networks with fibre delays: the legs' pruning drops most pieces on their floors
// alone (checked on the stats), and the coverage still equals brute force bit for bit.
TEST(CoverageEquivalence, EqualsBruteForceWhereNearerLegsHideMostPieces) {
  std::mt19937_64 rng(kSeed + 3);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("dense network " + std::to_string(round));
    const Case c = lattice_case(rng, 24 + 4 * round, 0.01);
    for (AccessFrom mode : {AccessFrom::edges, AccessFrom::nodes}) check_case(c, mode);
    const Graph graph(c.net);
    const SegmentIndex index(c.net);
    PointLatencyQuery query(c.net, index, c.model, AccessFrom::edges);
    std::size_t candidates = 0;
    std::vector<PointLatencyQuery::LegCandidate> found;
    for (const LonLat& p : c.demand) {
      query.leg_candidates(p, found);
      candidates += found.size();
    }
    CoverageStats st;
    build_coverage(c.net, graph, index, c.model, AccessFrom::edges, c.demand, c.candidates, kUnreached, 2, &st);
    std::printf("[ legs ] dense %d: %zu candidates, %zu bounded, %zu exact, %zu kept\n", round, candidates,
                st.leg_candidates, st.exact_legs, st.legs_kept);
    EXPECT_LT(st.leg_candidates, candidates / 2);
  }
}

// A dense lattice across the antimeridian (Fiji): the points whose pieces lie on both
// sides find their legs one at a time (no shared index query there), the others in groups.
TEST(CoverageEquivalence, EqualsBruteForceAcrossTheAntimeridian) {
  std::mt19937_64 rng(kSeed + 4);
  const Case c = lattice_case(rng, 24, 0.01, LonLat{179.88, -17.0});
  ASSERT_TRUE(std::any_of(c.demand.begin(), c.demand.end(), [](LonLat p) { return p.lon < 0; }));
  ASSERT_TRUE(std::any_of(c.demand.begin(), c.demand.end(), [](LonLat p) { return p.lon > 0; }));
  for (AccessFrom mode : {AccessFrom::edges, AccessFrom::nodes}) EXPECT_GT(check_case(c, mode), 1000u);
}

TEST(CoverageEquivalence, EqualsTheOldBuildAndBruteForceOnRandomNetworks) {
  std::printf("[ placement ] coverage equivalence seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  std::size_t pairs = 0;
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("random network " + std::to_string(round));
    const Case c = random_case(rng, 60 + 40 * round, 0.15 + 0.05 * round);
    ASSERT_EQ(c.candidates.back().node, kNone);
    pairs += check_case(c, AccessFrom::edges);
    pairs += check_case(c, AccessFrom::nodes);
  }
  std::printf("[ placement ] %zu pairs compared on random networks\n", pairs);
  EXPECT_GT(pairs, 10000u);
}

// The certified real networks (tests/data: Topology Zoo and SNDlib): sites near random
// nodes, demand near random nodes (up to about 60 km off), access up to 50 km.
TEST(CoverageEquivalence, EqualsTheOldBuildAndBruteForceOnEveryCertifiedNetwork) {
  const auto networks = test::networks_with_coordinates(test::DataRoot::tests);
  ASSERT_EQ(networks.size(), 27u);
  std::mt19937_64 rng(kSeed + 1);
  std::size_t pairs = 0;
  for (const auto& rn : networks) {
    SCOPED_TRACE(rn.collection + "/" + rn.name);
    Case c;
    c.model.max_access = Metres{50000.0};
    c.model.node_delay = Microseconds{20.0};
    c.net = build_network(rn.read().lines, c.model, BuildOptions{}, nullptr);
    ASSERT_GT(c.net.nodes(), 1u);
    std::uniform_int_distribution<std::size_t> pick(0, c.net.nodes() - 1);
    std::uniform_real_distribution<double> near(-0.5, 0.5), far(-0.8, 0.8);
    std::vector<LonLat> sites;
    std::vector<double> delay;
    for (int i = 0; i < 8; ++i) {
      const LonLat p = c.net.node_pos[pick(rng)];
      sites.push_back({p.lon + 0.1 * near(rng), p.lat + 0.1 * near(rng)});
      delay.push_back(static_cast<double>(i % 3) * 10.0);
    }
    attach_sites(c, sites, delay);
    for (int i = 0; i < 120; ++i) {
      const LonLat p = c.net.node_pos[pick(rng) % c.net.nodes()];
      c.demand.push_back({p.lon + far(rng), std::clamp(p.lat + far(rng), -89.0, 89.0)});
    }
    pairs += check_case(c, AccessFrom::edges);
  }
  std::printf("[ placement ] %zu pairs compared on the certified networks\n", pairs);
  EXPECT_GT(pairs, 10000u);
}

}  // namespace
}  // namespace lightcone

namespace lightcone {
namespace {

// CoverageStats' counts of the legs' work (what the benchmark reports per demand point)
// against a count made here from PointLatencyQuery alone: every piece within reach of
// every point, and every candidate they hold; the pruning looks alone at at most those
// pieces and gives plane bounds to at most those candidates (fewer, on a network dense
// enough for nearer legs to hide farther pieces), and exact legs lie between the legs
// kept and the candidates bounded.
TEST(CoverageEquivalence, StatsCountTheLegsWork) {
  std::mt19937_64 rng(kSeed + 2);
  const Case c = random_case(rng, 120, 0.25);
  const Graph graph(c.net);
  const SegmentIndex index(c.net);
  PointLatencyQuery query(c.net, index, c.model, AccessFrom::edges);
  std::size_t pieces = 0, candidates = 0;
  std::vector<PointLatencyQuery::LegCandidate> found;
  std::vector<PointLatencyQuery::PieceFloor> near;
  for (const LonLat& p : c.demand) {
    query.leg_candidates(p, found);
    candidates += found.size();
    query.piece_floors(p, near);
    pieces += near.size();
  }
  for (unsigned threads : {1u, 2u}) {
    CoverageStats st;
    build_coverage(c.net, graph, index, c.model, AccessFrom::edges, c.demand, c.candidates, kUnreached, threads, &st);
    EXPECT_GT(st.leg_groups, 0u);
    EXPECT_GT(st.leg_pieces, 0u);
    EXPECT_LE(st.leg_pieces, pieces) << threads << " thread(s)";
    EXPECT_LE(st.leg_candidates, candidates) << threads << " thread(s)";
    EXPECT_GT(st.leg_nodes, 0u);
    EXPECT_GE(st.exact_legs, st.legs_kept);
    EXPECT_LE(st.exact_legs, st.leg_candidates);
    EXPECT_GT(st.legs_kept, c.demand.size());
    std::printf("[ legs ] %zu pieces, %zu candidates: %zu groups, %zu pieces alone, %zu bounded, %zu exact, %zu kept\n",
                pieces, candidates, st.leg_groups, st.leg_pieces, st.leg_candidates, st.exact_legs, st.legs_kept);
  }
}

}  // namespace
}  // namespace lightcone
