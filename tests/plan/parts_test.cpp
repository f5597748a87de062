// A plan in parts (plan/parts.hpp): the Hilbert split, the halo read and its check, and
// the merged coverage against the coverage one machine builds on the whole network.
#include "plan/parts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "core/error.hpp"
#include "core/spatial_order.hpp"
#include "io/source.hpp"
#include "scenario/scenario.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

const std::string kSource = LIGHTCONE_SOURCE_DIR;
const std::string kSampleParts = kSource + "/tests/data/parts/sample_mclp.toml";
const std::string kIrisParts = kSource + "/tests/data/parts/iris_pmedian.toml";
const std::string kSampleBeyond = kSource + "/tests/data/parts/sample_lscp_1ms.toml";

// The order-2 Hilbert curve: the cell (x, y) of a 4 × 4 grid at each rank, as the
// inverse walk (Wikipedia's "d2xy", run separately) gives it.
TEST(HilbertOrder, FollowsTheCurveOnAFourByFourGrid) {
  const int curve[16][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 2}, {0, 3}, {1, 3}, {1, 2},
                            {2, 2}, {2, 3}, {3, 3}, {3, 2}, {3, 1}, {2, 1}, {2, 0}, {3, 0}};
  std::vector<LonLat> pts;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) pts.push_back({static_cast<double>(x), static_cast<double>(y)});
  const std::vector<std::uint32_t> order = hilbert_order(pts);
  ASSERT_EQ(order.size(), 16u);
  for (int r = 0; r < 16; ++r) {
    EXPECT_EQ(pts[order[r]].lon, curve[r][0]) << "rank " << r;
    EXPECT_EQ(pts[order[r]].lat, curve[r][1]) << "rank " << r;
  }
}

// Consecutive ranks of a Hilbert curve are neighbouring cells, at any grid size.
TEST(HilbertOrder, ConsecutiveCellsAreNeighbours) {
  for (std::uint32_t side : {8u, 32u, 256u}) {
    const std::uint32_t step = 65536 / side;
    std::vector<std::pair<std::uint64_t, std::pair<int, int>>> cells;
    for (std::uint32_t y = 0; y < side; ++y)
      for (std::uint32_t x = 0; x < side; ++x) cells.push_back({hilbert_index(x * step, y * step), {x, y}});
    std::sort(cells.begin(), cells.end());
    for (std::size_t k = 1; k < cells.size(); ++k) {
      const int dx = std::abs(cells[k].second.first - cells[k - 1].second.first);
      const int dy = std::abs(cells[k].second.second - cells[k - 1].second.second);
      ASSERT_EQ(dx + dy, 1) << "side " << side << " rank " << k;
    }
  }
}

TEST(PartDemand, PartsAreDisjointCoverEverythingAndBalance) {
  std::vector<LonLat> pts;
  std::uint64_t x = 12345;
  for (int i = 0; i < 1003; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    pts.push_back({115.0 + static_cast<double>(x >> 40) / (1 << 24) * 8.0, 34.0 + static_cast<double>((x >> 16) & 0xffffff) / (1 << 24) * 4.0});
  }
  for (unsigned n : {1u, 2u, 5u, 7u, 2000u}) {
    std::vector<int> owner(pts.size(), 0);
    std::size_t smallest = pts.size(), largest = 0;
    for (unsigned i = 1; i <= n; ++i) {
      const std::vector<std::uint32_t> mine = part_demand(pts, n, i);
      EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
      smallest = std::min(smallest, mine.size());
      largest = std::max(largest, mine.size());
      for (std::uint32_t d : mine) ++owner[d];
    }
    for (int o : owner) ASSERT_EQ(o, 1) << n << " parts";
    EXPECT_LE(largest - smallest, 1u) << n << " parts";
  }
}

