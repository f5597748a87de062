#include "scenario/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "core/error.hpp"
#include "core/pg_source.hpp"
#include "scenario/scenario_tables.hpp"

namespace lightcone {
namespace {

using scenario_detail::Context;
using scenario_detail::line_of;
using scenario_detail::read_model;
using scenario_detail::read_placement;
using scenario_detail::read_surface;
using scenario_detail::read_targets;
using scenario_detail::read_zones;
using scenario_detail::simple_name;
using scenario_detail::TableReader;
using scenario_detail::type_name;

const std::vector<std::string> kLayerKeys = {"path", "layer", "where", "assume_crs"};

std::vector<std::string> with_layer_keys(std::vector<std::string> extra) {
  std::vector<std::string> keys = kLayerKeys;
  keys.insert(keys.end(), extra.begin(), extra.end());
  return keys;
}

std::string resolve_path(const Context& ctx, const std::string& text) {
  if (text.rfind("PG:", 0) == 0 || text.rfind("/vsi", 0) == 0) return text;
  const std::filesystem::path p(text);
  if (p.is_absolute() || ctx.dir.empty()) return p.lexically_normal().string();
  return (ctx.dir / p).lexically_normal().string();
}

ScenarioLayer read_layer(const Context& ctx, const TableReader& t, const std::string& what_hint) {
  ScenarioLayer L;
  L.table = t.name();
  L.line = t.line();
  L.path_text = t.required_string("path", "Give the file with " + what_hint + ", relative to the scenario file.");
  if (L.path_text.empty()) t.fail("path", t.what("path") + " must not be empty.");
  L.path = resolve_path(ctx, L.path_text);
  L.path_line = t.line("path");
  if (is_pg_source(L.path_text)) {
    // PG:"CONNECTION":SCHEMA.TABLE may name the layer too (core/pg_source.hpp).
    const std::optional<PgSourceSplit> pg = split_pg_source(L.path_text);
    if (!pg) t.fail("path", t.what("path") + " has an unclosed quote. Write PG:\"dbname=... host=...\":SCHEMA.TABLE.");
    L.path = pg->connection;
    L.path_text = redact_pg_source(pg->connection);
    if (!pg->layer.empty()) {
      if (t.string("layer")) t.fail("layer", "the layer is given twice, in 'path' and in 'layer' " + t.in() + ". Give it once.");
      L.layer = pg->layer;
      L.layer_line = t.line("path");
    }
  }
  if (auto v = t.string("layer")) {
    L.layer = *v;
    L.layer_line = t.line("layer");
  }
  if (auto v = t.string("where")) {
    L.where = *v;
    L.where_line = t.line("where");
  }
  if (auto v = t.string("assume_crs")) L.assume_crs = *v;
  return L;
}

// A field-mapping key: the field name, recorded for the existence check.
std::string field_key(const TableReader& t, ScenarioLayer& L, std::string_view key) {
  auto v = t.string(key);
  if (!v) return {};
  if (v->empty()) t.fail(key, t.what(key) + " must name a field.");
  L.fields.push_back({std::string(key), *v, t.line(key)});
  return *v;
}

std::string unit_key(const TableReader& t, std::string_view key, const std::vector<std::string>& units,
                     const std::string& kind) {
  auto v = t.string(key);
  if (!v) return {};
  if (std::find(units.begin(), units.end(), *v) == units.end()) {
    std::string list;
    for (std::size_t i = 0; i < units.size(); ++i)
      list += (i == 0 ? "'" : i + 1 == units.size() ? "' or '" : "', '") + units[i];
    t.fail(key, "unknown " + kind + " unit '" + *v + "' for " + t.what(key) + ". Use " + list + "'.");
  }
  return *v;
}

toml::table parse_toml(const Context& ctx, std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    std::string d(e.description());
    while (!d.empty() && (d.back() == '.' || d.back() == ' ')) d.pop_back();
    ctx.fail(static_cast<int>(e.source().begin.line), "TOML syntax error: " + d + ".");
  }
}

void read_network(const Context& ctx, const TableReader& t, NetworkSpec& n) {
  n.source = read_layer(ctx, t, "the fibre lines");
  n.fields.length = field_key(t, n.source, "length_field");
  n.fields.length_unit = unit_key(t, "length_unit", {"m", "km"}, "length");
  n.fields.group_index = field_key(t, n.source, "group_index_field");
  n.fields.slack = field_key(t, n.source, "slack_field");
  n.fields.delay = field_key(t, n.source, "delay_field");
  n.fields.delay_unit = unit_key(t, "delay_unit", {"us", "ms"}, "time");
  n.fields.risk_group = field_key(t, n.source, "risk_group_field");
  if (!n.fields.length.empty() && n.fields.length_unit.empty()) {
    t.missing("length_unit", "length_field '" + n.fields.length + "' needs its unit: length_unit = \"km\" or \"m\".");
  }
  if (!n.fields.delay.empty() && n.fields.delay_unit.empty()) {
    t.missing("delay_unit", "delay_field '" + n.fields.delay + "' needs its unit: delay_unit = \"us\" or \"ms\".");
  }
  if (auto v = t.length("snap")) {
    if (v->value < 0) t.fail("snap", t.what("snap") + " must not be negative, e.g. \"1m\".");
    n.build.snap = *v;
  }
  if (auto v = t.boolean("split_shared")) n.build.split_shared = *v;
  n.fields.tap = field_key(t, n.source, "tap_field");
  if (auto v = t.string("no_tap_longer_than")) {
    try {
      n.no_tap_longer_than = parse_tap_length(*v, t.what("no_tap_longer_than"));
    } catch (const InputError& e) {
      t.fail("no_tap_longer_than", e.what());
    }
  }
}

void read_sites(const Context& ctx, const TableReader& t, SitesSpec& st) {
  st.source = read_layer(ctx, t, "the sites");
  st.fields.id = field_key(t, st.source, "id_field");
  st.fields.entry_delay = field_key(t, st.source, "delay_field");
  st.fields.exit_delay = field_key(t, st.source, "exit_delay_field");
  const std::string unit = unit_key(t, "delay_unit", {"us", "ms"}, "time");
  if (!unit.empty()) st.fields.delay_unit = unit;
  st.status_field = field_key(t, st.source, "status_field");
  st.capacity_field = field_key(t, st.source, "capacity_field");
  st.cost_field = field_key(t, st.source, "cost_field");
  st.fields.label = field_key(t, st.source, "label_field");
}

DemandSpec read_demand(const Context& ctx, const TableReader& t) {
  DemandSpec d;
  d.source = read_layer(ctx, t, "the demand points");
  d.weight_field = field_key(t, d.source, "weight_field");
  d.load_field = field_key(t, d.source, "load_field");
  d.label_field = field_key(t, d.source, "label_field");
  return d;
}

void read_boundaries(const Context& ctx, const toml::table& bounds, Scenario& s) {
  for (auto&& [k, v] : bounds) {
    const std::string name(k.str());
    const std::string label = "[boundaries." + name + "]";
    if (!v.is_table()) {
      ctx.fail(line_of(v), "'" + name + "' in [boundaries] must be a table (" + label + " with path, layer, where), not " +
                               type_name(v.type()) + ".");
    }
    if (!simple_name(name)) ctx.fail(line_of(v), "boundary name '" + name + "' may only use letters, digits, '-' and '_'.");
    const TableReader t(ctx, *v.as_table(), label, with_layer_keys({"label"}));
    BoundarySpec b{name, read_layer(ctx, t, "the boundary polygons"), name};
    if (auto l = t.string("label")) {
      if (l->empty() || l->find_first_not_of(" \t") == std::string::npos)
        t.fail("label", t.what("label") + " is empty. Give the name maps should show, e.g. label = \"青岛市 Qingdao\", or leave it out.");
      b.label = *l;
    }
    s.boundaries.push_back(std::move(b));
  }
  // TOML tables are unordered: keep the file's order.
  std::stable_sort(s.boundaries.begin(), s.boundaries.end(),
                   [](const BoundarySpec& a, const BoundarySpec& b) { return a.source.line < b.source.line; });
}

// [maps] extent = [WEST, SOUTH, EAST, NORTH] (degrees; WEST > EAST crosses ±180).
void read_maps(const Context& ctx, const TableReader& t, MapsSpec& m) {
  const toml::node* n = t.node("extent");
  if (!n) return;
  const LonLatBox box = read_extent(ctx, t, *n, true);
  m.extent = box;
  m.extent_line = line_of(*n);
}

}  // namespace

