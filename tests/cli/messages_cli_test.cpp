// Issue 12, items 17 and 19: messages about the demand (or --to) name the options the
// user gave, not --sites; control characters in data and paths come out escaped, and a
// NUL does not cut a message short.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/gdal_fixture.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::ScratchDir;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
const std::string kFibre = kSample + ":fibre";
const std::string kSites = kSample + ":sites";
const std::string kDemand = kSample + ":demand";
constexpr int kTimeoutS = 120;

CliResult run(const std::vector<std::string>& args) { return test::run_lightcone(args, kTimeoutS); }

void write(const std::string& path, const std::string& text) { test::write_text(path, text); }
void expect_error(const CliResult& r, const std::string& message) { test::expect_input_error(r, message); }

TEST(MessagesCli, DemandAndToMessagesNameTheirOwnOptions) {
  ScratchDir dir;
  const std::string empty = dir.file("empty.geojson");
  write(empty, R"({"type": "FeatureCollection", "features": []})");
  expect_error(run({"place", "--network", kFibre, "--sites", kSites, "--demand", empty, "--budget", "3ms"}),
               "layer is empty (" + empty + ":empty). Give --demand a layer with points.");
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--demand", empty, "--budget", "1ms", "--out",
                    dir.file("z.gpkg")}),
               "layer is empty (" + empty + ":empty). Give --demand a layer with points.");
  expect_error(run({"latency", "--network", kFibre, "--sites", kSites, "--to", empty}),
               "layer is empty (" + empty + ":empty). Give --to a layer with points.");

  auto first_line = [](const std::string& err) { return err.substr(0, err.find(" (")); };
  const CliResult where = run({"place", "--network", kFibre, "--sites", kSites, "--demand", kDemand, "--budget", "3ms",
                               "--demand-where", "no_such_field = 1"});
  EXPECT_EQ(where.code, 2) << where.err;
  EXPECT_EQ(first_line(where.err), "lightcone: error: invalid --demand-where \"no_such_field = 1\"") << where.err;
  const CliResult none = run({"zones", "--network", kFibre, "--sites", kSites, "--demand", kDemand, "--demand-where",
                              "pop < 0", "--budget", "1ms", "--out", dir.file("z.gpkg")});
  EXPECT_EQ(none.code, 2) << none.err;
  EXPECT_EQ(first_line(none.err), "lightcone: error: no feature matches --demand-where \"pop < 0\"") << none.err;
  const CliResult to = run({"latency", "--network", kFibre, "--sites", kSites, "--to", kDemand, "--to-where", "nope = 1"});
  EXPECT_EQ(to.code, 2) << to.err;
  EXPECT_EQ(first_line(to.err), "lightcone: error: invalid --to-where \"nope = 1\"") << to.err;
  // A tier's filter is the tier's: the message shows it as written, under --tier.
  const CliResult tier = run({"place", "--network", kFibre, "--sites", kSites, "--demand", kDemand, "--demand-where",
                              "in_qingdao = 1", "--budget", "3ms", "--tier", "in_qingdo = 1:1ms"});
  EXPECT_EQ(tier.code, 2) << tier.err;
  EXPECT_EQ(first_line(tier.err), "lightcone: error: invalid --tier \"in_qingdo = 1\"") << tier.err;
  EXPECT_EQ(tier.err.find("--sites"), std::string::npos) << tier.err;
}

// A field mapping is named as the user set it: --weight on the command line,
// 'weight_field' in [demand] (at its line) in a scenario.
TEST(MessagesCli, FieldMappingsAreNamedAsTheUserSetThem) {
  ScratchDir dir;
  const std::string csv = dir.file("d.csv");
  write(csv, "WKT,pop\n\"POINT (120.38 36.07)\",abc\n");
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--demand", csv, "--assume-crs", "EPSG:4326",
                    "--weight", "pop", "--budget", "1ms", "--out", dir.file("z.gpkg")}),
               "non-numeric value 'abc' in field 'pop' (" + csv + ":d:fid=1). Fix the data or choose another field "
               "with --weight.");
  const std::string s = dir.file("s.toml");
  write(s, "[network]\npath = \"" + kSample + "\"\nlayer = \"fibre\"\n[sites]\npath = \"" + kSample +
               "\"\nlayer = \"sites\"\n[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n[demand]\npath = "
               "\"d.csv\"\nassume_crs = \"EPSG:4326\"\nweight_field = \"pop\"\n");
  expect_error(run({"check", s}), s + ":14: non-numeric value 'abc' in field 'pop' (" + csv +
                                      ":d:fid=1). Fix the data or choose another field with 'weight_field' in "
                                      "[demand].");
}

