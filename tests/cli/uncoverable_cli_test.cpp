// `lightcone place --uncoverable skip` (LSCP, p-median, p-center): demand no candidate can
// serve within the budget (or at all, on another network component) is left out and
// listed in the `uncovered` layer with its reason; the plan for the rest equals the plan
// on the data without those points; the summary states the weight left out. The default
// stays fail (infeasible, exit 1).
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

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

std::vector<std::string> place(const std::string& where, std::vector<std::string> extra) {
  std::vector<std::string> args{"place",    "--network",      kSample + ":fibre", "--sites", kSample + ":sites",
                                "--status-field", "status",   "--demand", kSample + ":demand", "--weight", "pop",
                                "--demand-where", where,      "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> open_site_ids(const nlohmann::json& j) {
  std::vector<std::string> ids;
  for (const auto& s : j["open_sites"]) ids.push_back(s["site_id"].get<std::string>());
  return ids;
}

TEST(UncoverableCli, SkipSolvesForTheRestAsIfThosePointsWereNotThere) {
  const std::string qingdao = "in_qingdao = 1";
  for (const auto& problem : std::vector<std::vector<std::string>>{
           {"--problem", "lscp", "--budget", "1ms"},
           {"--problem", "pmedian", "--p", "2", "--budget", "1ms"},
           {"--problem", "pcenter", "--p", "2", "--budget", "1ms"}}) {
    SCOPED_TRACE(problem[1]);
    // The default: infeasible, naming the uncoverable demand.
    const CliResult fail = run_lightcone(place(qingdao, problem));
    ASSERT_EQ(fail.code, 1) << fail.out;
    const auto jf = nlohmann::json::parse(fail.out);
    EXPECT_EQ(jf["status"], "infeasible");
    std::vector<std::int64_t> uncoverable = jf["uncoverable_demand_fids"].get<std::vector<std::int64_t>>();
    ASSERT_FALSE(uncoverable.empty());

    ScratchDir dir;
    std::vector<std::string> skip = problem;
    skip.insert(skip.end(), {"--uncoverable", "skip", "--out", dir.file("skip.gpkg")});
    const CliResult r = run_lightcone(place(qingdao, skip));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["status"], "optimal");
    EXPECT_EQ(j["uncoverable_demand_fids"].get<std::vector<std::int64_t>>(), uncoverable);
    EXPECT_EQ(j["uncoverable"]["mode"], "skip");
    EXPECT_EQ(j["uncoverable"]["demand_features_left_out"], uncoverable.size());

    // The uncovered layer lists exactly them, with the reason; their weight is the one left out.
    const auto reasons = test::texts_by_source_fid(dir.file("skip.gpkg"), "uncovered", "reason");
    const auto weights = test::texts_by_source_fid(dir.file("skip.gpkg"), "uncovered", "weight");
    std::vector<std::int64_t> listed;
    double weight = 0.0;
    for (const auto& [fid, reason] : reasons) {
      listed.push_back(fid);
      EXPECT_EQ(reason, "no candidate within budget") << fid;
      weight += std::stod(weights.at(fid));
    }
    EXPECT_EQ(listed, uncoverable);
    EXPECT_NEAR(j["uncoverable"]["weight_left_out"].get<double>(), weight, 1e-6 * weight);

    // The same problem on the data without those points.
    std::string without = qingdao + " AND fid NOT IN (";
    for (std::size_t i = 0; i < uncoverable.size(); ++i) without += (i ? "," : "") + std::to_string(uncoverable[i]);
    without += ")";
    const CliResult rest = run_lightcone(place(without, problem));
    ASSERT_EQ(rest.code, 0) << rest.out << rest.err;
    const auto jr = nlohmann::json::parse(rest.out);
    EXPECT_EQ(jr["status"], j["status"]);
    EXPECT_EQ(jr["objective"], j["objective"]);
    EXPECT_EQ(jr["bound"], j["bound"]);
    EXPECT_EQ(open_site_ids(jr), open_site_ids(j));
    EXPECT_TRUE(jr["uncoverable_demand_fids"].empty());
  }
}

// p-median without a budget on a network in two pieces: the demand on the piece without a
// candidate is left out, with its reason.
TEST(UncoverableCli, PMedianSkipsDemandOnAnotherComponent) {
  ScratchDir dir;
  test::LayerFixture fibre;
  fibre.name = "fibre";
  fibre.fields = {{"name", OFTString}};
  fibre.features = {{1, "LINESTRING (120.30 36.10,120.35 36.10)", {"a"}, nullptr},
                    {2, "LINESTRING (120.35 36.10,120.40 36.10)", {"b"}, nullptr},
                    {3, "LINESTRING (121.30 36.10,121.35 36.10)", {"island"}, nullptr}};
  test::LayerFixture sites;
  sites.name = "sites";
  sites.type = wkbPoint;
  sites.fields = {{"site_id", OFTString}};
  sites.features = {{1, "POINT (120.30 36.101)", {"A"}, nullptr}, {2, "POINT (120.40 36.101)", {"B"}, nullptr}};
  test::LayerFixture demand;
  demand.name = "demand";
  demand.type = wkbPoint;
  demand.fields = {{"pop", OFTReal}};
  demand.features = {{1, "POINT (120.31 36.102)", {"10"}, nullptr},
                     {2, "POINT (120.39 36.102)", {"20"}, nullptr},
                     {3, "POINT (121.32 36.102)", {"5"}, nullptr}};
  const std::string gpkg = dir.file("two.gpkg");
  test::write_fixture(gpkg, "GPKG", {fibre, sites, demand});
  const std::vector<std::string> base{"place", "--network", gpkg + ":fibre", "--sites", gpkg + ":sites", "--demand",
                                      gpkg + ":demand", "--weight", "pop", "--problem", "pmedian", "--p", "1", "--json"};
  const CliResult fail = run_lightcone(base);
  EXPECT_EQ(fail.code, 1) << fail.out;
  std::vector<std::string> skip = base;
  skip.insert(skip.end(), {"--uncoverable", "skip", "--out", dir.file("p.gpkg")});
  const CliResult r = run_lightcone(skip);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["uncoverable_demand_fids"], nlohmann::json::array({3}));
  EXPECT_DOUBLE_EQ(j["uncoverable"]["weight_left_out"].get<double>(), 5.0);
  EXPECT_EQ(open_site_ids(j), std::vector<std::string>{"B"});  // the heavier demand's side
  const auto reasons = test::texts_by_source_fid(dir.file("p.gpkg"), "uncovered", "reason");
  EXPECT_EQ(reasons, (std::map<std::int64_t, std::string>{{3, "no candidate reachable (another network component)"}}));
}

TEST(UncoverableCli, BadValueExits2) {
  const CliResult r = run_lightcone(place("in_qingdao = 1", {"--problem", "lscp", "--budget", "1ms", "--uncoverable", "drop"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "lightcone: error: unknown value 'drop' for --uncoverable. Use fail or skip.\n");
}

}  // namespace
}  // namespace lightcone
