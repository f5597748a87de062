// End-to-end tests of `lightcone zones` on the bundled sample (data/): outputs, the
// latency model stated in them, determinism, and bad input (exit 2, nothing written).
#include <gtest/gtest.h>

#include <algorithm>
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
  r = run_lightcone(base_args(dir.file("run.gpkg"), {"--cell-size", "1m"}));
  EXPECT_NE(r.err.find("GiB of memory. Use a larger --cell-size or a smaller extent."), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lightcone
