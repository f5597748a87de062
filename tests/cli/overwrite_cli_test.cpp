// Issue 12, item 1: an output that is an input is refused before any work (exit 2, one
// message naming both), and the input is left byte for byte as it was: zones, latency,
// place, plan (a scenario reading its own run directory), check --junit, and an output
// that reaches the input through a symbolic link.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
namespace fs = std::filesystem;

// Runs `args` and checks exit 2, the message naming `out` and `in`, and that `keep`
// still holds `bytes`.
void expect_refused(const std::vector<std::string>& args, const std::string& out_role_path,
                    const std::string& in_role_path, const std::string& keep, const std::string& bytes) {
  const CliResult r = run_lightcone(args);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(out_role_path + " is also an input (" + in_role_path + "): writing it would destroy the input."),
            std::string::npos)
      << r.err;
  EXPECT_EQ(slurp(keep), bytes) << keep << " changed";
}

TEST(OverwriteCli, ZonesPlaceAndLatencyRefuseToWriteTheirInput) {
  ScratchDir dir;
  const std::string x = dir.file("x.gpkg");
  fs::copy_file(kSample, x);
  const std::string bytes = slurp(x);
  expect_refused({"zones", "--network", x + ":fibre", "--sites", x + ":sites", "--budget", "1ms", "--out", x},
                 "--out " + x, "--network " + x, x, bytes);
  expect_refused({"place", "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--demand", x + ":demand",
                  "--problem", "lscp", "--budget", "3ms", "--out", x},
                 "--out " + x, "--demand " + x, x, bytes);
  // The sidecar of --out is the input.
  const std::string csv = dir.file("pts.csv");
  {
    std::ofstream f(csv);
    f << "WKT,name\n\"POINT (120.38 36.07)\",a\n";
  }
  const std::string csv_bytes = slurp(csv);
  expect_refused({"latency", "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--to", csv,
                  "--assume-crs", "EPSG:4326", "--out", csv},
                 "--out " + csv, "--to " + csv, csv, csv_bytes);
  // Through a link: out.gpkg is a symbolic link to the input.
  const std::string link = dir.file("out.gpkg");
  fs::create_symlink(x, link);
  expect_refused({"zones", "--network", x + ":fibre", "--sites", kSample + ":sites", "--budget", "1ms", "--out", link},
                 "--out " + link, "--network " + x, x, bytes);
}

TEST(OverwriteCli, PlanAndCheckRefuseToWriteTheScenarioOrItsLayers) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  fs::create_directory(run);
  fs::copy_file(kSample, run + "/run.gpkg");  // the scenario reads the run directory's own file
  const std::string scenario = dir.file("s.toml");
  {
    std::ofstream f(scenario);
    f << "[network]\npath = \"run/run.gpkg\"\nlayer = \"fibre\"\n[sites]\npath = \"run/run.gpkg\"\nlayer = \"sites\"\n"
         "[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n";
  }
  const std::string bytes = slurp(run + "/run.gpkg");
  const CliResult r = run_lightcone({"plan", scenario, "--out", run});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("is also an input ('path' in [network] " + run + "/run.gpkg)"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(run + "/run.gpkg"), bytes);

  const std::string scenario_bytes = slurp(scenario);
  expect_refused({"check", scenario, "--junit", scenario}, "--junit " + scenario, "the scenario " + scenario, scenario,
                 scenario_bytes);
}

}  // namespace
}  // namespace lightcone
