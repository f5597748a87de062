// End-to-end tests of `lightcone zones` on the bundled sample (data/): outputs, the
// latency model stated in them, determinism, and bad input (exit 2, nothing written).
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::dir_entries;
using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

// The sample's zones command; `change` replaces (or adds) option values.
std::vector<std::string> base_args(const std::string& out, const std::vector<std::string>& change = {}) {
  std::vector<std::pair<std::string, std::string>> opts = {
      {"--network", kSample + ":fibre"}, {"--sites", kSample + ":sites"}, {"--sites-where", "status = 'existing'"},
      {"--demand", kSample + ":demand"}, {"--weight", "pop"},            {"--budget", "1ms,3ms"},
      {"--cell-size", "5km"},            {"--out", out}};
  std::vector<std::string> flags;
  for (std::size_t i = 0; i < change.size(); ++i) {
    if (i + 1 == change.size() || change[i + 1].rfind("--", 0) == 0) {
      flags.push_back(change[i]);
      continue;
    }
    auto it = std::find_if(opts.begin(), opts.end(), [&](const auto& o) { return o.first == change[i]; });
    if (it != opts.end()) it->second = change[i + 1];
    else opts.emplace_back(change[i], change[i + 1]);
    ++i;
  }
  std::vector<std::string> args{"zones"};
  for (const auto& [k, v] : opts) args.insert(args.end(), {k, v});
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

TEST(ZonesCli, WritesZonesSurfaceAndSummaryDeterministically) {
  ScratchDir dir;
  const std::string out = dir.file("run.gpkg");
  const CliResult r = run_lightcone(base_args(out));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"run.gpkg", "run.summary.json", "run.tif"}));
  const auto j = nlohmann::json::parse(slurp(dir.file("run.summary.json")));
  EXPECT_EQ(j["model"]["metric"], "rtt");
  EXPECT_NEAR(j["model"]["fibre_us_per_km"].get<double>(), 4.897388, 1e-6);
  ASSERT_EQ(j["budgets"].size(), 2u);
  const double share1 = j["budgets"][0]["weight_share"].get<double>();
  const double share3 = j["budgets"][1]["weight_share"].get<double>();
  EXPECT_LT(share1, share3);
  EXPECT_GT(j["budgets"][1]["area_km2"].get<double>(), j["budgets"][0]["area_km2"].get<double>());
  EXPECT_EQ(j["surface"]["epsg"], 32650);

  // Same inputs, one thread: byte-identical outputs.
  ScratchDir dir2;
  auto args = base_args(dir2.file("run.gpkg"), {"--threads", "1"});
  ASSERT_EQ(run_lightcone(args).code, 0);
  for (const char* f : {"run.gpkg", "run.tif", "run.summary.json"}) {
    EXPECT_EQ(slurp(dir.file(f)), slurp(dir2.file(f))) << f << " differs between runs";
  }
}

TEST(ZonesCli, OneWayHalvesTheReach) {
  ScratchDir dir;
  ASSERT_EQ(run_lightcone(base_args(dir.file("rtt.gpkg"), {"--no-surface"})).code, 0);
  auto one_way = base_args(dir.file("oneway.gpkg"), {"--no-surface", "--metric", "one-way", "--budget", "500us,1500us"});
  ASSERT_EQ(run_lightcone(one_way).code, 0);
  const auto a = nlohmann::json::parse(slurp(dir.file("rtt.summary.json")));
  const auto b = nlohmann::json::parse(slurp(dir.file("oneway.summary.json")));
  EXPECT_EQ(b["model"]["metric"], "one-way");
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(a["budgets"][i]["area_km2"].get<double>(), b["budgets"][i]["area_km2"].get<double>(), 1e-6);
    EXPECT_EQ(a["budgets"][i]["demand_covered"], b["budgets"][i]["demand_covered"]);
  }
}

struct BadCase {
  std::string name;
  std::vector<std::string> change;  // option, value pairs appended (later ones win in CLI11)
  std::string message;              // expected stderr
};

