// `lightcone place --largest-component` and the warning on open sites that sit on a small
// network component (issue 13 item 4). A main line with two candidates and a two-node
// island (as missing coordinates make them) with its own candidate and heavy demand:
// without the flag p-median opens the island's site and says so; with it the island's
// site and demand are left out, and the plan equals the plan on the data filtered by
// hand (--sites-where / --demand-where: an independent way to leave them out).
#include <gtest/gtest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <nlohmann/json.hpp>

#include "io/gdal_fixture.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

std::string write_island_fixture(const ScratchDir& dir) {
  test::LayerFixture fibre;
  fibre.name = "fibre";
  fibre.fields = {{"name", OFTString}};
  fibre.features = {{1, "LINESTRING (120.30 36.10,120.35 36.10)", {"a"}, nullptr},
                    {2, "LINESTRING (120.35 36.10,120.40 36.10)", {"b"}, nullptr},
                    {3, "LINESTRING (120.40 36.10,120.45 36.10)", {"c"}, nullptr},
                    {4, "LINESTRING (120.60 36.20,120.61 36.20)", {"island"}, nullptr}};
  test::LayerFixture sites;
  sites.name = "sites";
  sites.type = wkbPoint;
  sites.fields = {{"site_id", OFTString}};
  sites.features = {{1, "POINT (120.30 36.101)", {"A"}, nullptr},
                    {2, "POINT (120.45 36.101)", {"B"}, nullptr},
                    {3, "POINT (120.605 36.201)", {"C"}, nullptr}};
  test::LayerFixture demand;
  demand.name = "demand";
  demand.type = wkbPoint;
  demand.fields = {{"pop", OFTReal}};
  demand.features = {{1, "POINT (120.31 36.102)", {"10"}, nullptr},
                     {2, "POINT (120.44 36.102)", {"20"}, nullptr},
                     {3, "POINT (120.38 36.102)", {"5"}, nullptr},
                     {4, "POINT (120.606 36.202)", {"50"}, nullptr}};
  const std::string gpkg = dir.file("island.gpkg");
  test::write_fixture(gpkg, "GPKG", {fibre, sites, demand});
  return gpkg;
}

std::vector<std::string> open_site_ids(const nlohmann::json& j) {
  std::vector<std::string> ids;
  for (const auto& s : j["open_sites"]) ids.push_back(s["site_id"].get<std::string>());
  return ids;
}

std::vector<std::string> place(const std::string& gpkg, std::vector<std::string> extra) {
  std::vector<std::string> a{"place",  "--network", gpkg + ":fibre", "--sites",  gpkg + ":sites",
                             "--demand", gpkg + ":demand", "--weight", "pop", "--json"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST(LargestComponentCli, WarnsWhenAnOpenSiteIsOnAnIsland) {
  ScratchDir dir;
  const std::string gpkg = write_island_fixture(dir);
  // Without a budget every demand needs a site on its own component: the island's site is
  // opened for its heavy demand, and named in a warning (3 nodes: the line's ends and the
  // point where C attaches; 6 on the main line).
  const CliResult r = run_lightcone(place(gpkg, {"--problem", "pmedian", "--p", "2"}));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto open = open_site_ids(j);
  ASSERT_NE(std::find(open.begin(), open.end(), "C"), open.end()) << r.out;
  ASSERT_TRUE(j.contains("warnings")) << r.out;
  std::size_t naming_c = 0;
  for (const auto& w : j["warnings"]) {
    const std::string text = w.get<std::string>();
    if (text.find("open site C is on a network component of 3 node(s), not the largest (6 nodes)") != std::string::npos) ++naming_c;
    EXPECT_EQ(text.find("open site A"), std::string::npos) << text;
    EXPECT_EQ(text.find("open site B"), std::string::npos) << text;
  }
  EXPECT_EQ(naming_c, 1u) << r.out;
  EXPECT_FALSE(j.contains("largest_component"));
}

TEST(LargestComponentCli, LeavesOutWhatIsOffTheLargestComponent) {
  ScratchDir dir;
  const std::string gpkg = write_island_fixture(dir);
  for (const auto& problem : std::vector<std::vector<std::string>>{{"--problem", "pmedian", "--p", "1"},
                                                                   {"--problem", "pcenter", "--p", "1"},
                                                                   {"--problem", "lscp", "--budget", "1ms"},
                                                                   {"--problem", "mclp", "--p", "1", "--budget", "0.2ms"}}) {
    SCOPED_TRACE(problem[1]);
    std::vector<std::string> with = problem;
    with.insert(with.end(), {"--largest-component", "--out", dir.file(problem[1] + ".gpkg")});
    const CliResult r = run_lightcone(place(gpkg, with));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["largest_component"]["sites_left_out"], 1);
    EXPECT_EQ(j["largest_component"]["demand_features_left_out"], 1);
    EXPECT_DOUBLE_EQ(j["largest_component"]["weight_left_out"].get<double>(), 50.0);
    EXPECT_FALSE(j.contains("warnings")) << r.out;
    const auto open = open_site_ids(j);
    EXPECT_EQ(std::find(open.begin(), open.end(), "C"), open.end());
    const auto reasons = test::texts_by_source_fid(dir.file(problem[1] + ".gpkg"), "uncovered", "reason");
    EXPECT_EQ(reasons.at(4), "off the largest network component (--largest-component)");

    // The oracle: the same problem on the data without the island's site and demand.
    std::vector<std::string> filtered = problem;
    filtered.insert(filtered.end(), {"--sites-where", "site_id <> 'C'", "--demand-where", "fid <> 4"});
    const CliResult f = run_lightcone(place(gpkg, filtered));
    ASSERT_EQ(f.code, 0) << f.out << f.err;
    const auto jf = nlohmann::json::parse(f.out);
    EXPECT_EQ(jf["status"], j["status"]);
    EXPECT_EQ(jf["objective"], j["objective"]);
    EXPECT_EQ(jf["bound"], j["bound"]);
    EXPECT_EQ(open_site_ids(jf), open);
  }
}

}  // namespace
}  // namespace lightcone
