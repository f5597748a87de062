// End-to-end tests of `lightcone plan`, `check` and `diff` on the shipped scenarios
// (data/qingdao.toml, data/iris.toml): the run directory, targets that hold, a variant
// with one key fibre link cut that fails the Qingdao target (check exits 1 and names
// it, JUnit lists it, diff reports the loss), byte-identical outputs across runs and
// thread counts, and scenario errors (exit 2, message naming file, line and key).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "io/read_table.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::dir_entries;
using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kData = std::string(LIGHTCONE_SOURCE_DIR) + "/data";
const std::string kQingdao = kData + "/qingdao.toml";
const std::string kIris = kData + "/iris.toml";
const std::string kEdge = kData + "/qingdao-edge.toml";
// Cutting this "Qingdao regional link" (fid 844 of data/shandong_sample.gpkg:fibre)
// leaves north Qingdao's demand beyond 1 ms of the Laixi edge site: 99.7 % → 98.0 %.
const std::string kKeyLink = "844";

using test::write_file;

std::string replace(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = 0;
  bool found = false;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
    found = true;
  }
  EXPECT_TRUE(found) << from;
  return text;
}

// The line (1-based) of the first occurrence of `needle`.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// data/qingdao.toml with absolute paths, so that variants can live in a scratch directory.
std::string qingdao_absolute() {
  return replace(slurp(kQingdao), "path = \"shandong_sample.gpkg\"", "path = \"" + kData + "/shandong_sample.gpkg\"");
}

// The shipped scenario with absolute paths and without the latency surface (cheaper,
// for tests where the surface is not the point), planned into `dir`.
std::string plan_without_surface(const ScratchDir& dir, const std::string& name, const std::string& network_where = "") {
  std::string text = replace(qingdao_absolute(), "cell_size = \"2km\"", "enabled = false");
  if (!network_where.empty()) text = replace(text, "layer = \"fibre\"\n", "layer = \"fibre\"\nwhere = \"" + network_where + "\"\n");
  const std::string scenario = dir.file(name + ".toml");
  write_file(scenario, text);
  const CliResult r = run_lightcone({"plan", scenario, "--out", dir.file(name)});
  EXPECT_EQ(r.code, 0) << r.err;
  return scenario;
}

