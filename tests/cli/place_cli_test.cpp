// End-to-end tests of `lightcone place` on the bundled sample: JSON keys and status,
// infeasible LSCP naming the uncoverable demand (exit 1), byte-identical outputs, bad
// options (exit 2, nothing written).
#include <gtest/gtest.h>

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

std::vector<std::string> place(std::vector<std::string> extra) {
  std::vector<std::string> args{"place",          "--network", kSample + ":fibre", "--sites",       kSample + ":sites",
                                "--status-field", "status",    "--demand",         kSample + ":demand", "--weight",
                                "pop",            "--demand-where", "in_qingdao = 1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(PlaceCli, MaxCoverReportsObjectiveBoundGapAndStatus) {
  ScratchDir dir;
  const CliResult r = run_lightcone(place({"--problem", "mclp", "--p", "2", "--budget", "0.5ms", "--json", "--out",
                                           dir.file("p.gpkg")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["new_sites"], 2);
  EXPECT_DOUBLE_EQ(j["gap"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["objective"].get<double>(), j["bound"].get<double>());
  EXPECT_EQ(j["model"]["metric"], "rtt");
  EXPECT_EQ(dir_entries(dir.path()),
            (std::vector<std::string>{"p.gpkg", "p.summary.json", "p.timings.json"}));
  // One more site never covers less.
  const CliResult r3 = run_lightcone(place({"--problem", "mclp", "--p", "3", "--budget", "0.5ms", "--json"}));
  ASSERT_EQ(r3.code, 0) << r3.err;
  EXPECT_GE(nlohmann::json::parse(r3.out)["objective"].get<double>(), j["objective"].get<double>());
  // Same inputs, same bytes (timings aside).
  ScratchDir dir2;
  ASSERT_EQ(run_lightcone(place({"--problem", "mclp", "--p", "2", "--budget", "0.5ms", "--out", dir2.file("p.gpkg"),
                                 "--threads", "1"}))
                .code,
            0);
  EXPECT_EQ(slurp(dir.file("p.gpkg")), slurp(dir2.file("p.gpkg")));
  EXPECT_EQ(slurp(dir.file("p.summary.json")), slurp(dir2.file("p.summary.json")));
}

TEST(PlaceCli, InfeasibleCoverNamesTheUncoverableDemandAndExits1) {
  const CliResult r = run_lightcone(place({"--problem", "lscp", "--budget", "1ms"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("infeasible"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("demand no candidate can cover (" + kSample + ":demand): fid "), std::string::npos) << r.out;
  const CliResult j = run_lightcone(place({"--problem", "lscp", "--budget", "1ms", "--json"}));
  EXPECT_EQ(j.code, 1);
  const auto parsed = nlohmann::json::parse(j.out);
  EXPECT_EQ(parsed["status"], "infeasible");
  EXPECT_FALSE(parsed["uncoverable_demand_fids"].empty());
}

TEST(PlaceCli, BadOptionsExit2AndWriteNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--problem", "median"}, "lightcone: error: unknown problem 'median' for --problem. Use lscp, mclp, pmedian or pcenter.\n"},
      {{"--problem", "mclp", "--budget", "1ms"}, "lightcone: error: --problem mclp needs --p N (sites to open), N >= 1.\n"},
      {{"--problem", "lscp"}, "lightcone: error: --problem lscp needs --budget, e.g. --budget 1ms.\n"},
      {{"--problem", "lscp", "--budget", "1ms", "--time-limit", "60"},
       "lightcone: error: missing unit in '60' for --time-limit. A bare number is ambiguous: write e.g. '1ms'.\n"},
      {{"--problem", "pmedian", "--p", "2", "--survive"}, "lightcone: error: --survive works with --problem lscp or mclp.\n"},
      // Issue 12: options that were silently ignored or overflowed.
      {{"--problem", "mclp", "--p", "2", "--budget", "1ms", "--money", "-5"},
       "lightcone: error: --money must not be negative (the most the new sites may cost).\n"},
      {{"--problem", "mclp", "--p", "2", "--budget", "1ms", "--money", "nan"},
       "lightcone: error: --money must not be negative (the most the new sites may cost).\n"},
      {{"--problem", "lscp", "--budget", "1ms", "--p", "3"},
       "lightcone: error: --p applies to mclp, pmedian and pcenter: lscp opens as many sites as the cover needs. "
       "Remove --p.\n"},
      {{"--problem", "mclp", "--p", "500", "--budget", "1ms"},
       "lightcone: error: p = 500 is more than the 36 site(s) that could be opened (candidate or required). Lower p.\n"},
      {{"--problem", "lscp", "--budget", "1e308ms"}, "lightcone: error: value '1e308ms' for --budget is out of range.\n"},
      {{"--problem", "lscp", "--budget", "2s"},
       "lightcone: error: latency '2s' for --budget is out of range: budgets, latencies and delays are at most 1s "
       "(light crosses the Earth's fibre in about 200 ms).\n"},
      {{"--problem", "lscp", "--budget", "1ms", "--max-access", "50000km"},
       "lightcone: error: length '50000km' for --max-access is out of range: no distance on Earth exceeds 40000 km.\n"},
  };
  for (const Case& c : cases) {
    ScratchDir dir;
    auto args = c.args;
    args.insert(args.end(), {"--out", dir.file("p.gpkg")});
    const CliResult r = run_lightcone(place(args));
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_EQ(r.err, c.message);
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(dir_entries(dir.path()).empty());
  }
}

// Infeasible before any solve (demand no candidate reaches within 10 µs RTT): the text
// names no method rather than leaving it blank.
TEST(PlaceCli, InfeasibleBeforeAnySolveSaysNoMethodRan) {
  const CliResult r = run_lightcone(place({"--problem", "lscp", "--budget", "0.01ms"}));
  EXPECT_NE(r.out.find(": infeasible,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("after reductions; method none (no solve was run)\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("method \n"), std::string::npos) << r.out;
}

TEST(PlaceCli, TieredBudgetHoldsTheTierToItsOwnBudget) {
  auto all = [](std::vector<std::string> extra) {
    std::vector<std::string> args{"place",  "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--status-field",
                                  "status", "--demand",  kSample + ":demand", "--weight", "pop", "--problem", "mclp",
                                  "--p",    "2",         "--budget",          "3ms",     "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const CliResult plain = run_lightcone(all({}));
  const CliResult tight = run_lightcone(all({"--tier", "in_qingdao = 1:0.3ms"}));
  ASSERT_EQ(plain.code, 0) << plain.err;
  ASSERT_EQ(tight.code, 0) << tight.err;
  EXPECT_LT(nlohmann::json::parse(tight.out)["objective"].get<double>(),
            nlohmann::json::parse(plain.out)["objective"].get<double>());
  const CliResult bad = run_lightcone(all({"--tier", "in_qingdao = 1"}));
  EXPECT_EQ(bad.code, 2);
}

}  // namespace
}  // namespace lightcone
