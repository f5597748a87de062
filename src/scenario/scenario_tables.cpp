// The [model], [zones], [surface], [placement] and [[target]] tables of a scenario
// (see scenario.hpp for the rules, scenario_tables.hpp for the reader).
#include "scenario/scenario_tables.hpp"

#include <set>
#include <sstream>

#include "network/projection.hpp"

namespace lightcone::scenario_detail {
namespace {

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// A share: "99%" / "99.5 %" or a fraction in [0, 1].
double read_share(const Context& ctx, const TableReader& t, std::string_view key) {
  const toml::node* n = t.node(key);
  if (!n) t.missing(key, "Give the share as a percentage, e.g. \"99%\".");
  if (n->is_string()) {
    std::string s = n->as_string()->get();
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.empty() || s.back() != '%') {
      ctx.fail(line_of(*n), "invalid share '" + s + "' for " + t.what(key) + ". Write a percentage, e.g. \"99%\", or a fraction between 0 and 1.");
    }
    s.pop_back();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    while (end && *end == ' ') ++end;
    if (s.empty() || !end || *end != '\0' || !(v >= 0.0 && v <= 100.0)) {
      ctx.fail(line_of(*n), "invalid share '" + n->as_string()->get() + "' for " + t.what(key) +
                                ". Write a percentage between 0% and 100%, e.g. \"99%\".");
    }
    return v / 100.0;
  }
  const double v = *t.number(key);  // throws for other types
  if (!(v >= 0.0 && v <= 1.0)) {
    ctx.fail(line_of(*n), "share " + number_text(v) + " for " + t.what(key) +
                              " is not between 0 and 1. Write a fraction (0.99) or a percentage in quotes (\"99%\").");
  }
  return v;
}

// A budget or latency within the sane range (core/units.hpp), else the scenario's error.
Microseconds checked_latency(const Context& ctx, const TableReader& t, std::string_view key, Microseconds v) {
  try {
    check_latency(v, format_duration(v), t.what(key));
  } catch (const InputError& e) {
    ctx.fail(t.line(key), e.what());
  }
  return v;
}

std::vector<Microseconds> read_budgets(const Context& ctx, const TableReader& t, std::string_view key) {
  const toml::node* n = t.node(key);
  if (!n) t.missing(key, "Give the latency budgets in the scenario's metric, e.g. budgets = [\"1ms\", \"3ms\"].");
  std::vector<Microseconds> out;
  auto one = [&](const toml::node& item) {
    if (!item.is_string()) {
      ctx.fail(line_of(item), t.what(key) + " must hold durations in quotes, e.g. [\"1ms\", \"3ms\"], not " + type_name(item.type()) + ".");
    }
    try {
      for (const Microseconds& b : parse_budgets(item.as_string()->get(), t.what(key))) out.push_back(b);
    } catch (const InputError& e) {
      ctx.fail(line_of(item), e.what());
    }
  };
  if (n->is_array()) {
    for (const toml::node& item : *n->as_array()) one(item);
  } else if (n->is_string()) {
    one(*n);
  } else {
    t.wrong_type(key, "an array of durations, e.g. [\"1ms\", \"3ms\"]", *n);
  }
  if (out.empty()) ctx.fail(line_of(*n), t.what(key) + " is empty. Give at least one budget, e.g. [\"1ms\"].");
  return out;
}

const std::vector<std::string> kTargetKinds = {"demand_share", "area_share", "worst_latency",
                                               "new_sites",    "survivable", "capacity"};

std::vector<std::string> target_keys(TargetKind k) {
  std::vector<std::string> keys = {"name", "kind", "description"};
  switch (k) {
    case TargetKind::demand_share:
    case TargetKind::survivable: keys.insert(keys.end(), {"boundary", "budget", "min_share"}); break;
    case TargetKind::area_share: keys.insert(keys.end(), {"boundary", "budget", "min_share"}); break;
    case TargetKind::worst_latency: keys.insert(keys.end(), {"boundary", "max_latency"}); break;
    case TargetKind::new_sites: keys.insert(keys.end(), {"max_new_sites"}); break;
    case TargetKind::capacity: break;
  }
  return keys;
}

Target read_target(const Context& ctx, const toml::table& tt, std::size_t index, const Scenario& s) {
  // The name first (if any) so that messages can say which target.
  std::string label = "[[target]] #" + std::to_string(index + 1);
  if (const toml::node* n = tt.get("name"); n && n->is_string()) label = "[[target]] '" + n->as_string()->get() + "'";
  const toml::node* kind_node = tt.get("kind");
  if (!kind_node) {
    ctx.fail(line_of(tt), "missing key 'kind' in " + label + ". Use one of: " + join(kTargetKinds) + ".");
  }
  if (!kind_node->is_string()) {
    ctx.fail(line_of(*kind_node), "'kind' in " + label + " must be a string, not " + type_name(kind_node->type()) + ".");
  }
  const std::string kind_text = kind_node->as_string()->get();
  const auto it = std::find(kTargetKinds.begin(), kTargetKinds.end(), kind_text);
  if (it == kTargetKinds.end()) {
    ctx.fail(line_of(*kind_node), "unknown target kind '" + kind_text + "' in " + label + ". Use one of: " + join(kTargetKinds) + ".");
  }
  Target g;
  g.kind = static_cast<TargetKind>(it - kTargetKinds.begin());
  g.line = line_of(tt);
  const TableReader t(ctx, tt, label, target_keys(g.kind));
  g.name = t.required_string("name", "Name the target; CI reports show the name.");
  if (!simple_name(g.name)) {
    t.fail("name", "target name '" + g.name + "' in " + label + " may only use letters, digits, '-' and '_'.");
  }
  g.description = t.string_or("description", "");
  const bool needs_demand = g.kind == TargetKind::demand_share || g.kind == TargetKind::worst_latency ||
                            g.kind == TargetKind::survivable;
  if (needs_demand && !s.demand && !s.coverage) {  // [coverage]: the ids of the measured table
    ctx.fail(g.line, "target '" + g.name + "' (" + kind_text + ") needs demand points: add a [demand] table.");
  }
  if (t.has("boundary") || g.kind == TargetKind::area_share) {
    g.boundary = t.required_string("boundary", "An area_share target needs the boundary whose area is covered.");
    if (!s.boundary(g.boundary)) {
      std::vector<std::string> names;
      for (const auto& b : s.boundaries) names.push_back(b.name);
      t.fail("boundary", "target '" + g.name + "' names boundary '" + g.boundary + "', which is not defined. " +
                             (names.empty() ? std::string("Define it in a [boundaries.") + g.boundary + "] table."
                                            : "Defined boundaries: " + join(names) + "."));
    }
  }
  if (g.kind == TargetKind::demand_share || g.kind == TargetKind::area_share || g.kind == TargetKind::survivable) {
    const auto b = t.duration("budget");
    if (!b) t.missing("budget", "Give the latency budget the share is measured at, e.g. budget = \"1ms\".");
    g.budget = checked_latency(ctx, t, "budget", *b);
    const auto& budgets = s.zones.budgets;
    // With [coverage] there are no zones: demand_share reads each demand's measured latency.
    if (!s.coverage && std::find(budgets.begin(), budgets.end(), g.budget) == budgets.end()) {
      std::vector<std::string> names;
      for (const auto& x : budgets) names.push_back(format_duration(x));
      t.fail("budget", "budget " + format_duration(g.budget) + " of target '" + g.name +
                           "' is not one of the [zones] budgets (" + join(names) + "). Add it there.");
    }
    g.min_share = read_share(ctx, t, "min_share");
  }
  if (g.kind == TargetKind::worst_latency) {
    const auto v = t.duration("max_latency");
    if (!v) t.missing("max_latency", "Give the largest latency allowed, e.g. max_latency = \"3ms\".");
    if (!(v->value > 0)) t.fail("max_latency", t.what("max_latency") + " must be greater than zero.");
    g.max_latency = checked_latency(ctx, t, "max_latency", *v);
  }
  if (g.kind == TargetKind::new_sites && !s.placement) {
    ctx.fail(t.line("kind"), "target '" + g.name + "' (new_sites) counts the sites a placement opens: add a [placement] table.");
  }
  if (g.kind == TargetKind::capacity && s.sites.capacity_field.empty()) {
    ctx.fail(t.line("kind"), "target '" + g.name + "' (capacity) needs site capacities: set capacity_field in [sites] "
                     "(and load_field in [demand]; DEFAULT load 1 per demand feature).");
  }
  if (g.kind == TargetKind::new_sites) {
    const auto v = t.integer("max_new_sites");
    if (!v) t.missing("max_new_sites", "Give the largest number of new sites allowed, e.g. max_new_sites = 5.");
    if (*v < 0) t.fail("max_new_sites", t.what("max_new_sites") + " must not be negative.");
    g.max_new_sites = *v;
  }
  return g;
}

}  // namespace

