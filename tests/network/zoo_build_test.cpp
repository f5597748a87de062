// Data problems in real networks give counted warnings and a usable result:
// Topology Zoo links with an unlocated end have null geometry and are skipped with
// their fid and reason; networks in several pieces report their components. Every
// Zoo and SNDlib network is also checked against the brute-force build rules: those of
// tests/data by default, and the whole collections when the shared data is there.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "network/network.hpp"
#include "support/build_oracle.hpp"
#include "support/datasets.hpp"
#include "support/network_checks.hpp"

namespace lightcone {
namespace {

// index.csv: `edges` links per network, `links_with_coords` of them located. The
// GeoPackage stores each network's links under consecutive fids.
struct ZooCounts {
  std::size_t networks;       // with at least one located link
  std::size_t without_any;    // no located link at all
  std::size_t skipped_total;  // links with an unlocated end
};
void expect_null_geometry_links_skipped_with_their_fids(test::DataRoot root, ZooCounts want) {
  std::size_t networks = 0;
  std::size_t skipped_total = 0;
  std::size_t without_any = 0;
  for (const test::CsvRow& row : test::read_csv(test::data_path(root, "topology-zoo/index.csv"))) {
    const std::string name = row.at("network");
    SCOPED_TRACE(name);
    const std::size_t edges = std::stoul(row.at("edges"));
    const std::size_t located = std::stoul(row.at("links_with_coords"));
    const test::RealNetwork sn{"topology-zoo", name, row, root};
    if (located == 0) {
      // Nothing usable: an InputError naming the first skipped feature and why.
      ++without_any;
      skipped_total += edges;  // every link of such a network has an unlocated end
      try {
        sn.read();
        ADD_FAILURE() << "expected an InputError";
      } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("topology_zoo.gpkg:links:fid="), std::string::npos) << msg;
        EXPECT_NE(msg.find("null geometry"), std::string::npos) << msg;
      }
      continue;
    }
    const LineLayer layer = sn.read();
    ++networks;
    EXPECT_EQ(layer.info.features_read, edges);
    EXPECT_EQ(layer.lines.lines(), located);
    ASSERT_EQ(layer.info.skipped.size(), edges - located);
    std::set<std::int64_t> fids(layer.lines.fid.begin(), layer.lines.fid.end());
    ASSERT_EQ(fids.size(), located);
    for (const SkippedFeature& s : layer.info.skipped) {
      EXPECT_EQ(s.reason, "null geometry") << "fid " << s.fid;
      EXPECT_TRUE(fids.insert(s.fid).second) << "fid " << s.fid << " both skipped and read";
    }
    EXPECT_EQ(static_cast<std::size_t>(*fids.rbegin() - *fids.begin() + 1), edges) << "fids not one block";
    skipped_total += layer.info.skipped.size();

    // Still usable: a network with a node per located place and components reported.
    BuildReport rep;
    const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, &rep);
    EXPECT_GT(net.edges(), 0u);
    EXPECT_LE(net.nodes(), std::stoul(row.at("nodes_with_coords")));
  }
  EXPECT_EQ(networks, want.networks);
  EXPECT_EQ(without_any, want.without_any);
  EXPECT_EQ(skipped_total, want.skipped_total);
}

// tests/data/README.md: 22 networks, 2 without located links (Ai3, JanetExternal), 368
// links with an unlocated end.
TEST(ZooDataProblems, NullGeometryLinksAreSkippedWithTheirFids) {
  expect_null_geometry_links_skipped_with_their_fids(test::DataRoot::tests, {20, 2, 368});
}
// The whole Zoo (its README: 268 files, 20 without located links, 2,589 links with an
// unlocated end).
TEST(FullSharedData, ZooNullGeometryLinksAreSkippedWithTheirFids) {
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("topology-zoo/index.csv");
  expect_null_geometry_links_skipped_with_their_fids(test::DataRoot::shared, {248, 20, 2589});
}

// DialtelecomCz: 151 links, 114 located, and its located part falls apart.
TEST(ZooDataProblems, DialtelecomCzReportsItsComponents) {
  const test::RealNetwork sn{"topology-zoo", "DialtelecomCz", {}};
  const LineLayer layer = sn.read();
  EXPECT_EQ(layer.info.skipped.size(), 151u - 114u);
  BuildReport rep;
  const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  const test::OracleBuild want = test::oracle_build(layer.lines, 1.0, true);
  EXPECT_GT(rep.components.size(), 1u);
  EXPECT_EQ(rep.components, want.components);
  EXPECT_EQ(rep.components, test::bfs_component_sizes(net));
  EXPECT_EQ(rep.dangling_ends, want.dangling);
  std::size_t total = 0;
  for (std::size_t s : rep.components) total += s;
  EXPECT_EQ(total, net.nodes());
}

// The brute-force rules (support/build_oracle.hpp) on every real backbone network.
// `several_components` / `with_duplicates`: at least this many networks fall apart /
// have parallel links, so the material really exercises both.
void expect_brute_force_rules_on_every_network(test::DataRoot root, std::size_t min_several_components,
                                               std::size_t min_with_duplicates) {
  std::size_t several_components = 0;
  std::size_t with_duplicates = 0;
  for (const auto& sn : test::networks_with_coordinates(root)) {
    SCOPED_TRACE(sn.collection + "/" + sn.name);
    const LineLayer layer = sn.read();
    BuildReport rep;
    const Network net = build_network(layer.lines, LatencyModel{}, BuildOptions{}, &rep);
    test::expect_network_invariants(net);
    const test::OracleBuild want = test::oracle_build(layer.lines, 1.0, true);
    EXPECT_EQ(net.nodes(), want.nodes);
    EXPECT_EQ(net.edges(), want.edges);
    EXPECT_EQ(rep.zero_length_edges, want.zero_length);
    EXPECT_EQ(rep.self_loops, want.self_loops);
    EXPECT_EQ(rep.duplicate_edges, want.duplicates);
    EXPECT_EQ(rep.snapped_ends, want.snapped);
    EXPECT_EQ(rep.dangling_ends, want.dangling);
    EXPECT_EQ(rep.components, want.components);
    if (rep.components.size() > 1) ++several_components;
    if (rep.duplicate_edges > 0) ++with_duplicates;
  }
  EXPECT_GE(several_components, min_several_components);
  EXPECT_GE(with_duplicates, min_with_duplicates);
}

// tests/data/README.md: 9 of the networks fall apart once unlocated nodes are dropped,
// 12 have parallel links.
TEST(ZooDataProblems, EveryZooAndSndlibNetworkMatchesTheBruteForceRules) {
  expect_brute_force_rules_on_every_network(test::DataRoot::tests, 9, 12);
}
TEST(FullSharedData, EveryZooAndSndlibNetworkMatchesTheBruteForceRules) {
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("topology-zoo/index.csv");
  expect_brute_force_rules_on_every_network(test::DataRoot::shared, 10, 5);
}

}  // namespace
}  // namespace lightcone
