// The scenario parser: a full example parses into the typed config (paths relative to
// the file, units, defaults); every error names the file, line, key and table, with the
// wording pinned here.
#include <gtest/gtest.h>

#include <cmath>

#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "scenario/scenario.hpp"

namespace lightcone {
namespace {

// The smallest valid scenario; tests append to it or replace lines in it.
const std::string kMinimal = R"([network]
path = "net.gpkg"
layer = "fibre"

[sites]
path = "net.gpkg"
layer = "sites"

[demand]
path = "demand.csv"
weight_field = "pop"

[boundaries.city]
path = "../bounds/city.geojson"

[model]
metric = "rtt"

[zones]
budgets = ["1ms", "3ms"]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The InputError message of parsing `text` as /plans/s.toml, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "/plans/s.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Scenario, FullExampleParsesIntoTypedConfig) {
  const std::string text = R"(name = "example"
description = "all keys"

[network]
path = "net.gpkg"
layer = "fibre"
where = "kind <> 'planned'"
assume_crs = "EPSG:4326"
length_field = "route_km"
length_unit = "km"
group_index_field = "n"
slack_field = "slack"
delay_field = "extra"
delay_unit = "ms"
snap = "5m"
split_shared = false

[sites]
path = "/data/sites.gpkg"
layer = "sites"
where = "status = 'existing'"
id_field = "code"
delay_field = "entry"
delay_unit = "us"
status_field = "state"
capacity_field = "racks"
cost_field = "capex"

[demand]
path = "demand.csv"
assume_crs = "EPSG:4326"
weight_field = "pop"
load_field = "vcpu"

[boundaries.zeta]
path = "b.gpkg"
layer = "z"

[boundaries.alpha]
path = "b.gpkg"
layer = "a"
where = "code = 1"
label = "青岛 Qingdao"

[model]
metric = "one-way"
group_index = 1.47
slack = 1.2
node_delay = "20us"
site_delay = "0.05ms"
access_detour = 2
access_us_per_km = 5.0
access_delay = "100us"
max_access = "5km"
access_from = "nodes"
direction = "from-site"

[zones]
budgets = ["500us", "1.5ms"]
rings = true
circle_segments = 32

[surface]
enabled = true
cell_size = "250m"
epsg = 32650
extent = [119.5, 35.5, 121, 36.9]

[placement]
problem = "mclp"
p = 5
budget = "500us"
time_limit = "60s"

[[target]]
name = "a-share"
kind = "demand_share"
boundary = "alpha"
budget = "500us"
min_share = "99.5%"

[[target]]
name = "a-area"
kind = "area_share"
boundary = "alpha"
budget = "1.5ms"
min_share = 0.9

[[target]]
name = "worst"
kind = "worst_latency"
max_latency = "2ms"

[[target]]
name = "few"
kind = "new_sites"
max_new_sites = 5

[[target]]
name = "cut"
kind = "survivable"
budget = "1.5ms"
min_share = "95%"

[[target]]
name = "cap"
kind = "capacity"
)";
  const Scenario s = parse_scenario(text, "/plans/s.toml");
  EXPECT_EQ(s.name, "example");
  EXPECT_EQ(s.network.source.path, "/plans/net.gpkg");
  EXPECT_EQ(s.network.source.path_text, "net.gpkg");
  EXPECT_EQ(s.network.source.where, "kind <> 'planned'");
  EXPECT_EQ(s.network.source.where_line, 7);
  EXPECT_EQ(*s.network.source.assume_crs, "EPSG:4326");
  EXPECT_EQ(s.network.fields.length, "route_km");
  EXPECT_EQ(s.network.fields.length_unit, "km");
  EXPECT_EQ(s.network.fields.delay_unit, "ms");
  EXPECT_DOUBLE_EQ(s.network.build.snap.value, 5.0);
  EXPECT_FALSE(s.network.build.split_shared);
  ASSERT_EQ(s.network.source.fields.size(), 4u);
  EXPECT_EQ(s.network.source.fields[0].key, "length_field");
  EXPECT_EQ(s.network.source.fields[0].line, 9);
  EXPECT_EQ(s.sites.source.path, "/data/sites.gpkg");
  EXPECT_EQ(s.sites.fields.id, "code");
  EXPECT_EQ(s.sites.status_field, "state");
  EXPECT_EQ(s.sites.capacity_field, "racks");
  ASSERT_TRUE(s.demand);
  EXPECT_EQ(s.demand->weight_field, "pop");
  EXPECT_EQ(s.demand->load_field, "vcpu");
  ASSERT_EQ(s.boundaries.size(), 2u);
  EXPECT_EQ(s.boundaries[0].name, "zeta") << "boundaries keep the file's order";
  EXPECT_EQ(s.boundaries[1].source.where, "code = 1");
  EXPECT_EQ(s.boundaries[0].label, "zeta") << "DEFAULT: the key";
  EXPECT_EQ(s.boundaries[1].label, "青岛 Qingdao");
  EXPECT_EQ(s.model.metric, Metric::one_way);
  EXPECT_EQ(s.model.direction, Direction::from_site);
  EXPECT_DOUBLE_EQ(s.model.group_index, 1.47);
  EXPECT_DOUBLE_EQ(s.model.slack, 1.2);
  EXPECT_DOUBLE_EQ(s.model.node_delay.value, 20.0);
  EXPECT_DOUBLE_EQ(s.model.site_delay.value, 50.0);
  EXPECT_DOUBLE_EQ(s.model.access_detour, 2.0);
  EXPECT_DOUBLE_EQ(s.model.access_us_per_km, 5.0);
  EXPECT_DOUBLE_EQ(s.model.access_fixed.value, 100.0);
  EXPECT_DOUBLE_EQ(s.model.max_access.value, 5000.0);
  EXPECT_EQ(s.zones.options.access_from, AccessFrom::nodes);
  ASSERT_EQ(s.zones.budgets.size(), 2u);
  EXPECT_DOUBLE_EQ(s.zones.budgets[1].value, 1500.0);
  EXPECT_TRUE(s.zones.rings);
  EXPECT_EQ(s.zones.options.circle_segments, 32);
  EXPECT_DOUBLE_EQ(s.surface.options.cell_m, 250.0);
  EXPECT_EQ(s.surface.options.epsg, 32650);
  ASSERT_TRUE(s.surface.extent);
  EXPECT_DOUBLE_EQ(s.surface.extent->max.lon, 121.0);
  ASSERT_TRUE(s.placement);
  EXPECT_EQ(s.placement->problem, Problem::mclp);
  EXPECT_EQ(*s.placement->p, 5);
  EXPECT_DOUBLE_EQ(s.placement->time_limit->value, 60e6);
  ASSERT_EQ(s.targets.size(), 6u);
  EXPECT_EQ(s.targets[0].kind, TargetKind::demand_share);
  EXPECT_DOUBLE_EQ(s.targets[0].min_share, 0.995);
  EXPECT_EQ(s.targets[0].line, 75);
  EXPECT_DOUBLE_EQ(s.targets[1].min_share, 0.9);
  EXPECT_EQ(s.targets[2].kind, TargetKind::worst_latency);
  EXPECT_DOUBLE_EQ(s.targets[2].max_latency.value, 2000.0);
  EXPECT_EQ(s.targets[3].max_new_sites, 5);
  EXPECT_EQ(s.targets[4].kind, TargetKind::survivable);
  EXPECT_EQ(s.targets[5].kind, TargetKind::capacity);
}

