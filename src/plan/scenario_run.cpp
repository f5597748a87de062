// Running a scenario (plan/scenario_run.hpp): read → build → place → zones → evaluate →
// targets → summary. Each step is a function below; reading the layers and the summary
// are in scenario_inputs.cpp and run_summary.cpp, writing the run in run_dir.cpp.
#include "plan/scenario_run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "plan/load.hpp"
#include "plan/place_run.hpp"
#include "report/check_report.hpp"
#include "report/run_info.hpp"
#include "plan/scenario_detail.hpp"

namespace lightcone {
namespace {

// The fibre-cut scenarios of the run: single edges, or the network's shared-risk groups.
struct Cuts {
  std::vector<std::string> edge_group;  // per edge; empty: single edge cuts
  std::string text;
};

// What the placement leaves open, and the status each site shows.
struct OpenSites {
  std::vector<char> open;
  std::vector<std::string> status;
};

// The [placement] options both placements share (on the network and on a measured table).
void set_placement_options(const Scenario& s, const PlacementSpec& ps, const RunOptions& options, PlaceJobOptions& o) {
  o.problem = ps.problem;
  if (ps.budget) o.budget = make_budget(s.model, *ps.budget);
  o.p = static_cast<int>(ps.p.value_or(0));
  o.k = ps.k;
  if (ps.money) o.money = *ps.money;
  o.time_limit_s = ps.time_limit ? ps.time_limit->value / 1e6 : 60.0;
  o.uncoverable = ps.uncoverable;
  o.use_cost = !s.sites.cost_field.empty();
  o.use_capacity = !s.sites.capacity_field.empty();
  o.use_load = s.demand && !s.demand->load_field.empty();
  o.capacity_unit = ps.capacity_unit;
  o.threads = options.threads;
}

// Placement first: the sites it opens (existing, required, chosen) are the sites the
// zones, the demand evaluation and the targets see.
OpenSites place(const Scenario& s, ScenarioRun& R, const RunOptions& options, const std::string& status_field,
                const Cuts& cuts, Progress& progress) {
  const std::size_t ns = R.sites.pos.size();
  OpenSites out{std::vector<char>(ns, 1), R.sites.status};
  if (!s.placement) return out;
  progress.phase("placement");
  const PlacementSpec& ps = *s.placement;
  PlaceJobOptions& o = R.place_options;
  set_placement_options(s, ps, options, o);
  o.survive = ps.survive;
  o.largest_component = ps.largest_component;
  if (ps.survive) {
    o.edge_group = cuts.edge_group;
    o.cuts_text = cuts.text;
  }

  o.status.assign(ns, SiteStatus::candidate);
  if (!status_field.empty()) {
    for (std::size_t i = 0; i < ns; ++i) {
      try {
        o.status[i] = parse_site_status(R.sites.status[i], R.sites, i, status_field);
      } catch (const InputError& e) {
        throw InputError(scenario_where(s, s.sites.source.line) + e.what());
      }
    }
  }
  std::optional<Coverage> given;
  if (options.coverage_from) {
    given = options.coverage_from(R);
    o.given_coverage = &*given;
  }
  try {
    R.placed = run_place_job(R.prepared, R.sites, *R.demand, o);
  } catch (const InputError& e) {  // p beyond the sites that could open, every pair too large
    throw InputError(scenario_where(s, ps.line) + e.what());
  }
  o.given_coverage = nullptr;
  const PlaceJobResult& pr = *R.placed;
  if (pr.solved()) {
    out.open = pr.open(ns);
  } else {  // no plan: the zones show what is fixed (existing and required sites)
    for (std::size_t i = 0; i < ns; ++i)
      out.open[i] = o.status[i] == SiteStatus::existing || o.status[i] == SiteStatus::required;
  }
  out.status.resize(ns);
  for (std::size_t i = 0; i < ns; ++i) out.status[i] = site_status_name(o.status[i], pr.solved() && out.open[i]);
  return out;
}

// How the surface's messages name its settings: keys of [surface] at their lines.
struct SurfaceNames : SettingNames {
  const Scenario& s;
  explicit SurfaceNames(const Scenario& scenario) : s(scenario) {}
  static std::string key_of(std::string_view key) { return key == "surface_extent" ? "extent" : std::string(key); }
  std::string name(std::string_view key) const override { return "'" + key_of(key) + "' in [surface]"; }
  std::string where(std::string_view key) const override {
    const SurfaceSpec& f = s.surface;
    const int line = key == "cell_size" && f.cell_size_line     ? f.cell_size_line
                     : key == "max_cells" && f.max_cells_line   ? f.max_cells_line
                     : key == "epsg" && f.epsg_line             ? f.epsg_line
                     : key == "surface_extent" && f.extent_line ? f.extent_line
                                                                : f.line;
    return scenario_where(s, line);
  }
  std::string assignment(std::string_view key, std::string_view value) const override {
    return key_of(key) + " = \"" + std::string(value) + "\"";
  }
};

void run_zones(const Scenario& s, ScenarioRun& R, const RunOptions& options, const OpenSites& sites,
               const std::function<void(const std::string&)>& on_step) {
  const SurfaceNames surface_names(s);
  ZonesJobOptions job;
  job.command = "plan";
  job.budgets = s.zones.budgets;
  job.rings = s.zones.rings;
  job.zone = s.zones.options;
  job.surface = s.surface.enabled && options.surface;
  job.surface_options = s.surface.options;
  job.surface_options.names = &surface_names;
  job.surface_extent = s.surface.extent;
  if (s.surface.crs) job.check_surface_extent = [&s](const LonLatBox& extent) { check_surface_extent(s, extent); };
  job.threads = options.threads;
  job.site_status = sites.status;
  job.site_open = sites.open;
  job.on_step = on_step;
  job.surface_from = options.surface_from;
  job.zones_from = options.zones_from;
  std::optional<ZonesJobOptions::GivenDemand> given;
  if (options.demand_from && R.demand) {
    given = options.demand_from(R, sites.open);
    job.given_demand = &*given;
  }
  bool any_open = false;
  for (std::size_t i = 0; i < R.prepared.sources.size(); ++i) any_open = any_open || sites.open[R.prepared.source_site[i]];
  if (!any_open) {
    throw InputError(scenario_where(s, s.placement ? s.placement->line : s.sites.source.line) +
                     "no open site lies on the network: the placement found no plan and no existing or required site "
                     "is attached. Check the sites' status and the placement's budget.");
  }
  R.zones = run_zones_job(R.prepared, R.lines.info, R.sites, R.demand ? &*R.demand : nullptr, job);
}

FeatureTable* find_table(std::vector<FeatureTable>& tables, const char* name) {
  for (FeatureTable& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

// Site fields the placement targets read: open, weight served, load and capacity per
// site (the placement's assignment, or each demand's nearest open site when plan places
// nothing).
void add_site_columns(const Scenario& s, ScenarioRun& R, const std::vector<char>& site_open) {
  FeatureTable* sites_table = find_table(R.zones.tables, kSitesLayer);
  if (!sites_table || !(s.placement || !s.sites.capacity_field.empty())) return;
  const std::size_t ns = R.sites.pos.size();
  std::vector<double> weight(ns, 0.0), load(ns, 0.0), cap(ns, std::nan(""));
  if (R.placed) {
    weight = R.placed->assignment.site_weight;
    load = R.placed->assignment.site_load;
  } else if (R.demand) {
    for (std::size_t d = 0; d < R.demand->pos.size(); ++d) {
      const std::uint32_t src = R.zones.demand[d].source;
      if (src == kNone) continue;
      const std::uint32_t site = R.zones.source_site[src];
      weight[site] += R.demand->weight[d];
      load[site] += s.demand->load_field.empty() || std::isnan(R.demand->load[d]) ? 1.0 : R.demand->load[d];
    }
  }
  if (!s.sites.capacity_field.empty())
    for (std::size_t i = 0; i < ns; ++i) cap[i] = R.sites.capacity[i];
  std::vector<std::int64_t> open(ns);
  for (std::size_t i = 0; i < ns; ++i) open[i] = site_open[i];
  sites_table->columns.push_back(Column::integers("open", open));
  sites_table->columns.push_back(Column::reals("weight_served", weight));
  sites_table->columns.push_back(Column::reals("load", load));
  sites_table->columns.push_back(Column::reals("capacity", cap));
}

// The demand's assignment (site, latency in the metric, served share) and the
// assignments layer.
void add_assignment_columns(const Scenario& s, ScenarioRun& R) {
  FeatureTable* demand_table = find_table(R.zones.tables, kDemandLayer);
  if (!demand_table || !R.placed) return;
  const Assignment& a = R.placed->assignment;
  const std::size_t nd = R.demand->pos.size();
  std::vector<std::string> site(nd);
  std::vector<bool> null(nd, true);
  std::vector<double> lat(nd, std::nan(""));
  for (std::size_t d = 0; d < nd; ++d) {
    if (a.site[d] == kNone) continue;
    site[d] = R.sites.id[a.site[d]];
    null[d] = false;
    lat[d] = s.model.to_metric_us(a.latency_us[d]);
  }
  demand_table->columns.push_back(Column::texts("assigned_site", site, null));
  demand_table->columns.push_back(Column::reals("assigned_latency_us", lat));
  demand_table->columns.push_back(Column::reals("served_share", a.served));
  if (R.placed->solved()) R.zones.tables.push_back(assignments_table(*R.placed, s.model, R.sites, *R.demand));
}

// The distinct budgets of the survivable targets, in file order.
std::vector<Microseconds> survival_budgets(const Scenario& s) {
  std::vector<Microseconds> budgets;
  for (const Target& t : s.targets)
    if (t.kind == TargetKind::survivable && std::find(budgets.begin(), budgets.end(), t.budget) == budgets.end())
      budgets.push_back(t.budget);
  return budgets;
}

// Survivable coverage flags per demand (survives_<budget>) for every survivable target budget.
void add_survival_columns(const Scenario& s, ScenarioRun& R, const std::vector<Microseconds>& budgets,
                          const std::vector<char>& site_open, const Cuts& cuts, unsigned threads, Progress& progress) {
  FeatureTable* demand_table = find_table(R.zones.tables, kDemandLayer);
  if (budgets.empty() || !demand_table) return;
  progress.phase("fibre-cut analysis");
  for (const Microseconds& b : budgets) {
    const std::vector<char> ok = survivable_demand(R.prepared, R.demand->pos, site_open, make_budget(s.model, b).one_way.value,
                                                   s.model.access_from, cuts.edge_group, threads);
    demand_table->columns.push_back(Column::integers(survives_field(b), std::vector<std::int64_t>(ok.begin(), ok.end())));
  }
}

std::vector<TargetResult> evaluate(const Scenario& s, const ScenarioRun& R) {
  RunTables tables;
  tables.metric = s.model.metric;
  for (const FeatureTable& t : R.zones.tables) {
    if (t.name == kZonesLayer) tables.zones = &t;
    if (t.name == kDemandLayer) tables.demand = &t;
    if (t.name == kSitesLayer) tables.sites = &t;
  }
  return evaluate_targets(s, tables, R.boundaries);
}

// [coverage]: the placement on the measured latency table (as `place --coverage`), its
// tables (sites, demand, uncovered, assignments; no geometry) and the targets on them.
ScenarioRun run_measured_scenario(const Scenario& s, const RunOptions& options, Progress& progress) {
  using plan_detail::Json;
  ScenarioRun R;
  const CoverageSpec& c = *s.coverage;
  const PlacementSpec& ps = *s.placement;
  progress.phase("reading the latency table");
  PlaceRequest q;
  MeasuredInput m;
  m.table = c.source.spec();
  m.where = c.source.where;
  m.option = "[coverage]";
  m.metric = c.metric;
  m.demand_id_field = c.demand_id;
  q.measured = m;
  if (!s.sites.source.path.empty()) {
    q.sites.layer = s.sites.source.spec();
    q.sites.read.where = s.sites.source.where;
    q.sites.fields.id = s.sites.fields.id;
    q.sites.fields.cost = s.sites.cost_field;
    q.sites.fields.capacity = s.sites.capacity_field;
    q.sites.fields.status = s.sites.status_field;
    // As on a network: the field "status" when the sites table has it (DEFAULT).
    if (q.sites.fields.status.empty()) {
      const std::vector<DatasetLayerSummary> d = describe_dataset(s.sites.source.path, nullptr, false, s.sites.source.layer);
      if (d.size() == 1 && std::find(d[0].fields.begin(), d[0].fields.end(), "status") != d[0].fields.end())
        q.sites.fields.status = "status";
    }
  }
  if (s.demand) {
    q.demand = s.demand->source.spec();
    q.demand_read.where = s.demand->source.where;
    q.demand_fields.weight = s.demand->weight_field;
    q.demand_fields.load = s.demand->load_field;
  }
  q.model = s.model;
  set_placement_options(s, ps, options, q.job);
  progress.phase("placement");
  PlaceRun run;
  try {
    run = run_place_measured(q);
  } catch (const InputError& e) {
    throw InputError(e.fields(), {scenario_where(s, c.line) + e.what()});
  }
  if (!run.result.solved()) {
    throw InputError(scenario_where(s, ps.line) + "the placement found no plan on the measured latencies (" +
                     std::string(to_string(run.result.result.status)) + (run.result.result.reason.empty() ? "" : ": " + run.result.result.reason) +
                     "). Raise time_limit or the budget in [placement], or check the table covers the demand.");
  }
  R.prepared.model = run.network.model;
  R.sites = *run.network.sites;
  R.demand = run.demand;
  R.place_options = run.options;
  R.placed = run.result;
  R.zones.tables = place_tables(run.result, run.options, run.network.model, R.sites, run.network.site_node, run.demand);
  progress.phase("targets");
  RunTables tables;
  tables.metric = s.model.metric;
  for (const FeatureTable& t : R.zones.tables) {
    if (t.name == kDemandLayer) tables.demand = &t;
    if (t.name == kSitesLayer) tables.sites = &t;
  }
  R.targets = evaluate_targets(s, tables, R.boundaries);

  // summary.json: the placement's, with the scenario, the table and the targets.
  Json S;
  S["command"] = "plan";
  S["scenario"] = {{"name", s.name}, {"file", s.file}, {"description", s.description}};
  S["model"] = run.summary["model"];
  const Json& measured = run.summary["measured"];
  S["coverage"] = plan_detail::layer_json(c.source);
  for (const char* key : {"table_metric", "pairs", "demand", "sites"}) S["coverage"][key] = measured[key];
  S["sites"] = s.sites.source.path.empty() ? Json::object() : plan_detail::layer_json(s.sites.source);
  S["sites"]["count"] = R.sites.id.size();
  S["demand"] = s.demand ? plan_detail::layer_json(s.demand->source) : Json::object();
  if (s.demand) S["demand"]["weight_field"] = s.demand->weight_field;
  S["demand"]["count"] = R.demand->id.size();
  Json p = run.summary;
  for (const char* key : {"command", "model", "measured"}) p.erase(key);
  S["placement"] = p;
  plan_detail::add_targets_json(s, R.targets, S);
  S["warnings"] = run.summary.contains("warnings") ? run.summary["warnings"] : Json::array();
  Json layers = Json::array();
  for (const FeatureTable& t : R.zones.tables) layers.push_back(t.name);
  layers.push_back(kRunInfoLayer);
  S["outputs"] = {{"geopackage", kRunGpkg}, {"layers", layers}};
  R.summary = S;
  return R;
}

}  // namespace

ScenarioRun run_scenario(const Scenario& s, const RunOptions& options, Progress& progress) {
  if (s.coverage) return run_measured_scenario(s, options, progress);
  ScenarioRun R;
  if (s.maps.extent) {
    R.maps.extent = RunMapOptions::Extent{s.maps.extent->min.lon, s.maps.extent->min.lat, s.maps.extent->max.lon,
                                          s.maps.extent->max.lat};
  }
  progress.phase("reading layers");
  const std::string status_field = plan_detail::read_scenario_layers(s, R);

  progress.phase("building the network");
  const SitePoints points{R.sites.pos, R.sites.entry_delay_us, R.sites.exit_delay_us};
  R.prepared = prepare_network(R.lines.lines, s.model, s.network.build, &points);
  if (R.prepared.net.edges() == 0) {
    const ScenarioLayer& NL = s.network.source;
    throw InputError(scenario_where(s, NL.line) +
                     fmt::format("the network {} has no usable edge ({} feature(s) read, {}). Give a layer of fibre "
                                 "lines with at least two distinct vertices.",
                                 plan_detail::layer_text(NL), R.lines.info.features_read,
                                 plan_detail::skipped_text(R.lines.info)));
  }
  if (R.prepared.sources.empty()) {
    const ScenarioLayer& SL = s.sites.source;
    throw InputError(scenario_where(s, SL.line) + fmt::format("no site of {} lies within {:g} km of the network. Check "
                                                              "the layers overlap, or raise max_access in [model].",
                                                              plan_detail::layer_text(SL), s.model.max_access.km()));
  }
  Cuts cuts;
  if (!s.network.fields.risk_group.empty()) cuts.edge_group = edge_risk_groups(R.lines, R.prepared.net);
  cuts.text = cuts.edge_group.empty() ? "every single fibre edge" : "shared-risk groups of " + s.network.fields.risk_group;

  const OpenSites sites = place(s, R, options, status_field, cuts, progress);
  R.site_open = sites.open;
  if (options.solve_only) return R;
  // Its steps are phases of their own ("zones: search", "zones: polygons", …; ZonesJobOptions::on_step).
  run_zones(s, R, options, sites, [&progress](const std::string& step) { progress.phase(step); });
  add_site_columns(s, R, sites.open);
  add_assignment_columns(s, R);
  const std::vector<Microseconds> cut_budgets = survival_budgets(s);
  add_survival_columns(s, R, cut_budgets, sites.open, cuts, options.threads, progress);

  progress.phase("targets");
  R.targets = evaluate(s, R);
  R.summary = plan_detail::scenario_summary(s, R, cut_budgets, cuts.text);
  return R;
}

}  // namespace lightcone
