// End-to-end tests of the `lightcone` binary: every unusable input gives exit 2, one
// pinned `lightcone: error:` line naming file, layer and feature with a fix, nothing on
// stdout and nothing written; data problems are warnings with a usable result; outputs
// are read back with GDAL. Successful runs must leave stderr empty (under ASan too, so a
// leak report fails the test).
//
// Fixture (fresh temporary directory): three fibre lines near Qingdao and two sites.
//
//        c (120.35, 36.15)            line 1: a-m   line 2: m-b   line 3: m-k-c
//        |                            site A (120.30, 36.101), 111 m north of a
//        k                            site B (121.50, 36.10), 99 km east of b
//        |
//   a----m----b ........................................ B
//   A
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/gdal_fixture.hpp"
#include "support/cli_runner.hpp"
#include "support/test_data.hpp"


namespace lightcone {
namespace {

using test::read_text;
using test::TempDir;
using test::write_text;
using Json = nlohmann::json;

using Result = test::CliResult;

// Runs the binary with `args` (tests/support/cli_runner.hpp: stdout and stderr captured
// through files in a directory of their own, so output directories only hold what
// lightcone wrote).
Result run(const std::vector<std::string>& args) { return test::run_lightcone(args); }

std::string command_line(const std::vector<std::string>& args) {
  std::string s = "lightcone";
  for (const auto& a : args) s += " " + a;
  return s;
}

std::string replace_all(std::string s, const std::string& key, const std::string& value) {
  for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
    s.replace(at, key.size(), value);
  return s;
}

// Replaces every "{d}" (fixture directory) and "{o}" (output directory).
std::string fill(const std::string& s, const std::string& d, const std::string& o) {
  return replace_all(replace_all(s, "{d}", d), "{o}", o);
}

const std::string kZoo = test::test_data("topology-zoo/topology_zoo.gpkg");

// The fixture files, written once for the whole suite.
class Fixture {
 public:
  Fixture() {
    write_text(file("net.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {"name": "a-m", "kind": "trunk", "len_km": 4.6, "len_text": "4.6", "len_neg": 4.6},
 "geometry": {"type": "LineString", "coordinates": [[120.30, 36.10], [120.35, 36.10]]}},
{"type": "Feature", "id": 2, "properties": {"name": "m-b", "kind": "trunk", "len_km": 4.6, "len_text": "abc", "len_neg": -1},
 "geometry": {"type": "LineString", "coordinates": [[120.35, 36.10], [120.40, 36.10]]}},
{"type": "Feature", "id": 3, "properties": {"name": "m-c", "kind": "spur", "len_km": 5.6, "len_text": "5.6", "len_neg": 5.6},
 "geometry": {"type": "LineString", "coordinates": [[120.35, 36.10], [120.351, 36.125], [120.35, 36.15]]}}
]}
)");
    // The same lines as CSV with a WKT column (no CRS).
    write_text(file("net.csv"),
               "name,kind,WKT\n"
               "a-m,trunk,\"LINESTRING (120.30 36.10,120.35 36.10)\"\n"
               "m-b,trunk,\"LINESTRING (120.35 36.10,120.40 36.10)\"\n"
               "m-c,spur,\"LINESTRING (120.35 36.10,120.351 36.125,120.35 36.15)\"\n");
    write_text(file("sites.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {"site_id": "A"}, "geometry": {"type": "Point", "coordinates": [120.30, 36.101]}},
{"type": "Feature", "id": 2, "properties": {"site_id": "B"}, "geometry": {"type": "Point", "coordinates": [121.50, 36.10]}}
]}
)");
    // Site A with a 100 us entry delay (user to site) and a 300 us exit delay.
    write_text(file("delayed.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {"site_id": "A", "d_in": 100, "d_out": 300}, "geometry": {"type": "Point", "coordinates": [120.30, 36.101]}}
]}
)");
    write_text(file("far.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 2, "properties": {"site_id": "B"}, "geometry": {"type": "Point", "coordinates": [121.50, 36.10]}}
]}
)");
    // Sites as `zones --split` writes them back: one site_id for three features (fids 1-3),
    // and a fourth with a NULL id. The same ids in a field `code` of a layer without site_id.
    write_text(file("repeated.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {"site_id": "s1"}, "geometry": {"type": "Point", "coordinates": [120.30, 36.101]}},
{"type": "Feature", "id": 2, "properties": {"site_id": "s1"}, "geometry": {"type": "Point", "coordinates": [120.35, 36.101]}},
{"type": "Feature", "id": 3, "properties": {"site_id": "s1"}, "geometry": {"type": "Point", "coordinates": [120.40, 36.101]}},
{"type": "Feature", "id": 4, "properties": {"site_id": null}, "geometry": {"type": "Point", "coordinates": [120.35, 36.149]}}
]}
)");
    write_text(file("coded.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {"code": "s1"}, "geometry": {"type": "Point", "coordinates": [120.30, 36.101]}},
{"type": "Feature", "id": 2, "properties": {"code": "s1"}, "geometry": {"type": "Point", "coordinates": [120.35, 36.101]}},
{"type": "Feature", "id": 3, "properties": {"code": "s1"}, "geometry": {"type": "Point", "coordinates": [120.40, 36.101]}}
]}
)");
    // Points to evaluate: near b, exactly at c, and far from everything (FIDs 3, 7, 12).
    write_text(file("to.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 3, "properties": {}, "geometry": {"type": "Point", "coordinates": [120.40, 36.101]}},
{"type": "Feature", "id": 7, "properties": {}, "geometry": {"type": "Point", "coordinates": [120.35, 36.15]}},
{"type": "Feature", "id": 12, "properties": {}, "geometry": {"type": "Point", "coordinates": [122.0, 30.0]}}
]}
)");
    // A closed triangle: no dangling ends, one component.
    write_text(file("ring.geojson"), R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": 1, "properties": {}, "geometry": {"type": "LineString", "coordinates": [[120.30, 36.10], [120.35, 36.10]]}},
{"type": "Feature", "id": 2, "properties": {}, "geometry": {"type": "LineString", "coordinates": [[120.35, 36.10], [120.35, 36.15]]}},
{"type": "Feature", "id": 3, "properties": {}, "geometry": {"type": "LineString", "coordinates": [[120.35, 36.15], [120.30, 36.10]]}}
]}
)");
    write_text(file("notes.txt"), "not GIS data\n");
    // A GeoPackage with a line layer, a point layer and an empty line layer.
    test::LayerFixture fibre;
    fibre.name = "fibre";
    fibre.fields = {{"name", OFTString}};
    fibre.features = {{1, "LINESTRING (120.30 36.10,120.35 36.10)", {"a-m"}, nullptr},
                      {2, "LINESTRING (120.35 36.10,120.40 36.10)", {"m-b"}, nullptr},
                      {3, "LINESTRING (120.35 36.10,120.351 36.125,120.35 36.15)", {"m-c"}, nullptr}};
    test::LayerFixture sites;
    sites.name = "sites";
    sites.type = wkbPoint;
    sites.fields = {{"site_id", OFTString}};
    sites.features = {{1, "POINT (120.30 36.101)", {"A"}, nullptr}, {2, "POINT (121.50 36.10)", {"B"}, nullptr}};
    test::LayerFixture empty = fibre;
    empty.name = "empty";
    empty.features.clear();
    test::write_fixture(file("multi.gpkg"), "GPKG", {fibre, sites, empty});
  }
  std::string dir() const { return m_dir.path().string(); }
  std::string file(const std::string& name) const { return m_dir.file(name); }

 private:
  TempDir m_dir;
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// ---------------------------------------------------------------------------------------
// Unusable input: exit 2, one pinned error line, empty stdout, nothing written.