std::string type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool simple_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

void read_model(const Context& ctx, const TableReader& t, Scenario& s) {
  ModelSettings m;
  m.metric = t.string("metric");
  if (!m.metric) t.missing("metric", "Say 'rtt' or 'one-way': budgets and targets mean different things in each.");
  m.direction = t.string("direction");
  m.access_from = t.string("access_from");
  m.group_index = t.number("group_index");
  m.slack = t.number("slack");
  m.access_detour = t.number("access_detour");
  m.access_us_per_km = t.number("access_us_per_km");
  m.node_delay = t.duration("node_delay");
  m.site_delay = t.duration("site_delay");
  m.access_delay = t.duration("access_delay");
  m.max_access = t.length("max_access");
  // The same rules as the command line's, named as the scenario names them.
  struct Names : SettingNames {
    const Context& ctx;
    const TableReader& t;
    Names(const Context& c, const TableReader& r) : ctx(c), t(r) {}
    std::string name(std::string_view key) const override { return t.what(key); }
    std::string where(std::string_view key) const override { return ctx.where(t.line(key)); }
    std::string assignment(std::string_view key, std::string_view value) const override {
      return std::string(key) + " = \"" + std::string(value) + "\"";
    }
  };
  s.model = make_latency_model(m, Names(ctx, t));
  s.zones.options.access_from = s.model.access_from;
}