TEST(PlanCli, ShippedScenarioWritesTheRunDeterministically) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  const CliResult plan = run_lightcone({"plan", kQingdao, "--out", run, "--threads", "2"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_EQ(plan.err, "") << "progress only when stderr is a terminal";
  EXPECT_NE(plan.out.find("targets: 5 of 5 hold"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("  surface: 363 x 229 cells of 2000 m in EPSG:32650 (WGS 84 / UTM zone 50N)\n    CRS: the extent "
                          "spans 7.86° of longitude"),
            std::string::npos)
      << "plan states the surface it chose, as zones does: " << plan.out;
  EXPECT_EQ(dir_entries(run),
            (std::vector<std::string>{"manifest.json", "maps", "report.html", "report.md", "run.gpkg", "run.tif",
                                      "summary.json", "timings.json"}));
  EXPECT_EQ(dir_entries(run + "/maps"), (std::vector<std::string>{"surface.png", "zones.png"}));
  const auto s = nlohmann::json::parse(slurp(run + "/summary.json"));
  EXPECT_EQ(s["command"], "plan");
  EXPECT_EQ(s["scenario"]["name"], "qingdao");
  EXPECT_EQ(s["model"]["metric"], "rtt");
  EXPECT_EQ(s["sites"]["attached"], 14);
  ASSERT_EQ(s["budgets"].size(), 2u);
  EXPECT_EQ(s["budgets"][0]["budget"], "1ms");
  EXPECT_EQ(s["surface"]["file"], "run.tif");
  // The boundaries keep their scenario key as `name` and carry their `label` (any script).
  const FeatureTable bounds = read_table(run + "/run.gpkg", "boundaries");
  ASSERT_EQ(bounds.columns.size(), 3u);
  EXPECT_EQ(bounds.columns[0].name, "name");
  EXPECT_EQ(bounds.columns[1].name, "label");
  EXPECT_EQ(bounds.columns[0].texts(), (std::vector<std::string>{"qingdao", "jinan", "jiaodong", "lunan"}));
  EXPECT_EQ(bounds.columns[1].texts(),
            (std::vector<std::string>{"青岛 Qingdao", "济南 Jinan", "胶东 Jiaodong", "鲁南 Lunan"}));
  EXPECT_EQ(s["outputs"]["layers"], nlohmann::json::parse(
                                        R"(["zones", "network", "sites", "demand", "uncovered", "boundaries", "run_info"])"));
  ASSERT_EQ(s["targets"].size(), 5u);
  for (const auto& t : s["targets"]) EXPECT_EQ(t["verdict"], "pass") << t.dump();
  EXPECT_EQ(s["targets"][0]["name"], "qingdao-1ms");
  EXPECT_GE(s["targets"][0]["actual"].get<double>(), 0.99);
  EXPECT_TRUE(s["targets_summary"]["all_hold"].get<bool>());
  const std::string report = slurp(run + "/report.md");
  EXPECT_EQ(report.rfind("# lightcone plan: qingdao\n", 0), 0u);
  EXPECT_NE(report.find("| qingdao-1ms | demand_share | qingdao | 1ms | >= 99.00 % |"), std::string::npos) << report;
  EXPECT_NE(report.find("5 of 5 targets hold."), std::string::npos);
  EXPECT_NE(report.find("![Latency zones](maps/zones.png)"), std::string::npos) << report;
  const auto timings = nlohmann::json::parse(slurp(run + "/timings.json"));
  EXPECT_EQ(timings["threads"], 2);
  EXPECT_GT(timings["total_seconds"].get<double>(), 0.0);
  // The zones job's steps are phases of their own, in the order they run.
  std::vector<std::string> phases;
  for (const auto& p : timings["phases"]) phases.push_back(p["phase"].get<std::string>());
  std::vector<std::string> zone_steps;
  for (const std::string& p : phases)
    if (p.rfind("zones: ", 0) == 0) zone_steps.push_back(p);
  EXPECT_EQ(zone_steps, (std::vector<std::string>{"zones: search", "zones: polygons", "zones: demand evaluation",
                                                  "zones: tables", "zones: surface"}))
      << timings.dump();

  // Again with one thread: byte-identical outputs (only timings.json may differ).
  const CliResult again = run_lightcone({"plan", kQingdao, "--out", dir.file("again"), "--threads", "1"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(replace(again.out, dir.file("again/"), "DIR/"), replace(plan.out, run + "/", "DIR/"));
  for (const char* f :
       {"run.gpkg", "run.tif", "summary.json", "report.md", "maps/zones.png", "maps/surface.png", "manifest.json",
        "report.html"}) {
    EXPECT_EQ(slurp(dir.file("again/") + f), slurp(run + "/" + f)) << f << " differs between 1 and 2 threads";
  }
}

TEST(PlanCli, ShippedScenariosPassCheck) {
  CliResult r = run_lightcone({"check", kQingdao});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("5 of 5 targets hold"), std::string::npos) << r.out;

  // The same verdicts from a stored run.
  ScratchDir dir;
  const std::string base = plan_without_surface(dir, "base");
  r = run_lightcone({"check", base, "--run", dir.file("base"), "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["all_hold"].get<bool>());
  const auto s = nlohmann::json::parse(slurp(dir.file("base/summary.json")));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(j["targets"][i]["actual"], s["targets"][i]["actual"]) << i;

  r = run_lightcone({"check", kIris, "--junit", dir.file("iris.xml")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const std::string junit = slurp(dir.file("iris.xml"));
  EXPECT_NE(junit.find("<testsuite name=\"iris\" tests=\"2\" failures=\"0\""), std::string::npos) << junit;
  EXPECT_EQ(junit.find("<failure"), std::string::npos) << junit;
}

// data/qingdao-edge.toml: plan runs the placement (MCLP p = 2, survivable, capacitated)
// before the zones; the zones, demand and targets see the open sites only; the three
// placement targets are evaluated from the run's layers, also from a stored run.
TEST(PlanCli, PlacementScenarioOpensSitesAndEvaluatesPlacementTargets) {
  ScratchDir dir;
  const std::string run = dir.file("edge");
  CliResult r = run_lightcone({"plan", kEdge, "--out", run, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto s = nlohmann::json::parse(r.out);
  const auto& p = s["placement"];
  EXPECT_EQ(p["problem"], "mclp");
  EXPECT_EQ(p["status"], "optimal");
  EXPECT_EQ(p["new_sites"], 2);
  EXPECT_EQ(p["survivable"]["cuts"], "every single fibre edge");
  EXPECT_GT(p["survivable"]["scenarios"].get<int>(), 100);
  std::set<std::string> open;
  for (const auto& o : p["open_sites"]) open.insert(o["site_id"].get<std::string>());
  for (const char* existing : {"qd-ai-cc", "cu-qd-icc", "cm-qd-cloud"}) EXPECT_TRUE(open.count(existing)) << existing;
  EXPECT_EQ(open.size(), 5u);
  // The zones search from the open sites only.
  EXPECT_EQ(s["budgets"][0]["sites_involved"].get<std::size_t>(), open.size());
  ASSERT_EQ(s["targets"].size(), 4u);
  for (const auto& t : s["targets"]) EXPECT_EQ(t["verdict"], "pass") << t.dump();
  EXPECT_EQ(s["targets"][2]["actual"], 2.0);

  // The layers the targets read: chosen sites, loads within capacity, survives_1ms.
  auto column = [](const FeatureTable& t, const std::string& name) -> const Column& {
    for (const Column& c : t.columns)
      if (c.name == name) return c;
    throw std::runtime_error("no column " + name + " in " + t.name);
  };
  const FeatureTable sites = read_table(run + "/run.gpkg", "sites");
  std::size_t chosen = 0, open_sites = 0;
  for (std::size_t i = 0; i < sites.coords.size(); ++i) {
    if (column(sites, "open").integers()[i] == 0) continue;
    ++open_sites;
    chosen += column(sites, "status").texts()[i] == "chosen";
    EXPECT_LE(column(sites, "load").reals()[i], column(sites, "capacity").reals()[i] + 1e-9)
        << column(sites, "site_id").texts()[i];
  }
  EXPECT_EQ(open_sites, 5u);
  EXPECT_EQ(chosen, 2u);
  const FeatureTable demand = read_table(run + "/run.gpkg", "demand");
  const Column& survives = column(demand, "survives_1ms");
  const Column& latency = column(demand, "latency_us");
  std::size_t kept = 0;
  for (std::size_t i = 0; i < demand.coords.size(); ++i) {
    if (survives.integers()[i] == 0) continue;
    ++kept;
    EXPECT_LE(latency.reals()[i], 1000.0) << "a point that survives every cut is covered without cuts";
  }
  EXPECT_GT(kept, demand.coords.size() * 9 / 10);
  EXPECT_GT(read_table(run + "/run.gpkg", "assignments").coords.size(), 2000u);
  const std::string report = slurp(run + "/report.md");
  EXPECT_NE(report.find("Problem **mclp**"), std::string::npos) << report;
  EXPECT_NE(report.find("![Placement](maps/placement.png)"), std::string::npos) << report;
  EXPECT_EQ(dir_entries(run + "/maps"), (std::vector<std::string>{"placement.png", "zones.png"}));

  // Deterministic: the same plan on one thread writes the same bytes.
  ASSERT_EQ(run_lightcone({"plan", kEdge, "--out", dir.file("edge1"), "--threads", "1"}).code, 0);
  for (const char* f : {"run.gpkg", "summary.json", "report.md", "maps/placement.png"})
    EXPECT_EQ(slurp(dir.file("edge1/") + f), slurp(run + "/" + f)) << f << " differs between 1 and all threads";

  // check on the stored run gives the same verdicts; a tighter variant fails by name.
  r = run_lightcone({"check", kEdge, "--run", run, "--json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const auto c = nlohmann::json::parse(r.out);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c["targets"][i]["actual"], s["targets"][i]["actual"]) << i;
  const std::string tight = dir.file("tight.toml");
  write_file(tight, replace(replace(slurp(kEdge), "path = \"shandong_sample.gpkg\"", "path = \"" + kData + "/shandong_sample.gpkg\""),
                            "max_new_sites = 2", "max_new_sites = 1"));
  // The stored run was made from another scenario: --run refuses it (exit 2, by digest).
  r = run_lightcone({"check", tight, "--run", run});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("was not made from " + tight), std::string::npos) << r.err;
  r = run_lightcone({"check", tight, "--junit", dir.file("tight.xml")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("new-sites"), std::string::npos) << r.out;
  EXPECT_NE(slurp(dir.file("tight.xml")).find("name=\"new-sites\">\n      <failure type=\"target failed\""), std::string::npos);
}

TEST(PlanCli, CuttingAKeyLinkFailsTheQingdaoTargetAndDiffReportsTheLoss) {
  ScratchDir dir;
  plan_without_surface(dir, "base");
  const std::string scenario = plan_without_surface(dir, "cut", "link_id <> " + kKeyLink);

  // check is the gate: exit 1, naming the failing target with its numbers.
  CliResult r = run_lightcone({"check", scenario, "--run", dir.file("cut"), "--junit", dir.file("report.xml")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream lines(r.out);
  std::string line;
  std::map<std::string, std::string> verdict;
  std::string qingdao_line;
  while (std::getline(lines, line)) {
    const auto space = line.find(' ');
    if (space != std::string::npos) verdict[line.substr(0, space)] = line.substr(line.rfind(' ') + 1);
    if (line.rfind("qingdao-1ms ", 0) == 0) qingdao_line = line;
  }
  EXPECT_EQ(verdict["qingdao-1ms"], "FAIL") << r.out;
  EXPECT_EQ(verdict["jinan-3ms"], "pass");
  EXPECT_EQ(verdict["jiaodong-3ms"], "pass");
  EXPECT_EQ(verdict["lunan-3ms"], "pass");
  EXPECT_NE(qingdao_line.find(" demand_share "), std::string::npos) << qingdao_line;
  EXPECT_NE(qingdao_line.find(" 1ms "), std::string::npos) << qingdao_line;
  EXPECT_NE(qingdao_line.find(">= 99.00 %  97."), std::string::npos) << qingdao_line;
  EXPECT_NE(qingdao_line.find(" pp  FAIL"), std::string::npos) << qingdao_line;
  const std::string junit = slurp(dir.file("report.xml"));
  const auto tc = junit.find("<testcase classname=\"qingdao.demand_share\" name=\"qingdao-1ms\">\n      <failure type=\"target failed\" "
                             "message=\"required &gt;= 99.00 %, actual 97.");
  EXPECT_NE(tc, std::string::npos) << junit;
  EXPECT_NE(junit.find("<testsuite name=\"qingdao\" tests=\"5\""), std::string::npos) << junit;

  // plan completed (exit 0 above) whatever the targets say; its summary has the verdicts.
  const auto s = nlohmann::json::parse(slurp(dir.file("cut/summary.json")));
  EXPECT_EQ(s["targets"][0]["verdict"], "fail");
  EXPECT_FALSE(s["targets_summary"]["all_hold"].get<bool>());

  // Run in process and written with check.json: the same verdict.
  r = run_lightcone({"check", scenario, "--out", dir.file("cut2"), "--json"});
  EXPECT_EQ(r.code, 1);
  const auto j = nlohmann::json::parse(slurp(dir.file("cut2/check.json")));
  EXPECT_EQ(j, nlohmann::json::parse(r.out));
  EXPECT_EQ(j["targets"][0]["name"], "qingdao-1ms");
  EXPECT_EQ(j["targets"][0]["verdict"], "fail");
  EXPECT_LT(j["targets"][0]["margin"].get<double>(), 0.0);
  EXPECT_FALSE(j["all_hold"].get<bool>());

  // diff: demand in north Qingdao lost its 1 ms coverage; nothing changed at 3 ms.
  r = run_lightcone({"diff", dir.file("base"), dir.file("cut"), "--fail-on-loss"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("1ms lost source_fid="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ncoverage lost\n"), std::string::npos) << r.out;
  r = run_lightcone({"diff", dir.file("base"), dir.file("cut") + "/run.gpkg", "--json"});
  EXPECT_EQ(r.code, 0) << "without --fail-on-loss";
  const auto d = nlohmann::json::parse(r.out);
  EXPECT_TRUE(d["coverage_lost"].get<bool>());
  ASSERT_EQ(d["budgets"].size(), 2u);
  EXPECT_GT(d["budgets"][0]["demand_lost"].get<int>(), 0);
  EXPECT_EQ(d["budgets"][0]["demand_gained"], 0);
  EXPECT_GT(d["budgets"][0]["area_lost_km2"].get<double>(), 10.0);
  EXPECT_EQ(d["budgets"][1]["demand_lost"], 0);
  EXPECT_EQ(d["sites_added"].size(), 0u);
  for (const auto& c : d["demand_changes"]) EXPECT_EQ(c["change"], "lost");
  // A run against itself: nothing lost.
  r = run_lightcone({"diff", dir.file("base"), dir.file("base") + "/run.gpkg", "--fail-on-loss"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\nno coverage lost\n"), std::string::npos) << r.out;
}

TEST(PlanCli, InvalidBoundaryIsRepairedWithAWarning) {
  ScratchDir dir;
  // A bow-tie: self-intersecting, so invalid; MakeValid turns it into two triangles.
  write_file(dir.file("bowtie.geojson"),
             R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry":
             {"type": "Polygon", "coordinates": [[[120.0, 36.0], [120.6, 36.6], [120.6, 36.0], [120.0, 36.6],
             [120.0, 36.0]]]}}]})");
  std::string text = replace(qingdao_absolute(), "cell_size = \"2km\"", "enabled = false");
  text = replace(text, "[boundaries.jinan]", "[boundaries.bowtie]\npath = \"bowtie.geojson\"\n\n[boundaries.jinan]");
  text += "\n[[target]]\nname = \"bowtie\"\nkind = \"area_share\"\nboundary = \"bowtie\"\nbudget = \"3ms\"\nmin_share = \"99%\"\n";
  write_file(dir.file("s.toml"), text);
  const CliResult r = run_lightcone({"plan", dir.file("s.toml"), "--out", dir.file("run")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("warning: boundary 'bowtie': 1 invalid polygon(s) repaired with MakeValid\n"), std::string::npos)
      << r.out;
  const auto s = nlohmann::json::parse(slurp(dir.file("run/summary.json")));
  ASSERT_EQ(s["boundaries"].size(), 5u);
  EXPECT_EQ(s["boundaries"][1]["name"], "bowtie");
  EXPECT_EQ(s["boundaries"][1]["path"], "bowtie.geojson");
  EXPECT_EQ(s["boundaries"][1]["repaired"], 1);
  // Two triangles, each a quarter of the 0.6° × 0.6° box (≈ 66.7 km × 54 km).
  EXPECT_NEAR(s["boundaries"][1]["area_km2"].get<double>(), 0.5 * 53.9 * 66.7, 40.0);
  EXPECT_EQ(s["targets"][5]["name"], "bowtie");
  EXPECT_EQ(s["targets"][5]["verdict"], "pass");
}

struct BadScenario {
  std::string name;
  std::string from;     // text of data/qingdao.toml (absolute paths) to replace
  std::string to;
  std::string at;       // the text whose line the message names
  std::string message;  // after "lightcone: error: <file>:<line>: "
};

TEST(ScenarioErrors, Exit2NamingFileLineAndKeyAndWriteNothing) {
  const std::string sample = kData + "/shandong_sample.gpkg";
  const std::vector<BadScenario> cases = {
      {"unknown key", "budgets = [", "budgts = [", "budgts",
       "unknown key 'budgts' in [zones]. Known keys: budgets, rings, circle_segments."},
      {"wrong type", "slack = 1.0", "slack = \"1.0\"", "slack =", "'slack' in [model] must be a number, not a string."},
      {"bad unit", "max_access = \"10km\"", "max_access = \"10 miles\"", "max_access",
       "unknown length unit 'miles' in '10 miles' for 'max_access' in [model]. Use km, m, cm or mm, e.g. '10km'."},
      {"bare number", "node_delay = \"0us\"", "node_delay = 0", "node_delay",
       "'node_delay' in [model] must be a duration with its unit in quotes, e.g. \"500us\" or \"1ms\", not an integer."},
      {"missing layer", "layer = \"fibre\"", "layer = \"fibres\"", "layer = \"fibres\"",
       "layer 'fibres' not found in " + sample + " ('layer' in [network]). Layers: prefectures, cities, sites, fibre, "
       "demand, qingdao."},
      {"missing field", "weight_field = \"pop\"", "weight_field = \"population\"", "weight_field",
       "field 'population' not found in " + sample + ":demand ('weight_field' in [demand]). Fields: cell_id, pop, "
       "prefecture, cell_km, in_qingdao."},
      {"target naming a missing boundary", "boundary = \"jinan\"", "boundary = \"jinnan\"", "boundary = \"jinnan\"",
       "target 'jinan-3ms' names boundary 'jinnan', which is not defined. Defined boundaries: qingdao, jinan, "
       "jiaodong, lunan."},
      {"boundary filter matching nothing", "where = \"adcode = 370100\"", "where = \"adcode = 999\"", "[boundaries.jinan]",
       "no feature matches the filter \"adcode = 999\" (" + sample + ":prefectures). Check the values it compares with "
       "(lightcone info lists the fields)."},
      {"repeated site ids", "id_field = \"site_id\"", "id_field = \"operator\"", "id_field",
       "site ids in field 'operator' are not unique: 'China Unicom' at fid=2, 8; 'China Mobile' at fid=3, 9; "
       "'illustrative' at fid=10, 14, 20, 24, 43 (" + sample + ":sites:fid=8). Give 'id_field' in [sites] a field "
       "with unique values, or make the ids unique in the data."},
      {"invalid filter", "where = \"adcode = 370100\"", "where = \"adcod = 370100\"", "where = \"adcod",
       "invalid 'where' in [boundaries.jinan] \"adcod = 370100\" (" + sample + ":prefectures): the data source rejected "
       "it. Write an OGR SQL WHERE clause on the fields adcode, name, name_en, area_km2, e.g. \"kind = 'trunk'\"."},
  };
  for (const BadScenario& c : cases) {
    SCOPED_TRACE(c.name);
    ScratchDir dir;
    const std::string text = replace(qingdao_absolute(), c.from, c.to);
    const std::string scenario = dir.file("bad.toml");
    write_file(scenario, text);
    const std::string expected =
        "lightcone: error: " + scenario + ":" + std::to_string(line_of(text, c.at)) + ": " + c.message + "\n";
    for (const char* command : {"plan", "check"}) {
      std::vector<std::string> args = {command, scenario, "--out", dir.file("out")};
      const CliResult r = run_lightcone(args);
      EXPECT_EQ(r.code, 2) << command;
      EXPECT_EQ(r.out, "") << command;
      EXPECT_EQ(r.err, expected) << command;
      EXPECT_EQ(dir_entries(dir.path()), std::vector<std::string>{"bad.toml"}) << command << ": files left behind";
    }
  }
}

TEST(ScenarioErrors, RelativePathsAreResolvedAgainstTheScenarioFile) {
  ScratchDir dir;
  const std::string text = slurp(kQingdao);  // paths relative to data/, now missing beside the copy
  write_file(dir.file("moved.toml"), text);
  const CliResult r = run_lightcone({"check", dir.file("moved.toml")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "lightcone: error: " + dir.file("moved.toml") + ":" +
                       std::to_string(line_of(text, "path = \"shandong_sample.gpkg\"")) + ": file not found: " +
                       dir.file("shandong_sample.gpkg") +
                       " ('path' in [network]; paths are relative to the scenario file).\n");
}

TEST(ScenarioErrors, RunsThatCannotBeReadAreBadInput) {
  ScratchDir dir;
  CliResult r = run_lightcone({"check", kIris, "--run", dir.file("none")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "lightcone: error: no run found at " + dir.file("none") + " (" + dir.file("none") +
                       " does not exist). Give a directory written by lightcone plan, or its run.gpkg.\n");
  r = run_lightcone({"diff", dir.file("a"), dir.file("b")});
  EXPECT_EQ(r.code, 2);
  r = run_lightcone({"check", kIris, "--run", dir.path(), "--out", dir.file("x")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "lightcone: error: --run reads an existing run and --out writes a new one: give one of them.\n");
}

// check --run judges a run only when it was made from this scenario and its inputs as they
// are now: a zones output, or the run of an edited input, is refused (exit 2).
TEST(ScenarioErrors, CheckRefusesARunNotMadeFromTheScenario) {
  ScratchDir dir;
  const std::string sample = kData + "/shandong_sample.gpkg";
  ASSERT_EQ(run_lightcone({"zones", "--network", sample + ":fibre", "--sites", sample + ":sites", "--budget", "1ms,3ms",
                           "--out", dir.file("zones.gpkg")})
                .code,
            0);
  CliResult r = run_lightcone({"check", kQingdao, "--run", dir.file("zones.gpkg")});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.err.find("does not say which scenario it was made from"), std::string::npos) << r.err;

  // A copy of the iris data with the scenario: planned, then one input edited.
  std::filesystem::copy_file(kData + "/iris.gpkg", dir.file("iris.gpkg"));
  write_file(dir.file("iris.toml"), slurp(kIris));
  ASSERT_EQ(run_lightcone({"plan", dir.file("iris.toml"), "--out", dir.file("run")}).code, 0);
  EXPECT_EQ(run_lightcone({"check", dir.file("iris.toml"), "--run", dir.file("run")}).code, 0);
  {
    std::ofstream touch(dir.file("iris.gpkg"), std::ios::binary | std::ios::app);
    touch << '\0';  // one byte more: SQLite ignores it, the digest does not
  }
  r = run_lightcone({"check", dir.file("iris.toml"), "--run", dir.file("run")});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.err.find("was not made from " + dir.file("iris.toml") + " and its inputs as they are now"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace lightcone