struct BadInput {
  const char* name;
  std::vector<std::string> args;  // "{d}": fixture directory, "{o}": an empty output directory
  std::string message;            // after "lightcone: error: "
};

// `latency` with everything needed for a run that writes {o}/out.gpkg.
std::vector<std::string> latency_with(std::vector<std::string> changed) {
  std::map<std::string, std::string> opts = {{"--network", "{d}/net.geojson"},
                                             {"--sites", "{d}/sites.geojson"},
                                             {"--to", "{d}/to.geojson"},
                                             {"--out", "{o}/out.gpkg"}};
  std::vector<std::string> extra;
  for (std::size_t i = 0; i + 1 < changed.size(); i += 2) {
    if (opts.count(changed[i])) opts[changed[i]] = changed[i + 1];
    else extra.insert(extra.end(), {changed[i], changed[i + 1]});
  }
  std::vector<std::string> args = {"latency"};
  for (const char* key : {"--network", "--sites", "--to", "--out"}) args.insert(args.end(), {key, opts[key]});
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

const std::vector<BadInput>& bad_inputs() {
  static const std::vector<BadInput> cases = {
      {"missing_file", latency_with({"--network", "{d}/missing.gpkg"}),
       "file not found ({d}/missing.gpkg). Check the path given to --network."},
      {"missing_layer", latency_with({"--network", "{d}/multi.gpkg:nope"}),
       "layer 'nope' not found ({d}/multi.gpkg). Layers: fibre, sites, empty. Use --network PATH:LAYER."},
      {"layer_not_named", latency_with({"--network", "{d}/multi.gpkg"}),
       "dataset has 3 layers ({d}/multi.gpkg); say which one: fibre, sites, empty. Use --network PATH:LAYER."},
      {"not_gis_data", latency_with({"--sites", "{d}/notes.txt"}),
       "cannot open as a vector dataset ({d}/notes.txt): not a format GDAL recognises. Give a GeoPackage, "
       "GeoJSON, Shapefile, FlatGeobuf, CSV or OSM file to --sites."},
      {"csv_without_crs", latency_with({"--network", "{d}/net.csv"}),
       "layer has no CRS ({d}/net.csv:net). Say which one it uses, e.g. --assume-crs EPSG:4326."},
      {"points_as_network", latency_with({"--network", "{d}/multi.gpkg:sites"}),
       "layer has Point geometry but fibre lines are expected ({d}/multi.gpkg:sites). Give a LineString layer "
       "with --network PATH:LAYER."},
      {"lines_as_points", latency_with({"--to", "{d}/multi.gpkg:fibre"}),
       "layer has LineString geometry but points are expected ({d}/multi.gpkg:fibre). Give a Point or Polygon "
       "layer with --to PATH:LAYER."},
      {"empty_layer", latency_with({"--network", "{d}/multi.gpkg:empty"}),
       "layer is empty ({d}/multi.gpkg:empty). Give --network a layer with fibre lines."},
      {"filter_matches_nothing", latency_with({"--network-where", "kind = 'metro'"}),
       "no feature matches --network-where \"kind = 'metro'\" ({d}/net.geojson:net). Check the values it "
       "compares with (lightcone info lists the fields) or drop it."},
      {"filter_unknown_field", latency_with({"--network-where", "type = 'trunk'"}),
       "invalid --network-where \"type = 'trunk'\" ({d}/net.geojson:net): \"type\" not recognised as an "
       "available field. Write an OGR SQL WHERE clause on the fields name, kind, len_km, len_text, len_neg, "
       "e.g. \"kind = 'trunk'\"."},
      {"filter_unknown_field_gpkg", latency_with({"--network", "{d}/multi.gpkg:fibre", "--network-where", "kind = 1"}),
       "invalid --network-where \"kind = 1\" ({d}/multi.gpkg:fibre): the data source rejected it. Write an OGR "
       "SQL WHERE clause on the fields name, e.g. \"kind = 'trunk'\"."},
      {"missing_mapped_field", latency_with({"--length-field", "nope", "--length-unit", "km"}),
       "field 'nope' not found ({d}/net.geojson:net). Available fields: name, kind, len_km, len_text, len_neg. "
       "Fix --length-field."},
      {"negative_length", latency_with({"--length-field", "len_neg", "--length-unit", "km"}),
       "negative length -1 in field 'len_neg' ({d}/net.geojson:net:fid=2). Lengths must be >= 0; fix the data "
       "or drop --length-field."},
      {"non_numeric_length", latency_with({"--length-field", "len_text", "--length-unit", "km"}),
       "non-numeric value 'abc' in field 'len_text' ({d}/net.geojson:net:fid=2). Fix the data or choose "
       "another field with --length-field."},
      {"length_field_without_unit", latency_with({"--length-field", "len_km"}),
       "--length-field len_km needs its unit: add --length-unit km or --length-unit m."},
      {"unknown_unit", latency_with({"--max-access", "10 miles"}),
       "unknown length unit 'miles' in '10 miles' for --max-access. Use km, m, cm or mm, e.g. '10km'."},
      {"bare_number", latency_with({"--snap", "1"}),
       "missing unit in '1' for --snap. A bare number is ambiguous: write e.g. '10km'."},
      {"unknown_metric", latency_with({"--metric", "two-way"}),
       "unknown metric 'two-way' for --metric. Use 'rtt' or 'one-way'."},
      {"bad_route_point",
       {"latency", "--network", "{d}/net.geojson", "--route", "120.30,36.10", "120.40", "--out", "{o}/route.gpkg"},
       "invalid point '120.40' for --route. Write LON,LAT in degrees, e.g. 120.38,36.07."},
      {"route_point_out_of_range",
       {"latency", "--network", "{d}/net.geojson", "--route", "200,36.10", "120.40,36.10", "--out", "{o}/route.gpkg"},
       "invalid point '200,36.10' for --route. Write LON,LAT in degrees, e.g. 120.38,36.07."},
      {"unsupported_out", latency_with({"--out", "{o}/out.shp"}),
       "unsupported output format '.shp' ({o}/out.shp). Use a .gpkg, .csv or .geojson file name for --out."},
      {"out_directory_missing", latency_with({"--out", "{o}/missing/out.gpkg"}),
       "output directory does not exist ({o}/missing). Create it or change --out."},
      {"route_out_directory_missing",
       {"latency", "--network", "{d}/net.geojson", "--route", "120.30,36.10", "120.40,36.10", "--out",
        "{o}/missing/route.gpkg"},
       "output directory does not exist ({o}/missing). Create it or change --out."},
      {"no_site_near_network", latency_with({"--sites", "{d}/far.geojson"}),
       "no site lies within 10 km of the network ({d}/far.geojson). Check the layers overlap, or raise "
       "--max-access."},
      {"repeated_site_ids", latency_with({"--sites", "{d}/repeated.geojson"}),
       "site ids in field 'site_id' are not unique: 's1' at fid=1, 2, 3 ({d}/repeated.geojson:repeated:fid=2). Give "
       "--site-id a field with unique values, or make the ids unique in the data."},
      {"repeated_site_ids_in_named_field", latency_with({"--sites", "{d}/coded.geojson", "--site-id", "code"}),
       "site ids in field 'code' are not unique: 's1' at fid=1, 2, 3 ({d}/coded.geojson:coded:fid=2). Give "
       "--site-id a field with unique values, or leave it out to use the FID."},
      {"validate_missing_layer", {"validate", "--network", "{d}/multi.gpkg:nope"},
       "layer 'nope' not found ({d}/multi.gpkg). Layers: fibre, sites, empty. Use --network PATH:LAYER."},
      {"validate_sites_missing", {"validate", "--network", "{d}/net.geojson", "--sites", "{d}/missing.geojson"},
       "file not found ({d}/missing.geojson). Check the path given to --sites."},
      {"info_missing_file", {"info", "{d}/missing.gpkg"}, "file not found ({d}/missing.gpkg). Check the path."},
  };
  return cases;
}

void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

class UnusableInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(UnusableInput, ExitsTwoWithOnePinnedMessageAndWritesNothing) {
  const BadInput& c = GetParam();
  const TempDir out;
  const std::string d = fixture().dir();
  const std::string o = out.path().string();
  std::vector<std::string> args;
  for (const auto& a : c.args) args.push_back(fill(a, d, o));
  SCOPED_TRACE(command_line(args));
  const Result r = run(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "lightcone: error: " + fill(c.message, d, o) + "\n");
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(out.list().empty()) << "left behind: " << out.list().front();
}

INSTANTIATE_TEST_SUITE_P(Cli, UnusableInput, ::testing::ValuesIn(bad_inputs()),
                         [](const ::testing::TestParamInfo<BadInput>& i) { return std::string(i.param.name); });

TEST(CliUsage, UsageErrorsExitTwoWithOneLine) {
  const std::string net = fixture().file("net.geojson");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"latency", "--network", net, "--sites", net, "--bogus"},
       "The following argument was not expected: --bogus. Run 'lightcone latency --help' for the options."},
      {{"validate", "--network", net, "--length-field", "len_km", "--length-unit", "miles"},
       "--length-unit: miles not in {m,km}. Run 'lightcone validate --help' for the options."},
      {{"validate", "--network"}, "--network: 1 required TEXT missing. Run 'lightcone validate --help' for the options."},
      {{"info"}, "path is required. Run 'lightcone info --help' for the options."},
      {{}, "A subcommand is required. Run 'lightcone --help' for the options."},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(command_line(args));
    const Result r = run(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "lightcone: error: " + message + "\n");
  }
  // An unknown command: exit 2 and one error line.
  const Result r = run({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("lightcone: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(CliUsage, HelpWorksForEveryCommand) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"validate", "--help"},
                                               {"info", "--help"},
                                               {"latency", "--help"}}) {
    SCOPED_TRACE(command_line(args));
    const Result r = run(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("--help"), std::string::npos) << r.out;
  }
  const Result latency = run({"latency", "--help"});
  for (const char* option : {"--network", "--sites", "--to", "--out", "--metric", "--max-access", "--assume-crs",
                             "--network-where", "--length-field", "--length-unit", "--route"}) {
    EXPECT_NE(latency.out.find(option), std::string::npos) << option;
  }
}

