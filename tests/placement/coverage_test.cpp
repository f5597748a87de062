// build_coverage (budget-bounded searches from every candidate, demand access legs
// inverted by node) against a brute-force evaluation: for every candidate site j alone,
// an unbounded single-source search and PointLatencyQuery::evaluate for every demand
// point; the pair (d, j) must be in the coverage iff that latency is ≤ the budget, with
// the same latency. Real network: OSM Andorra roads; sites attached as cli/common.cpp
// `load` does (attach_point + split_at, source offset = site delay + access of the
// site's own link); one site lies off the network. Both access modes; threads 1 and 2
// give the same coverage. Seed fixed and printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "placement/coverage.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {

constexpr std::uint64_t kSeed = 20240611;

struct Fixture {
  LatencyModel model;
  Network net;
  std::vector<Source> candidates;  // per site; node kNone when not attached
  std::vector<LonLat> demand;
};

Fixture andorra(std::mt19937_64& rng) {
  Fixture f;
  f.model.node_delay = Microseconds{0.4};
  f.model.site_delay = Microseconds{3.0};
  f.model.access_fixed = Microseconds{2.0};
  f.model.max_access = Metres{1500.0};
  const std::string path = test::test_data("osm-andorra/andorra_roads.gpkg");
  const LineLayer roads = read_lines(LayerSpec{path, "roads"}, ReadOptions{}, LineFields{});
  BuildReport report;
  f.net = build_network(roads.lines, f.model, BuildOptions{}, &report);
  LonLat lo{1e9, 1e9}, hi{-1e9, -1e9};
  for (const LonLat& p : f.net.node_pos) {
    lo = {std::min(lo.lon, p.lon), std::min(lo.lat, p.lat)};
    hi = {std::max(hi.lon, p.lon), std::max(hi.lat, p.lat)};
  }
  std::uniform_real_distribution<double> lon(lo.lon, hi.lon), lat(lo.lat, hi.lat), jitter(-0.004, 0.004);
  std::uniform_int_distribution<std::size_t> node(0, f.net.nodes() - 1);
  // Ten sites near random network nodes (most land inside an edge), one far away.
  std::vector<LonLat> sites;
  for (int i = 0; i < 10; ++i) {
    const LonLat v = f.net.node_pos[node(rng)];
    sites.push_back({v.lon + jitter(rng), v.lat + jitter(rng)});
  }
  sites.push_back({hi.lon + 0.5, hi.lat + 0.5});
  const SegmentIndex pre(f.net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> attach(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) attach[i] = attach_point(pre, sites[i], f.model.max_access.value, scratch);
  const std::vector<NodeId> site_node = split_at(f.net, attach);
  const AccessCost access(f.model);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    Source s;
    s.node = site_node[i];
    if (s.node != kNone) s.offset_us = f.model.site_delay.value + access.us_per_m * attach[i].distance_m;
    f.candidates.push_back(s);
  }
  for (int i = 0; i < 300; ++i) f.demand.push_back({lon(rng), lat(rng)});
  return f;
}

