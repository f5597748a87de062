#include "scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "core/error.hpp"

namespace lightcone {
namespace {

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

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// The scenario being parsed: file name for messages and the directory paths are relative to.
struct Context {
  std::string file;
  std::filesystem::path dir;

  std::string where(int line) const { return line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": "; }
  [[noreturn]] void fail(int line, const std::string& message) const { throw InputError(where(line) + message); }
};

// One TOML table of the scenario with its known keys. Every accessor checks the type;
// unknown keys are rejected when the reader is made.
class TableReader {
 public:
  TableReader(const Context& ctx, const toml::table& t, std::string name, std::vector<std::string> known)
      : m_ctx(ctx), m_table(t), m_name(std::move(name)), m_known(std::move(known)) {
    for (auto&& [k, v] : t) {
      if (std::find(m_known.begin(), m_known.end(), k.str()) != m_known.end()) continue;
      const int line = k.source().begin.line ? static_cast<int>(k.source().begin.line) : line_of(v);
      m_ctx.fail(line, "unknown key '" + std::string(k.str()) + "' " + in() + ". Known keys: " + join(m_known) + ".");
    }
  }

  const std::string& name() const { return m_name; }
  int line() const { return line_of(m_table); }
  bool has(std::string_view key) const { return m_table.contains(key); }
  const toml::node* node(std::string_view key) const { return m_table.get(key); }
  int line(std::string_view key) const {
    const toml::node* n = node(key);
    return n ? line_of(*n) : line();
  }
  // "in [table]" / "at the top level", and "'key' in [table]", for messages.
  std::string in() const { return m_name.rfind('[', 0) == 0 ? "in " + m_name : m_name; }
  std::string what(std::string_view key) const { return "'" + std::string(key) + "' " + in(); }

  [[noreturn]] void wrong_type(std::string_view key, const std::string& expected, const toml::node& n) const {
    m_ctx.fail(line_of(n), what(key) + " must be " + expected + ", not " + type_name(n.type()) + ".");
  }
  [[noreturn]] void fail(std::string_view key, const std::string& message) const { m_ctx.fail(line(key), message); }
  [[noreturn]] void missing(std::string_view key, const std::string& hint) const {
    m_ctx.fail(line(), "missing key '" + std::string(key) + "' " + in() + ". " + hint);
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(key, "a string", *n);
    return n->as_string()->get();
  }
  std::string string_or(std::string_view key, std::string fallback) const {
    auto v = string(key);
    return v ? *v : fallback;
  }
  std::string required_string(std::string_view key, const std::string& hint) const {
    auto v = string(key);
    if (!v) missing(key, hint);
    return *v;
  }
  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) wrong_type(key, "true or false", *n);
    return n->as_boolean()->get();
  }
  std::optional<double> number(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
    if (!n->is_floating_point()) wrong_type(key, "a number", *n);
    const double v = n->as_floating_point()->get();
    if (!std::isfinite(v)) fail(key, what(key) + " must be a finite number.");
    return v;
  }
  std::optional<std::int64_t> integer(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) wrong_type(key, "an integer", *n);
    return n->as_integer()->get();
  }
  // Durations and lengths are strings with a unit ("1ms", "10km"): a bare number is
  // ambiguous, as on the command line.
  std::optional<Microseconds> duration(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) {
      wrong_type(key, "a duration with its unit in quotes, e.g. \"500us\" or \"1ms\"", *n);
    }
    try {
      return parse_duration(n->as_string()->get(), what(key));
    } catch (const InputError& e) {
      m_ctx.fail(line_of(*n), e.what());
    }
  }
  std::optional<Metres> length(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(key, "a length with its unit in quotes, e.g. \"10km\" or \"250m\"", *n);
    try {
      return parse_length(n->as_string()->get(), what(key));
    } catch (const InputError& e) {
      m_ctx.fail(line_of(*n), e.what());
    }
  }
  const toml::table* table(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) wrong_type(key, "a table", *n);
    return n->as_table();
  }

 private:
  const Context& m_ctx;
  const toml::table& m_table;
  std::string m_name;
  std::vector<std::string> m_known;
};

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