// Runs every part of `scenario` in N parts into `dir`/pN (as `plan --parts N --part I`).
PartSet run_parts(const Scenario& s, unsigned n, const std::string& dir, std::vector<PartRun>* runs = nullptr) {
  const std::string digest = scenario_digest(s);
  std::vector<std::string> dirs;
  for (unsigned i = 1; i <= n; ++i) {
    Progress progress;
    RunOptions options;
    options.threads = 2;
    PartRun part = run_scenario_part(s, n, i, digest, options, progress);
    const std::string out = dir + "/p" + std::to_string(n) + "_" + std::to_string(i);
    RunDirectory rd(out, {}, {});
    write_part(rd, part);
    rd.commit(digest);
    dirs.push_back(out);
    if (runs) runs->push_back(std::move(part));
  }
  std::reverse(dirs.begin(), dirs.end());  // any order
  return read_part_set(dirs, digest);
}

// The coverage one machine builds for the run as read (every attached site, the
// placement's budget), the oracle of the merged one.
Coverage single_machine_coverage(const Scenario& s, const ScenarioRun& R) {
  std::vector<Source> candidates(R.sites.pos.size(), Source{kNone, 0.0});
  for (std::size_t k = 0; k < R.prepared.sources.size(); ++k) candidates[R.prepared.source_site[k]] = R.prepared.sources[k];
  const double budget = make_budget(s.model, *s.placement->budget).one_way.value;
  return build_coverage(R.prepared.net, *R.prepared.graph, *R.prepared.index, R.prepared.model, s.model.access_from,
                        R.demand->pos, candidates, budget, 2);
}

void expect_same(const Coverage& a, const Coverage& b, const std::string& what) {
  EXPECT_EQ(a.demands, b.demands) << what;
  EXPECT_EQ(a.sites, b.sites) << what;
  EXPECT_EQ(a.first, b.first) << what;
  EXPECT_EQ(a.site, b.site) << what;
  ASSERT_EQ(a.latency_us.size(), b.latency_us.size()) << what;
  for (std::size_t k = 0; k < a.latency_us.size(); ++k)
    ASSERT_EQ(a.latency_us[k], b.latency_us[k]) << what << " entry " << k;  // bit for bit
}

// Lines of the layer whose vertices' box meets `box`, and those with a vertex in it.
std::pair<std::size_t, std::size_t> lines_near(const LineLayer& all, const nlohmann::ordered_json& box) {
  const double w = box[0], s = box[1], e = box[2], n = box[3];
  std::size_t meets = 0, has_vertex = 0;
  for (std::size_t i = 0; i < all.lines.lines(); ++i) {
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    bool vertex = false;
    for (std::uint32_t k = all.lines.first[i]; k < all.lines.first[i + 1]; ++k) {
      const LonLat p = all.lines.coords[k];
      x0 = std::min(x0, p.lon), x1 = std::max(x1, p.lon), y0 = std::min(y0, p.lat), y1 = std::max(y1, p.lat);
      vertex = vertex || (p.lon >= w && p.lon <= e && p.lat >= s && p.lat <= n);
    }
    meets += x0 <= e && x1 >= w && y0 <= n && y1 >= s;
    has_vertex += vertex;
  }
  return {meets, has_vertex};
}

// `halo_smaller`: with 5 parts, each part reads less than the whole network (the sample at
// 1 ms; Iris at 3 ms reaches across Tennessee from anywhere).
void check_merged_coverage(const std::string& scenario_path, std::initializer_list<unsigned> counts, bool halo_smaller) {
  const Scenario s = load_scenario(scenario_path);
  test::ScratchDir dir;
  for (unsigned n : counts) {
    std::vector<PartRun> runs;
    const PartSet set = run_parts(s, n, dir.path(), &runs);
    RunOptions options;
    options.threads = 2;
    bool compared = false;
    options.coverage_from = [&](const ScenarioRun& R) {
      Coverage merged = merged_coverage(set, R);
      expect_same(merged, single_machine_coverage(s, R), scenario_path + " in " + std::to_string(n) + " parts");
      // Each part read only the lines near its halo box: no more than those whose box
      // meets it, no fewer than those with a vertex in it.
      for (const PartRun& p : runs) {
        if (!p.info["halo"]["box"].is_array()) continue;
        const auto [meets, has_vertex] = lines_near(R.lines, p.info["halo"]["box"]);
        const std::size_t read = p.info["halo"]["network_features_read"];
        EXPECT_LE(read, meets) << "part " << p.part << " of " << n;
        EXPECT_GE(read, has_vertex) << "part " << p.part << " of " << n;
        if (n == 5 && halo_smaller) {
          EXPECT_LT(read, R.lines.lines.lines()) << "part " << p.part << " read the whole network";
        }
      }
      compared = true;
      return merged;
    };
    Progress progress;
    const ScenarioRun R = run_scenario(s, options, progress);
    EXPECT_TRUE(compared);
    ASSERT_TRUE(R.placed.has_value());
    EXPECT_TRUE(R.placed->solved());
  }
}

