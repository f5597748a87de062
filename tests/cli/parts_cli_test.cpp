// `lightcone plan --parts N --part I` and `lightcone merge` through the binary: the merged
// run directory is byte for byte the one `lightcone plan` writes on one machine (every
// file but timings.json: run.gpkg with coverage-driven chosen sites, zones, demand and
// targets, run.tif, maps, summary.json, reports, manifest.json), for N = 1, 2 and 5, on
// the Shandong sample and on Iris; so is the merge of a second round (`merge
// --solve-only`, then the demand parts `plan --parts N --part I --open SOLVEDIR`, then
// `merge` of both kinds of parts); bad parts and options exit 2.
#include <gtest/gtest.h>

#include <cpl_vsi.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kSource = LIGHTCONE_SOURCE_DIR;

// Every file under `dir`, relative, sorted.
std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

// The part counts the binary is run with. Under the sanitizers (ten times slower) one:
// tests/plan/parts_test.cpp covers N = 1, 2, 5 there, in process.
std::vector<int> part_counts() {
#if defined(LIGHTCONE_SANITIZED)
  return {2};
#else
  return {1, 2, 5};
#endif
}

// `left_to_the_merge`: adds the demand points the demand parts left to the merge.
void expect_merge_equals_plan(const std::string& scenario, std::size_t* left_to_the_merge = nullptr) {
  ScratchDir dir;
  const auto single = run_lightcone({"plan", scenario, "--out", dir.file("single")});
  ASSERT_EQ(single.code, 0) << single.err;
  const std::vector<std::string> files = files_under(dir.file("single"));
  ASSERT_GT(files.size(), 5u);
  for (int n : part_counts()) {
    std::vector<std::string> merge = {"merge", scenario};
    for (int i = n; i >= 1; --i) {  // any order
      const std::string part = dir.file("n" + std::to_string(n) + "_p" + std::to_string(i));
      const auto r = run_lightcone({"plan", scenario, "--parts", std::to_string(n), "--part", std::to_string(i),
                                    "--out", part, "--threads", "1"});
      ASSERT_EQ(r.code, 0) << r.err;
      merge.push_back(part);
    }
    const std::string out = dir.file("merged" + std::to_string(n));
    merge.insert(merge.end(), {"--out", out});
    const auto m = run_lightcone(merge);
    ASSERT_EQ(m.code, 0) << m.err;
    std::string printed = m.out;  // as plan prints it, but for the directory's name
    printed.replace(printed.find(out), out.size(), dir.file("single"));
    EXPECT_EQ(printed, single.out) << "merge prints what plan prints";
    EXPECT_EQ(files_under(out), files) << n << " parts";
    for (const std::string& f : files) {
      if (f == "timings.json") continue;
      EXPECT_TRUE(slurp(dir.file("single/" + f)) == slurp(out + "/" + f)) << f << " differs with " << n << " parts";
    }

    // Round 2: the open sites of a solve-only merge, the demand evaluated in parts (of
    // another N: regions need not match), and the merge of both kinds of parts.
    const std::string solve = dir.file("solve" + std::to_string(n));
    std::vector<std::string> solve_only(merge.begin(), merge.end() - 2);
    solve_only.insert(solve_only.end(), {"--solve-only", "--out", solve});
    const auto so = run_lightcone(solve_only);
    ASSERT_EQ(so.code, 0) << so.err;
    EXPECT_NE(so.out.find("solve only:"), std::string::npos) << so.out;
    const int nd = n + 1;
    std::vector<std::string> merge2(merge.begin(), merge.end() - 2);
    std::size_t zone_tiles = 0, zone_tiles_total = 0, zone_pieces = 0;
    for (int i = 1; i <= nd; ++i) {
      const std::string part = dir.file("n" + std::to_string(n) + "_d" + std::to_string(i));
      const auto r = run_lightcone({"plan", scenario, "--parts", std::to_string(nd), "--part", std::to_string(i),
                                    "--open", solve, "--out", part, "--threads", "1", "--json"});
      ASSERT_EQ(r.code, 0) << r.err;
      const auto info = nlohmann::json::parse(r.out);
      EXPECT_EQ(info["kind"], "demand evaluation");
      if (left_to_the_merge) *left_to_the_merge += info["demand"]["left_to_the_merge"].get<std::size_t>();
      ASSERT_TRUE(info["zones"].is_object()) << r.out;  // every scenario here has zones
      zone_tiles += info["zones"]["tiles"].get<std::size_t>();
      zone_tiles_total = info["zones"]["tiles_total"].get<std::size_t>();
      zone_pieces += info["zones"]["pieces"].get<std::size_t>();
      merge2.push_back(part);
    }
    // The demand parts built the zones' pieces: each tile in one part.
    EXPECT_EQ(zone_tiles, zone_tiles_total);
    EXPECT_GT(zone_pieces, 0u);
    const std::string out2 = dir.file("merged2_" + std::to_string(n));
    merge2.insert(merge2.end(), {"--out", out2});
    const auto m2 = run_lightcone(merge2);
    ASSERT_EQ(m2.code, 0) << m2.err;
    EXPECT_EQ(files_under(out2), files) << n << " + " << nd << " parts";
    for (const std::string& f : files) {
      if (f == "timings.json") continue;
      EXPECT_TRUE(slurp(dir.file("single/" + f)) == slurp(out2 + "/" + f))
          << f << " differs with " << n << " coverage and " << nd << " demand parts";
    }
  }
}