void check_mode(const Fixture& f, AccessFrom mode, const char* label) {
  SCOPED_TRACE(label);
  const Graph graph(f.net);
  const SegmentIndex index(f.net);
  PointLatencyQuery query(f.net, index, f.model, mode);
  const std::size_t nd = f.demand.size(), ns = f.candidates.size();
  // Brute force: one unbounded search per site alone.
  std::vector<std::vector<double>> brute(nd, std::vector<double>(ns, kUnreached));
  for (std::size_t j = 0; j < ns; ++j) {
    if (f.candidates[j].node == kNone) continue;
    const NodeLatencies nodes = nearest_source_latency(graph, std::span<const Source>(&f.candidates[j], 1));
    for (std::size_t d = 0; d < nd; ++d) brute[d][j] = query.evaluate(f.demand[d], nodes.us, nodes.source).latency_us;
  }
  // Budget between two reached values near the 40th percentile, so no pair sits on it.
  std::vector<double> values;
  for (const auto& row : brute)
    for (double v : row)
      if (std::isfinite(v)) values.push_back(v);
  std::sort(values.begin(), values.end());
  ASSERT_GT(values.size(), 100u);
  std::size_t at = values.size() * 2 / 5;
  while (at + 1 < values.size() && values[at + 1] - values[at] < 1e-3) ++at;
  const double budget = 0.5 * (values[at] + values[at + 1]);

  const Coverage cov = build_coverage(f.net, graph, index, f.model, mode, f.demand, f.candidates, budget, 2);
  ASSERT_EQ(cov.demands, nd);
  ASSERT_EQ(cov.sites, ns);
  ASSERT_EQ(cov.first.size(), nd + 1);
  std::size_t expected_pairs = 0, missing = 0, extra = 0, unreachable_demand = 0;
  double max_diff = 0.0;
  for (std::size_t d = 0; d < nd; ++d) {
    std::vector<double> got(ns, kUnreached);
    for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
      if (e > cov.first[d]) {
        EXPECT_LT(cov.site[e - 1], cov.site[e]) << "entries of a demand sorted by site";
      }
      got[cov.site[e]] = cov.latency_us[e];
    }
    bool any = false;
    for (std::size_t j = 0; j < ns; ++j) {
      any = any || std::isfinite(brute[d][j]);
      const bool want = brute[d][j] <= budget;
      expected_pairs += want;
      if (want && !std::isfinite(got[j])) {
        if (++missing <= 10) ADD_FAILURE() << "demand " << d << " site " << j << ": " << brute[d][j] << " us ≤ budget missing";
      } else if (!want && std::isfinite(got[j])) {
        if (++extra <= 10) ADD_FAILURE() << "demand " << d << " site " << j << ": " << got[j] << " us present, brute " << brute[d][j];
      } else if (want) {
        const double diff = std::abs(got[j] - brute[d][j]);
        max_diff = std::max(max_diff, diff);
        EXPECT_LE(diff, 1e-6 + 1e-9 * brute[d][j]) << "demand " << d << " site " << j;
        EXPECT_LE(got[j], budget);
      }
    }
    unreachable_demand += !any;
  }
  EXPECT_EQ(cov.entries(), expected_pairs);
  for (std::uint32_t e = 0; e < cov.entries(); ++e) EXPECT_NE(cov.site[e], ns - 1) << "the off-network site covers nothing";
  std::printf("[ placement ] build_coverage %s: %zu demand x %zu sites, budget %.2f us, %zu pairs (max |diff| %.2g us), "
              "%zu demand unreachable from every site\n",
              label, nd, ns, budget, expected_pairs, max_diff, unreachable_demand);
  EXPECT_GT(unreachable_demand, 0u) << "some demand should lie beyond max access";
  // Deterministic whatever the thread count.
  const Coverage one = build_coverage(f.net, graph, index, f.model, mode, f.demand, f.candidates, budget, 1);
  EXPECT_EQ(one.first, cov.first);
  EXPECT_EQ(one.site, cov.site);
  EXPECT_EQ(one.latency_us, cov.latency_us);
}

TEST(PlacementCoverage, EqualsSingleSiteSearchesOnAndorra) {
  std::printf("[ placement ] coverage seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  const Fixture f = andorra(rng);
  ASSERT_EQ(std::count_if(f.candidates.begin(), f.candidates.end(), [](const Source& s) { return s.node == kNone; }), 1);
  check_mode(f, AccessFrom::edges, "access from edges");
  check_mode(f, AccessFrom::nodes, "access from nodes");
}

// Row offsets are 32-bit: a plan whose pairs would not fit is refused with what to change,
// never wrapped around (a merge of parts sums its parts' rows in 64 bits first).
TEST(Coverage, PairsBeyondThirtyTwoBitOffsetsAreRefusedWithAFix) {
  EXPECT_NO_THROW(check_coverage_pairs(0));
  EXPECT_NO_THROW(check_coverage_pairs(kMaxCoveragePairs));
  try {
    check_coverage_pairs(kMaxCoveragePairs + 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("4294967296 demand-site pairs"), std::string::npos) << what;
    EXPECT_NE(what.find("Use a smaller budget"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace lightcone
