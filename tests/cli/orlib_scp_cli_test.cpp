// Published optima as the oracle: OR-Library set covering instances scp41-scp45
// (J.E. Beasley; tests/bench/data/orlib-scp, source and licence in its README) as
// measured-latency tables (every row a demand, every column a site with its cost, a
// pair where the column covers the row, latency 0), solved by `place --coverage
// --problem lscp`: proven optimal, objective equal to the published optimum. The whole
// benchmark (scp4x-scpe, scpnrg/scpnrh) is tests/bench/orlib_scp.py.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

const std::string kData = std::string(LIGHTCONE_SOURCE_DIR) + "/tests/bench/data/orlib-scp/";

// Writes NAME's coverage table and sites table (site_id, cost) into `dir`; the number of
// rows and columns read.
std::pair<int, int> convert(const std::string& name, const ScratchDir& dir) {
  std::ifstream in(kData + name + ".txt");
  int m = 0, n = 0;
  in >> m >> n;
  std::ostringstream sites, cov;
  sites << "site_id,cost\n";
  for (int j = 1; j <= n; ++j) {
    int c = 0;
    in >> c;
    sites << j << "," << c << "\n";
  }
  cov << "demand_id,site_id,latency_us\n";
  for (int i = 1; i <= m; ++i) {
    int k = 0;
    in >> k;
    for (int t = 0; t < k; ++t) {
      int j = 0;
      in >> j;
      cov << i << "," << j << ",0\n";
    }
  }
  if (!in) return {0, 0};
  std::ofstream(dir.file("sites.csv")) << sites.str();
  std::ofstream(dir.file("coverage.csv")) << cov.str();
  return {m, n};
}

TEST(OrLibrarySetCover, Scp41To45ProvenOptimalAtThePublishedOptimum) {
  // Beasley (1987), as listed in OR-Library's scpinfo and OR-Tools' set_cover_test.cc.
  const std::vector<std::pair<std::string, double>> published = {
      {"scp41", 429}, {"scp42", 512}, {"scp43", 516}, {"scp44", 494}, {"scp45", 512}};
  for (const auto& [name, optimum] : published) {
    SCOPED_TRACE(name);
    ScratchDir dir;
    const auto [m, n] = convert(name, dir);
    ASSERT_EQ(m, 200);
    ASSERT_EQ(n, 1000);
    const CliResult r = run_lightcone({"place", "--coverage", dir.file("coverage.csv"), "--sites", dir.file("sites.csv"),
                                       "--cost-field", "cost", "--problem", "lscp", "--budget", "1ms", "--time-limit",
                                       "120s", "--json"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["status"], "optimal");
    EXPECT_EQ(j["objective"].get<double>(), optimum);
    // The plan is a cover at that cost: the open sites' costs add up to it.
    double cost = 0;
    std::ifstream sites(dir.file("sites.csv"));
    std::string line;
    std::getline(sites, line);
    std::vector<double> cost_of(1, 0.0);
    while (std::getline(sites, line)) cost_of.push_back(std::stod(line.substr(line.find(',') + 1)));
    for (const auto& s : j["open_sites"]) cost += cost_of[std::stoul(s["site_id"].get<std::string>())];
    EXPECT_EQ(cost, optimum);
    EXPECT_EQ(j["uncoverable_demand_ids"], nlohmann::json::array());
  }
}

}  // namespace
}  // namespace lightcone
