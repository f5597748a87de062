// `lightcone plan` with [coverage]: placement on a measured latency table, no network.
// The oracle is the network plan of the same scenario: the coverage pairs of the same
// placement on the network (`place --write-coverage`), read back through [coverage], give
// the same plan (status, objective, bound, open sites) and the same demand_share target.
// What needs a network or geometry is refused with exit 2 naming the file, the line, the
// table and the fix; the run directory is byte-identical across runs (run.gpkg).
#include <gtest/gtest.h>

#include <fstream>
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

// The tables both scenarios share: sites (with their status), Qingdao's demand, the model,
// an LSCP placement and a demand_share target.
std::string shared_tables(const std::string& placement) {
  return "[sites]\npath = \"" + kSample + "\"\nlayer = \"sites\"\n"
         "[demand]\npath = \"" + kSample + "\"\nlayer = \"demand\"\nwhere = \"in_qingdao = 1\"\nweight_field = \"pop\"\n"
         "[model]\nmetric = \"rtt\"\n" + placement +
         "[[target]]\nname = \"share\"\nkind = \"demand_share\"\nbudget = \"1ms\"\nmin_share = 0.5\n";
}

std::string network_scenario(const std::string& placement) {
  return "name = \"net\"\n[network]\npath = \"" + kSample + "\"\nlayer = \"fibre\"\n" + shared_tables(placement) +
         "[zones]\nbudgets = [\"1ms\"]\n[surface]\nenabled = false\n";
}

std::string coverage_scenario(const std::string& placement, const std::string& coverage = "[coverage]\npath = \"coverage.csv\"\n") {
  return "name = \"measured\"\n" + coverage + shared_tables(placement);
}

TEST(PlanCoverageCli, TheNetworkRunsOwnCoverageGivesTheNetworkPlan) {
  struct Case {
    std::string name;
    std::string placement;             // [placement] of both scenarios
    std::vector<std::string> place;    // the same placement for `place --write-coverage`
  };
  const std::vector<Case> cases = {
      {"lscp", "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\nuncoverable = \"skip\"\n",
       {"--problem", "lscp", "--budget", "1ms", "--uncoverable", "skip"}},
      {"mclp", "[placement]\nproblem = \"mclp\"\np = 2\nbudget = \"0.5ms\"\n",
       {"--problem", "mclp", "--p", "2", "--budget", "0.5ms"}},
      {"pmedian", "[placement]\nproblem = \"pmedian\"\np = 3\nuncoverable = \"skip\"\n",
       {"--problem", "pmedian", "--p", "3", "--uncoverable", "skip"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScratchDir dir;
    std::vector<std::string> place = {"place", "--network", kSample + ":fibre", "--sites", kSample + ":sites",
                                      "--status-field", "status", "--demand", kSample + ":demand", "--demand-where",
                                      "in_qingdao = 1", "--weight", "pop", "--write-coverage", dir.file("coverage.csv"),
                                      "--out", dir.file("place.gpkg")};
    place.insert(place.end(), c.place.begin(), c.place.end());
    const CliResult exported = run_lightcone(place);
    ASSERT_EQ(exported.code, 0) << exported.err;
    write_file(dir.file("net.toml"), network_scenario(c.placement));
    write_file(dir.file("measured.toml"), coverage_scenario(c.placement));
    const CliResult net = run_lightcone({"plan", dir.file("net.toml"), "--out", dir.file("net")});
    ASSERT_EQ(net.code, 0) << net.err;
    const CliResult measured = run_lightcone({"plan", dir.file("measured.toml"), "--out", dir.file("measured")});
    ASSERT_EQ(measured.code, 0) << measured.err;
    EXPECT_EQ(measured.err, "");
    const auto a = nlohmann::json::parse(slurp(dir.file("net/summary.json")));
    const auto b = nlohmann::json::parse(slurp(dir.file("measured/summary.json")));
    for (const char* key : {"status", "objective", "bound", "objective_is", "new_sites"})
      EXPECT_EQ(a["placement"][key], b["placement"][key]) << key;
    ASSERT_EQ(a["placement"]["open_sites"].size(), b["placement"]["open_sites"].size());
    for (std::size_t i = 0; i < a["placement"]["open_sites"].size(); ++i)
      EXPECT_EQ(a["placement"]["open_sites"][i]["site_id"], b["placement"]["open_sites"][i]["site_id"]);
    EXPECT_EQ(b["model"]["source"], "measured table");
    EXPECT_EQ(a["targets"][0]["verdict"], b["targets"][0]["verdict"]);
    if (c.name != "mclp") {  // lscp and p-median assign each demand to its nearest open site
      EXPECT_DOUBLE_EQ(a["targets"][0]["actual"].get<double>(), b["targets"][0]["actual"].get<double>());
    }
    // What a run without a network writes: no maps, no surface.
    EXPECT_EQ(dir_entries(dir.file("measured")),
              (std::vector<std::string>{"manifest.json", "report.html", "report.md", "run.gpkg", "summary.json",
                                        "timings.json"}));
    EXPECT_NE(slurp(dir.file("measured/report.md")).find("No network"), std::string::npos);
  }
}

TEST(PlanCoverageCli, RunsAreByteIdentical) {
  ScratchDir dir;
  write_file(dir.file("coverage.csv"), "demand_id,site_id,latency_us\nd1,a,600\nd1,b,900\nd2,b,900\nd3,c,400\n");
  write_file(dir.file("s.toml"), "name = \"tiny\"\n[coverage]\npath = \"coverage.csv\"\n[model]\nmetric = \"rtt\"\n"
                                 "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n");
  const CliResult a = run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("a")});
  ASSERT_EQ(a.code, 0) << a.err;
  const CliResult b = run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("b")});
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(slurp(dir.file("a/run.gpkg")), slurp(dir.file("b/run.gpkg")));
  EXPECT_EQ(slurp(dir.file("a/summary.json")), slurp(dir.file("b/summary.json")));
  EXPECT_EQ(slurp(dir.file("a/report.html")), slurp(dir.file("b/report.html")));
  // b and c (not a) cover d1..d3: two new sites.
  const auto s = nlohmann::json::parse(slurp(dir.file("a/summary.json")));
  EXPECT_EQ(s["placement"]["objective"], 2.0);
  EXPECT_EQ(s["placement"]["open_sites"].size(), 2u);
}

