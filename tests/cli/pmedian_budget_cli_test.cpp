// p-median's --budget is a hard constraint (every demand served within it): --help says
// so, and the result warns, with a count, when the budget removed pairs that an
// unbudgeted solve of the same problem uses. Generated instance (fixed seed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/place_instance.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

TEST(PMedianBudgetCli, HelpSaysTheBudgetIsAHardConstraint) {
  const CliResult r = run_lightcone({"place", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("pmedian, pcenter: a hard constraint"), std::string::npos) << r.out;
}

TEST(PMedianBudgetCli, WarnsWhenTheBudgetRemovesPairsAnUnbudgetedSolveUses) {
  ScratchDir dir;
  test::PlaceInstance p;
  p.grid = 15;
  p.sites = 300;
  p.demand = 300;
  const std::string gpkg = dir.file("i.gpkg");
  test::write_place_instance(gpkg, p);
  auto run = [&](const std::string& budget, bool json) {
    std::vector<std::string> args{"place", "--network", gpkg + ":fibre", "--sites", gpkg + ":sites", "--demand",
                                  gpkg + ":demand", "--weight", "pop", "--problem", "pmedian", "--p", "5", "--budget",
                                  budget};
    if (json) args.push_back("--json");
    return run_lightcone(args);
  };
  // 120 us RTT: the unbudgeted optimum serves one demand feature beyond it.
  const CliResult tight = run("0.12ms", true);
  ASSERT_EQ(tight.code, 0) << tight.out << tight.err;
  EXPECT_EQ(tight.err, "");
  const auto j = nlohmann::json::parse(tight.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["budget_constraint"]["hard"], true);
  EXPECT_EQ(j["budget_constraint"]["demand_an_unbudgeted_plan_serves_beyond_it"], 1);
  EXPECT_LT(j["budget_constraint"]["unbudgeted_objective"].get<double>(), j["objective"].get<double>());
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("1 demand feature(s) served beyond it"), std::string::npos);
  const CliResult text = run("0.12ms", false);
  EXPECT_NE(text.out.find("warning: the p-median budget is a hard constraint: it removed demand-site pairs an "
                          "unbudgeted solve uses (1 demand feature(s) served beyond it;"),
            std::string::npos)
      << text.out;
  // 130 us: the budget does not bind; no warning, the same objective as without it.
  const CliResult loose = run("0.13ms", true);
  ASSERT_EQ(loose.code, 0) << loose.out << loose.err;
  const auto k = nlohmann::json::parse(loose.out);
  EXPECT_EQ(k["budget_constraint"]["demand_an_unbudgeted_plan_serves_beyond_it"], 0);
  EXPECT_FALSE(k.contains("warnings"));
  EXPECT_DOUBLE_EQ(k["budget_constraint"]["unbudgeted_objective"].get<double>(), k["objective"].get<double>());
}

}  // namespace
}  // namespace lightcone