// [network] tap_field and no_tap_longer_than (issue 14 item 1): DEFAULT 50 km, "off" is
// infinity, a length sets it, the field is the lines' tap field.
TEST(Scenario, NetworkTapRuleKeys) {
  EXPECT_DOUBLE_EQ(parse_scenario(kMinimal, "s.toml").model.no_tap_longer_than.value, 50000.0);
  EXPECT_TRUE(parse_scenario(kMinimal, "s.toml").network.fields.tap.empty());
  auto with = [](const std::string& lines) {
    std::string text = kMinimal;
    const std::string head = "layer = \"fibre\"\n";
    text.insert(text.find(head) + head.size(), lines);
    return parse_scenario(text, "s.toml");
  };
  EXPECT_DOUBLE_EQ(with("no_tap_longer_than = \"20km\"\n").model.no_tap_longer_than.value, 20000.0);
  EXPECT_TRUE(std::isinf(with("no_tap_longer_than = \"off\"\n").model.no_tap_longer_than.value));
  EXPECT_EQ(with("tap_field = \"tap\"\n").network.fields.tap, "tap");
  EXPECT_THROW(with("no_tap_longer_than = \"0km\"\n"), InputError);
}

TEST(Scenario, DefaultsAndRelativePaths) {
  const Scenario s = parse_scenario(kMinimal, "plans/s.toml");
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.network.source.path, "plans/net.gpkg");
  EXPECT_EQ(s.boundaries[0].source.path, "bounds/city.geojson");
  EXPECT_EQ(s.model.metric, Metric::rtt);
  EXPECT_DOUBLE_EQ(s.model.group_index, 1.4682);
  EXPECT_DOUBLE_EQ(s.model.max_access.value, 10000.0);
  EXPECT_TRUE(s.surface.enabled);
  EXPECT_DOUBLE_EQ(s.surface.options.cell_m, 0.0);  // chosen: 1 km, coarser beyond max_cells
  EXPECT_DOUBLE_EQ(s.surface.options.max_cells, 25e6);
  EXPECT_FALSE(s.placement);
  EXPECT_TRUE(s.targets.empty());
  // A scenario next to the working directory keeps its paths as written.
  EXPECT_EQ(parse_scenario(kMinimal, "s.toml").network.source.path, "net.gpkg");
  // [placement] uncoverable: DEFAULT fail; "skip" solves for the coverable rest.
  const std::string lscp = kMinimal + "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n";
  EXPECT_EQ(parse_scenario(lscp, "s.toml").placement->uncoverable, Uncoverable::fail);
  EXPECT_EQ(parse_scenario(lscp + "uncoverable = \"skip\"\n", "s.toml").placement->uncoverable, Uncoverable::skip);
  // [placement] largest_component: DEFAULT false.
  EXPECT_FALSE(parse_scenario(lscp, "s.toml").placement->largest_component);
  EXPECT_TRUE(parse_scenario(lscp + "largest_component = true\n", "s.toml").placement->largest_component);
}