void read_surface(const Context& ctx, const TableReader& t, SurfaceSpec& s) {
  if (auto v = t.boolean("enabled")) s.enabled = *v;
  if (auto v = t.length("cell_size")) {
    if (!(v->value > 0.0)) ctx.fail(t.line("cell_size"), t.what("cell_size") + " must be greater than zero, e.g. \"1km\".");
    s.options.cell_m = v->value;
  }
  if (auto v = t.integer("epsg")) {
    if (*v < 1024 || *v > 999999) ctx.fail(t.line("epsg"), t.what("epsg") + " = " + std::to_string(*v) + " is not an EPSG code, e.g. 32650.");
    s.options.epsg = static_cast<int>(*v);
  }
  if (const toml::node* n = t.node("extent")) {
    const toml::array* a = n->as_array();
    double v[4];
    bool ok = a && a->size() == 4;
    for (std::size_t i = 0; ok && i < 4; ++i) {
      const toml::node& item = *a->get(i);
      if (item.is_integer()) v[i] = static_cast<double>(item.as_integer()->get());
      else if (item.is_floating_point()) v[i] = item.as_floating_point()->get();
      else ok = false;
    }
    if (!ok || !(v[0] < v[2]) || !(v[1] < v[3]) || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) {
      ctx.fail(line_of(*n), t.what("extent") + " must be [WEST, SOUTH, EAST, NORTH] in degrees, e.g. [119.5, 35.5, 121.0, 36.9].");
    }
    LonLatBox box;
    box.add({v[0], v[1]});
    box.add({v[2], v[3]});
    s.extent = box;
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
  if (!s.demand) ctx.fail(p.line, "[placement] needs demand to place sites for: add a [demand] table.");
  s.placement = p;
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
  if (needs_demand && !s.demand) {
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
    if (std::find(budgets.begin(), budgets.end(), g.budget) == budgets.end()) {
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

Scenario parse_scenario(std::string_view text, const std::string& path) {
  Context ctx{path, std::filesystem::path(path).parent_path()};
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    std::string d(e.description());
    while (!d.empty() && (d.back() == '.' || d.back() == ' ')) d.pop_back();
    ctx.fail(static_cast<int>(e.source().begin.line), "TOML syntax error: " + d + ".");
  }
  Scenario s;
  s.file = path;
  const TableReader top(ctx, root, "at the top level",
                        {"name", "description", "network", "sites", "demand", "boundaries", "model", "zones", "surface",
                         "placement", "target"});
  s.name = top.string_or("name", std::filesystem::path(path).stem().string());
  s.description = top.string_or("description", "");

  // [model] first: budgets and targets depend on its metric.
  const toml::table* model = top.table("model");
  if (!model) ctx.fail(0, "missing table [model]. Every scenario states its metric: add [model] with metric = \"rtt\" or \"one-way\".");
  read_model(ctx, TableReader(ctx, *model, "[model]",
                              {"metric", "group_index", "slack", "node_delay", "site_delay", "access_detour",
                               "access_us_per_km", "access_delay", "max_access", "access_from", "direction"}),
             s);

  const toml::table* net = top.table("network");
  if (!net) ctx.fail(0, "missing table [network]: the fibre lines (path, layer).");
  {
    const TableReader t(ctx, *net, "[network]",
                        with_layer_keys({"length_field", "length_unit", "group_index_field", "slack_field", "delay_field",
                                         "delay_unit", "snap", "split_shared", "risk_group_field"}));
    NetworkSpec& n = s.network;
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
  }

  const toml::table* sites = top.table("sites");
  if (!sites) ctx.fail(0, "missing table [sites]: the sites (path, layer, where).");
  {
    const TableReader t(ctx, *sites, "[sites]",
                        with_layer_keys({"id_field", "delay_field", "exit_delay_field", "delay_unit", "status_field",
                                         "capacity_field", "cost_field"}));
    SitesSpec& st = s.sites;
    st.source = read_layer(ctx, t, "the sites");
    st.fields.id = field_key(t, st.source, "id_field");
    st.fields.entry_delay = field_key(t, st.source, "delay_field");
    st.fields.exit_delay = field_key(t, st.source, "exit_delay_field");
    const std::string unit = unit_key(t, "delay_unit", {"us", "ms"}, "time");
    if (!unit.empty()) st.fields.delay_unit = unit;
    st.status_field = field_key(t, st.source, "status_field");
    st.capacity_field = field_key(t, st.source, "capacity_field");
    st.cost_field = field_key(t, st.source, "cost_field");
  }

  if (const toml::table* demand = top.table("demand")) {
    const TableReader t(ctx, *demand, "[demand]", with_layer_keys({"weight_field", "load_field"}));
    DemandSpec d;
    d.source = read_layer(ctx, t, "the demand points");
    d.weight_field = field_key(t, d.source, "weight_field");
    d.load_field = field_key(t, d.source, "load_field");
    s.demand = std::move(d);
  }

  if (const toml::table* bounds = top.table("boundaries")) {
    for (auto&& [k, v] : *bounds) {
      const std::string name(k.str());
      const std::string label = "[boundaries." + name + "]";
      if (!v.is_table()) {
        ctx.fail(line_of(v), "'" + name + "' in [boundaries] must be a table (" + label + " with path, layer, where), not " +
                                 type_name(v.type()) + ".");
      }
      if (!simple_name(name)) ctx.fail(line_of(v), "boundary name '" + name + "' may only use letters, digits, '-' and '_'.");
      const TableReader t(ctx, *v.as_table(), label, kLayerKeys);
      s.boundaries.push_back({name, read_layer(ctx, t, "the boundary polygons")});
    }
    // TOML tables are unordered: keep the file's order.
    std::stable_sort(s.boundaries.begin(), s.boundaries.end(),
                     [](const BoundarySpec& a, const BoundarySpec& b) { return a.source.line < b.source.line; });
  }

  const toml::table* zones = top.table("zones");
  if (!zones) ctx.fail(0, "missing table [zones]: the latency budgets, e.g. budgets = [\"1ms\", \"3ms\"].");
  {
    const TableReader t(ctx, *zones, "[zones]", {"budgets", "rings", "circle_segments"});
    s.zones.budgets = read_budgets(ctx, t, "budgets");
    if (auto v = t.boolean("rings")) s.zones.rings = *v;
    if (auto v = t.integer("circle_segments")) {
      if (*v < 8 || *v > 4096) t.fail("circle_segments", t.what("circle_segments") + " must be between 8 and 4096.");
      s.zones.options.circle_segments = static_cast<int>(*v);
    }
  }

  if (const toml::table* surface = top.table("surface")) {
    read_surface(ctx, TableReader(ctx, *surface, "[surface]", {"enabled", "cell_size", "epsg", "extent"}), s.surface);
  }
  if (const toml::table* placement = top.table("placement")) {
    read_placement(ctx,
                   TableReader(ctx, *placement, "[placement]",
                               {"problem", "p", "budget", "time_limit", "k", "survive", "money", "capacity_unit"}),
                   s);
  }

  if (const toml::node* targets = top.node("target")) {
    const toml::array* arr = targets->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      ctx.fail(line_of(*targets), "'target' must be an array of tables: write each target as a [[target]] section.");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      Target g = read_target(ctx, *arr->get(i)->as_table(), i, s);
      if (!names.insert(g.name).second) ctx.fail(g.line, "duplicate target name '" + g.name + "'. Target names must be unique.");
      s.targets.push_back(std::move(g));
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
