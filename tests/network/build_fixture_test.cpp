// build_network on small hand-drawn fixtures (support/ascii_map.hpp): snapping,
// dropped pieces (zero-length, duplicates), loops cut, splitting at shared vertices,
// --no-split-shared, dangling ends, components, and the length/slack/group-index rules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "network/network.hpp"
#include "support/ascii_map.hpp"
#include "support/network_checks.hpp"
#include "support/oracles.hpp"

namespace lightcone {
namespace {

using Strings = std::vector<std::string>;
using Sizes = std::vector<std::size_t>;

// n / c in µs per km, written out here rather than taken from the library.
double us_per_km(double n) { return n / 299792.458 * 1e6; }

BuildOptions with_snap(double m, bool split = true) {
  BuildOptions o;
  o.snap = Metres{m};
  o.split_shared = split;
  return o;
}

TEST(BuildFixture, EndsHalfAMetreApartAreJoinedBySnap1mNotBySnap10cm) {
  // 0.5 m per character: b and c are 0.5 m apart.
  const test::AsciiMap map(R"(
      a-----bc-----d
  )", 0.5);
  const LineInput in = map.lines({"ab", "cd"});
  ASSERT_NEAR(test::geod_m(map.at('b'), map.at('c')), 0.5, 1e-6);

  BuildReport rep;
  const Network joined = build_network(in, LatencyModel{}, with_snap(1.0), &rep);
  test::expect_network_invariants(joined);
  EXPECT_EQ(map.nodes(joined), "abd");  // the joined node sits on the first line's end
  EXPECT_EQ(map.edges(joined), (Strings{"a-b", "b-d"}));
  EXPECT_EQ(rep.snapped_ends, 1u);
  EXPECT_EQ(rep.components, Sizes{3});
  EXPECT_EQ(rep.dangling_ends, 2u);
  // The moved end changes the drawn geometry: b-d is 3.5 m, not c-d's 3 m.
  EXPECT_NEAR(joined.edge_geom_length_m[map.edge(joined, "b-d")], 3.5, 1e-6);

  for (double snap : {0.1, 0.0}) {
    SCOPED_TRACE(snap);
    const Network apart = build_network(in, LatencyModel{}, with_snap(snap), &rep);
    test::expect_network_invariants(apart);
    EXPECT_EQ(map.nodes(apart), "abcd");
    EXPECT_EQ(map.edges(apart), (Strings{"a-b", "c-d"}));
    EXPECT_EQ(rep.snapped_ends, 0u);
    EXPECT_EQ(rep.components, (Sizes{2, 2}));
    EXPECT_EQ(rep.dangling_ends, 4u);
  }
}

TEST(BuildFixture, LineEndSnapsOntoAnInteriorVertexWhenSplitting) {
  // 10 m per character; n (not drawn) is 0.4 m south of m, an interior vertex of a-m-b.
  //   a----m----b
  //        n
  //        |
  //        t
  test::AsciiMap map(R"(
      a----m----b

           t
  )", 10.0);
  map.put('n', test::geod_move(map.at('m'), 180.0, 0.4));
  const LineInput in = map.lines({"amb", "tn"});
  BuildReport rep;
  const Network net = build_network(in, LatencyModel{}, with_snap(1.0), &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(map.nodes(net), "abmt");
  EXPECT_EQ(map.edges(net), (Strings{"a-m", "b-m", "m-t"}));
  EXPECT_EQ(rep.snapped_ends, 1u);
  EXPECT_EQ(rep.components, Sizes{4});

  const Network apart = build_network(in, LatencyModel{}, with_snap(0.1), &rep);
  EXPECT_EQ(map.nodes(apart), "abnt");
  EXPECT_EQ(map.edges(apart), (Strings{"a-m-b", "n-t"}));
  EXPECT_EQ(rep.components, (Sizes{2, 2}));
}

TEST(BuildFixture, ZeroLengthLinesAndPiecesAreDroppedAndCounted) {
  // 10 m per character. Lines: a-b; a single point c; c twice (zero length);
  // d-e-e-f with e repeated (a node, the e-e piece has zero length).
  const test::AsciiMap map(R"(
      a-----b     c      d---e---f
  )", 10.0);
  LineInput in = map.lines({"ab"});
  in.add_line(map.line("c"), 101);
  in.add_line(map.line("cc"), 102);
  in.add_line(map.line("deef"), 103);
  BuildReport rep;
  const Network net = build_network(in, LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(rep.lines_in, 4u);
  EXPECT_EQ(rep.zero_length_edges, 3u);
  EXPECT_EQ(map.nodes(net), "abdef");
  EXPECT_EQ(map.edges(net), (Strings{"a-b", "d-e", "e-f"}));
  EXPECT_EQ(rep.self_loops, 0u);
  EXPECT_EQ(rep.duplicate_edges, 0u);
}

TEST(BuildFixture, DuplicateEdgesAreDroppedAndCountedParallelRoutesKept) {
  // 10 m per character. a-b is given three times (once reversed); a-m-b is a
  // different route between the same nodes and stays.
  const test::AsciiMap map(R"(
             m
           /   \
      a-----------b
  )", 10.0);
  BuildReport rep;
  const Network net = build_network(map.lines({"ab", "ba", "ab", "amb"}), LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(map.nodes(net), "ab");
  EXPECT_EQ(map.edges(net), (Strings{"a-b", "a-m-b"}));
  EXPECT_EQ(rep.duplicate_edges, 2u);
  // The kept copy is the first line's.
  EXPECT_EQ(net.edge_fid[map.edge(net, "a-b")], 100);
}

// A line that comes back to its own node keeps its geometry (issue 12, item 16): the
// loop is cut at the middle of its vertices away from that node, into two edges; the
// extra node is not a hop. Before, the whole ring was dropped as a self-loop.
TEST(BuildFixture, ClosedRingIsCutIntoTwoEdgesAtAnExtraNodeWithoutHopDelay) {
  // 10 m per character. The ring a-b-d-c-a touches nothing; its vertices away from a are
  // b, d, c: it is cut at d.
  const test::AsciiMap map(R"(
      c-----d
      |     |      x-----y
      a-----b
  )", 10.0);
  LatencyModel model;
  model.node_delay = Microseconds{20.0};
  BuildReport rep;
  const Network net = build_network(map.lines({"abdca", "xy"}), model, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(rep.self_loops, 0u);
  EXPECT_EQ(rep.loops_cut, 1u);
  EXPECT_EQ(rep.zero_length_edges, 0u);
  EXPECT_EQ(map.nodes(net), "adxy");
  EXPECT_EQ(map.edges(net), (Strings{"a-b-d", "a-c-d", "x-y"}));
  EXPECT_EQ(rep.components, (Sizes{2, 2}));
  EXPECT_EQ(rep.dangling_ends, 2u);  // x, y: a ring has no dangling end
  // The whole ring's length is kept, 160 m, half on each edge.
  EXPECT_NEAR(net.edge_geom_length_m[map.edge(net, "a-b-d")], 80.0, 1e-3);
  EXPECT_NEAR(net.edge_geom_length_m[map.edge(net, "a-c-d")], 80.0, 1e-3);
  for (NodeId v = 0; v < net.nodes(); ++v)
    EXPECT_EQ(net.node_delay_us[v], map.label_of(net.node_pos[v]) == 'd' ? 0.0 : 20.0) << map.label_of(net.node_pos[v]);
  EXPECT_EQ(net.edge_fid[map.edge(net, "a-b-d")], 100);
  EXPECT_EQ(net.edge_fid[map.edge(net, "a-c-d")], 100);
}

TEST(BuildFixture, LollipopLoopIsCutWhereItCloses) {
  // 10 m per character. s-m-p-q-m: out along the stick to m, round the triangle and back
  // to m, the line's own middle vertex (a node: the line's end is there). The loop
  // m-p-q-m is cut at q (vertices away from m: p, q).
  const test::AsciiMap map(R"(
                q
               /|
      s-----m---p
  )", 10.0);
  for (bool split : {true, false}) {
    SCOPED_TRACE(split);
    BuildReport rep;
    const Network net = build_network(map.lines({"smpqm"}), LatencyModel{}, with_snap(1.0, split), &rep);
    test::expect_network_invariants(net);
    if (split) {
      EXPECT_EQ(rep.loops_cut, 1u);
      EXPECT_EQ(map.nodes(net), "mqs");
      EXPECT_EQ(map.edges(net), (Strings{"m-p-q", "m-q", "m-s"}));
      EXPECT_EQ(rep.dangling_ends, 1u);
    } else {
      // Without splitting, m in the middle of the line is no node: one edge s..m whose
      // geometry runs round the loop (the line as drawn, no self-loop).
      EXPECT_EQ(rep.loops_cut, 0u);
      EXPECT_EQ(map.nodes(net), "ms");
      EXPECT_EQ(map.edges(net), Strings{"m-q-p-m-s"});
    }
    EXPECT_EQ(rep.self_loops, 0u);
    double total = 0.0;
    for (EdgeId e = 0; e < net.edges(); ++e) total += net.edge_geom_length_m[e];
    EXPECT_NEAR(total, test::geod_polyline_m(map.line("smpqm")), 1e-6);
  }
}

TEST(BuildFixture, FigureOfEightAndOutAndBack) {
  // 10 m per character. a-b-x-c-d-x-e crosses itself at x (a vertex it has twice, so a
  // node): the loop x-c-d-x is cut at d. f-g-h-g-f goes out and back: g is a node the
  // same way, the loop g-h-g is cut at h, and the way back (h-g, g-f) duplicates the
  // way out.
  const test::AsciiMap map(R"(
          c---d
           \ /
      a--b--x--e      f---g---h
  )", 10.0);
  BuildReport rep;
  const Network net = build_network(map.lines({"abxcdxe", "fghgf"}), LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(rep.loops_cut, 2u);
  EXPECT_EQ(rep.duplicate_edges, 2u);
  EXPECT_EQ(rep.self_loops, 0u);
  EXPECT_EQ(map.nodes(net), "adefghx");
  EXPECT_EQ(map.edges(net), (Strings{"a-b-x", "d-c-x", "d-x", "e-x", "f-g", "g-h"}));
}

TEST(BuildFixture, RingTouchedByAnotherLineIsSplitIntoTwoEdges) {
  // 10 m per character. b-y starts on the ring's interior vertex b.
  const test::AsciiMap map(R"(
      c-----d
      |     |
      a-----b-----y
  )", 10.0);
  BuildReport rep;
  const Network net = build_network(map.lines({"abdca", "by"}), LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(rep.self_loops, 0u);
  EXPECT_EQ(map.nodes(net), "aby");
  EXPECT_EQ(map.edges(net), (Strings{"a-b", "a-c-d-b", "b-y"}));
  EXPECT_EQ(rep.dangling_ends, 1u);
  EXPECT_EQ(rep.components, Sizes{3});
}

TEST(BuildFixture, TJunctionAtASharedVertexSplitsTheLine) {
  // 10 m per character. t-m ends on the interior vertex m of a-m-b.
  const test::AsciiMap map(R"(
      a----m----b
           |
           t
  )", 10.0);
  const LineInput in = map.lines({"amb", "tm"});
  BuildReport rep;
  const Network net = build_network(in, LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(map.nodes(net), "abmt");
  EXPECT_EQ(map.edges(net), (Strings{"a-m", "b-m", "m-t"}));
  EXPECT_EQ(rep.dangling_ends, 3u);
  EXPECT_EQ(rep.components, Sizes{4});
  // Pieces keep their source line's fid.
  EXPECT_EQ(net.edge_fid[map.edge(net, "a-m")], 100);
  EXPECT_EQ(net.edge_fid[map.edge(net, "m-b")], 100);
  EXPECT_EQ(net.edge_fid[map.edge(net, "m-t")], 101);

  // Without splitting, nodes are only at line ends: a-m-b stays whole and t-m's end on
  // its interior vertex does not join it.
  const Network whole = build_network(in, LatencyModel{}, with_snap(1.0, false), &rep);
  test::expect_network_invariants(whole);
  EXPECT_EQ(map.nodes(whole), "abmt");
  EXPECT_EQ(map.edges(whole), (Strings{"a-m-b", "m-t"}));
  EXPECT_EQ(rep.components, (Sizes{2, 2}));
}

TEST(BuildFixture, LinesThatMerelyCrossAreNeverJoined) {
  // 10 m per character. a-b and c-d cross at '+', where neither has a vertex.
  const test::AsciiMap map(R"(
           c
           |
      a----+----b
           |
           d
  )", 10.0);
  for (bool split : {true, false}) {
    SCOPED_TRACE(split);
    BuildReport rep;
    const Network net = build_network(map.lines({"ab", "cd"}), LatencyModel{}, with_snap(1.0, split), &rep);
    test::expect_network_invariants(net);
    EXPECT_EQ(net.nodes(), 4u);
    EXPECT_EQ(net.edges(), 2u);
    EXPECT_EQ(map.nodes(net), "abcd");
    EXPECT_EQ(rep.components, (Sizes{2, 2}));
  }
}

TEST(BuildFixture, SharedCrossingVertexJoinsOnlyWhenSplitting) {
  // 10 m per character. Both lines have a vertex at m.
  const test::AsciiMap map(R"(
           c
           |
      a----m----b
           |
           d
  )", 10.0);
  const LineInput in = map.lines({"amb", "cmd"});
  BuildReport rep;
  const Network split = build_network(in, LatencyModel{}, with_snap(1.0, true), &rep);
  test::expect_network_invariants(split);
  EXPECT_EQ(map.nodes(split), "abcdm");
  EXPECT_EQ(map.edges(split), (Strings{"a-m", "b-m", "c-m", "d-m"}));
  EXPECT_EQ(rep.components, Sizes{5});
  EXPECT_EQ(rep.dangling_ends, 4u);

  const Network whole = build_network(in, LatencyModel{}, with_snap(1.0, false), &rep);
  test::expect_network_invariants(whole);
  EXPECT_EQ(whole.nodes(), 4u);
  EXPECT_EQ(whole.edges(), 2u);
  EXPECT_EQ(map.nodes(whole), "abcd");
  EXPECT_EQ(map.edges(whole), (Strings{"a-m-b", "c-m-d"}));
  EXPECT_EQ(rep.components, (Sizes{2, 2}));
}

TEST(BuildFixture, DanglingEndsAndComponentsLargestFirst) {
  // 10 m per character. A star (3 dangling ends) and a triangle (none).
  const test::AsciiMap map(R"(
      a----b----c        x----y
           |              \  /
           d               z
  )", 10.0);
  BuildReport rep;
  const Network net =
      build_network(map.lines({"xy", "yz", "zx", "ab", "bc", "bd"}), LatencyModel{}, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  EXPECT_EQ(rep.dangling_ends, 3u);
  EXPECT_EQ(rep.components, (Sizes{4, 3}));
  ASSERT_EQ(rep.node_component.size(), net.nodes());
  for (NodeId v = 0; v < net.nodes(); ++v) {
    const char label = map.label_of(net.node_pos[v]);
    EXPECT_EQ(rep.node_component[v], std::string("abcd").find(label) != std::string::npos ? 0u : 1u) << label;
  }
  std::vector<std::size_t> sizes;
  EXPECT_EQ(connected_components(net, &sizes), rep.node_component);
  EXPECT_EQ(sizes, rep.components);
}

TEST(BuildFixture, LengthFieldSlackGroupIndexAndDelayPerLine) {
  // 100 m per character; the model's slack is 1.5.
  //   a-b  no fields: geometry × 1.5
  //   c-k-d length field 2.5 km: slack not applied; split at k in proportion to geometry
  //   k-l  no fields: geometry × 1.5
  //   e-f  slack field 2: geometry × 2
  //   g-h-i group index 1.5 and an extra 10 us, split at h; h-j defaults
  const test::AsciiMap map(R"(
      a---------b

      c---k------d
          |
          l

      e----------f

      g-----h----i
            |
            j
  )", 100.0);
  const double nan = LineInput::kNaN;
  LineInput in;
  in.add_line(map.line("ab"), 1);
  in.add_line(map.line("ckd"), 2, 2500.0);
  in.add_line(map.line("kl"), 3);
  in.add_line(map.line("ef"), 4, nan, nan, 2.0);
  in.add_line(map.line("ghi"), 5, nan, 1.5, nan, 10.0);
  in.add_line(map.line("hj"), 6);
  LatencyModel model;
  model.slack = 1.5;
  BuildReport rep;
  const Network net = build_network(in, model, BuildOptions{}, &rep);
  test::expect_network_invariants(net);
  ASSERT_EQ(map.edges(net), (Strings{"a-b", "c-k", "d-k", "e-f", "g-h", "h-i", "h-j", "k-l"}));

  const double n0 = 1.4682;
  auto geo = [&](const char* s) { return test::geod_polyline_m(map.line(s)); };
  struct Want {
    const char* edge;
    double length_m;
    double delay_us;
  };
  const Want wants[] = {
      {"a-b", 1.5 * geo("ab"), 1.5 * geo("ab") / 1000 * us_per_km(n0)},
      {"c-k", 2500.0 * geo("ck") / geo("ckd"), 2.5 * geo("ck") / geo("ckd") * us_per_km(n0)},
      {"k-d", 2500.0 * geo("kd") / geo("ckd"), 2.5 * geo("kd") / geo("ckd") * us_per_km(n0)},
      {"k-l", 1.5 * geo("kl"), 1.5 * geo("kl") / 1000 * us_per_km(n0)},
      {"e-f", 2.0 * geo("ef"), 2.0 * geo("ef") / 1000 * us_per_km(n0)},
      {"g-h", 1.5 * geo("gh"), 1.5 * geo("gh") / 1000 * us_per_km(1.5) + 10.0 * geo("gh") / geo("ghi")},
      {"h-i", 1.5 * geo("hi"), 1.5 * geo("hi") / 1000 * us_per_km(1.5) + 10.0 * geo("hi") / geo("ghi")},
      {"h-j", 1.5 * geo("hj"), 1.5 * geo("hj") / 1000 * us_per_km(n0)},
  };
  for (const Want& w : wants) {
    SCOPED_TRACE(w.edge);
    const EdgeId e = map.edge(net, w.edge);
    ASSERT_NE(e, kNone);
    EXPECT_NEAR(net.edge_length_m[e], w.length_m, 1e-9 * w.length_m);
    EXPECT_NEAR(net.edge_delay_us[e], w.delay_us, 1e-9 * w.delay_us);
    const std::string drawn = std::string(w.edge).erase(1, 1);  // "a-b" -> "ab"
    EXPECT_NEAR(net.edge_geom_length_m[e], geo(drawn.c_str()), 1e-6);
  }
  // The pieces of c-k-d share the field's 2.5 km; g-h-i's pieces share the 10 us.
  EXPECT_NEAR(net.edge_length_m[map.edge(net, "c-k")] + net.edge_length_m[map.edge(net, "k-d")], 2500.0, 1e-9);
  // Readable magnitudes: a-b is about 1 km drawn, 1.5 km of fibre, 7.3 us.
  EXPECT_NEAR(net.edge_delay_us[map.edge(net, "a-b")], 1.5 * 4.89738, 0.01);
}

}  // namespace
}  // namespace lightcone