TEST(PlanParts, MergedCoverageIsTheSingleMachineCoverageOnTheSample) {
  check_merged_coverage(kSampleParts, {1, 2, 5}, true);
}

TEST(PlanParts, MergedCoverageIsTheSingleMachineCoverageOnIris) { check_merged_coverage(kIrisParts, {1, 2, 5}, false); }

// Round 2: the demand parts' evaluation for the open sites of the merge's solve, against
// the single machine's (the zones job on the whole network): bit for bit where a part
// resolved a point (latency, access, nearest site, within access), every point resolved
// that lies within L or has no network within access. Each part read only the lines near
// its halo box.
void check_merged_demand(const std::string& scenario_path, std::initializer_list<unsigned> counts,
                         std::size_t* left_to_the_merge, std::size_t* surface_cells = nullptr) {
  const Scenario s = load_scenario(scenario_path);
  const std::string digest = scenario_digest(s);
  test::ScratchDir dir;
  const PartSet coverage = run_parts(s, 2, dir.path());
  // One machine: the open sites and the demand evaluation.
  RunOptions single_options;
  single_options.threads = 2;
  Progress progress;
  const ScenarioRun single = run_scenario(s, single_options, progress);
  double L = make_budget(s.model, *s.placement->budget).one_way.value;
  for (const Microseconds& b : s.zones.budgets) L = std::max(L, make_budget(s.model, b).one_way.value);
  // The open sites through SOLVEDIR, as `merge --solve-only` writes it.
  {
    RunDirectory rd(dir.file("solve"), {}, {});
    write_open_sites(rd, s, digest, single);
    rd.commit(digest);
  }
  const OpenSiteFile open = read_open_sites(dir.file("solve"), digest);
  EXPECT_EQ(open.open, single.site_open);
  ASSERT_EQ(open.surface_extent.has_value(), single.zones.surface.has_value()) << scenario_path;
  for (unsigned n : counts) {
    std::vector<std::string> dirs = coverage.dirs;
    std::vector<DemandPart> runs;
    for (unsigned i = 1; i <= n; ++i) {
      Progress p;
      RunOptions options;
      options.threads = 2;
      runs.push_back(run_demand_part(s, n, i, digest, open, options, p));
      dirs.push_back(dir.file("d" + std::to_string(n) + "_" + std::to_string(i)));
      RunDirectory rd(dirs.back(), {}, {});
      write_demand_part(rd, runs.back());
      rd.commit(digest);
    }
    const PartSet set = read_part_set(dirs, digest);
    ASSERT_EQ(set.demand_parts, n);
    const ZonesJobOptions::GivenDemand g = merged_demand(set, single, single.site_open);
    const std::vector<PointLatency>& want = single.zones.demand;
    ASSERT_EQ(g.resolved.size(), want.size());
    std::size_t resolved = 0;
    for (std::size_t d = 0; d < want.size(); ++d) {
      const PointLatency& w = want[d];
      const bool must = !w.within_access || w.latency_us <= L;
      if (!g.resolved[d]) {
        EXPECT_FALSE(must) << scenario_path << ", " << n << " parts: point " << d << " left to the merge";
        if (left_to_the_merge) ++*left_to_the_merge;
        continue;
      }
      ++resolved;
      const PointLatency& q = g.values[d];
      const std::string where = scenario_path + ", " + std::to_string(n) + " parts, point " + std::to_string(d);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(q.latency_us), std::bit_cast<std::uint64_t>(w.latency_us)) << where;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(q.access_us), std::bit_cast<std::uint64_t>(w.access_us)) << where;
      ASSERT_EQ(q.within_access, w.within_access) << where;
      ASSERT_EQ(q.source, w.source == kNone ? kNone : single.zones.source_site[w.source]) << where;
    }
    EXPECT_GT(resolved, want.size() / 2) << scenario_path;
    // The surface: every cell a part resolved is the single machine's, bit for bit, and
    // most cells with a value are resolved.
    if (single.zones.surface) {
      const LatencyGrid& grid = *single.zones.surface;
      const ZonesJobOptions::GivenSurface gs = merged_surface(set, grid);
      std::size_t cells = 0, valued = 0;
      for (std::size_t i = 0; i < grid.values.size(); ++i) {
        valued += grid.values[i] != grid.nodata;
        if (!gs.resolved[i]) continue;
        ++cells;
        ASSERT_EQ(std::bit_cast<std::uint32_t>(gs.values[i]), std::bit_cast<std::uint32_t>(grid.values[i]))
            << scenario_path << ", " << n << " parts, cell " << i;
      }
      // (Cells without a value, beyond max access of any fibre, are left to the merge.)
      EXPECT_GT(cells, valued / 2) << scenario_path << ", " << n << " parts";
      if (surface_cells) *surface_cells += cells;
    }
    for (const DemandPart& p : runs) {
      if (!p.info["halo"]["box"].is_array()) continue;
      const auto [meets, has_vertex] = lines_near(single.lines, p.info["halo"]["box"]);
      const std::size_t read = p.info["halo"]["network_features_read"];
      EXPECT_LE(read, meets) << "demand part " << p.part << " of " << n;
      EXPECT_GE(read, has_vertex) << "demand part " << p.part << " of " << n;
    }
    // Demand parts of other open sites than the merge's solve are refused.
    std::vector<char> other = single.site_open;
    other[std::find(other.begin(), other.end(), 1) - other.begin()] = 0;
    try {
      merged_demand(set, single, other);
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("evaluated for"), std::string::npos) << e.what();
    }
  }
}