// ---------------------------------------------------------------------------------------
// Data problems: warnings and a usable result.

TEST(CliValidate, TopologyZooNetworkWithUnlocatedNodes) {
  // BtLatinAmerica: 50 links, 26 with an unlocated end (null geometry); the rest forms
  // three separate pieces.
  const std::vector<std::string> args = {"validate", "--network", kZoo + ":links", "--network-where",
                                         "network = 'BtLatinAmerica'"};
  const Result text = run(args);
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.err, "");
  EXPECT_NE(text.out.find("features  50 read, 26 skipped\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  skipped fid=1395: null geometry\n"), std::string::npos) << text.out;
  // Their own line (issue 14 item 7): the 26 links with an unlocated end.
  EXPECT_NE(text.out.find("\nno geometry 26 features (NULL or empty: skipped, not in the network)\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("components 3 (nodes: 17, 5, 4)\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("problems found (exit 1)"), std::string::npos) << text.out;

  std::vector<std::string> json_args = args;
  json_args.push_back("--json");
  const Result r = run(json_args);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j.at("features_read").get<int>(), 50);
  const Json& skipped = j.at("features_skipped");
  ASSERT_EQ(skipped.size(), 26u);
  std::int64_t previous = 0;
  for (const Json& s : skipped) {
    EXPECT_GT(s.at("fid").get<std::int64_t>(), previous);  // listed in reading order
    previous = s.at("fid").get<std::int64_t>();
    EXPECT_EQ(s.at("reason").get<std::string>(), "null geometry");
  }
  EXPECT_EQ(skipped[0].at("fid").get<std::int64_t>(), 1395);
  EXPECT_EQ(j.at("features_without_geometry").get<int>(), 26);
  EXPECT_EQ(j.at("components").get<std::vector<int>>(), (std::vector<int>{17, 5, 4}));
  EXPECT_EQ(j.at("nodes").get<int>(), 26);
  EXPECT_EQ(j.at("edges").get<int>(), 24);
  EXPECT_GT(j.at("dangling_ends").get<int>(), 0);
  EXPECT_TRUE(j.at("sites_off_network").is_array());
  EXPECT_TRUE(j.at("sites_off_network").empty());
}