TEST(Scenario, MapsExtentAndLabelFields) {
  const std::string text = replace(replace(kMinimal, "weight_field = \"pop\"", "weight_field = \"pop\"\nlabel_field = \"city\""),
                                   "layer = \"sites\"", "layer = \"sites\"\nlabel_field = \"none\"") +
                           "[maps]\nextent = [119.5, 35.5, 121, 36.9]\n";
  const Scenario s = parse_scenario(text, "s.toml");
  ASSERT_TRUE(s.maps.extent);
  EXPECT_DOUBLE_EQ(s.maps.extent->min.lon, 119.5);
  EXPECT_DOUBLE_EQ(s.maps.extent->max.lat, 36.9);
  EXPECT_EQ(s.demand->label_field, "city");
  EXPECT_EQ(s.sites.fields.label, "none");
  EXPECT_FALSE(parse_scenario(kMinimal, "s.toml").maps.extent);
  // A surface extent may cross ±180 (WEST > EAST): the east edge is unwrapped past 180.
  const Scenario fiji = parse_scenario(kMinimal + "[surface]\nextent = [178, -19, -178, -16]\n", "s.toml");
  ASSERT_TRUE(fiji.surface.extent);
  EXPECT_DOUBLE_EQ(fiji.surface.extent->min.lon, 178.0);
  EXPECT_DOUBLE_EQ(fiji.surface.extent->max.lon, 182.0);
  EXPECT_EQ(error_of(kMinimal + "[maps]\nextent = [121, 35.5, 121, 36.9]\n"),
            "/plans/s.toml:22: 'extent' in [maps] must be [WEST, SOUTH, EAST, NORTH] in degrees, e.g. [119.5, 35.5, "
            "121.0, 36.9] (WEST greater than EAST crosses 180°, e.g. [178, -19, -178, -16]).");
}

TEST(Scenario, BudgetsAsOneString) {
  const Scenario s = parse_scenario(replace(kMinimal, R"(["1ms", "3ms"])", R"("1ms,3ms")"), "s.toml");
  ASSERT_EQ(s.zones.budgets.size(), 2u);
  EXPECT_DOUBLE_EQ(s.zones.budgets[1].value, 3000.0);
}

struct BadCase {
  std::string name;
  std::string text;
  std::string message;
};

