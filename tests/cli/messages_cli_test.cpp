// Issue 12, item 19: control characters in data and paths come out escaped, and a NUL
// does not cut a message short.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::ScratchDir;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
const std::string kFibre = kSample + ":fibre";
const std::string kSites = kSample + ":sites";
constexpr int kTimeoutS = 120;

CliResult run(const std::vector<std::string>& args) { return test::run_lightcone(args, kTimeoutS); }

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

// Exit 2, exactly `message` on stderr, nothing on stdout.
void expect_error(const CliResult& r, const std::string& message) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err, "lightcone: error: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(MessagesCli, ControlCharactersInDataAndPathsAreEscaped) {
  ScratchDir dir;
  // A property name with an escape character in it, and a layer name with a newline.
  const std::string demand = dir.file("demand.geojson");
  write(demand, "{\"type\": \"FeatureCollection\", \"name\": \"de\\nmand\", \"features\": [{\"type\": \"Feature\", "
                "\"properties\": {\"po\\u001bp\": 3}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [120.38, "
                "36.07]}}]}");
  const CliResult r = run({"zones", "--network", kFibre, "--sites", kSites, "--demand", demand, "--weight", "pop",
                           "--budget", "1ms", "--out", dir.file("z.gpkg")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err, "lightcone: error: field 'pop' not found (" + demand +
                       ":de\\nmand). Available fields: po\\x1bp. Fix --weight.\n");
  // A path with a newline.
  const std::string odd = dir.file("a\nb.gpkg");
  expect_error(run({"validate", "--network", odd}),
               "file not found (" + dir.path() + "/a\\nb.gpkg). Check the path given to --network.");
  // A NUL inside a scenario string: the message goes on past it.
  const std::string s = dir.file("s.toml");
  write(s, "[network]\npath = \"net\\u0000x.gpkg\"\n[sites]\npath = \"" + kSample +
               "\"\nlayer = \"sites\"\n[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n");
  expect_error(run({"check", s}), s + ":2: file not found: " + dir.path() +
                                      "/net\\0x.gpkg ('path' in [network]; paths are relative to the scenario file).");
}

}  // namespace
}  // namespace lightcone