TEST(PlanParts, DemandPartsEqualTheSingleMachineOnTheSample) {
  std::size_t cells = 0;
  check_merged_demand(kSampleParts, {1, 2, 5}, nullptr, &cells);
  EXPECT_GT(cells, 0u);
}

TEST(PlanParts, DemandPartsEqualTheSingleMachineOnIris) {
  std::size_t cells = 0;
  check_merged_demand(kIrisParts, {1, 2, 5}, nullptr, &cells);
  EXPECT_GT(cells, 0u);
}

TEST(PlanParts, DemandPartsLeaveDemandBeyondEveryBudgetToTheMerge) {
  std::size_t left = 0;
  check_merged_demand(kSampleBeyond, {1, 3}, &left);
  EXPECT_GT(left, 0u);
}

// A scenario on three GeoJSON files in `dir` (fibre, sites with site_id, demand): an
// LSCP at 1 ms RTT with max access 5 km; `network_keys` go into [network].
std::string one_ms_lscp(const std::string& name, const std::string& network_keys) {
  return "name = \"" + name + "\"\n[network]\npath = \"fibre.geojson\"\n" + network_keys +
         "[sites]\npath = \"sites.geojson\"\nid_field = \"site_id\"\n[demand]\npath = \"demand.geojson\"\n"
         "[model]\nmetric = \"rtt\"\nmax_access = \"5km\"\n[zones]\nbudgets = [\"1ms\"]\n[surface]\nenabled = false\n"
         "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n";
}

// Runs `s` as one part, then the scenario with the part's rows: they must equal one
// machine's; `check_single` looks at one machine's rows. Returns the part's widenings.
int one_part_equals_single(const Scenario& s, const std::string& dir, const std::function<void(const Coverage&)>& check_single) {
  std::vector<PartRun> runs;
  const PartSet set = run_parts(s, 1, dir, &runs);
  RunOptions options;
  bool compared = false;
  options.coverage_from = [&](const ScenarioRun& R) {
    Coverage merged = merged_coverage(set, R);
    const Coverage single = single_machine_coverage(s, R);
    check_single(single);
    expect_same(merged, single, s.name);
    compared = true;
    return merged;
  };
  Progress progress;
  run_scenario(s, options, progress);
  EXPECT_TRUE(compared);
  return runs.at(0).info["halo"]["widenings"].get<int>();
}

