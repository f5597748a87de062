// Regression tests for what the mutation fuzzer (tests/fuzz) found in the command line
// tool: each was an exit >= 3, a crash or a hang on bad input, now an ordinary result.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Names and paths that are not UTF-8 (a field name with byte 0xB9, a file name with 0xFF)
// used to end `--json` output in "internal error: [json.exception.type_error.316]".
TEST(FuzzFound, JsonOutputReplacesBytesThatAreNotUtf8) {
  ScratchDir dir;
  const std::string path = dir.file("sites\xff.geojson");
  write(path,
        "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": "
        "{\"site\xb9id\": \"a\xb9\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [120.3, 36.1]}}]}");
  const CliResult r = run_lightcone({"info", path, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["path"], dir.file("sites\xef\xbf\xbd.geojson"));
  EXPECT_EQ(j["layers"][0]["fields"][0], "site\xef\xbf\xbdid");
}

}  // namespace
}  // namespace lightcone
