// lightcone report RUN: report.html of a zones GeoPackage, offline and deterministic;
// a plan directory (which has its report.html) needs --out. The browser test
// (tests/browser) opens such files in Chromium.
#include <gtest/gtest.h>

#include <set>

#include "support/cli_runner.hpp"

namespace lightcone::test {
namespace {

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

std::set<std::string> urls(const std::string& html) {
  std::set<std::string> out;
  for (std::size_t at = 0; (at = html.find("http", at)) != std::string::npos; ++at) {
    const std::size_t rest = html.compare(at, 7, "http://") == 0 ? 7 : html.compare(at, 8, "https://") == 0 ? 8 : 0;
    if (rest == 0) continue;
    const std::size_t end = html.find_first_of(" \t\n\"'<>)", at + rest);
    out.insert(html.substr(at, end - at));
  }
  return out;
}

TEST(ReportCli, ZonesRunGivesAnOfflineDeterministicReport) {
  ScratchDir dir;
  ASSERT_EQ(run_lightcone({"zones", "--network", kSample + ":fibre", "--sites", kSample + ":sites", "--budget", "1ms,3ms",
                           "--split", "--split-cell", "2km", "--out", dir.file("z.gpkg")})
                .code,
            0);
  CliResult r = run_lightcone({"report", dir.file("z.gpkg")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, dir.file("z.html") + "\n");
  const std::string html = slurp(dir.file("z.html"));
  EXPECT_EQ(urls(html), std::set<std::string>{"http://www.w3.org/2000/svg"}) << "only the SVG namespace";
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("\"zones\":{\"type\":\"FeatureCollection\""), std::string::npos);
  EXPECT_NE(html.find("\"zones_split\":{\"type\":\"FeatureCollection\""), std::string::npos);
  EXPECT_NE(html.find("\"surface\":{\"png\":\"data:image/png;base64,"), std::string::npos) << "z.tif as an overlay";
  EXPECT_NE(html.find("within 1 ms"), std::string::npos);
  EXPECT_NE(html.find("within 3 ms"), std::string::npos);
  EXPECT_NE(html.find("Latency model: round trip"), std::string::npos);
  EXPECT_EQ(html.find("</script>\n<script>\nvar RUN") != std::string::npos, true);
  // Again: the same bytes.
  r = run_lightcone({"report", dir.file("z.gpkg"), "--out", dir.file("again.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(dir.file("again.html")), html);
}

TEST(ReportCli, BadRunsAndOutputsAreBadInput) {
  ScratchDir dir;
  CliResult r = run_lightcone({"report", dir.file("none.gpkg")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no run found at"), std::string::npos) << r.err;
  r = run_lightcone({"report", kSample, "--out", dir.file("x.html")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is not a lightcone run"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.html")));
}

}  // namespace
}  // namespace lightcone::test