// A line faster than the model (group index 1.0 instead of 1.4682) takes a path past the
// halo the model's speed gives: the part's check sees it, doubles the halo and still
// gets the coverage one machine gets.
TEST(PlanParts, AFasterLineThanTheModelWidensTheHalo) {
  test::ScratchDir dir;
  test::write_file(dir.file("fibre.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"n": 1.0}, "geometry": {"type": "LineString",
      "coordinates": [[0, 0], [0.3, 0], [0.6, 0], [0.9, 0], [1.2, 0], [1.3, 0]]}},
    {"type": "Feature", "properties": {"n": 1.4682}, "geometry": {"type": "LineString",
      "coordinates": [[0, 0], [0, 0.4]]}}]})");
  test::write_file(dir.file("sites.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"site_id": "far"}, "geometry": {"type": "Point", "coordinates": [1.3, 0.001]}},
    {"type": "Feature", "properties": {"site_id": "near"}, "geometry": {"type": "Point", "coordinates": [0.001, 0.4]}}]})");
  test::write_file(dir.file("demand.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0.001, 0.001]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0.002, 0.01]}}]})");
  test::write_file(dir.file("s.toml"), one_ms_lscp("fast-line", "group_index_field = \"n\"\n"));
  const int widenings = one_part_equals_single(load_scenario(dir.file("s.toml")), dir.path(), [](const Coverage& single) {
    // The far site covers the demand only over the fast line (about 483 us one-way).
    EXPECT_NE(std::find(single.site.begin(), single.site.end(), 0u), single.site.end());
  });
  EXPECT_GE(widenings, 2);  // past the straight-line reach too
}

// A demand point in the middle of one long straight edge: its access legs run along the
// edge, and a site 98 km east, beyond the first halo's sites, splits the edge into a node
// the demand reaches in about 481 us one-way. No node of the part is reached from its
// demand (both ends lie beyond the budget), so only the check of the legs' edges can see
// that the halo is too small.
TEST(PlanParts, ALegAlongALongEdgePastTheHaloWidensIt) {
  test::ScratchDir dir;
  test::write_file(dir.file("fibre.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[-1.0, 0], [1.5, 0]]}}]})");
  test::write_file(dir.file("sites.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"site_id": "east"}, "geometry": {"type": "Point", "coordinates": [0.88, 0.001]}}]})");
  test::write_file(dir.file("demand.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0.0, 0.001]}}]})");
  test::write_file(dir.file("s.toml"), one_ms_lscp("long-edge", "no_tap_longer_than = \"1000km\"\n"));
  const int widenings = one_part_equals_single(load_scenario(dir.file("s.toml")), dir.path(), [](const Coverage& single) {
    EXPECT_EQ(single.entries(), 1u);  // the east site covers the demand point
  });
  EXPECT_GE(widenings, 1);
}

// A demand point whose only site lies 330 km down a line of ten features: beyond every
// budget, and past the demand part's halo, where the part cannot reach the site at all.
// The part leaves the point to the merge, whose whole network reaches it: the merged
// demand evaluation says "beyond budget" with the single machine's latency.
TEST(PlanParts, DemandBeyondTheHaloIsLeftToTheMerge) {
  test::ScratchDir dir;
  std::string lines;
  for (int k = 0; k < 10; ++k) {
    lines += std::string(k ? "," : "") + R"({"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[)" +
             std::to_string(0.3 * k) + ", 0], [" + std::to_string(0.3 * (k + 1)) + ", 0]]}}";
  }
  test::write_file(dir.file("fibre.geojson"), R"({"type": "FeatureCollection", "features": [)" + lines + "]}");
  test::write_file(dir.file("sites.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"site_id": "far", "status": "existing"}, "geometry": {"type": "Point", "coordinates": [3.0, 0.001]}},
    {"type": "Feature", "properties": {"site_id": "cand", "status": "candidate"}, "geometry": {"type": "Point", "coordinates": [2.9, 0.001]}}]})");
  test::write_file(dir.file("demand.geojson"), R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0.001, 0.001]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [2.95, 0.001]}}]})");
  test::write_file(dir.file("s.toml"), one_ms_lscp("beyond-halo", "") + "uncoverable = \"skip\"\n");
  const Scenario s = load_scenario(dir.file("s.toml"));
  const std::string digest = scenario_digest(s);
  Progress progress;
  const ScenarioRun single = run_scenario(s, RunOptions{}, progress);
  ASSERT_EQ(single.zones.demand.size(), 2u);
  const double far_us = single.zones.demand[0].latency_us;
  ASSERT_GT(far_us, 1500.0);  // about 330 km of fibre one-way
  ASSERT_LT(far_us, kUnreached);
  std::vector<std::string> dirs = run_parts(s, 1, dir.path()).dirs;
  for (unsigned i = 1; i <= 2; ++i) {
    const DemandPart part = run_demand_part(s, 2, i, digest, OpenSiteFile{single.site_open, std::nullopt, std::nullopt, {}}, RunOptions{}, progress);
    if (part.demand == std::vector<std::uint32_t>{0}) {
      EXPECT_EQ(part.points.at(0).flags, 0) << "the far point must be left to the merge";
      EXPECT_LT(part.info["halo"]["network_features_read"].get<std::size_t>(), 10u);
    }
    dirs.push_back(dir.file("d" + std::to_string(i)));
    RunDirectory rd(dirs.back(), {}, {});
    write_demand_part(rd, part);
    rd.commit(digest);
  }
  const PartSet set = read_part_set(dirs, digest);
  RunOptions options;
  options.coverage_from = [&](const ScenarioRun& R) { return merged_coverage(set, R); };
  options.demand_from = [&](const ScenarioRun& R, const std::vector<char>& open) { return merged_demand(set, R, open); };
  const ScenarioRun merged = run_scenario(s, options, progress);
  ASSERT_EQ(merged.zones.demand.size(), 2u);
  for (int d = 0; d < 2; ++d) {
    EXPECT_EQ(merged.zones.demand[d].latency_us, single.zones.demand[d].latency_us) << d;
    EXPECT_EQ(merged.zones.demand[d].source, single.zones.demand[d].source) << d;
  }
}