// check --run, report and diff on a run directory made with [coverage] (no zones, no
// geometry). Oracles: check --run gives the verdicts that plan computed in memory
// (summary.json), and `lightcone report` rebuilds, from run.gpkg and summary.json alone,
// the report.html that plan wrote from its tables in memory.
TEST(PlanCoverageCli, CheckRunAndReportReadACoverageRun) {
  ScratchDir dir;
  // p-median, p = 2: {b, c} serve d1, d2 at 900 us, d3 at 400 us and d4 at 1200 us.
  write_file(dir.file("coverage.csv"),
             "demand_id,site_id,latency_us\nd1,a,600\nd1,b,900\nd2,b,900\nd3,c,400\nd3,a,1500\nd4,c,1200\n");
  const std::string targets =
      "[[target]]\nname = \"half\"\nkind = \"demand_share\"\nbudget = \"1ms\"\nmin_share = 0.5\n"
      "[[target]]\nname = \"all\"\nkind = \"demand_share\"\nbudget = \"1ms\"\nmin_share = 0.99\n"
      "[[target]]\nname = \"worst\"\nkind = \"worst_latency\"\nmax_latency = \"1.3ms\"\n"
      "[[target]]\nname = \"sites\"\nkind = \"new_sites\"\nmax_new_sites = 1\n";
  write_file(dir.file("s.toml"), "name = \"tiny\"\n[coverage]\npath = \"coverage.csv\"\n[model]\nmetric = \"rtt\"\n"
                                 "[placement]\nproblem = \"pmedian\"\np = 2\n" + targets);
  const CliResult plan = run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("run")});
  ASSERT_EQ(plan.code, 0) << plan.err;
  // The model line states the measured table, not a fibre model.
  EXPECT_NE(plan.out.find("latency from a measured table " + dir.file("coverage.csv")), std::string::npos) << plan.out;
  EXPECT_EQ(plan.out.find("group index"), std::string::npos) << plan.out;
  const auto summary = nlohmann::json::parse(slurp(dir.file("run/summary.json")));
  ASSERT_EQ(summary["targets"].size(), 4u);

  for (const std::string& run : {dir.file("run"), dir.file("run/run.gpkg")}) {
    SCOPED_TRACE(run);
    const CliResult check = run_lightcone({"check", dir.file("s.toml"), "--run", run, "--json"});
    EXPECT_EQ(check.code, 1) << check.err;  // two targets fail
    EXPECT_EQ(check.err, "");
    const auto j = nlohmann::json::parse(check.out);
    ASSERT_EQ(j["targets"].size(), summary["targets"].size());
    for (std::size_t i = 0; i < j["targets"].size(); ++i) {
      SCOPED_TRACE(summary["targets"][i]["name"].get<std::string>());
      for (const char* key : {"name", "verdict", "actual", "margin", "message"})
        EXPECT_EQ(j["targets"][i][key], summary["targets"][i][key]) << key;
    }
    // The verdicts themselves, from the table by hand: 3 of 4 demand within 1 ms, worst 1.2 ms, 2 sites.
    EXPECT_EQ(j["targets"][0]["verdict"], "pass");
    EXPECT_DOUBLE_EQ(j["targets"][0]["actual"].get<double>(), 0.75);
    EXPECT_EQ(j["targets"][1]["verdict"], "fail");
    EXPECT_DOUBLE_EQ(j["targets"][2]["actual"].get<double>(), 1200.0);
    EXPECT_EQ(j["targets"][3]["verdict"], "fail");
    EXPECT_EQ(j["passed"], 2);
  }

  const CliResult report = run_lightcone({"report", dir.file("run"), "--out", dir.file("again.html")});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_EQ(slurp(dir.file("again.html")), slurp(dir.file("run/report.html")));
  const std::string html = slurp(dir.file("again.html"));
  EXPECT_NE(html.find("data-lightcone-ready"), std::string::npos);  // the map script is there
  // No zones, no fibre: one layer, the sites, without geometry; a note says why the map is empty.
  EXPECT_NE(html.find("\"layers\":{\"sites\":{\"type\":\"FeatureCollection\",\"features\":[]}}"), std::string::npos);
  EXPECT_NE(html.find("id=\"no-map\""), std::string::npos);
  // The plan itself, from summary.json.
  EXPECT_NE(html.find("<td>pmedian</td><td>optimal</td><td>850 (weighted mean latency (us))</td><td>850</td><td>0 %</td><td>2</td>"), std::string::npos);
  EXPECT_NE(html.find("Open sites (2): b, c"), std::string::npos);

  // diff compares zones, which a measured run has none of: refused with the reason.
  expect_input_error(run_lightcone({"diff", dir.file("run"), dir.file("run")}),
                     dir.file("run") + " is a placement on a measured latency table (coverage.csv): it has no zones, "
                     "and diff compares the zones and demand latencies of runs over a network. Compare its "
                     "summary.json (placement) instead, or give two runs made with [network].");

  // A changed table: the run is no longer the scenario's.
  write_file(dir.file("coverage.csv"), "demand_id,site_id,latency_us\nd1,a,600\n");
  const CliResult stale = run_lightcone({"check", dir.file("s.toml"), "--run", dir.file("run")});
  EXPECT_EQ(stale.code, 2);
  EXPECT_NE(stale.err.find("was not made from"), std::string::npos) << stale.err;
}

