// Searches with cut edges equal searches on the network with those edges removed.
#include <gtest/gtest.h>

#include "io/source.hpp"
#include "latency/search.hpp"
#include "support/network_edit.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {


TEST(CutSearch, EqualsSearchWithoutTheCutEdges) {
  LatencyModel model;
  model.node_delay = Microseconds{5};
  ReadOptions ro;
  ro.where = "network = 'janos-us'";
  const auto layer = read_lines(parse_layer_spec(test::test_data("sndlib/sndlib.gpkg:links")), ro, {});
  const Network net = build_network(layer.lines, model, {}, nullptr);
  ASSERT_GT(net.edges(), 30u);
  Graph graph(net);
  Search search(graph);
  const std::vector<Source> sources{{0, 0.0}, {7, 3.0}};
  for (EdgeId a = 0; a < net.edges(); a += 3) {
    const std::vector<EdgeId> cut{a, static_cast<EdgeId>((a * 7 + 1) % net.edges())};
    search.run(sources, kUnreached, cut);
    const Network reduced = test::without_edges(net, cut);
    Graph g2(reduced);
    Search oracle(g2);
    oracle.run(sources);
    for (NodeId v = 0; v < net.nodes(); ++v) ASSERT_EQ(search.latency(v), oracle.latency(v)) << "cut " << a << " node " << v;
    // The cut is lifted afterwards: an uncut run equals the plain search.
    search.run(sources);
    Search plain(graph);
    plain.run(sources);
    for (NodeId v = 0; v < net.nodes(); ++v) ASSERT_EQ(search.latency(v), plain.latency(v));
  }
}

}  // namespace
}  // namespace lightcone