std::string_view to_string(TargetKind k) {
  static const char* names[] = {"demand_share", "area_share", "worst_latency", "new_sites", "survivable", "capacity"};
  return names[static_cast<int>(k)];
}

const BoundarySpec* Scenario::boundary(std::string_view n) const {
  for (const auto& b : boundaries)
    if (b.name == n) return &b;
  return nullptr;
}

std::string scenario_where(const Scenario& s, int line) {
  return line > 0 ? s.file + ":" + std::to_string(line) + ": " : s.file + ": ";
}

void check_surface_extent(const Scenario& s, const LonLatBox& extent) {
  const std::string outside = scenario_detail::outside_area_of_use(s.surface, extent);
  if (outside.empty()) return;
  throw InputError(scenario_where(s, s.surface.epsg_line) + "the surface extent (the largest zone's bounding box) " +
                   outside + ", 'epsg' in [surface]. " + scenario_detail::surface_crs_fix(extent));
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  Context ctx{path, std::filesystem::path(path).parent_path()};
  const toml::table root = parse_toml(ctx, text, path);
  Scenario s;
  s.file = path;
  const TableReader top(ctx, root, "at the top level",
                        {"name", "description", "network", "coverage", "sites", "demand", "boundaries", "model", "zones",
                         "surface", "maps", "placement", "target", "output"});
  s.name = top.string_or("name", std::filesystem::path(path).stem().string());
  s.description = top.string_or("description", "");

  // [model] first: budgets and targets depend on its metric.
  const toml::table* model = top.table("model");
  if (!model) ctx.fail(0, "missing table [model]. Every scenario states its metric: add [model] with metric = \"rtt\" or \"one-way\".");
  read_model(ctx, TableReader(ctx, *model, "[model]",
                              {"metric", "group_index", "slack", "node_delay", "site_delay", "access_detour",
                               "access_us_per_km", "access_delay", "max_access", "access_from", "direction"}),
             s);

  const toml::table* coverage = top.table("coverage");
  const toml::table* net = top.table("network");
  if (coverage) {
    const TableReader t(ctx, *coverage, "[coverage]", {"path", "layer", "where", "metric", "demand_id"});
    CoverageSpec c;
    c.source = read_layer(ctx, t, "the measured latencies (demand_id, site_id, latency_us)");
    c.line = t.line();
    c.metric = s.model.metric;
    if (auto v = t.string("metric")) {
      try {
        c.metric = parse_metric(*v, "'metric' in [coverage]");
      } catch (const InputError&) {
        t.fail("metric", "unknown metric '" + *v + "' for " + t.what("metric") +
                             ": say whether the table's latencies are \"rtt\" or \"one-way\" (DEFAULT: [model] metric).");
      }
    }
    if (auto v = t.string("demand_id")) {
      if (v->empty()) t.fail("demand_id", t.what("demand_id") + " must name a field of the [demand] table.");
      c.demand_id = *v;
    }
    s.coverage = std::move(c);
    if (net) {
      ctx.fail(line_of(*net), "[network] and [coverage] both given: latencies come either from the fibre network "
                              "([network]) or from a measured table ([coverage]). Drop one of the two tables.");
    }
  } else {
    if (!net) ctx.fail(0, "missing table [network]: the fibre lines (path, layer), or [coverage]: a measured latency table.");
    read_network(ctx,
                 TableReader(ctx, *net, "[network]",
                             with_layer_keys({"length_field", "length_unit", "group_index_field", "slack_field",
                                              "delay_field", "delay_unit", "snap", "split_shared", "risk_group_field",
                                              "tap_field", "no_tap_longer_than"})),
                 s.network);
  }
  // The tap rule is read in [network] (it is about the lines) and kept in the model
  // with the other access settings, so that every output states it.
  if (s.network.no_tap_longer_than) s.model.no_tap_longer_than = *s.network.no_tap_longer_than;

  const toml::table* sites = top.table("sites");
  if (!sites && !coverage) ctx.fail(0, "missing table [sites]: the sites (path, layer, where).");
  if (sites) read_sites(ctx,
             TableReader(ctx, *sites, "[sites]",
                         with_layer_keys({"id_field", "delay_field", "exit_delay_field", "delay_unit", "status_field",
                                          "capacity_field", "cost_field", "label_field"})),
             s.sites);

  if (const toml::table* demand = top.table("demand")) {
    s.demand = read_demand(ctx, TableReader(ctx, *demand, "[demand]", with_layer_keys({"weight_field", "load_field", "label_field"})));
  }

  if (const toml::table* bounds = top.table("boundaries")) read_boundaries(ctx, *bounds, s);

  const toml::table* zones = top.table("zones");
  if (coverage) {
    // What needs the fibre (zones, the surface, fibre cuts) or geometry (boundaries).
    const std::string fix = " Drop it, or give the fibre with [network] instead of [coverage].";
    if (zones) ctx.fail(line_of(*zones), "[zones] needs a network: latency zones are areas reached over the fibre, and "
                                         "a measured latency table ([coverage]) has no fibre." + fix);
    if (const toml::table* surface = top.table("surface")) {
      ctx.fail(line_of(*surface), "[surface] needs a network: the latency surface is computed over the fibre, and a "
                                  "measured latency table ([coverage]) has no fibre." + fix);
    }
    if (const toml::table* bounds = top.table("boundaries")) {
      ctx.fail(line_of(*bounds), "[boundaries] need geometry: with [coverage], sites and demand are attribute "
                                 "tables keyed by id, so no demand lies inside a boundary." + fix);
    }
    if (const toml::table* maps = top.table("maps")) {
      ctx.fail(line_of(*maps), "[maps] draws the fibre and the zones, which a measured latency table ([coverage]) "
                               "does not have." + fix);
    }
    if (!top.table("placement")) {
      ctx.fail(coverage ? line_of(*coverage) : 0,
               "[coverage] places sites on measured latencies: add [placement] with its problem, e.g. problem = "
               "\"lscp\" and budget = \"1ms\".");
    }
  } else {
    if (!zones) ctx.fail(0, "missing table [zones]: the latency budgets, e.g. budgets = [\"1ms\", \"3ms\"].");
    read_zones(ctx, TableReader(ctx, *zones, "[zones]", {"budgets", "rings", "circle_segments"}), s);
  }

  if (const toml::table* surface = top.table("surface")) {
    read_surface(ctx, TableReader(ctx, *surface, "[surface]", {"enabled", "cell_size", "max_cells", "epsg", "extent"}), s.surface);
  }
  if (const toml::table* maps = top.table("maps")) read_maps(ctx, TableReader(ctx, *maps, "[maps]", {"extent"}), s.maps);
  if (const toml::table* placement = top.table("placement")) {
    read_placement(ctx,
                   TableReader(ctx, *placement, "[placement]",
                               {"problem", "p", "budget", "time_limit", "k", "survive", "money", "capacity_unit", "uncoverable", "largest_component"}),
                   s);
  }
  if (const toml::node* targets = top.node("target")) read_targets(ctx, *targets, s);
  if (coverage) {
    const PlacementSpec& p = *s.placement;
    if (p.survive) {
      ctx.fail(p.line, "'survive' in [placement] needs a network: it asks whether coverage survives fibre cuts, and a "
                       "measured latency table ([coverage]) has no fibre. Drop survive, or use [network].");
    }
    if (p.largest_component) {
      ctx.fail(p.line, "'largest_component' in [placement] needs a network (its connected components); a measured "
                       "latency table ([coverage]) has none. Drop largest_component, or use [network].");
    }
    for (const Target& g : s.targets) {
      if (g.kind == TargetKind::survivable || g.kind == TargetKind::area_share) {
        ctx.fail(g.line, "target '" + g.name + "' (kind = \"" + std::string(to_string(g.kind)) + "\") needs " +
                             (g.kind == TargetKind::survivable ? "a network (fibre cuts)" : "areas (zones and boundaries)") +
                             ", which a measured latency table ([coverage]) does not give. Drop the target, or use "
                             "[network].");
      }
    }
  }
  if (const toml::table* output = top.table("output")) {
    const TableReader t(ctx, *output, "[output]", {"postgis"});
    if (auto v = t.string("postgis")) {
      if (!is_pg_source(*v)) {
        t.fail("postgis", t.what("postgis") + " must be a PostGIS target PG:\"CONNECTION\":SCHEMA, e.g. "
                          "PG:\"dbname=gis host=db\":qingdao_run.");
      }
      s.output.postgis = *v;
      s.output.postgis_line = t.line("postgis");
    }
  }
  return s;
}

Scenario load_scenario(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError("scenario file not found (" + path + "). Give the path of a .toml scenario.");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) throw InputError("cannot read the scenario file (" + path + ").");
  return parse_scenario(ss.str(), path);
}

}  // namespace lightcone