TEST(PlanCoverageCli, WhatNeedsANetworkIsRefused) {
  ScratchDir dir;
  write_file(dir.file("coverage.csv"), "demand_id,site_id,latency_us\nd1,a,600\n");
  const std::string head = "name = \"x\"\n[coverage]\npath = \"coverage.csv\"\n[model]\nmetric = \"rtt\"\n";
  const std::string lscp = "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n";
  struct Case {
    std::string text;
    std::string message;  // after "<file>:"
  };
  const std::vector<Case> cases = {
      {head + lscp + "[zones]\nbudgets = [\"1ms\"]\n",
       "9: [zones] needs a network: latency zones are areas reached over the fibre, and a measured latency table "
       "([coverage]) has no fibre. Drop it, or give the fibre with [network] instead of [coverage]."},
      {head + lscp + "[surface]\nenabled = false\n",
       "9: [surface] needs a network: the latency surface is computed over the fibre, and a measured latency table "
       "([coverage]) has no fibre. Drop it, or give the fibre with [network] instead of [coverage]."},
      {head + lscp + "[network]\npath = \"coverage.csv\"\n",
       "9: [network] and [coverage] both given: latencies come either from the fibre network ([network]) or from a "
       "measured table ([coverage]). Drop one of the two tables."},
      {head, "2: [coverage] places sites on measured latencies: add [placement] with its problem, e.g. problem = "
             "\"lscp\" and budget = \"1ms\"."},
      {head + "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\nsurvive = true\n",
       "6: 'survive' in [placement] needs a network: it asks whether coverage survives fibre cuts, and a measured "
       "latency table ([coverage]) has no fibre. Drop survive, or use [network]."},
      {"name = \"x\"\n[coverage]\npath = \"coverage.csv\"\nmetric = \"both\"\n[model]\nmetric = \"rtt\"\n" + lscp,
       "4: unknown metric 'both' for 'metric' in [coverage]: say whether the table's latencies are \"rtt\" or "
       "\"one-way\" (DEFAULT: [model] metric)."},
      {"name = \"x\"\n[coverage]\npath = \"coverage.csv\"\ndemand = \"d\"\n[model]\nmetric = \"rtt\"\n" + lscp,
       "4: unknown key 'demand' in [coverage]. Known keys: path, layer, where, metric, demand_id."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    write_file(dir.file("s.toml"), c.text);
    expect_input_error(run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("out")}),
                       dir.file("s.toml") + ":" + c.message);
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/run.gpkg")));
  }
  // An area target.
  write_file(dir.file("s.toml"), head + lscp +
                                     "[[target]]\nname = \"t\"\nkind = \"survivable\"\nbudget = \"1ms\"\nmin_share = 0.5\n");
  expect_input_error(run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("out")}),
                     dir.file("s.toml") + ":9: target 't' (kind = \"survivable\") needs a network (fibre cuts), which a "
                                          "measured latency table ([coverage]) does not give. Drop the target, or use "
                                          "[network].");
}

}  // namespace
}  // namespace lightcone
