// Zones by tiles (zones.hpp zone_pieces / zone_from_pieces), which a plan in parts relies
// on: the pieces of any split of the tiles give the zone byte for byte; the zone does
// not depend on how the network is numbered or on the threads; and it is the same set
// as one union of every buffer (a second construction: HullCollector::union_all).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "geom/polygon_ops.hpp"
#include "io/source.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "zones/construct.hpp"
#include "zones/hull_collector.hpp"
#include "zones/zones.hpp"
#include "support/network_edit.hpp"

namespace lightcone {
namespace {

struct Sample {
  Network net;
  std::vector<Source> sources;
  NodeLatencies lat;
};

// The bundled sample with its existing sites attached.
Sample sample(const LatencyModel& model) {
  const std::string path = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
  const auto layer = read_lines(parse_layer_spec(path + ":fibre"), ReadOptions{}, LineFields{});
  ReadOptions existing;
  existing.where = "status = 'existing'";
  const auto sites = read_points(parse_layer_spec(path + ":sites"), existing, PointFields{});
  Sample s;
  s.net = build_network(layer.lines, model, {}, nullptr);
  SegmentIndex index(s.net);
  std::vector<std::uint32_t> scratch;
  std::vector<Attachment> at;
  for (LonLat p : sites.pos) at.push_back(attach_point(index, p, model.max_access.value, scratch));
  const auto nodes = split_at(s.net, at);
  const AccessCost access(model);
  for (std::size_t i = 0; i < sites.pos.size(); ++i)
    if (nodes[i] != kNone) s.sources.push_back({nodes[i], access.us_per_m * at[i].distance_m});
  const Graph graph(s.net);
  s.lat = nearest_source_latency(graph, s.sources);
  return s;
}

void expect_same_bytes(const MultiPolygon& a, const MultiPolygon& b) {
  ASSERT_EQ(a.coords.size(), b.coords.size());
  EXPECT_EQ(a.ring_first, b.ring_first);
  EXPECT_EQ(a.polygon_first, b.polygon_first);
  for (std::size_t k = 0; k < a.coords.size(); ++k) {
    ASSERT_EQ(a.coords[k].lon, b.coords[k].lon) << "vertex " << k;
    ASSERT_EQ(a.coords[k].lat, b.coords[k].lat) << "vertex " << k;
  }
}

TEST(ZoneTiles, PiecesOfAnySplitOfTheTilesGiveTheZone) {
  const LatencyModel model;
  const Sample s = sample(model);
  const AccessCost access(model);
  const double ref = zone_reference_lon(s.net);
  std::mt19937_64 rng(20261205);
  for (double budget : {500.0, 1500.0}) {
    SCOPED_TRACE("budget " + std::to_string(budget));
    const MultiPolygon zone = zone_polygon(s.net, s.lat.us, access, budget);
    ASSERT_FALSE(zone.empty());
    const std::vector<ZoneTile> tiles = zone_tiles(s.net, s.lat.us, access, budget, ZoneOptions{}, ref);
    ASSERT_GT(tiles.size(), 4u);  // the sample spans several tiles
    for (int parts : {2, 3, 7}) {
      // Tiles dealt to parts at random; each part builds its own pieces.
      std::vector<int> owner(tiles.size());
      for (int& o : owner) o = std::uniform_int_distribution<int>(0, parts - 1)(rng);
      std::vector<ZonePiece> all;
      for (int p = 0; p < parts; ++p) {
        std::vector<ZonePiece> mine = zone_pieces(s.net, s.lat.us, access, budget, ZoneOptions{}, ref,
                                                  [&](const ZoneTile& t) {
                                                    const auto k = std::lower_bound(tiles.begin(), tiles.end(), t) -
                                                                   tiles.begin();
                                                    return owner[static_cast<std::size_t>(k)] == p;
                                                  });
        for (ZonePiece& z : mine) all.push_back(std::move(z));
      }
      ASSERT_EQ(all.size(), tiles.size());
      std::shuffle(all.begin(), all.end(), rng);
      expect_same_bytes(zone_from_pieces(std::move(all)), zone);
    }
  }
}

TEST(ZoneTiles, PiecesLieInTheirTiles) {
  const LatencyModel model;
  const Sample s = sample(model);
  const std::vector<ZonePiece> pieces =
      zone_pieces(s.net, s.lat.us, AccessCost(model), 1500.0, ZoneOptions{}, zone_reference_lon(s.net));
  std::size_t non_empty = 0;
  for (const ZonePiece& p : pieces) {
    non_empty += !p.shape.empty();
    for (const LonLat& q : p.shape.coords) {
      EXPECT_GE(q.lon, p.tile.i * kZoneTileDeg);
      EXPECT_LE(q.lon, (p.tile.i + 1) * kZoneTileDeg);
      EXPECT_GE(q.lat, p.tile.j * kZoneTileDeg);
      EXPECT_LE(q.lat, (p.tile.j + 1) * kZoneTileDeg);
    }
  }
  EXPECT_GT(non_empty, 4u);
}

TEST(ZoneTiles, ZoneDoesNotDependOnNumberingOrThreads) {
  const LatencyModel model;
  const Sample s = sample(model);
  // The same network, nodes and edges in another order (each edge keeps its direction
  // and geometry, as a part's halo network has them).
  std::mt19937_64 rng(512);
  const Network& net = s.net;
  const test::Renumbered r = test::renumbered(net, rng);
  const Network& other = r.net;
  const std::vector<NodeId>& perm = r.perm;
  std::vector<double> us(net.nodes());
  for (NodeId v = 0; v < net.nodes(); ++v) us[perm[v]] = s.lat.us[v];
  const AccessCost access(model);
  for (double budget : {500.0, 1500.0}) {
    const MultiPolygon zone = zone_polygon(net, s.lat.us, access, budget);
    expect_same_bytes(zone_polygon(other, us, access, budget), zone);
    ZoneOptions two;
    two.threads = 2;
    expect_same_bytes(zone_polygon(net, s.lat.us, access, budget, two), zone);
  }
}

// The union of every buffer at once, without tiles (what zones were before them).
MultiPolygon one_union(const Network& net, std::span<const double> node_us, const AccessCost& access, double budget) {
  HullCollector hulls(64, zone_reference_lon(net));
  collect_pieces(net, node_us, access, budget, ZoneOptions{}, std::span<HullCollector>(&hulls, 1));
  return geom::to_multipolygon(hulls.union_untiled());
}

TEST(ZoneTiles, SameSetAsOneUnionOfEveryBuffer) {
  const LatencyModel model;
  const Sample s = sample(model);
  const AccessCost access(model);
  for (double budget : {500.0, 1500.0}) {
    const MultiPolygon tiled = zone_polygon(s.net, s.lat.us, access, budget);
    const MultiPolygon whole = one_union(s.net, s.lat.us, access, budget);
    const double a = area_m2(whole);
    ASSERT_GT(a, 1e8);
    // The same set up to the vertices where the outline crosses a tile's edge (area_m2
    // takes each side as a geodesic: a vertex more on a side moves it by a little).
    EXPECT_NEAR(area_m2(tiled), a, a * 1e-8);
    EXPECT_LT(area_m2(difference(tiled, whole)), a * 1e-9);
    EXPECT_LT(area_m2(difference(whole, tiled)), a * 1e-9);
  }
}

}  // namespace
}  // namespace lightcone