TEST(PartsCli, MergeOfTheSampleInPartsIsThePlan) {
  expect_merge_equals_plan(kSource + "/tests/data/parts/sample_mclp.toml");
}

TEST(PartsCli, MergeOfIrisInPartsIsThePlan) { expect_merge_equals_plan(kSource + "/tests/data/parts/iris_pmedian.toml"); }

// Demand beyond the largest budget (1 ms): the demand parts leave it to the merge.
TEST(PartsCli, MergeOfTheSampleWithDemandBeyondEveryBudgetIsThePlan) {
#if defined(LIGHTCONE_SANITIZED)
  GTEST_SKIP() << "under the sanitizers in process only (PlanParts.DemandPartsLeaveDemandBeyondEveryBudgetToTheMerge)";
#endif
  std::size_t left = 0;
  expect_merge_equals_plan(kSource + "/tests/data/parts/sample_lscp_1ms.toml", &left);
  EXPECT_GT(left, 0u);
}

// Inputs on storage every worker sees may be GDAL virtual paths (/vsis3/, /vsicurl/, ...):
// the sample inside a zip read through /vsizip/ stands in for them here.
TEST(PartsCli, PartsReadGdalVirtualPaths) {
  ScratchDir dir;
  const std::string zip = "/vsizip/" + dir.file("sample.zip") + "/shandong_sample.gpkg";
  {
    const std::string bytes = slurp(kSource + "/data/shandong_sample.gpkg");
    VSILFILE* f = VSIFOpenL(zip.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(VSIFWriteL(bytes.data(), 1, bytes.size(), f), bytes.size());
    VSIFCloseL(f);
  }
  std::string scenario = slurp(kSource + "/tests/data/parts/sample_mclp.toml");
  for (std::size_t at; (at = scenario.find("../../../data/shandong_sample.gpkg")) != std::string::npos;)
    scenario.replace(at, std::string("../../../data/shandong_sample.gpkg").size(), zip);
  test::write_file(dir.file("s.toml"), scenario);
  ASSERT_EQ(run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("single")}).code, 0);
  for (const char* i : {"1", "2"}) {
    const auto r = run_lightcone({"plan", dir.file("s.toml"), "--parts", "2", "--part", i, "--out", dir.file(std::string("p") + i)});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  const auto m = run_lightcone({"merge", dir.file("s.toml"), dir.file("p1"), dir.file("p2"), "--out", dir.file("merged")});
  ASSERT_EQ(m.code, 0) << m.err;
  for (const std::string& f : files_under(dir.file("single"))) {
    if (f == "timings.json") continue;
    EXPECT_TRUE(slurp(dir.file("single/" + f)) == slurp(dir.file("merged/" + f))) << f;
  }
}

TEST(PartsCli, BadOptionsAndPartsExitTwo) {
  ScratchDir dir;
  const std::string scenario = kSource + "/tests/data/parts/iris_pmedian.toml";
  auto r = run_lightcone({"plan", scenario, "--parts", "3", "--out", dir.file("p")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--parts and --part go together"), std::string::npos) << r.err;
  r = run_lightcone({"plan", scenario, "--parts", "3", "--part", "4", "--out", dir.file("p")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("numbered 1 to N"), std::string::npos) << r.err;
  r = run_lightcone({"plan", kSource + "/data/iris.toml", "--parts", "2", "--part", "1", "--out", dir.file("p")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("no [placement]"), std::string::npos) << r.err;
  ASSERT_EQ(run_lightcone({"plan", scenario, "--parts", "2", "--part", "1", "--out", dir.file("p1")}).code, 0);
  r = run_lightcone({"merge", scenario, dir.file("p1"), "--out", dir.file("run")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("part(s) 2 of 2 missing"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("run/summary.json")));
  r = run_lightcone({"merge", kSource + "/tests/data/parts/sample_mclp.toml", dir.file("p1"), "--out", dir.file("run")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("another scenario or other inputs"), std::string::npos) << r.err;
  // The second round: --open needs --parts and --part, and a SOLVEDIR.
  r = run_lightcone({"plan", scenario, "--open", dir.file("p1"), "--out", dir.file("d")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--open goes with --parts N --part I"), std::string::npos) << r.err;
  r = run_lightcone({"plan", scenario, "--parts", "2", "--part", "1", "--open", dir.path(), "--out", dir.file("d")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("no manifest.json"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("d/part.json")));
  r = run_lightcone({"plan", scenario, "--parts", "2", "--part", "1", "--open", dir.file("p1"), "--out", dir.file("d")});
  EXPECT_EQ(r.code, 2) << r.err;  // a part is no SOLVEDIR
  EXPECT_NE(r.err.find("open_sites.json is missing or unreadable"), std::string::npos) << r.err;
  r = run_lightcone({"merge", scenario, dir.file("p1"), "--solve-only", "--out", "PG:dbname=x:s"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("not PostGIS"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lightcone
