// Names carried through (issue 14 item 5): the sites, demand, uncovered, assignments and
// diff outputs carry the input's label next to site_id / source_fid. Oracle: the input
// layer read directly with OGR (fid → name), never lightcone's own reader.
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

using Names = std::map<std::int64_t, std::optional<std::string>>;

// key field (FID when empty) → `field` of every feature of path:layer (nullopt: NULL or
// no such field).
std::map<std::string, std::optional<std::string>> read_names(const std::string& path, const std::string& layer,
                                                             const std::string& key, const std::string& field) {
  std::map<std::string, std::optional<std::string>> out;
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  EXPECT_TRUE(ds) << path;
  if (!ds) return out;
  OGRLayer* L = ds->GetLayerByName(layer.c_str());
  EXPECT_TRUE(L) << layer;
  if (!L) return out;
  for (auto& f : *L) {
    const std::string k = key.empty() ? std::to_string(f->GetFID()) : f->GetFieldAsString(key.c_str());
    const int i = f->GetFieldIndex(field.c_str());
    out[k] = i >= 0 && f->IsFieldSetAndNotNull(i) ? std::optional<std::string>(f->GetFieldAsString(i)) : std::nullopt;
  }
  return out;
}

bool has_field(const std::string& path, const std::string& layer, const std::string& field) {
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  OGRLayer* L = ds ? ds->GetLayerByName(layer.c_str()) : nullptr;
  return L && L->GetLayerDefn()->GetFieldIndex(field.c_str()) >= 0;
}

// Checks that out:layer's `name` equals the input's names by `key` (source_fid, site_id).
void expect_names(const std::string& out, const std::string& layer, const std::string& key,
                  const std::map<std::string, std::optional<std::string>>& input, std::size_t min_rows) {
  ASSERT_TRUE(has_field(out, layer, "name")) << layer;
  const auto got = read_names(out, layer, key, "name");
  EXPECT_GE(got.size(), min_rows) << layer;
  for (const auto& [k, name] : got) {
    const auto it = input.find(k);
    ASSERT_NE(it, input.end()) << layer << " " << key << "=" << k;
    EXPECT_EQ(name, it->second) << layer << " " << key << "=" << k;
  }
}

std::vector<std::string> zones_args(const std::string& out, const std::string& sites_where,
                                    const std::string& budget = "1ms,3ms") {
  return {"zones", "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--sites-where", sites_where,
          "--demand", kSample + ":cities", "--budget", budget, "--no-surface", "--out", out};
}

TEST(NamesCarried, ZonesDemandUncoveredAndSitesByDefault) {
  ScratchDir dir;
  const std::string out = dir.file("z.gpkg");
  const CliResult r = run_lightcone(zones_args(out, "status = 'existing'", "0.5ms"));  // some cities uncovered
  ASSERT_EQ(r.code, 0) << r.err;
  const auto city_names = read_names(kSample, "cities", "", "name");  // Chinese: 济南市, 青岛市, ...
  ASSERT_EQ(city_names.at("2"), std::optional<std::string>("青岛市"));
  expect_names(out, "demand", "source_fid", city_names, city_names.size());
  expect_names(out, "uncovered", "source_fid", city_names, 1);
  expect_names(out, "sites", "site_id", read_names(kSample, "sites", "site_id", "name"), 8);
}

TEST(NamesCarried, LabelFieldChoosesAndNoneTurnsOff) {
  ScratchDir dir;
  std::vector<std::string> args = zones_args(dir.file("en.gpkg"), "status = 'existing'");
  args.insert(args.end(), {"--label-field", "name_en", "--site-label-field", "operator"});
  const CliResult r = run_lightcone(args);
  ASSERT_EQ(r.code, 0) << r.err;
  expect_names(dir.file("en.gpkg"), "demand", "source_fid", read_names(kSample, "cities", "", "name_en"), 10);
  expect_names(dir.file("en.gpkg"), "sites", "site_id", read_names(kSample, "sites", "site_id", "operator"), 8);

  args = zones_args(dir.file("none.gpkg"), "status = 'existing'");
  args.insert(args.end(), {"--label-field", "none", "--site-label-field", "none"});
  ASSERT_EQ(run_lightcone(args).code, 0);
  EXPECT_FALSE(has_field(dir.file("none.gpkg"), "demand", "name"));
  EXPECT_FALSE(has_field(dir.file("none.gpkg"), "sites", "name"));

  // The sample's demand grid has none of name, label, site_id: no name field, as before.
  const CliResult grid = run_lightcone({"zones", "--network", kSample + ":fibre", "--sites", kSample + ":sites",
                                        "--demand", kSample + ":demand", "--budget", "1ms", "--no-surface", "--out",
                                        dir.file("grid.gpkg")});
  ASSERT_EQ(grid.code, 0) << grid.err;
  EXPECT_FALSE(has_field(dir.file("grid.gpkg"), "demand", "name"));

  args = zones_args(dir.file("bad.gpkg"), "status = 'existing'");
  args.insert(args.end(), {"--label-field", "nosuch"});
  const CliResult bad = run_lightcone(args);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("field 'nosuch' not found"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("--label-field"), std::string::npos) << bad.err;
}

TEST(NamesCarried, PlaceAssignmentsAndDiff) {
  ScratchDir dir;
  const std::string out = dir.file("p.gpkg");
  const CliResult p = run_lightcone({"place", "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--demand",
                                     kSample + ":cities", "--problem", "mclp", "--p", "2", "--budget", "1ms",
                                     "--status-field", "status", "--time-limit", "60s", "--out", out});
  ASSERT_EQ(p.code, 0) << p.err;
  const auto city_names = read_names(kSample, "cities", "", "name");
  expect_names(out, "assignments", "source_fid", city_names, 1);
  expect_names(out, "demand", "source_fid", city_names, city_names.size());
  expect_names(out, "uncovered", "source_fid", city_names, 1);

  // diff: more sites in B, so some cities gain coverage; each change is named.
  const std::string a = dir.file("a.gpkg"), b = dir.file("b.gpkg");
  ASSERT_EQ(run_lightcone(zones_args(a, "status = 'existing'")).code, 0);
  ASSERT_EQ(run_lightcone(zones_args(b, "status IN ('existing', 'planned', 'candidate')")).code, 0);
  const CliResult d = run_lightcone({"diff", a, b, "--json"});
  ASSERT_EQ(d.code, 0) << d.err;
  const nlohmann::json j = nlohmann::json::parse(d.out);
  ASSERT_GT(j["demand_changes"].size(), 0u) << d.out;
  for (const auto& c : j["demand_changes"]) {
    ASSERT_TRUE(c.contains("name")) << c.dump();
    const auto want = city_names.at(std::to_string(c["source_fid"].get<std::int64_t>()));
    ASSERT_TRUE(want.has_value());
    EXPECT_EQ(c["name"].get<std::string>(), *want);
  }
  const CliResult text = run_lightcone({"diff", a, b});
  const std::string first = j["demand_changes"][0]["name"].get<std::string>();
  EXPECT_NE(text.out.find("(" + first + ")"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace lightcone