void read_zones(const Context& ctx, const TableReader& t, Scenario& s) {
  s.zones.budgets = read_budgets(ctx, t, "budgets");
  if (auto v = t.boolean("rings")) s.zones.rings = *v;
  if (auto v = t.integer("circle_segments")) {
    if (*v < 8 || *v > 4096) t.fail("circle_segments", t.what("circle_segments") + " must be between 8 and 4096.");
    s.zones.options.circle_segments = static_cast<int>(*v);
  }
}

std::string outside_area_of_use(const SurfaceSpec& s, const LonLatBox& e) {
  if (!s.crs || s.crs->covers(e.min.lon, e.min.lat, e.max.lon, e.max.lat, kSurfaceAreaMarginDeg)) return {};
  return "[" + number_text(e.min.lon) + ", " + number_text(e.min.lat) + ", " + number_text(e.max.lon) + ", " +
         number_text(e.max.lat) + "] lies outside the area of use of EPSG:" + std::to_string(s.options.epsg) + " (" +
         s.crs->name + ": " + s.crs->area_text() + ")";
}

std::string surface_crs_fix(const std::optional<LonLatBox>& extent) {
  const int example =
      extent ? utm_epsg_for({(extent->min.lon + extent->max.lon) / 2, (extent->min.lat + extent->max.lat) / 2}) : 32650;
  return "Choose a projected CRS in metres such as EPSG:" + std::to_string(example) +
         ", or leave epsg out to let lightcone choose.";
}

