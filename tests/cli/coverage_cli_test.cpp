// `lightcone place --coverage FILE`: placement on a measured latency table, no network.
// The oracle is the network run itself: its own coverage, written with --write-coverage
// and read back with --coverage, gives the same plan (status, objective, bound, open
// sites, assignments) for every problem. Bad tables are refused with exit 2 naming the
// file, the row and the fix; --survive needs a network; the table's metric is the user's
// to state (DEFAULT: the run's); the GeoPackage holds attribute tables and states the
// measured model.
#include <gtest/gtest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::dir_entries;
using test::expect_input_error;
using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

using test::write_file;

// The sites and demand options both runs share (layers of the sample as tables).
std::vector<std::string> shared_inputs(const std::string& where) {
  return {"--sites", kSample + ":sites", "--demand", kSample + ":demand", "--weight", "pop", "--demand-where", where};
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// demand id → (site id, latency) of the assignments table of a run GeoPackage.
std::map<std::string, std::pair<std::string, double>> assignments(const std::string& gpkg, const std::string& key) {
  GDALAllRegister();
  std::map<std::string, std::pair<std::string, double>> out;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  if (!ds) return out;
  if (OGRLayer* l = ds->GetLayerByName("assignments")) {
    l->ResetReading();
    while (OGRFeature* f = l->GetNextFeature()) {
      out[f->GetFieldAsString(key.c_str())] = {f->GetFieldAsString("site_id"), f->GetFieldAsDouble("latency_us")};
      OGRFeature::DestroyFeature(f);
    }
  }
  GDALClose(ds);
  return out;
}

TEST(CoverageCli, MeasuredTableOfTheNetworkRunGivesTheNetworkRunsPlan) {
  struct Case {
    std::string name;
    std::string where;
    std::vector<std::string> args;
  };
  const std::string qingdao = "in_qingdao = 1";
  const std::vector<Case> cases = {
      {"lscp", qingdao, {"--problem", "lscp", "--budget", "1ms", "--uncoverable", "skip"}},
      {"lscp-k2-costs", qingdao,
       {"--problem", "lscp", "--budget", "2ms", "--k", "2", "--cost-field", "cost", "--uncoverable", "skip"}},
      {"lscp-capacity", qingdao,
       {"--problem", "lscp", "--budget", "3ms", "--capacity-field", "capacity", "--uncoverable", "skip"}},
      {"mclp-fixed-sites", qingdao, {"--problem", "mclp", "--p", "2", "--budget", "0.5ms", "--status-field", "status"}},
      {"mclp-tiers-money", "in_qingdao = 1 OR prefecture = 370200",
       {"--problem", "mclp", "--p", "3", "--budget", "3ms", "--tier", "in_qingdao = 1:0.5ms", "--cost-field", "cost",
        "--money", "5", "--status-field", "status"}},
      {"pmedian", qingdao, {"--problem", "pmedian", "--p", "2", "--budget", "3ms", "--uncoverable", "skip"}},
      {"pmedian-all-pairs", qingdao,
       {"--problem", "pmedian", "--p", "2", "--uncoverable", "skip", "--status-field", "status"}},
      {"pcenter", qingdao,
       {"--problem", "pcenter", "--p", "2", "--budget", "3ms", "--uncoverable", "skip", "--status-field", "status"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScratchDir dir;
    const std::string table = dir.file("coverage.csv");
    const CliResult net = run_lightcone(concat(concat({"place", "--network", kSample + ":fibre"}, shared_inputs(c.where)),
                                               concat(c.args, {"--json", "--write-coverage", table, "--out",
                                                               dir.file("net.gpkg")})));
    ASSERT_EQ(net.code, 0) << net.err << net.out;
    ASSERT_TRUE(std::filesystem::exists(table));
    const CliResult measured =
        run_lightcone(concat(concat({"place", "--coverage", table}, shared_inputs(c.where)),
                             concat(c.args, {"--json", "--out", dir.file("measured.gpkg")})));
    ASSERT_EQ(measured.code, 0) << measured.err << measured.out;
    EXPECT_EQ(measured.err, "");
    const auto a = nlohmann::json::parse(net.out);
    const auto b = nlohmann::json::parse(measured.out);
    for (const char* key : {"status", "objective", "bound", "gap", "open_sites", "new_sites", "objective_is"})
      EXPECT_EQ(a[key], b[key]) << key;
    EXPECT_EQ(b["model"]["source"], "measured table");
    const std::string pairs = slurp(table);
    EXPECT_EQ(b["measured"]["pairs"].get<std::ptrdiff_t>(), std::count(pairs.begin(), pairs.end(), '\n') - 1);
    // The same demand served by the same site at the same latency.
    const auto na = assignments(dir.file("net.gpkg"), "source_fid");
    const auto ma = assignments(dir.file("measured.gpkg"), "demand_id");
    ASSERT_FALSE(na.empty());
    EXPECT_EQ(na, ma);
  }
}

TEST(CoverageCli, TheTableSaysWhetherItIsRttOrOneWay) {
  ScratchDir dir;
  // Site a reaches demand 1 in 600 us, site b reaches demand 1 and 2 in 900 us.
  write_file(dir.file("t.csv"), "demand_id,site_id,latency_us\n1,a,600\n1,b,900\n2,b,900\n");
  auto run = [&](std::vector<std::string> extra) {
    if (std::find(extra.begin(), extra.end(), "--problem") == extra.end()) extra.insert(extra.end(), {"--problem", "lscp"});
    return run_lightcone(concat({"place", "--coverage", dir.file("t.csv"), "--json"}, extra));
  };
  // RTT values (DEFAULT: the run's metric, rtt) within 1 ms RTT: b covers both.
  const CliResult rtt = run({"--budget", "1ms"});
  ASSERT_EQ(rtt.code, 0) << rtt.err;
  auto j = nlohmann::json::parse(rtt.out);
  EXPECT_EQ(j["objective"], 1.0);
  EXPECT_EQ(j["open_sites"][0]["site_id"], "b");
  EXPECT_NE(j["model"]["description"].get<std::string>().find("latency from a measured table " + dir.file("t.csv")),
            std::string::npos);
  EXPECT_EQ(j["model"]["table_metric"], "rtt");
  // One-way values: 600 us one-way is 1.2 ms RTT, 900 us is 1.8 ms, beyond 1.5 ms RTT:
  // a covers demand 1, nothing covers demand 2.
  const CliResult one_way = run({"--budget", "1.5ms", "--coverage-metric", "one-way"});
  EXPECT_EQ(one_way.code, 1) << one_way.out;
  EXPECT_EQ(nlohmann::json::parse(one_way.out)["uncoverable_demand_ids"], nlohmann::json::array({"2"}));
  // The same one-way table in a one-way run within 1 ms: covered again; objectives in the run's metric.
  const CliResult both = run({"--budget", "1ms", "--metric", "one-way", "--coverage-metric", "one-way"});
  ASSERT_EQ(both.code, 0) << both.err;
  EXPECT_EQ(nlohmann::json::parse(both.out)["objective"], 1.0);
  // p-center: the worst latency is reported in the run's metric (RTT table, RTT run: as given).
  const CliResult center = run({"--problem", "pcenter", "--p", "1"});
  ASSERT_EQ(center.code, 0) << center.err;
  EXPECT_EQ(nlohmann::json::parse(center.out)["objective"], 900.0);
  const CliResult center_ow = run({"--problem", "pcenter", "--p", "1", "--metric", "one-way", "--coverage-metric", "rtt"});
  ASSERT_EQ(center_ow.code, 0) << center_ow.err;
  EXPECT_EQ(nlohmann::json::parse(center_ow.out)["objective"], 450.0);
}

TEST(CoverageCli, GeoPackageHoldsAttributeTablesAndStatesTheMeasuredModel) {
  ScratchDir dir;
  write_file(dir.file("t.csv"), "demand_id,site_id,latency_us\nd1,a,600\nd1,b,900\nd2,b,900\nd3,a,2500\n");
  write_file(dir.file("demand.csv"), "demand_id,pop\nd1,10\nd2,5\nd3,1\n");
  write_file(dir.file("sites.csv"), "site_id,cost,status\na,1,existing\nb,3,candidate\nc,1,candidate\n");
  const CliResult r = run_lightcone({"place", "--coverage", dir.file("t.csv"), "--demand", dir.file("demand.csv"),
                                     "--weight", "pop", "--sites", dir.file("sites.csv"), "--cost-field", "cost",
                                     "--status-field", "status", "--problem", "mclp", "--p", "1", "--budget", "1ms",
                                     "--out", dir.file("run.gpkg"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // a is existing (covers d1, weight 10); one new site: b adds d2 (5), c adds nothing.
  EXPECT_EQ(j["objective"], 15.0);
  EXPECT_EQ(j["status"], "optimal");
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(
      GDALOpenEx(dir.file("run.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  ASSERT_NE(ds, nullptr);
  for (const char* name : {"sites", "demand", "uncovered", "assignments", "run_info"}) {
    OGRLayer* l = ds->GetLayerByName(name);
    ASSERT_NE(l, nullptr) << name;
    EXPECT_EQ(l->GetLayerDefn()->GetGeomFieldCount(), 0) << name;
  }
  OGRLayer* unc = ds->GetLayerByName("uncovered");
  ASSERT_EQ(unc->GetFeatureCount(), 1);
  unc->ResetReading();
  OGRFeature* f = unc->GetNextFeature();
  EXPECT_STREQ(f->GetFieldAsString("demand_id"), "d3");
  OGRFeature::DestroyFeature(f);
  std::string description;
  OGRLayer* info = ds->GetLayerByName("run_info");
  info->ResetReading();
  while (OGRFeature* g = info->GetNextFeature()) {
    if (std::string(g->GetFieldAsString("key")) == "description") description = g->GetFieldAsString("value");
    OGRFeature::DestroyFeature(g);
  }
  GDALClose(ds);
  EXPECT_EQ(description, "round trip (RTT = 2 x one-way); latency from a measured table " + dir.file("t.csv") +
                             ", as given (its values are RTT); no fibre model");
}

TEST(CoverageCli, BadTablesAreRefusedNamingFileRowAndFix) {
  ScratchDir dir;
  const std::string t = dir.file("t.csv");
  auto refused = [&](const std::string& text, std::vector<std::string> extra = {}) {
    write_file(t, text);
    return run_lightcone(concat({"place", "--coverage", t, "--problem", "lscp", "--budget", "1ms"}, extra));
  };
  expect_input_error(refused("demand_id,site,latency_us\n1,a,5\n"),
                     "field 'site_id' not found in " + t + ":t. Fields: demand_id, site, latency_us.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,a,fast\n"),
                     "'fast' in field 'latency_us' is not a number (" + t +
                         ":t:fid=2). Write a plain number, e.g. 250 or 1234.5.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,a,\n"),
                     "no value in field 'latency_us' (" + t + ":t:fid=2). Every row needs a number there.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,a,-3\n"),
                     "negative latency -3 us (" + t +
                         ":t:fid=2). Latencies are measured delays in microseconds, >= 0; fix or drop the row.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,a,7\n1,a,6\n"),
                     "demand '1' and site 'a' are given twice (fid 1 and 3, " + t +
                         ":t). Give each pair once (e.g. the median of the probes).");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,2000000\n"),
                     "latency 2000000 us (" + t + ":t:fid=1) is more than 1 s. Give latency_us in microseconds (1 ms = 1000).");
  write_file(dir.file("sites.csv"), "site_id,cost\na,1\nb,2\n");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,z,7\n", {"--sites", dir.file("sites.csv")}),
                     "unknown site_id 'z' (" + t + ":t:fid=2): the sites table " + dir.file("sites.csv") +
                         " has no such site_id. Add it there or drop the row.");
  write_file(dir.file("demand.csv"), "demand_id,pop\n1,3\n");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n2,a,7\n", {"--demand", dir.file("demand.csv")}),
                     "unknown demand_id '2' (" + t + ":t:fid=2): the demand table " + dir.file("demand.csv") +
                         " has no such demand_id. Add it there or drop the row.");
  write_file(dir.file("sites2.csv"), "site_id,cost\na,1\na,2\n");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n", {"--sites", dir.file("sites2.csv")}),
                     "id 'a' in field 'site_id' repeats (fid 1 and 2, " + dir.file("sites2.csv") +
                         ":sites2). Ids must be unique.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n", {"--cost-field", "cost"}),
                     "--cost-field names a field of the sites table: give the table with --sites PATH[:LAYER] "
                     "(columns site_id, cost).");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n", {"--survive"}),
                     "--survive and --srlg-field need a network (coverage after fibre cuts); a measured latency table "
                     "(--coverage) has no fibres. Drop the option, or use --network instead of --coverage.");
  expect_input_error(refused("demand_id,site_id,latency_us\n1,a,5\n", {"--network", kSample + ":fibre"}),
                     "give either --network (latency modelled on the fibre) or --coverage (a measured latency table), "
                     "not both.");
  expect_input_error(run_lightcone({"place", "--coverage", dir.file("missing.csv"), "--problem", "lscp", "--budget",
                                    "1ms"}),
                     "file not found (" + dir.file("missing.csv") + "). Check the path given to --coverage.");
  expect_input_error(run_lightcone({"place", "--problem", "lscp", "--budget", "1ms"}),
                     "place needs --network PATH[:LAYER] (fibre lines), or --coverage FILE (a measured latency table: "
                     "demand_id, site_id, latency_us).");
  // Nothing was written beside the tables.
  for (const std::string& e : dir_entries(dir.path())) EXPECT_NE(e.substr(e.size() - 5), ".gpkg") << e;
}

}  // namespace
}  // namespace lightcone