TEST(ZonesCli, BadInputExits2AndWritesNothing) {
  const std::vector<BadCase> cases = {
      {"zero budget", {"--budget", "0ms"}, "lightcone: error: budget '0ms' for --budget must be greater than zero, e.g. '1ms,3ms'.\n"},
      {"negative budget", {"--budget", "1ms,-3ms"}, "lightcone: error: budget '-3ms' for --budget must be greater than zero, e.g. '1ms,3ms'.\n"},
      {"bare budget", {"--budget", "1"}, "lightcone: error: missing unit in '1' for --budget. A bare number is ambiguous: write e.g. '1ms'.\n"},
      {"unknown metric", {"--metric", "twoway"}, "lightcone: error: unknown metric 'twoway' for --metric. Use 'rtt' or 'one-way'.\n"},
      {"missing weight field", {"--weight", "enterprises"}, ""},
      {"raster too large", {"--cell-size", "1m"}, ""},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    ScratchDir dir;
    const CliResult r = run_lightcone(base_args(dir.file("run.gpkg"), c.change));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    if (!c.message.empty()) {
      EXPECT_EQ(r.err, c.message);
    }
    EXPECT_EQ(r.err.rfind("lightcone: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(dir_entries(dir.path()).empty()) << "files left behind";
  }
}

TEST(ZonesCli, MessagesNameTheMissingWeightFieldAndTheRasterSize) {
  ScratchDir dir;
  CliResult r = run_lightcone(base_args(dir.file("run.gpkg"), {"--weight", "enterprises"}));
  EXPECT_NE(r.err.find("field 'enterprises' not found (" + kSample + ":demand)"), std::string::npos) << r.err;
  r = run_lightcone(base_args(dir.file("run.gpkg"), {"--cell-size", "1m", "--max-cells", "1000000000000"}));
  EXPECT_NE(r.err.find("GiB of memory. Use a larger --cell-size or a smaller extent."), std::string::npos) << r.err;
  r = run_lightcone(base_args(dir.file("run.gpkg"), {"--cell-size", "1m"}));
  EXPECT_NE(r.err.find("more than the cell budget of 25,000,000 (--max-cells)."), std::string::npos) << r.err;
}

// One output layer read back: geometry (owned) and fields by name, in FID order.
struct Row {
  std::unique_ptr<OGRGeometry> geom;
  std::map<std::string, std::string> text;
  std::map<std::string, double> real;  // NaN for NULL
};

std::vector<Row> read_layer(const std::string& path, const std::string& name) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + path);
  OGRLayer* layer = ds->GetLayerByName(name.c_str());
  if (!layer) throw std::runtime_error("no layer '" + name + "' in " + path);
  std::vector<Row> rows;
  for (auto& f : *layer) {
    Row r;
    if (f->GetGeometryRef()) r.geom.reset(f->GetGeometryRef()->clone());
    for (int i = 0; i < f->GetFieldCount(); ++i) {
      const std::string field = f->GetFieldDefnRef(i)->GetNameRef();
      r.text[field] = f->IsFieldNull(i) ? "" : f->GetFieldAsString(i);
      r.real[field] = f->IsFieldNull(i) ? std::nan("") : f->GetFieldAsDouble(i);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::size_t vertices(const OGRGeometry& g) {
  std::size_t n = 0;
  for (const auto* poly : *g.toMultiPolygon())
    for (const auto* ring : *poly) n += static_cast<std::size_t>(ring->getNumPoints());
  return n;
}

// --split: one part per budget and site; the parts of a budget tile its zone (areas add up,
// union equals the zone, no overlaps), their demand weights add up to the zone's, and the
// output is byte-identical across runs and thread counts.
TEST(ZonesCli, SplitPartsTileEveryZone) {
  for (const bool rings : {false, true}) {
    SCOPED_TRACE(rings ? "rings" : "disks");
    ScratchDir dir;
    std::vector<std::string> change = {"--no-surface", "--split", "--split-cell", "500m"};
    if (rings) change.push_back("--rings");
    const CliResult r = run_lightcone(base_args(dir.file("run.gpkg"), change));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const auto j = nlohmann::json::parse(slurp(dir.file("run.summary.json")));
    EXPECT_EQ(j["split"]["layer"], "zones_split");
    EXPECT_NEAR(j["split"]["boundary_tolerance_m"].get<double>(), 500 * std::sqrt(2.0), 1e-9);
    const auto zones = read_layer(dir.file("run.gpkg"), "zones");
    const auto parts = read_layer(dir.file("run.gpkg"), "zones_split");
    ASSERT_EQ(zones.size(), 2u);
    for (const Row& z : zones) {
      SCOPED_TRACE(z.text.at("budget"));
      double area = 0.0, weight = 0.0;
      std::vector<const Row*> mine;
      for (const Row& p : parts)
        if (p.text.at("budget") == z.text.at("budget")) {
          area += p.real.at("area_km2");
          weight += p.real.at("weight_covered");
          EXPECT_FALSE(p.text.at("site_id").empty());
          mine.push_back(&p);
        }
      ASSERT_GE(mine.size(), 2u);
      EXPECT_NEAR(area / z.real.at("area_km2"), 1.0, 1e-6);
      EXPECT_NEAR(weight, z.real.at("weight_covered"), 1e-6 * z.real.at("weight_covered"));
      // Planar checks in degrees²: union = zone, pairwise overlaps without area.
      const double zone_deg2 = z.geom->toMultiPolygon()->get_Area();
      for (const Row* p : mine) ASSERT_TRUE(p->geom);
      std::unique_ptr<OGRGeometry> u(mine[0]->geom->clone());
      for (std::size_t a = 1; a < mine.size(); ++a) u.reset(u->Union(mine[a]->geom.get()));
      std::unique_ptr<OGRGeometry> sym(u->SymDifference(z.geom.get()));
      // OGR_G_Area takes any geometry type (a result may be a Polygon, a MultiPolygon or a
      // GeometryCollection; points and lines have no area).
      auto area_of = [](OGRGeometry* g) { return g && !g->IsEmpty() ? OGR_G_Area(OGRGeometry::ToHandle(g)) : 0.0; };
      EXPECT_LE(area_of(sym.get()), 1e-7 * zone_deg2);
      for (std::size_t a = 0; a < mine.size(); ++a)
        for (std::size_t b = a + 1; b < mine.size(); ++b) {
          std::unique_ptr<OGRGeometry> x(mine[a]->geom->Intersection(mine[b]->geom.get()));
          const double xa = area_of(x.get());
          EXPECT_LE(xa, 1e-9 * zone_deg2) << mine[a]->text.at("site_id") << " and " << mine[b]->text.at("site_id");
        }
    }
    if (!rings) {
      ScratchDir dir2;
      auto again = base_args(dir2.file("run.gpkg"), {"--no-surface", "--split", "--split-cell", "500m", "--threads", "1"});
      ASSERT_EQ(run_lightcone(again).code, 0);
      for (const char* f : {"run.gpkg", "run.summary.json"})
        EXPECT_EQ(slurp(dir.file(f)), slurp(dir2.file(f))) << f << " differs between runs";
    }
  }
}

// --simplify: every zone contains its unsimplified self, with fewer vertices; area_km2
// stays the exact zone's area.
TEST(ZonesCli, SimplifyOnlyGrowsZonesAndDropsVertices) {
  ScratchDir dir;
  ASSERT_EQ(run_lightcone(base_args(dir.file("exact.gpkg"), {"--no-surface"})).code, 0);
  const CliResult r = run_lightcone(base_args(dir.file("simple.gpkg"), {"--no-surface", "--simplify", "200m"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto exact = read_layer(dir.file("exact.gpkg"), "zones");
  const auto simple = read_layer(dir.file("simple.gpkg"), "zones");
  ASSERT_EQ(exact.size(), simple.size());
  for (std::size_t i = 0; i < exact.size(); ++i) {
    SCOPED_TRACE(exact[i].text.at("budget"));
    EXPECT_LT(vertices(*simple[i].geom), vertices(*exact[i].geom));
    std::unique_ptr<OGRGeometry> outside(exact[i].geom->Difference(simple[i].geom.get()));
    const double out_area = outside->IsEmpty() ? 0.0 : OGR_G_Area(OGRGeometry::ToHandle(outside.get()));
    EXPECT_LE(out_area, 1e-12 * exact[i].geom->toMultiPolygon()->get_Area());
    EXPECT_EQ(exact[i].real.at("area_km2"), simple[i].real.at("area_km2"));
  }
  const auto j = nlohmann::json::parse(slurp(dir.file("simple.summary.json")));
  EXPECT_EQ(j["simplify_m"], 200.0);
}

// --demand-sample: a polygon made of two equal squares, one in Qingdao's fibre-dense
// centre and one in the Yellow Sea beyond any fibre, is half covered; a square in
// Qingdao alone is fully covered.
TEST(ZonesCli, DemandPolygonsBySampleAreCoveredByAreaShare) {
  ScratchDir dir;
  const std::string demand = dir.file("demand.geojson");
  std::ofstream(demand) << R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"name": "half", "pop": 10}, "geometry": {"type": "MultiPolygon", "coordinates": [
  [[[120.35, 36.10], [120.45, 36.10], [120.45, 36.20], [120.35, 36.20], [120.35, 36.10]]],
  [[[124.45, 36.10], [124.55, 36.10], [124.55, 36.20], [124.45, 36.20], [124.45, 36.10]]]]}},
{"type": "Feature", "properties": {"name": "whole", "pop": 5}, "geometry": {"type": "Polygon", "coordinates":
  [[[120.35, 36.10], [120.45, 36.10], [120.45, 36.20], [120.35, 36.20], [120.35, 36.10]]]}}]}
)";
  const CliResult r =
      run_lightcone(base_args(dir.file("run.gpkg"), {"--no-surface", "--demand", demand, "--demand-sample", "400"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto rows = read_layer(dir.file("run.gpkg"), "demand");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].real.at("covered_share_3ms"), 0.5, 0.05);
  EXPECT_EQ(rows[0].real.at("covered_3ms"), 0.0);
  EXPECT_TRUE(std::isnan(rows[0].real.at("latency_worst_us")));  // the sea square is beyond reach
  EXPECT_FALSE(std::isnan(rows[0].real.at("latency_us")));       // mean over the reachable points
  EXPECT_GE(rows[0].real.at("samples"), 200.0);
  EXPECT_EQ(rows[1].real.at("covered_share_3ms"), 1.0);
  EXPECT_EQ(rows[1].real.at("covered_3ms"), 1.0);
  EXPECT_GE(rows[1].real.at("latency_worst_us"), rows[1].real.at("latency_us"));
  const auto j = nlohmann::json::parse(slurp(dir.file("run.summary.json")));
  const double share = rows[0].real.at("covered_share_3ms");
  EXPECT_NEAR(j["budgets"][1]["weight_covered"].get<double>(), 10 * share + 5, 1e-9);
  EXPECT_EQ(j["demand"]["polygon_sample"]["per_feature"], 400);
  const auto un = read_layer(dir.file("run.gpkg"), "uncovered");
  ASSERT_EQ(un.size(), 1u);
  EXPECT_NEAR(un[0].real.at("weight"), 10 * (1 - share), 1e-9);
  EXPECT_EQ(un[0].text.at("reason"), "no network within max access");
}

TEST(ZonesCli, BadSplitSimplifyAndSampleOptionsExit2) {
  const std::vector<BadCase> cases = {
      {"split cell without split", {"--split-cell", "100m"},
       "lightcone: error: --split-cell needs --split (the per-site split it sets the precision of).\n"},
      {"zero split cell", {"--split", "--split-cell", "0m"},
       "lightcone: error: --split-cell must be greater than zero, e.g. '250m'.\n"},
      {"bare split cell", {"--split", "--split-cell", "100"},
       "lightcone: error: missing unit in '100' for --split-cell. A bare number is ambiguous: write e.g. '10km'.\n"},
      {"zero simplify", {"--simplify", "0m"},
       "lightcone: error: --simplify must be greater than zero, e.g. '100m'; leave it out for unsimplified zones.\n"},
      {"zero sample", {"--demand-sample", "0"},
       "lightcone: error: invalid --demand-sample '0': give the number of sample points per polygon, 1 to 100000, "
       "e.g. 100.\n"},
      {"text sample", {"--demand-sample", "many"},
       "lightcone: error: invalid --demand-sample 'many': give the number of sample points per polygon, 1 to "
       "100000, e.g. 100.\n"},
      {"sample of points", {"--demand-sample", "10"}, ""},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    ScratchDir dir;
    const CliResult r = run_lightcone(base_args(dir.file("run.gpkg"), c.change));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    if (!c.message.empty()) {
      EXPECT_EQ(r.err, c.message);
    }
    EXPECT_EQ(r.err.rfind("lightcone: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(dir_entries(dir.path()).empty()) << "files left behind";
  }
  ScratchDir dir;
  const CliResult r = run_lightcone(base_args(dir.file("run.gpkg"), {"--demand-sample", "10"}));
  EXPECT_NE(r.err.find("--demand-sample samples polygons: leave it out for point demand."), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lightcone