LonLatBox read_extent(const Context& ctx, const TableReader& t, const toml::node& n, bool may_cross_180) {
  const toml::array* a = n.as_array();
  double v[4];
  bool ok = a && a->size() == 4;
  for (std::size_t i = 0; ok && i < 4; ++i) {
    const toml::node& item = *a->get(i);
    if (item.is_integer()) v[i] = static_cast<double>(item.as_integer()->get());
    else if (item.is_floating_point()) v[i] = item.as_floating_point()->get();
    else ok = false;
  }
  const bool lon_ok = may_cross_180 ? v[0] != v[2] : v[0] < v[2];
  if (!ok || !lon_ok || !(v[1] < v[3]) || v[0] < -180 || v[0] > 180 || v[2] < -180 || v[2] > 180 || v[1] < -90 ||
      v[3] > 90) {
    ctx.fail(line_of(n), t.what("extent") + " must be [WEST, SOUTH, EAST, NORTH] in degrees, e.g. [119.5, 35.5, 121.0, 36.9]" +
                             (may_cross_180 ? " (WEST greater than EAST crosses 180°, e.g. [178, -19, -178, -16])." : "."));
  }
  LonLatBox box;  // across ±180 the east edge is unwrapped past 180 (core/longitude.hpp)
  box.add({v[0], v[1]});
  box.add({v[2] < v[0] ? v[2] + 360.0 : v[2], v[3]});
  return box;
}

void read_surface(const Context& ctx, const TableReader& t, SurfaceSpec& s) {
  s.line = t.line();
  if (auto v = t.boolean("enabled")) s.enabled = *v;
  if (auto v = t.length("cell_size")) {
    if (!(v->value > 0.0)) ctx.fail(t.line("cell_size"), t.what("cell_size") + " must be greater than zero, e.g. \"1km\".");
    s.options.cell_m = v->value;
    s.cell_size_line = t.line("cell_size");
  }
  if (auto v = t.integer("max_cells")) {
    if (*v < 1) ctx.fail(t.line("max_cells"), t.what("max_cells") + " must be at least 1, e.g. 25000000.");
    s.options.max_cells = static_cast<double>(*v);
    s.max_cells_line = t.line("max_cells");
  }
  if (auto v = t.integer("epsg")) {
    if (*v < 1024 || *v > 999999) ctx.fail(t.line("epsg"), t.what("epsg") + " = " + std::to_string(*v) + " is not an EPSG code, e.g. 32650.");
    s.options.epsg = static_cast<int>(*v);
    s.epsg_line = t.line("epsg");
    // The cells are squares in metres: a geographic CRS gave one cell of 2000 degrees.
    const CrsFacts crs = describe_epsg(s.options.epsg);
    const std::string what = t.what("epsg") + " = " + std::to_string(*v);
    if (!crs.known) ctx.fail(s.epsg_line, what + " is not a CRS in the EPSG database. " + surface_crs_fix({}));
    if (!crs.metres) {
      ctx.fail(s.epsg_line, what + " (" + crs.name + ") is " +
                                (crs.projected ? "projected in " + crs.unit + ", not in metres"
                                               : "not a projected CRS (its unit is the " + crs.unit + ")") +
                                ": the surface's cells are squares in metres. " + surface_crs_fix({}));
    }
    s.crs = crs;
  }
  if (const toml::node* n = t.node("extent")) {
    const LonLatBox box = read_extent(ctx, t, *n, true);
    s.extent = box;
    s.extent_line = line_of(*n);
    if (const std::string outside = outside_area_of_use(s, box); !outside.empty()) {
      ctx.fail(s.extent_line, t.what("extent") + " " + outside + ", 'epsg' in [surface] (line " +
                                  std::to_string(s.epsg_line) + "). " + surface_crs_fix(box));
    }
  }
}