TEST(MessagesCli, ControlCharactersInDataAndPathsAreEscaped) {
  ScratchDir dir;
  // A property name with an escape character in it, and a layer name with a newline.
  const std::string demand = dir.file("demand.geojson");
  write(demand, "{\"type\": \"FeatureCollection\", \"name\": \"de\\nmand\", \"features\": [{\"type\": \"Feature\", "
                "\"properties\": {\"po\\u001bp\": 3}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [120.38, "
                "36.07]}}]}");
  const CliResult r = run({"zones", "--network", kFibre, "--sites", kSites, "--demand", demand, "--weight", "pop",
                           "--budget", "1ms", "--out", dir.file("z.gpkg")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err, "lightcone: error: field 'pop' not found (" + demand +
                       ":de\\nmand). Available fields: po\\x1bp. Fix --weight.\n");
  // A path with a newline.
  const std::string odd = dir.file("a\nb.gpkg");
  expect_error(run({"validate", "--network", odd}),
               "file not found (" + dir.path() + "/a\\nb.gpkg). Check the path given to --network.");
  // A NUL inside a scenario string: the message goes on past it.
  const std::string s = dir.file("s.toml");
  write(s, "[network]\npath = \"net\\u0000x.gpkg\"\n[sites]\npath = \"" + kSample +
               "\"\nlayer = \"sites\"\n[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n");
  expect_error(run({"check", s}), s + ":2: file not found: " + dir.path() +
                                      "/net\\0x.gpkg ('path' in [network]; paths are relative to the scenario file).");
}

// Issue 12, items 8, 12 and 18: scenario values that only show as wrong while the run
// goes (the surface's size at its cell size, the extent against the CRS's area of use,
// p against the sites that could open) are errors at the scenario's line, naming the
// key; the command line keeps naming its options.
TEST(MessagesCli, ScenarioValuesFoundWrongWhileRunningNameFileLineAndKey) {
  ScratchDir dir;
  const std::string base = "[network]\npath = \"" + kSample + "\"\nlayer = \"fibre\"\n[sites]\npath = \"" + kSample +
                           "\"\nlayer = \"sites\"\n[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n";
  const std::string s = dir.file("s.toml");
  write(s, base + "[surface]\ncell_size = \"1m\"\n");
  expect_error(run({"plan", s, "--out", dir.file("run")}),
               s + ":12: a latency surface of 721,068 x 435,273 cells of 1 m in WGS 84 / UTM zone 50N would have "
                   "313,861,431,564 cells, more than the cell budget of 25,000,000 ('max_cells' in [surface]). Use a "
                   "larger 'cell_size' in [surface] (1 km fits), raise 'max_cells' in [surface], or give a smaller "
                   "'extent' in [surface].");
  write(s, base + "[surface]\ncell_size = \"1m\"\nmax_cells = 1000000000000\n");
  expect_error(run({"plan", s, "--out", dir.file("run")}),
               s + ":12: latency surface of 721068 x 435273 cells would need 1169.2 GiB of memory. Use a larger "
                   "'cell_size' in [surface] or a smaller extent.");
  write(s, base + "[surface]\nmax_cells = 0\n");
  expect_error(run({"plan", s, "--out", dir.file("run")}),
               s + ":12: 'max_cells' in [surface] must be at least 1, e.g. 25000000.");
  write(s, base + "[surface]\nepsg = 32617\n");
  expect_error(run({"plan", s, "--out", dir.file("run")}),
               s + ":12: the surface extent (the largest zone's bounding box) [114.79, 34.3682, 122.629, 38.1572] lies "
                   "outside the area of use of EPSG:32617 (WGS 84 / UTM zone 17N: 84W to 78W, 0N to 84N), 'epsg' in "
                   "[surface]. Choose a projected CRS in metres such as EPSG:32650, or leave epsg out to let lightcone "
                   "choose.");
  write(s, base + "[surface]\nepsg = 4326\n");
  expect_error(run({"plan", s, "--out", dir.file("run")}),
               s + ":12: 'epsg' in [surface] = 4326 (WGS 84) is not a projected CRS (its unit is the degree): the "
                   "surface's cells are squares in metres. Choose a projected CRS in metres such as EPSG:32650, or "
                   "leave epsg out to let lightcone choose.");
  write(s, base + "[demand]\npath = \"" + kSample + "\"\nlayer = \"demand\"\n[placement]\nproblem = \"pmedian\"\n"
                  "p = 100\nbudget = \"3ms\"\n");
  expect_error(run({"check", s}),
               s + ":14: p = 100 is more than the 36 site(s) that could be opened (candidate or required). Lower p.");
  // The command line's wording is the options'.
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--budget", "1ms", "--cell-size", "1m", "--out",
                    dir.file("z.gpkg")}),
               "a latency surface of 721,068 x 435,273 cells of 1 m in WGS 84 / UTM zone 50N would have "
               "313,861,431,564 cells, more than the cell budget of 25,000,000 (--max-cells). Use a larger --cell-size "
               "(1 km fits), raise --max-cells, or give a smaller --surface-extent.");
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--budget", "1ms", "--max-cells", "25e6", "--out",
                    dir.file("z.gpkg")}),
               "invalid --max-cells '25e6': give the most cells the latency surface may have, a whole number from 1 to "
               "1000000000000, e.g. 25000000.");
  EXPECT_FALSE(std::filesystem::exists(dir.file("run/run.tif")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("z.gpkg")));
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--budget", "1ms", "--cell-size", "1m",
                    "--max-cells", "1000000000000", "--out", dir.file("z.gpkg")}),
               "latency surface of 721068 x 435273 cells would need 1169.2 GiB of memory. Use a larger --cell-size or "
               "a smaller extent.");
}

}  // namespace
}  // namespace lightcone
