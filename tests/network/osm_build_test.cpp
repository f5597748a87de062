// build_network on real OSM road layers (Monaco .osm.pbf `lines`, monaco_roads.gpkg,
// andorra_roads.gpkg), whose ways are not split at junctions: the centre of Monaco and
// the whole of Andorra from tests/data, and all of Monaco's extract from the full shared
// data when it is there. Every build is compared with the brute-force rules of
// support/build_oracle.hpp (nodes, edges, dropped pieces, snapping, dangling ends,
// components) and with lengths summed per source feature with PROJ geodesics called
// directly.
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "network/network.hpp"
#include "support/build_oracle.hpp"
#include "support/datasets.hpp"
#include "support/network_checks.hpp"
#include "support/oracles.hpp"

namespace lightcone {
namespace {

struct Layer {
  const char* name;
  const char* file;   // relative to the data root
  const char* layer;  // "" for the file's default layer
  test::DataRoot root;
  std::string path() const { return test::data_path(root, file); }
};
const Layer kLayers[] = {
    {"MonacoPbfLines", "osm-monaco/monaco.osm.pbf", "", test::DataRoot::tests},  // default layer of an OSM file: lines
    {"MonacoRoads", "osm-monaco/monaco_roads.gpkg", "roads", test::DataRoot::tests},
    {"AndorraRoads", "osm-andorra/andorra_roads.gpkg", "roads", test::DataRoot::tests},
};
// The whole Monaco extract (Andorra's is the same file in both roots).
const Layer kFullLayers[] = {
    {"MonacoPbfLines", "osm-monaco/monaco.osm.pbf", "", test::DataRoot::shared},
    {"MonacoRoads", "osm-monaco/monaco_roads.gpkg", "roads", test::DataRoot::shared},
};

// Test names and failure messages show the layer's name and root, not its bytes.
void PrintTo(const Layer& l, std::ostream* os) {
  *os << l.name << (l.root == test::DataRoot::tests ? " (tests/data)" : " (full shared data)");
}

const LineLayer& layer(const Layer& l) {
  static std::map<std::string, LineLayer> cache;
  const std::string path = l.path();
  auto it = cache.find(path);
  if (it == cache.end()) {
    const LayerSpec spec = parse_layer_spec(*l.layer ? path + ":" + l.layer : path);
    it = cache.emplace(path, read_lines(spec, ReadOptions{}, LineFields{})).first;
  }
  return it->second;
}

struct Mode {
  const char* name;
  double snap_m;
  bool split;
};
void PrintTo(const Mode& m, std::ostream* os) { *os << m.name; }
const Mode kModes[] = {
    {"ExactSplit", 0.0, true},    // snap 0: nodes are exactly the shared-or-end coordinates
    {"DefaultSnap1m", 1.0, true},  // the CLI default
    {"NoSplitShared", 1.0, false},
};

class OsmBuild : public ::testing::TestWithParam<std::tuple<Layer, Mode>> {
 protected:
  const Layer& data() const { return std::get<0>(GetParam()); }
  const Mode& mode() const { return std::get<1>(GetParam()); }
};

TEST_P(OsmBuild, MatchesTheBruteForceRules) {
  if (data().root == test::DataRoot::shared) LIGHTCONE_SKIP_WITHOUT_SHARED_DATA(data().file);
  const LineInput& in = layer(data()).lines;
  BuildOptions options;
  options.snap = Metres{mode().snap_m};
  options.split_shared = mode().split;
  BuildReport rep;
  const Network net = build_network(in, LatencyModel{}, options, &rep);
  const test::OracleBuild want = test::oracle_build(in, mode().snap_m, mode().split);
  test::expect_network_invariants(net);

  EXPECT_EQ(rep.lines_in, in.lines());
  EXPECT_EQ(net.nodes(), want.nodes);
  EXPECT_EQ(net.edges(), want.edges);
  EXPECT_EQ(rep.zero_length_edges, want.zero_length);
  EXPECT_EQ(rep.self_loops, want.self_loops);
  EXPECT_EQ(rep.loops_cut, want.loops_cut);
  EXPECT_EQ(rep.duplicate_edges, want.duplicates);
  EXPECT_EQ(rep.snapped_ends, want.snapped);
  EXPECT_EQ(rep.dangling_ends, want.dangling);
  std::set<test::Coord> nodes;
  for (LonLat p : net.node_pos) nodes.insert(test::coord(p));
  EXPECT_TRUE(nodes == want.node_coords) << "node positions differ from the oracle's";

  // Components: the oracle's (from the raw lines), a BFS over the built edges and the
  // report agree; sizes sum to the node count, largest first; node_component matches.
  EXPECT_EQ(rep.components, want.components);
  EXPECT_EQ(rep.components, test::bfs_component_sizes(net));
  std::size_t total = 0;
  for (std::size_t s : rep.components) total += s;
  EXPECT_EQ(total, net.nodes());
  EXPECT_TRUE(std::is_sorted(rep.components.rbegin(), rep.components.rend()));
  ASSERT_EQ(rep.node_component.size(), net.nodes());
  std::vector<std::size_t> counted(rep.components.size(), 0);
  for (std::uint32_t c : rep.node_component) ++counted.at(c);
  EXPECT_EQ(counted, rep.components);
  for (EdgeId e = 0; e < net.edges(); ++e)
    ASSERT_EQ(rep.node_component[net.edge_u[e]], rep.node_component[net.edge_v[e]]);

  // Without splitting, every node is at a line end or where a loop was cut.
  if (!mode().split) {
    std::set<test::Coord> ends = want.loop_cuts;
    for (std::size_t i = 0; i < in.lines(); ++i) {
      ends.insert(test::coord(in.coords[in.first[i]]));
      ends.insert(test::coord(in.coords[in.first[i + 1] - 1]));
    }
    for (LonLat p : net.node_pos) EXPECT_TRUE(ends.contains(test::coord(p)));
  }
}

// Exact build (snap 0): every line end and every coordinate shared by two lines or
// repeated in one line is a node, except where all pieces touching it were dropped, and
// the only other nodes are where loops were cut; each feature's edges reproduce its
// geometry and its geodesic length.
class OsmExactBuild : public ::testing::TestWithParam<Layer> {};

TEST_P(OsmExactBuild, KeepsEveryVertexAndLength) {
  if (GetParam().root == test::DataRoot::shared) LIGHTCONE_SKIP_WITHOUT_SHARED_DATA(GetParam().file);
  const LineInput& in = layer(GetParam()).lines;
  BuildOptions options;
  options.snap = Metres{0.0};
  BuildReport rep;
  LatencyModel model;
  model.node_delay = Microseconds{20.0};  // a hop at every node but where loops were cut
  const Network net = build_network(in, model, options, &rep);
  const test::OracleBuild want = test::oracle_build(in, 0.0, true);

  std::set<test::Coord> nodes;
  for (LonLat p : net.node_pos) nodes.insert(test::coord(p));
  std::size_t only_dropped = 0;
  for (const test::Coord& c : want.shared_or_end)
    if (!nodes.contains(c)) ++only_dropped;
  std::set<test::Coord> allowed = want.shared_or_end;
  allowed.insert(want.loop_cuts.begin(), want.loop_cuts.end());
  EXPECT_TRUE(std::includes(allowed.begin(), allowed.end(), nodes.begin(), nodes.end()));
  EXPECT_EQ(rep.loops_cut, want.loops_cut);
  std::size_t hops = 0;  // nodes with the model's node delay: all but the loop cuts
  for (NodeId v = 0; v < net.nodes(); ++v) {
    const bool cut = want.loop_cuts.contains(test::coord(net.node_pos[v])) &&
                     !want.shared_or_end.contains(test::coord(net.node_pos[v]));
    hops += !cut;
    EXPECT_EQ(net.node_delay_us[v], cut ? 0.0 : 20.0);
  }
  EXPECT_EQ(hops + want.loops_cut, net.nodes());
  // Coordinates that are not nodes only touch dropped pieces (rings, zero-length bits):
  // on a line that lost nothing, every end or shared coordinate is a node.
  EXPECT_LE(only_dropped, rep.self_loops + rep.zero_length_edges + rep.duplicate_edges);
  std::size_t on_whole_lines = 0;
  for (std::size_t i = 0; i < in.lines(); ++i) {
    if (want.fids_with_drops.contains(in.fid[i])) continue;
    for (std::uint32_t v = in.first[i]; v < in.first[i + 1]; ++v) {
      const test::Coord c = test::coord(in.coords[v]);
      if (!want.shared_or_end.contains(c)) continue;
      ++on_whole_lines;
      EXPECT_TRUE(nodes.contains(c)) << "fid " << in.fid[i] << " vertex " << v - in.first[i] << " is not a node";
    }
  }
  EXPECT_GT(on_whole_lines, net.nodes());  // junction coordinates are counted once per line

  // Lengths per source feature, and in total.
  std::map<std::int64_t, double> by_fid;
  for (EdgeId e = 0; e < net.edges(); ++e) by_fid[net.edge_fid[e]] += net.edge_geom_length_m[e];
  double got_total = 0.0;
  double want_total = 0.0;
  double layer_total = 0.0;
  for (const auto& [fid, len] : want.kept_m) {
    EXPECT_NEAR(by_fid[fid], len, 1e-6 * std::max(len, 1.0)) << "fid " << fid;
    got_total += by_fid[fid];
    want_total += len;
    layer_total += want.line_m.at(fid);
  }
  EXPECT_NEAR(got_total, want_total, 1e-6 * want_total);
  EXPECT_LE(want_total, layer_total * (1.0 + 1e-12));  // the same lengths summed in another order
  // Closed rings are kept now: only duplicates and zero-length bits are dropped (the
  // full Monaco pbf's lines draw some ways twice: 52 duplicate pieces, 0.65 % of its length).
  EXPECT_GT(want_total, 0.99 * layer_total) << want_total / layer_total;
  // With slack 1 and no fields, route length = drawn length and delay = length × n/c.
  for (EdgeId e = 0; e < net.edges(); ++e) {
    ASSERT_EQ(net.edge_length_m[e], net.edge_geom_length_m[e]);
    ASSERT_NEAR(net.edge_delay_us[e], net.edge_length_m[e] / 1000.0 * (1.4682 / 299792.458 * 1e6),
                1e-9 * net.edge_delay_us[e] + 1e-12);
  }
  // Each feature that lost nothing is exactly its edges' geometries end to end, in order.
  std::map<std::int64_t, std::vector<LonLat>> joined;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    if (want.fids_with_drops.contains(net.edge_fid[e])) continue;
    auto& line = joined[net.edge_fid[e]];
    auto g = net.edge_geometry(e);
    if (line.empty()) line.assign(g.begin(), g.end());
    else {
      EXPECT_TRUE(line.back() == g.front()) << "fid " << net.edge_fid[e] << " pieces are not consecutive";
      line.insert(line.end(), g.begin() + 1, g.end());
    }
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < in.lines(); ++i) {
    if (want.fids_with_drops.contains(in.fid[i]) || in.first[i + 1] - in.first[i] < 2) continue;
    const std::vector<LonLat> raw(in.coords.begin() + in.first[i], in.coords.begin() + in.first[i + 1]);
    EXPECT_TRUE(joined[in.fid[i]] == raw) << "fid " << in.fid[i];
    ++checked;
  }
  EXPECT_GT(checked, in.lines() * 9 / 10);
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<Layer, Mode>>& info) {
  return std::string(std::get<0>(info.param).name) + "_" + std::get<1>(info.param).name;
}
std::string layer_name(const ::testing::TestParamInfo<Layer>& info) { return info.param.name; }
INSTANTIATE_TEST_SUITE_P(TestData, OsmBuild, ::testing::Combine(::testing::ValuesIn(kLayers), ::testing::ValuesIn(kModes)),
                         param_name);
INSTANTIATE_TEST_SUITE_P(TestData, OsmExactBuild, ::testing::ValuesIn(kLayers), layer_name);
INSTANTIATE_TEST_SUITE_P(FullSharedData, OsmBuild,
                         ::testing::Combine(::testing::ValuesIn(kFullLayers), ::testing::ValuesIn(kModes)), param_name);
INSTANTIATE_TEST_SUITE_P(FullSharedData, OsmExactBuild, ::testing::ValuesIn(kFullLayers), layer_name);

double total_km(const LineInput& in) {
  double m = 0.0;
  for (std::size_t i = 0; i < in.lines(); ++i)
    m += test::geod_polyline_m(std::span(in.coords).subspan(in.first[i], in.first[i + 1] - in.first[i]));
  return m / 1000.0;
}

// The layers are what tests/data/README.md says, so the tests above run on the real thing.
TEST(OsmLayers, MatchTheirReadme) {
  const LineInput& monaco = layer(kLayers[1]).lines;
  EXPECT_EQ(monaco.lines(), 931u);
  EXPECT_EQ(monaco.coords.size(), 6449u);
  const LineInput& andorra = layer(kLayers[2]).lines;
  EXPECT_EQ(andorra.lines(), 1614u);
  EXPECT_EQ(andorra.coords.size(), 40598u);
  EXPECT_NEAR(total_km(monaco), 75.3, 0.005 * 75.3);  // README: haversine sum
  EXPECT_NEAR(total_km(andorra), 854.6, 0.005 * 854.6);
  EXPECT_GT(layer(kLayers[0]).lines.lines(), monaco.lines());  // pbf lines: roads and more
}

// Splitting at shared vertices turns ways into a routable graph: the largest Monaco
// component holds most nodes.
void expect_monaco_mostly_one_component(const LineInput& monaco) {
  BuildReport rep;
  build_network(monaco, LatencyModel{}, BuildOptions{}, &rep);
  ASSERT_FALSE(rep.components.empty());
  std::size_t nodes = 0;
  for (std::size_t s : rep.components) nodes += s;
  EXPECT_GT(rep.components[0], nodes * 8 / 10);
}

// The whole Monaco extract is what the shared data's README says, and mostly one piece.
TEST(FullSharedData, OsmMonacoMatchesItsReadme) {
  LIGHTCONE_SKIP_WITHOUT_SHARED_DATA("osm-monaco/monaco_roads.gpkg");
  const LineInput& monaco = layer(kFullLayers[1]).lines;
  EXPECT_EQ(monaco.lines(), 2903u);
  EXPECT_EQ(monaco.coords.size(), 29978u);
  EXPECT_NEAR(total_km(monaco), 514.7, 0.005 * 514.7);  // README: haversine sum
  EXPECT_GT(layer(kFullLayers[0]).lines.lines(), monaco.lines());  // pbf lines: roads and more
  expect_monaco_mostly_one_component(monaco);
}

// Components are reported: the centre of Monaco is mostly one piece; Andorra's 2013
// extract has many small pieces.
TEST(OsmLayers, ComponentsAreReported) {
  expect_monaco_mostly_one_component(layer(kLayers[1]).lines);
  BuildReport andorra;
  build_network(layer(kLayers[2]).lines, LatencyModel{}, BuildOptions{}, &andorra);
  EXPECT_GT(andorra.components.size(), 20u);
  EXPECT_GT(andorra.dangling_ends, 100u);
}

}  // namespace
}  // namespace lightcone
