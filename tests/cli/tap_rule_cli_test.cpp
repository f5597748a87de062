// The per-line tap rule on the command line (issue 14 item 1): --no-tap-longer-than
// (DEFAULT 50km, off), --tap-field yes / no / ends, their errors (exit 2 naming the
// feature and the value), and the summary's counted warning for far mid-span joins, on
// the Boston/Worcester-style fixture (tests/support/tap_fixture.hpp) with its
// hand-computed latencies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/gdal_fixture.hpp"
#include "support/cli_runner.hpp"
#include "support/tap_fixture.hpp"

namespace lightcone {
namespace {

namespace tf = tap_fixture;
using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

std::string coords(LonLat a, LonLat b) {
  return "[[" + std::to_string(a.lon) + "," + std::to_string(a.lat) + "],[" + std::to_string(b.lon) + "," +
         std::to_string(b.lat) + "]]";
}

struct Fixture {
  ScratchDir dir;
  std::string network = dir.file("net.geojson");
  std::string sites = dir.file("sites.geojson");
  std::string town = dir.file("town.geojson");
  // tap values of A–B, C–E, E–F, F–B ("null" for none).
  explicit Fixture(std::vector<std::string> tap = {"null", "null", "null", "null"}) {
    const LonLat ends[4][2] = {{tf::kA, tf::kB}, {tf::kC, tf::kE}, {tf::kE, tf::kF}, {tf::kF, tf::kB}};
    std::string f;
    for (int i = 0; i < 4; ++i)
      f += std::string(i ? "," : "") + "{\"type\":\"Feature\",\"id\":" + std::to_string(i) +
           ",\"properties\":{\"tap\":" + tap[static_cast<std::size_t>(i)] +
           "},\"geometry\":{\"type\":\"LineString\",\"coordinates\":" + coords(ends[i][0], ends[i][1]) + "}}";
    test::write_text(network, "{\"type\":\"FeatureCollection\",\"features\":[" + f + "]}");
    test::write_text(sites, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                            "{\"site_id\":\"A\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}");
    test::write_text(town, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                           "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.0,0.05]}}]}");
  }
  CliResult latency(std::vector<std::string> extra) const {
    std::vector<std::string> args{"latency", "--network", network, "--sites", sites, "--to", town,
                                  "--out", dir.file("out.csv")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_lightcone(args);
  }
};

double summary_latency(const CliResult& r) {
  const auto j = nlohmann::json::parse(r.out);
  return j["latency_us"]["max"].get<double>();
}

TEST(TapRuleCli, DefaultKeepsTheTownOffTheLongLink) {
  const tf::Oracle o;
  const Fixture f;
  const CliResult r = f.latency({"--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NEAR(summary_latency(r), 2 * o.local_us(), 0.1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["joined_far_mid_span"], 0);
  EXPECT_FALSE(j.contains("warnings"));
  EXPECT_EQ(j["model"]["no_tap_longer_than_m"], 50000.0);
  EXPECT_NE(j["model"]["description"].get<std::string>().find("to any point of edges up to 50 km, only the ends of longer ones"),
            std::string::npos);
}

TEST(TapRuleCli, OffRestoresTheOldBehaviourWithACountedWarning) {
  const tf::Oracle o;
  const Fixture f;
  const CliResult r = f.latency({"--json", "--no-tap-longer-than", "off"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NEAR(summary_latency(r), 2 * o.mid_span_us(), 0.1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["joined_far_mid_span"], 1);
  ASSERT_TRUE(j.contains("warnings"));
  EXPECT_EQ(j["warnings"][0].get<std::string>().rfind("1 points joined a fibre edge mid-span more than 25 km", 0), 0u);
  EXPECT_TRUE(j["model"]["no_tap_longer_than_m"].is_null());
  // The text output prints the warning.
  const CliResult text = f.latency({"--no-tap-longer-than", "off"});
  EXPECT_NE(text.out.find("warning: 1 points joined a fibre edge mid-span"), std::string::npos) << text.out;
}

TEST(TapRuleCli, TapFieldYesNoEnds) {
  const tf::Oracle o;
  {
    const Fixture f({"\"yes\"", "null", "null", "null"});
    const CliResult r = f.latency({"--json", "--tap-field", "tap"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NEAR(summary_latency(r), 2 * o.mid_span_us(), 0.1);
  }
  {
    const Fixture f({"null", "\" Ends \"", "null", "null"});
    const CliResult r = f.latency({"--json", "--tap-field", "tap"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NEAR(summary_latency(r), 2 * o.at_node_c_us(), 0.1);
  }
  {
    const Fixture f({"null", "\"no\"", "null", "null"});
    const CliResult r = f.latency({"--json", "--tap-field", "tap"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["unreached"], 1);
  }
}

TEST(TapRuleCli, BadValuesAreInputErrors) {
  {
    const Fixture f({"null", "null", "\"maybe\"", "null"});
    const CliResult r = f.latency({"--tap-field", "tap"});
    test::expect_input_error(r, "unknown tap value 'maybe' in field 'tap' (" + f.network +
                                    ":net:fid=2). Use yes (access anywhere along the line), no (no access, not "
                                    "even at its ends) or ends (at its end nodes only), or leave it empty for the "
                                    "length rule. Fix the data or choose another field with --tap-field.");
  }
  const Fixture f;
  const CliResult zero = f.latency({"--no-tap-longer-than", "0km"});
  EXPECT_EQ(zero.code, 2);
  EXPECT_NE(zero.err.find("--no-tap-longer-than must be greater than zero"), std::string::npos) << zero.err;
  const CliResult bare = f.latency({"--no-tap-longer-than", "50"});
  EXPECT_EQ(bare.code, 2);
  const CliResult missing = f.latency({"--tap-field", "nope"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("field 'nope' not found"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace lightcone