TEST(Scenario, ErrorsNameFileLineKeyAndTable) {
  const std::string target = "\n[[target]]\nname = \"t\"\nkind = \"demand_share\"\nboundary = \"city\"\nbudget = \"1ms\"\nmin_share = \"99%\"\n";
  const std::vector<BadCase> cases = {
      {"unknown key", replace(kMinimal, "budgets =", "budgts ="),
       "/plans/s.toml:20: unknown key 'budgts' in [zones]. Known keys: budgets, rings, circle_segments."},
      {"unknown top-level key", "netwrk = 1\n" + kMinimal,
       "/plans/s.toml:1: unknown key 'netwrk' at the top level. Known keys: name, description, network, coverage, sites, demand, "
       "boundaries, model, zones, surface, maps, placement, target, output."},
      {"unknown key in a boundary", replace(kMinimal, "path = \"../bounds", "layr = \"x\"\npath = \"../bounds"),
       "/plans/s.toml:14: unknown key 'layr' in [boundaries.city]. Known keys: path, layer, where, assume_crs, label."},
      {"empty boundary label", replace(kMinimal, "path = \"../bounds", "label = \" \"\npath = \"../bounds"),
       "/plans/s.toml:14: 'label' in [boundaries.city] is empty. Give the name maps should show, e.g. label = "
       "\"青岛市 Qingdao\", or leave it out."},
      {"unknown key in a target", kMinimal + replace(target, "min_share", "min_shar"),
       "/plans/s.toml:27: unknown key 'min_shar' in [[target]] 't'. Known keys: name, kind, description, boundary, budget, "
       "min_share."},
      {"key of another target kind", kMinimal + replace(target, "min_share = \"99%\"", "max_latency = \"1ms\""),
       "/plans/s.toml:27: unknown key 'max_latency' in [[target]] 't'. Known keys: name, kind, description, boundary, "
       "budget, min_share."},
      {"wrong type: number as string", replace(kMinimal, "metric = \"rtt\"", "metric = \"rtt\"\ngroup_index = \"1.47\""),
       "/plans/s.toml:18: 'group_index' in [model] must be a number, not a string."},
      {"wrong type: bool", replace(kMinimal, "budgets = [", "rings = \"yes\"\nbudgets = ["),
       "/plans/s.toml:20: 'rings' in [zones] must be true or false, not a string."},
      {"wrong type: table", "model = 3\n" + replace(kMinimal, "[model]\nmetric = \"rtt\"\n", ""),
       "/plans/s.toml:1: 'model' at the top level must be a table, not an integer."},
      {"duration as a bare number", replace(kMinimal, "metric = \"rtt\"", "metric = \"rtt\"\nnode_delay = 20"),
       "/plans/s.toml:18: 'node_delay' in [model] must be a duration with its unit in quotes, e.g. \"500us\" or \"1ms\", "
       "not an integer."},
      {"bad duration unit", replace(kMinimal, "\"3ms\"", "\"3mss\""),
       "/plans/s.toml:20: unknown time unit 'mss' in '3mss' for 'budgets' in [zones]. Use s, ms, us or ns, e.g. '1ms'."},
      {"budget out of range", replace(kMinimal, "\"3ms\"", "\"3s\""),
       "/plans/s.toml:20: latency '3s' for 'budgets' in [zones] is out of range: budgets, latencies and delays are at "
       "most 1s (light crosses the Earth's fibre in about 200 ms)."},
      {"overflowing budget", replace(kMinimal, "\"3ms\"", "\"1e308ms\""),
       "/plans/s.toml:20: value '1e308ms' for 'budgets' in [zones] is out of range."},
      {"missing duration unit", replace(kMinimal, "\"3ms\"", "\"3\""),
       "/plans/s.toml:20: missing unit in '3' for 'budgets' in [zones]. A bare number is ambiguous: write e.g. '1ms'."},
      {"direction with rtt", replace(kMinimal, "metric = \"rtt\"", "metric = \"rtt\"\ndirection = \"from-site\""),
       "/plans/s.toml:18: 'direction' in [model] applies to one-way latencies; with metric = \"rtt\" both ways are "
       "summed (RTT = 2 x (network + access) + entry + exit delay). Remove it or use metric = \"one-way\"."},
      {"bad length unit", replace(kMinimal, "metric = \"rtt\"", "metric = \"rtt\"\nmax_access = \"10 kms\""),
       "/plans/s.toml:18: unknown length unit 'kms' in '10 kms' for 'max_access' in [model]. Use km, m, cm or mm, e.g. "
       "'10km'."},
      {"bad field unit", replace(kMinimal, "layer = \"fibre\"", "layer = \"fibre\"\nlength_field = \"len\"\nlength_unit = \"miles\""),
       "/plans/s.toml:5: unknown length unit 'miles' for 'length_unit' in [network]. Use 'm' or 'km'."},
      {"field without its unit", replace(kMinimal, "layer = \"fibre\"", "layer = \"fibre\"\nlength_field = \"len\""),
       "/plans/s.toml:1: missing key 'length_unit' in [network]. length_field 'len' needs its unit: length_unit = \"km\" "
       "or \"m\"."},
      {"metric missing", replace(kMinimal, "metric = \"rtt\"", ""),
       "/plans/s.toml:16: missing key 'metric' in [model]. Say 'rtt' or 'one-way': budgets and targets mean different "
       "things in each."},
      {"unknown metric", replace(kMinimal, "\"rtt\"", "\"two-way\""),
       "/plans/s.toml:17: unknown metric 'two-way' for 'metric' in [model]. Use 'rtt' or 'one-way'."},
      {"model table missing", replace(kMinimal, "[model]\nmetric = \"rtt\"\n", ""),
       "/plans/s.toml: missing table [model]. Every scenario states its metric: add [model] with metric = \"rtt\" or "
       "\"one-way\"."},
      {"out of range", replace(kMinimal, "metric = \"rtt\"", "metric = \"rtt\"\nslack = 0.9"),
       "/plans/s.toml:18: 'slack' in [model] = 0.9 is out of range: slack is route length / drawn length, at least 1."},
      {"TOML syntax", replace(kMinimal, "[zones]", "[zones"),
       "/plans/s.toml:19: TOML syntax error: Error while parsing table header: expected ']', saw '\\n'."},
      {"missing path", replace(kMinimal, "path = \"demand.csv\"\n", ""),
       "/plans/s.toml:9: missing key 'path' in [demand]. Give the file with the demand points, relative to the scenario "
       "file."},
      {"missing boundary", kMinimal + replace(target, "\"city\"", "\"cty\""),
       "/plans/s.toml:25: target 't' names boundary 'cty', which is not defined. Defined boundaries: city."},
      {"budget not among the zones'", kMinimal + replace(target, "\"1ms\"", "\"2ms\""),
       "/plans/s.toml:26: budget 2ms of target 't' is not one of the [zones] budgets (1ms, 3ms). Add it there."},
      {"share above 1", kMinimal + replace(target, "\"99%\"", "99"),
       "/plans/s.toml:27: share 99 for 'min_share' in [[target]] 't' is not between 0 and 1. Write a fraction (0.99) or "
       "a percentage in quotes (\"99%\")."},
      {"share without %", kMinimal + replace(target, "\"99%\"", "\"99\""),
       "/plans/s.toml:27: invalid share '99' for 'min_share' in [[target]] 't'. Write a percentage, e.g. \"99%\", or a "
       "fraction between 0 and 1."},
      {"unknown kind", kMinimal + replace(target, "demand_share", "demand_shares"),
       "/plans/s.toml:24: unknown target kind 'demand_shares' in [[target]] 't'. Use one of: demand_share, area_share, "
       "worst_latency, new_sites, survivable, capacity."},
      {"duplicate names", kMinimal + target + target,
       "/plans/s.toml:29: duplicate target name 't'. Target names must be unique."},
      {"area target needs a boundary", kMinimal + replace(replace(target, "boundary = \"city\"\n", ""), "demand_share", "area_share"),
       "/plans/s.toml:22: missing key 'boundary' in [[target]] 't'. An area_share target needs the boundary whose area is "
       "covered."},
      {"demand target without demand", replace(kMinimal, "[demand]\npath = \"demand.csv\"\nweight_field = \"pop\"\n", "") + target,
       "/plans/s.toml:19: target 't' (demand_share) needs demand points: add a [demand] table."},
      {"target array", "target = 3\n" + kMinimal,
       "/plans/s.toml:1: 'target' must be an array of tables: write each target as a [[target]] section."},
      {"placement without budget", kMinimal + "[placement]\nproblem = \"lscp\"\n",
       "/plans/s.toml:21: missing key 'budget' in [placement]. Problem lscp needs a latency budget, e.g. budget = \"1ms\"."},
      {"unknown placement key", kMinimal + "[placement]\nproblem = \"mclp\"\nsolver = \"cbc\"\n",
       "/plans/s.toml:23: unknown key 'solver' in [placement]. Known keys: problem, p, budget, time_limit, k, survive, money, capacity_unit, uncoverable, largest_component."},
      {"backup level on mclp", kMinimal + "[placement]\nproblem = \"mclp\"\nbudget = \"1ms\"\np = 2\nk = 2\n",
       "/plans/s.toml:25: 'k' in [placement] (backup coverage) works with problem = \"lscp\" only."},
      {"survive on pmedian", kMinimal + "[placement]\nproblem = \"pmedian\"\np = 2\nsurvive = true\n",
       "/plans/s.toml:24: 'survive' in [placement] works with problem = \"lscp\" or \"mclp\" only."},
      {"negative money", kMinimal + "[placement]\nproblem = \"mclp\"\nbudget = \"1ms\"\np = 2\nmoney = -1\n",
       "/plans/s.toml:25: 'money' in [placement] must not be negative (the most the new sites may cost)."},
      {"bad uncoverable", kMinimal + "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\nuncoverable = \"drop\"\n",
       "/plans/s.toml:24: unknown value 'drop' for 'uncoverable' in [placement]. Use fail or skip."},
      {"unknown problem", kMinimal + "[placement]\nproblem = \"kmeans\"\n",
       "/plans/s.toml:22: unknown problem 'kmeans' for 'problem' in [placement]. Use lscp, mclp, pmedian or pcenter."},
      {"bad extent", kMinimal + "[surface]\nextent = [121, 36, 121, 35]\n",
       "/plans/s.toml:22: 'extent' in [surface] must be [WEST, SOUTH, EAST, NORTH] in degrees, e.g. [119.5, 35.5, 121.0, "
       "36.9] (WEST greater than EAST crosses 180°, e.g. [178, -19, -178, -16])."},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(error_of(c.text), c.message);
  }
}