TEST(CliValidate, SitesBeyondMaxAccessAreListedWithTheirDistance) {
  const std::string d = fixture().dir();
  const std::vector<std::string> args = {"validate", "--network", d + "/net.geojson", "--sites", d + "/sites.geojson"};
  const Result text = run(args);
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.err, "");
  const std::string sites_line =
      "sites     " + d + "/sites.geojson:sites: 2 read, 0 skipped, 1 beyond 10 km of the network\n";
  EXPECT_NE(text.out.find(sites_line), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  site B: 99.054 km from the network\n"), std::string::npos) << text.out;

  std::vector<std::string> json_args = args;
  json_args.push_back("--json");
  const Result r = run(json_args);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
  const Json j = Json::parse(r.out);
  for (const char* key : {"features_read", "features_skipped", "nodes", "edges", "components", "dangling_ends",
                          "sites_off_network"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j.at("features_read").get<int>(), 3);
  EXPECT_TRUE(j.at("features_skipped").empty());
  EXPECT_EQ(j.at("components").get<std::vector<int>>(), (std::vector<int>{5}));  // a, m, b, c + site A's split
  EXPECT_EQ(j.at("dangling_ends").get<int>(), 3);                                 // a, b, c
  const Json& off = j.at("sites_off_network");
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].at("site_id").get<std::string>(), "B");
  EXPECT_EQ(off[0].at("fid").get<int>(), 2);
  // B to b (120.40, 36.10) along the parallel: 1.1 degrees of longitude at 36.1 N.
  EXPECT_NEAR(off[0].at("distance_m").get<double>(), 99054.16, 0.5);
}