TEST(PlanParts, RefusesWhatItCannotSplitOrMerge) {
  const Scenario iris = load_scenario(kSource + "/data/iris.toml");  // no [placement]
  try {
    check_scenario_parts(iris, 2, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no [placement]"), std::string::npos) << e.what();
  }
  const Scenario s = load_scenario(kIrisParts);
  EXPECT_THROW(check_scenario_parts(s, 2, 3), InputError);
  EXPECT_THROW(check_scenario_parts(s, 0, 0), InputError);
  test::ScratchDir dir;
  const std::string digest = scenario_digest(s);
  std::vector<std::string> dirs;
  for (unsigned i = 1; i <= 3; ++i) {
    Progress progress;
    PartRun part = run_scenario_part(s, 3, i, digest, RunOptions{}, progress);
    dirs.push_back(dir.file("p" + std::to_string(i)));
    RunDirectory rd(dirs.back(), {}, {});
    write_part(rd, part);
    rd.commit(digest);
  }
  auto message = [&](const std::vector<std::string>& d, const std::string& with_digest) {
    try {
      read_part_set(d, with_digest);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({dirs[0], dirs[2]}, digest).find("part(s) 2 of 3 missing"), std::string::npos);
  EXPECT_NE(message({dirs[0], dirs[1], dirs[1], dirs[2]}, digest).find("given twice"), std::string::npos);
  EXPECT_NE(message(dirs, "sha256:00").find("another scenario or other inputs"), std::string::npos);
  EXPECT_NE(message({dir.path()}, digest).find("no manifest.json"), std::string::npos);
  // A changed coverage.bin: its SHA-256 no longer matches the manifest.
  {
    std::string bytes = test::slurp(dirs[1] + "/coverage.bin");
    bytes[bytes.size() - 1] ^= 1;
    test::write_file(dirs[1] + "/coverage.bin", bytes);
  }
  EXPECT_NE(message(dirs, digest).find("changed since it was written"), std::string::npos);
}

}  // namespace
}  // namespace lightcone