void read_placement(const Context& ctx, const TableReader& t, Scenario& s) {
  PlacementSpec p;
  p.line = t.line();
  const std::string problem = t.required_string("problem", "Give the placement problem: lscp, mclp, pmedian or pcenter.");
  try {
    p.problem = parse_problem(problem, t.what("problem"));
  } catch (const InputError& e) {
    t.fail("problem", e.what());
  }
  p.p = t.integer("p");
  if (p.p) {
    try {
      check_p(p.problem, *p.p, t.what("p"));
    } catch (const InputError& e) {
      t.fail("p", e.what());
    }
  }
  if (p.p && *p.p < 1) ctx.fail(t.line("p"), t.what("p") + " must be at least 1 (the number of sites to open).");
  p.budget = t.duration("budget");
  if (p.budget && !(p.budget->value > 0)) ctx.fail(t.line("budget"), t.what("budget") + " must be greater than zero, e.g. \"1ms\".");
  if (p.budget) checked_latency(ctx, t, "budget", *p.budget);
  p.time_limit = t.duration("time_limit");
  if (p.time_limit && !(p.time_limit->value > 0)) ctx.fail(t.line("time_limit"), t.what("time_limit") + " must be greater than zero, e.g. \"60s\".");
  if ((p.problem == Problem::lscp || p.problem == Problem::mclp) && !p.budget) {
    t.missing("budget", "Problem " + std::string(to_string(p.problem)) + " needs a latency budget, e.g. budget = \"1ms\".");
  }
  if (p.problem != Problem::lscp && !p.p) t.missing("p", "Problem " + std::string(to_string(p.problem)) + " needs the number of sites to open, e.g. p = 5.");
  if (auto v = t.integer("k")) {
    if (*v < 1) t.fail("k", t.what("k") + " must be at least 1 (each demand covered by at least k open sites).");
    if (p.problem != Problem::lscp) t.fail("k", t.what("k") + " (backup coverage) works with problem = \"lscp\" only.");
    p.k = static_cast<int>(*v);
  }
  if (auto v = t.boolean("survive")) {
    if (*v && p.problem != Problem::lscp && p.problem != Problem::mclp) {
      t.fail("survive", t.what("survive") + " works with problem = \"lscp\" or \"mclp\" only.");
    }
    p.survive = *v;
  }
  if (t.has("money")) {
    const double v = *t.number("money");
    try {
      check_money(v, t.what("money"));
    } catch (const InputError& e) {
      t.fail("money", e.what());
    }
    if (p.problem != Problem::mclp) t.fail("money", t.what("money") + " (a limit on the cost of new sites) works with problem = \"mclp\" only.");
    p.money = v;
  }
  if (t.has("capacity_unit")) p.capacity_unit = t.required_string("capacity_unit", "");
  if (auto v = t.boolean("largest_component")) p.largest_component = *v;
  if (auto v = t.string("uncoverable")) {
    try {
      p.uncoverable = parse_uncoverable(*v, t.what("uncoverable"));
    } catch (const InputError& e) {
      t.fail("uncoverable", e.what());
    }
  }
  // With [coverage] the demand may be the ids of the measured table.
  if (!s.demand && !s.coverage) ctx.fail(p.line, "[placement] needs demand to place sites for: add a [demand] table.");
  s.placement = p;
}

void read_targets(const Context& ctx, const toml::node& targets, Scenario& s) {
  const toml::array* arr = targets.as_array();
  if (!arr || !arr->is_array_of_tables()) {
    ctx.fail(line_of(targets), "'target' must be an array of tables: write each target as a [[target]] section.");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    Target g = read_target(ctx, *arr->get(i)->as_table(), i, s);
    if (!names.insert(g.name).second) ctx.fail(g.line, "duplicate target name '" + g.name + "'. Target names must be unique.");
    s.targets.push_back(std::move(g));
  }
}

}  // namespace lightcone::scenario_detail