// A site without an id is skipped with its fid and reason (never named ""); ids from
// the FID need no check; --to points are named by their FID, whatever fields they have.
TEST(CliValidate, SiteWithoutAnIdIsASkippedSite) {
  const std::string d = fixture().dir();
  const Result r = run({"validate", "--network", d + "/net.geojson", "--sites", d + "/repeated.geojson:repeated",
                        "--sites-where", "fid IN (1, 4)"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("sites     " + d + "/repeated.geojson:repeated: 2 read, 1 skipped, 0 beyond 10 km of the "
                       "network\n  skipped fid=4: NULL site id in field 'site_id'\n"),
            std::string::npos)
      << r.out;

  const TempDir out;
  const Result by_fid = run({"latency", "--network", d + "/net.geojson", "--sites", d + "/coded.geojson", "--to",
                             d + "/repeated.geojson", "--out", out.file("lat.csv")});
  EXPECT_EQ(by_fid.code, 0) << by_fid.err;
  EXPECT_EQ(by_fid.err, "");
  const std::string csv = read_text(out.file("lat.csv"));
  // A header and all four points, also the one with a NULL site_id.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << csv;
}

// Issue 14 item 7: dangling ends (a, b, c of the fixture's star a–m–b, m–c) are
// information, exit 0, unless --strict.
TEST(CliValidate, DanglingEndsAreInformationUnlessStrict) {
  const std::string net = fixture().file("net.geojson");
  const Result r = run({"validate", "--network", net});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("dangling  3 line ends touch nothing (information: normal for PoPs with one link; --strict "
                       "counts them as problems)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("no geometry"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nclean\n"), std::string::npos) << r.out;
  const Result strict = run({"validate", "--network", net, "--strict"});
  EXPECT_EQ(strict.code, 1) << strict.out;
  EXPECT_NE(strict.out.find("dangling  3 line ends touch nothing\n"), std::string::npos) << strict.out;
  EXPECT_NE(strict.out.find("problems found (exit 1)"), std::string::npos) << strict.out;
  const Json j = Json::parse(run({"validate", "--network", net, "--json"}).out);
  EXPECT_EQ(j.at("dangling_ends").get<int>(), 3);
  EXPECT_FALSE(j.at("problems").get<bool>());
  EXPECT_FALSE(j.at("strict").get<bool>());
  EXPECT_EQ(j.at("features_without_geometry").get<int>(), 0);
}