// The README documents the format with a full example: it must parse.
TEST(Scenario, ReadmeExampleParses) {
  std::ifstream in(std::string(LIGHTCONE_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const auto begin = readme.find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  const auto end = readme.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  const Scenario s = parse_scenario(readme.substr(begin + 8, end - begin - 8), "README.toml");
  EXPECT_EQ(s.name, "qingdao");
  EXPECT_EQ(s.boundaries.size(), 2u);
  EXPECT_TRUE(s.placement);
  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(s.targets[1].kind, TargetKind::area_share);
  EXPECT_EQ(s.targets[2].kind, TargetKind::worst_latency);
}

// The README's [coverage] example (placement on a measured table, no network) parses.
TEST(Scenario, ReadmeCoverageExampleParses) {
  std::ifstream in(std::string(LIGHTCONE_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const auto begin = readme.find("```toml\nname = \"probes\"");
  ASSERT_NE(begin, std::string::npos);
  const auto end = readme.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  const Scenario s = parse_scenario(readme.substr(begin + 8, end - begin - 8), "/data/probes.toml");
  ASSERT_TRUE(s.coverage);
  EXPECT_EQ(s.coverage->source.path, "/data/rtt_matrix.csv");
  EXPECT_EQ(s.coverage->metric, Metric::rtt);
  EXPECT_TRUE(s.network.source.path.empty());
  EXPECT_TRUE(s.zones.budgets.empty());
  ASSERT_TRUE(s.placement);
  EXPECT_EQ(s.placement->problem, Problem::lscp);
  ASSERT_EQ(s.targets.size(), 1u);
  // The table's metric defaults to the model's; a one-way table in an RTT scenario says so.
  const std::string one_way = "name = \"x\"\n[coverage]\npath = \"t.csv\"\nmetric = \"one-way\"\n[model]\nmetric = \"rtt\"\n"
                              "[placement]\nproblem = \"pmedian\"\np = 2\n";
  EXPECT_EQ(parse_scenario(one_way, "x.toml").coverage->metric, Metric::one_way);
}

// Issue 12, item 18: every bad value, in every table, is an error at the value's line
// that names its key and table (durations, lengths, numbers, shares).
TEST(Scenario, EveryBadValueNamesFileLineAndKey) {
  struct Case {
    std::string table;  // appended, or the line it replaces in kMinimal
    std::string key;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"[network]", "snap", "\"-1m\""},           {"[network]", "snap", "\"1 parsec\""},
      {"[network]", "snap", "5"},                  {"[network]", "split_shared", "\"no\""},
      {"[model]", "group_index", "0.5"},           {"[model]", "group_index", "nan"},
      {"[model]", "slack", "\"1.2\""},             {"[model]", "access_detour", "0.2"},
      {"[model]", "access_us_per_km", "-1"},       {"[model]", "node_delay", "\"-5us\""},
      {"[model]", "site_delay", "\"2s\""},         {"[model]", "access_delay", "\"1 fortnight\""},
      {"[model]", "max_access", "\"1e9km\""},      {"[model]", "max_access", "\"10\""},
      {"[zones]", "circle_segments", "3"},         {"[zones]", "circle_segments", "1.5"},
      {"[surface]", "cell_size", "\"0m\""},        {"[surface]", "cell_size", "\"1\""},
      {"[surface]", "cell_size", "1000"},          {"[surface]", "epsg", "12"},
      {"[surface]", "epsg", "99999"},              {"[surface]", "epsg", "4326"},
      {"[surface]", "epsg", "2263"},               {"[surface]", "epsg", "\"32650\""},
      {"[surface]", "enabled", "1"},               {"[surface]", "extent", "[1, 2, 3]"},
      {"[placement]", "time_limit", "\"0s\""},     {"[placement]", "time_limit", "\"60\""},
      {"[placement]", "budget", "\"2s\""},         {"[placement]", "budget", "\"0ms\""},
      {"[placement]", "p", "0"},                   {"[placement]", "p", "2.5"},
      {"[placement]", "money", "-3"},              {"[placement]", "money", "\"lots\""},
      {"[placement]", "k", "0"},                   {"[placement]", "survive", "\"yes\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.table + " " + c.key + " = " + c.value);
    std::string text = kMinimal;
    const std::string assignment = c.key + " = " + c.value;
    int line = 0;
    if (c.table == "[placement]") {
      // mclp takes every key tested here but k (an lscp key, tested on its own value).
      text += c.key == "k" ? "[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\n" + assignment + "\n"
                           : "[placement]\nproblem = \"mclp\"\n" +
                                 std::string(c.key == "budget" ? "" : "budget = \"1ms\"\n") +
                                 std::string(c.key == "p" ? "" : "p = 2\n") + assignment + "\n";
    } else if (c.table == "[surface]") {
      text += "[surface]\n" + assignment + "\n";
    } else {
      text = replace(text, c.table + "\n", c.table + "\n" + assignment + "\n");
    }
    std::istringstream lines(text);
    std::string l;
    for (int n = 1; std::getline(lines, l); ++n)
      if (l == assignment) line = n;
    ASSERT_GT(line, 0);
    const std::string message = error_of(text);
    EXPECT_EQ(message.rfind("/plans/s.toml:" + std::to_string(line) + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("'" + c.key + "' in " + c.table), std::string::npos) << message;
  }
}

// Issue 12, items 8 and 12: the surface CRS is a projected CRS in metres that GDAL
// knows, and an extent it is given lies in its area of use.
TEST(Scenario, SurfaceCrsIsProjectedInMetresAndCoversTheExtent) {
  const std::string fix = "Choose a projected CRS in metres such as EPSG:32650, or leave epsg out to let lightcone choose.";
  EXPECT_EQ(error_of(kMinimal + "[surface]\nepsg = 99999\n"),
            "/plans/s.toml:22: 'epsg' in [surface] = 99999 is not a CRS in the EPSG database. " + fix);
  EXPECT_EQ(error_of(kMinimal + "[surface]\nepsg = 4326\n"),
            "/plans/s.toml:22: 'epsg' in [surface] = 4326 (WGS 84) is not a projected CRS (its unit is the degree): "
            "the surface's cells are squares in metres. " + fix);
  EXPECT_EQ(error_of(kMinimal + "[surface]\nepsg = 2263\n"),
            "/plans/s.toml:22: 'epsg' in [surface] = 2263 (NAD83 / New York Long Island (ftUS)) is projected in US "
            "survey foot, not in metres: the surface's cells are squares in metres. " + fix);
  EXPECT_EQ(error_of(kMinimal + "[surface]\nepsg = 32650\nextent = [-180, -80, 180, 80]\n"),
            "/plans/s.toml:23: 'extent' in [surface] [-180, -80, 180, 80] lies outside the area of use of EPSG:32650 "
            "(WGS 84 / UTM zone 50N: 114E to 120E, 0N to 84N), 'epsg' in [surface] (line 22). Choose a projected CRS "
            "in metres such as EPSG:32631, or leave epsg out to let lightcone choose.");
  // A little past the area of use is fine (the README's example reaches 1 degree past it).
  const Scenario s = parse_scenario(kMinimal + "[surface]\nepsg = 32650\nextent = [119.5, 35.5, 121.0, 36.9]\n",
                                    "/plans/s.toml");
  ASSERT_TRUE(s.surface.crs);
  EXPECT_TRUE(s.surface.crs->metres);
  EXPECT_EQ(s.surface.epsg_line, 22);
  EXPECT_EQ(s.surface.extent_line, 23);
  // The default extent is checked when the run knows it.
  try {
    check_surface_extent(s, LonLatBox{{-80, 30}, {-70, 40}});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/plans/s.toml:22: the surface extent (the largest zone's bounding box) [-80, 30, -70, 40] "
                           "lies outside the area of use of EPSG:32650 (WGS 84 / UTM zone 50N: 114E to 120E, 0N to "
                           "84N), 'epsg' in [surface]. Choose a projected CRS in metres such as EPSG:32618, or leave "
                           "epsg out to let lightcone choose.");
  }
  EXPECT_NO_THROW(check_surface_extent(s, LonLatBox{{119, 35}, {121, 37}}));
  const Scenario any = parse_scenario(kMinimal, "/plans/s.toml");
  EXPECT_NO_THROW(check_surface_extent(any, LonLatBox{{-180, -80}, {180, 80}}));  // lightcone chooses
}

TEST(Scenario, MissingFileIsAnInputError) {
  try {
    load_scenario("/nonexistent/s.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "scenario file not found (/nonexistent/s.toml). Give the path of a .toml scenario.");
  }
}

}  // namespace
}  // namespace lightcone

namespace lightcone {
namespace {

// PostGIS layers: the connection string kept whole (not relative to the file), the layer
// from 'layer' or after the quoted string, the password never in what is shown; [output]
// postgis takes a PG target only.
TEST(Scenario, PostgisLayersAndOutput) {
  std::string text = replace(kMinimal, "path = \"net.gpkg\"\nlayer = \"fibre\"",
                             "path = 'PG:dbname=gis host=db password=s3cret'\nlayer = \"src.fibre\"");
  text = replace(text, "path = \"net.gpkg\"\nlayer = \"sites\"", "path = 'PG:\"dbname=gis host=db\":src.sites'");
  text += "[output]\npostgis = 'PG:\"dbname=gis host=db\":qingdao_run'\n";
  const Scenario s = parse_scenario(text, "/plans/s.toml");
  EXPECT_EQ(s.network.source.path, "PG:dbname=gis host=db password=s3cret");
  EXPECT_EQ(s.network.source.path_text, "PG:dbname=gis host=db password=***");
  EXPECT_EQ(s.network.source.layer, "src.fibre");
  EXPECT_EQ(s.sites.source.path, "PG:dbname=gis host=db");
  EXPECT_EQ(s.sites.source.layer, "src.sites");
  EXPECT_EQ(s.output.postgis, "PG:\"dbname=gis host=db\":qingdao_run");
  EXPECT_EQ(s.output.postgis_line, 21);

  EXPECT_EQ(error_of(kMinimal + "[output]\npostgis = \"runs/x\"\n"),
            "/plans/s.toml:22: 'postgis' in [output] must be a PostGIS target PG:\"CONNECTION\":SCHEMA, e.g. "
            "PG:\"dbname=gis host=db\":qingdao_run.");
  EXPECT_EQ(error_of(kMinimal + "[output]\npostgres = \"PG:x\"\n"),
            "/plans/s.toml:22: unknown key 'postgres' in [output]. Known keys: postgis.");
  EXPECT_EQ(error_of(replace(kMinimal, "path = \"net.gpkg\"\nlayer = \"fibre\"",
                             "path = 'PG:\"dbname=gis\":src.fibre'\nlayer = \"fibre\"")),
            "/plans/s.toml:3: the layer is given twice, in 'path' and in 'layer' in [network]. Give it once.");
}

}  // namespace
}  // namespace lightcone