TEST(CliValidate, CleanNetworkExitsZero) {
  const Result r = run({"validate", "--network", fixture().file("ring.geojson"), "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j.at("components").get<std::vector<int>>(), (std::vector<int>{3}));
  EXPECT_EQ(j.at("dangling_ends").get<int>(), 0);
  EXPECT_FALSE(j.at("problems").get<bool>());
}

// ---------------------------------------------------------------------------------------
// latency --to

struct PointRow {
  std::int64_t fid = 0;
  double lon = 0, lat = 0;
  std::int64_t source_fid = 0;
  std::optional<double> latency_us, access_us;
  std::optional<std::string> site_id;
};

std::vector<PointRow> read_points_output(const std::string& path) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + path);
  OGRLayer* layer = ds->GetLayerByName("latency");
  if (!layer) throw std::runtime_error("no layer 'latency' in " + path);
  std::vector<PointRow> rows;
  for (auto& f : *layer) {
    PointRow row;
    row.fid = f->GetFID();
    const OGRPoint* p = f->GetGeometryRef()->toPoint();
    row.lon = p->getX();
    row.lat = p->getY();
    row.source_fid = f->GetFieldAsInteger64("source_fid");
    const int lat_i = f->GetFieldIndex("latency_us");
    const int acc_i = f->GetFieldIndex("access_us");
    const int site_i = f->GetFieldIndex("site_id");
    if (lat_i < 0 || acc_i < 0 || site_i < 0) throw std::runtime_error("missing output field in " + path);
    if (!f->IsFieldNull(lat_i)) row.latency_us = f->GetFieldAsDouble(lat_i);
    if (!f->IsFieldNull(acc_i)) row.access_us = f->GetFieldAsDouble(acc_i);
    if (!f->IsFieldNull(site_i)) row.site_id = f->GetFieldAsString(site_i);
    rows.push_back(row);
  }
  return rows;
}

TEST(CliLatency, OnePointPerInputFeatureWithSummary) {
  const TempDir out;
  const std::string d = fixture().dir();
  const Result r = run({"latency", "--network", d + "/net.geojson", "--sites", d + "/sites.geojson", "--to",
                        d + "/to.geojson", "--out", out.file("lat.gpkg")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(out.list(), (std::vector<std::string>{"lat.gpkg", "lat.summary.json"}));

  const auto rows = read_points_output(out.file("lat.gpkg"));
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::int64_t> fids = {3, 7, 12};
  const std::vector<std::pair<double, double>> pos = {{120.40, 36.101}, {120.35, 36.15}, {122.0, 30.0}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rows[i].fid, fids[i]);  // same order and FIDs as the input
    EXPECT_EQ(rows[i].source_fid, fids[i]);
    EXPECT_EQ(rows[i].lon, pos[i].first);  // same geometry, lon first
    EXPECT_EQ(rows[i].lat, pos[i].second);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(rows[i].latency_us && rows[i].access_us && rows[i].site_id);
    EXPECT_EQ(*rows[i].site_id, "A");
    EXPECT_GE(*rows[i].access_us, 0.0);
    EXPECT_GT(*rows[i].latency_us, *rows[i].access_us);
  }
  // c is a network node: no access distance. Its path from A is about 10.1 km of fibre,
  // i.e. about 99 us round trip at 4.897 us/km.
  EXPECT_EQ(*rows[1].access_us, 0.0);
  EXPECT_GT(*rows[1].latency_us, 95.0);
  EXPECT_LT(*rows[1].latency_us, 105.0);
  // 111 m from b: a positive access delay.
  EXPECT_GT(*rows[0].access_us, 0.0);
  // Unreachable: NULL latency, access and site.
  EXPECT_FALSE(rows[2].latency_us);
  EXPECT_FALSE(rows[2].access_us);
  EXPECT_FALSE(rows[2].site_id);

  const Json s = Json::parse(read_text(out.file("lat.summary.json")));
  const Json& model = s.at("model");
  EXPECT_EQ(model.at("metric").get<std::string>(), "rtt");
  EXPECT_NEAR(model.at("fibre_us_per_km").get<double>(), 1.4682 / 299792.458 * 1e6, 1e-12);
  EXPECT_NE(model.at("description").get<std::string>().find("round trip"), std::string::npos);
  EXPECT_EQ(s.at("features").get<int>(), 3);
  EXPECT_EQ(s.at("reached").get<int>(), 2);
  EXPECT_EQ(s.at("unreached").get<int>(), 1);
}

TEST(CliLatency, OneWayHalvesRoundTripExactly) {
  const TempDir out;
  const std::string d = fixture().dir();
  auto latency = [&](const std::string& metric, const std::string& name) {
    const Result r = run({"latency", "--network", d + "/net.geojson", "--sites", d + "/sites.geojson", "--to",
                          d + "/to.geojson", "--metric", metric, "--out", out.file(name)});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return read_points_output(out.file(name));
  };
  const auto rtt = latency("rtt", "rtt.gpkg");
  const auto one_way = latency("one-way", "one_way.gpkg");
  ASSERT_EQ(rtt.size(), one_way.size());
  for (std::size_t i = 0; i < rtt.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(rtt[i].latency_us.has_value(), one_way[i].latency_us.has_value());
    if (!rtt[i].latency_us) continue;
    EXPECT_EQ(*rtt[i].latency_us, 2.0 * *one_way[i].latency_us);
    EXPECT_EQ(*rtt[i].access_us, 2.0 * *one_way[i].access_us);
    EXPECT_EQ(rtt[i].site_id, one_way[i].site_id);
  }
  const Json s = Json::parse(read_text(out.file("one_way.summary.json")));
  EXPECT_EQ(s.at("model").at("metric").get<std::string>(), "one-way");
}

// Direction: only site delays differ by direction. One-way to-site pays the entry delay,
// from-site the exit delay, RTT both (= 2 x one-way with their mean): each equals the
// same network with a uniform site delay of that value.
TEST(CliLatency, DirectionPicksEntryOrExitDelayAndRoundTripSumsBoth) {
  const TempDir out;
  const std::string d = fixture().dir();
  auto latency = [&](std::vector<std::string> extra, const std::string& name) {
    std::vector<std::string> args = {"latency", "--network", d + "/net.geojson", "--to", d + "/to.geojson",
                                     "--out", out.file(name)};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return read_points_output(out.file(name));
  };
  const std::vector<std::string> fields = {"--sites", d + "/delayed.geojson", "--site-delay-field", "d_in",
                                           "--site-exit-delay-field", "d_out"};
  auto with = [&](std::vector<std::string> a, std::vector<std::string> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<std::string> uniform = {"--sites", d + "/delayed.geojson"};
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs = {
      {with(fields, {"--metric", "rtt"}), with(uniform, {"--metric", "rtt", "--site-delay", "200us"})},
      {with(fields, {"--metric", "one-way"}), with(uniform, {"--metric", "one-way", "--site-delay", "100us"})},
      {with(fields, {"--metric", "one-way", "--direction", "to-site"}), with(uniform, {"--metric", "one-way", "--site-delay", "100us"})},
      {with(fields, {"--metric", "one-way", "--direction", "from-site"}), with(uniform, {"--metric", "one-way", "--site-delay", "300us"})}};
  int reached = 0;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    SCOPED_TRACE(k);
    const auto a = latency(pairs[k].first, "a" + std::to_string(k) + ".gpkg");
    const auto b = latency(pairs[k].second, "b" + std::to_string(k) + ".gpkg");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].latency_us.has_value(), b[i].latency_us.has_value());
      if (!a[i].latency_us) continue;
      EXPECT_EQ(*a[i].latency_us, *b[i].latency_us);
      ++reached;
    }
  }
  EXPECT_GT(reached, 4);
  const Json s = Json::parse(read_text(out.file("a3.summary.json")));
  EXPECT_EQ(s.at("model").at("direction").get<std::string>(), "from-site");
  EXPECT_NE(s.at("model").at("description").get<std::string>().find("one-way, site to user"), std::string::npos);
  const Result bad = run(with(with({"latency", "--network", d + "/net.geojson"}, fields),
                              {"--direction", "from-site", "--out", out.file("bad.gpkg")}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--direction applies to one-way latencies"), std::string::npos) << bad.err;
}

TEST(CliLatency, CsvNetworkWithAssumedCrsGivesTheSameResult) {
  const TempDir out;
  const std::string d = fixture().dir();
  const Result geojson = run({"latency", "--network", d + "/net.geojson", "--sites", d + "/sites.geojson", "--to",
                              d + "/to.geojson", "--out", out.file("a.csv")});
  ASSERT_EQ(geojson.code, 0) << geojson.err;
  const Result csv = run({"latency", "--network", d + "/net.csv", "--assume-crs", "EPSG:4326", "--sites",
                          d + "/sites.geojson", "--to", d + "/to.geojson", "--out", out.file("b.csv")});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.err, "");
  EXPECT_EQ(csv.out, replace_all(replace_all(geojson.out, "/a.csv", "/b.csv"), "/a.summary", "/b.summary"));
  const std::string a = read_text(out.file("a.csv"));
  EXPECT_EQ(a.substr(0, a.find('\n')), "X,Y,source_fid,latency_us,access_us,site_id");
  EXPECT_EQ(read_text(out.file("b.csv")), a);
}

// ---------------------------------------------------------------------------------------
// info

TEST(CliInfo, ListsLayers) {
  const std::string path = fixture().file("multi.gpkg");
  const Result r = run({"info", path});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, path + " (GPKG)\n"
                          "  fibre: 3 features, Line String, CRS WGS 84\n"
                          "    extent: 120.300000,36.100000,120.400000,36.150000 (west,south,east,north in its CRS)\n"
                          "    fields: name\n"
                          "  sites: 2 features, Point, CRS WGS 84\n"
                          "    extent: 120.300000,36.100000,121.500000,36.101000 (west,south,east,north in its CRS)\n"
                          "    fields: site_id\n"
                          "  empty: 0 features, Line String, CRS WGS 84\n"
                          "    fields: name\n");
  const Result j = run({"info", path, "--json"});
  EXPECT_EQ(j.code, 0);
  EXPECT_EQ(j.err, "");
  const Json info = Json::parse(j.out);
  EXPECT_EQ(info.at("driver").get<std::string>(), "GPKG");
  std::vector<std::string> names;
  for (const Json& l : info.at("layers")) names.push_back(l.at("name").get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"fibre", "sites", "empty"}));
  // The extent of the fixture's vertices (issue 14 item 6); none for the empty layer.
  EXPECT_EQ(info.at("layers")[0].at("extent"), Json::parse("[120.30, 36.10, 120.40, 36.15]"));
  EXPECT_EQ(info.at("layers")[1].at("extent"), Json::parse("[120.30, 36.10, 121.50, 36.101]"));
  EXPECT_TRUE(info.at("layers")[2].at("extent").is_null());
}

}  // namespace
}  // namespace lightcone
