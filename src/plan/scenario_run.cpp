#include "plan/scenario_run.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "io/raster.hpp"
#include "io/read_table.hpp"
#include "io/write.hpp"
#include "report/check_report.hpp"
#include "report/markdown.hpp"
#include "report/run_info.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

using Json = nlohmann::ordered_json;

bool is_file_path(const std::string& path) { return path.rfind("PG:", 0) != 0 && path.rfind("/vsi", 0) != 0; }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Checks, before anything is read, that the layer's file, layer and mapped fields
// exist, with messages that point at the scenario's lines. Returns the layer's summary.
DatasetLayerSummary preflight(const Scenario& s, const ScenarioLayer& L) {
  if (is_file_path(L.path) && !std::filesystem::exists(L.path)) {
    throw InputError(scenario_where(s, L.path_line) + "file not found: " + L.path + " ('path' in " + L.table +
                     "; paths are relative to the scenario file).");
  }
  std::vector<DatasetLayerSummary> layers;
  try {
    layers = describe_dataset(L.path, nullptr);
  } catch (const InputError& e) {
    throw InputError(scenario_where(s, L.path_line) + e.what());
  }
  std::vector<std::string> names;
  for (const auto& d : layers) names.push_back(d.name);
  const DatasetLayerSummary* found = nullptr;
  if (L.layer.empty()) {
    if (layers.size() != 1) {
      throw InputError(scenario_where(s, L.line) + L.path_text + " has " + std::to_string(layers.size()) +
                       " layers; say which one with 'layer' in " + L.table + ": " + join(names) + ".");
    }
    found = &layers.front();
  } else {
    for (const auto& d : layers)
      if (d.name == L.layer) found = &d;
    if (!found) {
      throw InputError(scenario_where(s, L.layer_line) + "layer '" + L.layer + "' not found in " + L.path_text +
                       " ('layer' in " + L.table + "). Layers: " + join(names) + ".");
    }
  }
  for (const ScenarioField& f : L.fields) {
    if (std::find(found->fields.begin(), found->fields.end(), f.field) == found->fields.end()) {
      throw InputError(scenario_where(s, f.line) + "field '" + f.field + "' not found in " + L.path_text + ":" +
                       found->name + " ('" + f.key + "' in " + L.table + "). Fields: " + join(found->fields) + ".");
    }
  }
  return *found;
}

ReadOptions read_options_for(const ScenarioLayer& L) {
  ReadOptions o;
  o.where = L.where;
  o.assume_crs = L.assume_crs;
  o.option = L.table;
  return o;
}

// Runs a read, rewording io's errors for the scenario: its settings are keys of the
// layer's table, and the message points at the line of the key it names ('where'),
// else of 'layer' when the layer is at fault, else at the table.
template <class F>
auto read_layer(const Scenario& s, const ScenarioLayer& L, F&& read) {
  try {
    return read();
  } catch (const InputError& e) {
    const SettingNames names{L.table, "'where' in " + L.table, "'path' and 'layer' in " + L.table};
    int line = L.line;
    if (e.message().names(Setting::where) && L.where_line) line = L.where_line;
    else if (e.key() == "layer" && L.layer_line) line = L.layer_line;
    throw InputError(e.fields(), {scenario_where(s, line) + e.text(names)});
  }
}

std::string layer_text(const ScenarioLayer& L) { return L.path_text + (L.layer.empty() ? "" : ":" + L.layer); }

std::string skipped_text(const LayerInfo& info) {
  std::string s = fmt::format("{} feature(s) skipped", info.skipped.size());
  for (std::size_t i = 0; i < info.skipped.size() && i < 3; ++i)
    s += fmt::format("{} fid={}: {}", i == 0 ? " (" : "; ", info.skipped[i].fid, info.skipped[i].reason);
  if (!info.skipped.empty()) s += info.skipped.size() > 3 ? "; ...)" : ")";
  return s;
}

Json layer_json(const ScenarioLayer& L) {
  return {{"path", L.path_text}, {"layer", L.layer}, {"where", L.where}};
}

}  // namespace

Progress::Progress(Observer on_phase) : m_on_phase(std::move(on_phase)) {}

void Progress::phase(const std::string& what) {
  const auto now = std::chrono::steady_clock::now();
  if (!m_phase.empty()) m_seconds.emplace_back(m_phase, std::chrono::duration<double>(now - m_start).count());
  m_phase = what;
  m_start = now;
  if (m_on_phase && !what.empty()) m_on_phase(what);
}

void Progress::done() { phase(""); }

std::vector<BoundaryRead> read_boundaries(const Scenario& s, Boundaries& out) {
  std::vector<BoundaryRead> layers;
  for (const BoundarySpec& b : s.boundaries) {
    preflight(s, b.source);
    PolygonLayer pl = read_layer(s, b.source, [&] { return read_polygons(b.source.spec(), read_options_for(b.source)); });
    pl.info.path = b.source.path_text;
    MultiPolygon shape = pl.polygons.size() == 1 ? pl.polygons.front() : union_all(pl.polygons);
    out.emplace(b.name, std::move(shape));
    layers.push_back({b.name, std::move(pl)});
  }
  return layers;
}

ScenarioRun run_scenario(const Scenario& s, const RunOptions& options, Progress& progress) {
  ScenarioRun R;
  progress.phase("reading layers");
  // Every layer is checked before any is read, so that a typo fails fast.
  preflight(s, s.network.source);
  const DatasetLayerSummary site_layer = preflight(s, s.sites.source);
  if (s.demand) preflight(s, s.demand->source);
  for (const BoundarySpec& b : s.boundaries) preflight(s, b.source);

  const ScenarioLayer& NL = s.network.source;
  R.lines = read_layer(s, NL, [&] { return read_lines(NL.spec(), read_options_for(NL), s.network.fields); });
  R.lines.info.path = NL.path_text;
  const ScenarioLayer& SL = s.sites.source;
  // Site status from its field (DEFAULT: "status" when the layer has it); cost and
  // capacity are read (and checked) for placement.
  PointFields site_fields = s.sites.fields;
  site_fields.status = s.sites.status_field;
  if (site_fields.status.empty() &&
      std::find(site_layer.fields.begin(), site_layer.fields.end(), "status") != site_layer.fields.end())
    site_fields.status = "status";
  site_fields.cost = s.sites.cost_field;
  site_fields.capacity = s.sites.capacity_field;
  R.sites = read_layer(s, SL, [&] { return read_points(SL.spec(), read_options_for(SL), site_fields); });
  R.sites.info.path = SL.path_text;
  if (s.demand) {
    const ScenarioLayer& DL = s.demand->source;
    PointFields f;
    f.weight = s.demand->weight_field;
    f.load = s.demand->load_field;
    R.demand = read_layer(s, DL, [&] { return read_points(DL.spec(), read_options_for(DL), f); });
    R.demand->info.path = DL.path_text;
  }
  R.boundary_layers = read_boundaries(s, R.boundaries);

  progress.phase("building the network");
  const SitePoints points{R.sites.pos, R.sites.entry_delay_us, R.sites.exit_delay_us};
  R.prepared = prepare_network(R.lines.lines, s.model, s.network.build, &points);
  if (R.prepared.sources.empty()) {
    throw InputError(scenario_where(s, SL.line) + fmt::format("no site of {} lies within {:g} km of the network. Check "
                                                              "the layers overlap, or raise max_access in [model].",
                                                              layer_text(SL), s.model.max_access.km()));
  }

  // Placement first: the sites it opens (existing, required, chosen) are the sites the
  // zones, the demand evaluation and the targets see.
  const std::size_t ns = R.sites.pos.size();
  std::vector<std::string> site_status = R.sites.status;
  std::vector<char> site_open(ns, 1);
  std::vector<std::string> edge_group;
  if (!s.network.fields.risk_group.empty()) {
    std::map<std::int64_t, std::string> group_of_fid;
    for (std::size_t i = 0; i < R.lines.lines.lines(); ++i) group_of_fid[R.lines.lines.fid[i]] = R.lines.risk_group[i];
    edge_group.resize(R.prepared.net.edges());
    for (EdgeId e = 0; e < R.prepared.net.edges(); ++e) edge_group[e] = group_of_fid[R.prepared.net.edge_fid[e]];
  }
  const std::string cuts_text = edge_group.empty() ? "every single fibre edge"
                                                   : "shared-risk groups of " + s.network.fields.risk_group;
  if (s.placement) {
    progress.phase("placement");
    const PlacementSpec& ps = *s.placement;
    PlaceJobOptions& o = R.place_options;
    o.problem = parse_problem(ps.problem, "'problem' in [placement]");
    o.problem_name = ps.problem;
    if (ps.budget) {
      o.budget_metric_us = ps.budget->value;
      o.budget_text = format_duration(*ps.budget);
    }
    o.p = static_cast<int>(ps.p.value_or(0));
    o.k = ps.k;
    if (ps.money) o.money = *ps.money;
    o.time_limit_s = ps.time_limit ? ps.time_limit->value / 1e6 : 60.0;
    o.survive = ps.survive;
    if (ps.survive) {
      o.edge_group = edge_group;
      o.cuts_text = cuts_text;
    }
    o.use_cost = !s.sites.cost_field.empty();
    o.use_capacity = !s.sites.capacity_field.empty();
    o.use_load = !s.demand->load_field.empty();
    o.capacity_unit = ps.capacity_unit;
    o.access_from = s.zones.options.access_from;
    o.threads = options.threads;
    o.status.assign(ns, SiteStatus::candidate);
    if (!site_fields.status.empty()) {
      for (std::size_t i = 0; i < ns; ++i) {
        try {
          o.status[i] = parse_site_status(R.sites.status[i], R.sites, i, site_fields.status);
        } catch (const InputError& e) {
          throw InputError(scenario_where(s, SL.line) + e.what());
        }
      }
    }
    R.placed = run_place_job(R.prepared, R.sites, *R.demand, o);
    const PlaceJobResult& pr = *R.placed;
    if (pr.solved()) {
      site_open = pr.open(ns);
    } else {  // no plan: the zones show what is fixed (existing and required sites)
      for (std::size_t i = 0; i < ns; ++i)
        site_open[i] = o.status[i] == SiteStatus::existing || o.status[i] == SiteStatus::required;
    }
    site_status.resize(ns);
    for (std::size_t i = 0; i < ns; ++i) site_status[i] = site_status_name(o.status[i], pr.solved() && site_open[i]);
  }

  progress.phase("zones, demand and surface");
  ZonesJobOptions job;
  job.command = "plan";
  job.budgets = s.zones.budgets;
  job.rings = s.zones.rings;
  job.zone = s.zones.options;
  job.surface = s.surface.enabled && options.surface;
  job.surface_options = s.surface.options;
  job.surface_extent = s.surface.extent;
  job.threads = options.threads;
  job.site_status = site_status;
  // The zones job searches from the prepared network's sources: only the open sites.
  std::vector<Source> all_sources = R.prepared.sources;
  std::vector<std::uint32_t> all_source_site = R.prepared.source_site;
  std::vector<Source> open_sources;
  std::vector<std::uint32_t> open_source_site;
  for (std::size_t i = 0; i < all_sources.size(); ++i)
    if (site_open[all_source_site[i]]) {
      open_sources.push_back(all_sources[i]);
      open_source_site.push_back(all_source_site[i]);
    }
  if (open_sources.empty()) {
    throw InputError(scenario_where(s, s.placement ? s.placement->line : SL.line) +
                     "no open site lies on the network: the placement found no plan and no existing or required site "
                     "is attached. Check the sites' status and the placement's budget.");
  }
  R.prepared.sources = open_sources;
  R.prepared.source_site = open_source_site;
  try {
    R.zones = run_zones_job(R.prepared, R.lines.info, R.sites, R.demand ? &*R.demand : nullptr, job);
  } catch (...) {
    R.prepared.sources = std::move(all_sources);
    R.prepared.source_site = std::move(all_source_site);
    throw;
  }
  R.prepared.sources = std::move(all_sources);
  R.prepared.source_site = std::move(all_source_site);

  // Site and demand fields the placement targets read: open, weight served, load and
  // capacity per site (the placement's assignment, or each demand's nearest open site
  // when plan places nothing), the demand's assignment, and survivable coverage flags.
  FeatureTable* sites_table = nullptr;
  FeatureTable* demand_table = nullptr;
  for (FeatureTable& t : R.zones.tables) {
    if (t.name == kSitesLayer) sites_table = &t;
    if (t.name == kDemandLayer) demand_table = &t;
  }
  if (sites_table && (s.placement || !s.sites.capacity_field.empty())) {
    std::vector<double> weight(ns, 0.0), load(ns, 0.0), cap(ns, std::nan(""));
    if (R.placed) {
      weight = R.placed->assignment.site_weight;
      load = R.placed->assignment.site_load;
    } else if (R.demand) {
      for (std::size_t d = 0; d < R.demand->pos.size(); ++d) {
        const std::uint32_t src = R.zones.demand[d].source;
        if (src == kNone) continue;
        const std::uint32_t site = open_source_site[src];
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
  if (demand_table && R.placed) {
    const Assignment& a = R.placed->assignment;
    const double k = s.model.metric_factor();
    const std::size_t nd = R.demand->pos.size();
    std::vector<std::string> site(nd);
    std::vector<bool> null(nd, true);
    std::vector<double> lat(nd, std::nan(""));
    for (std::size_t d = 0; d < nd; ++d) {
      if (a.site[d] == kNone) continue;
      site[d] = R.sites.id[a.site[d]];
      null[d] = false;
      lat[d] = a.latency_us[d] * k;
    }
    demand_table->columns.push_back(Column::texts("assigned_site", site, null));
    demand_table->columns.push_back(Column::reals("assigned_latency_us", lat));
    demand_table->columns.push_back(Column::reals("served_share", a.served));
    if (R.placed->solved()) R.zones.tables.push_back(assignments_table(*R.placed, s.model, R.sites, *R.demand));
  }
  std::vector<Microseconds> survival_budgets;
  for (const Target& t : s.targets)
    if (t.kind == TargetKind::survivable &&
        std::find(survival_budgets.begin(), survival_budgets.end(), t.budget) == survival_budgets.end())
      survival_budgets.push_back(t.budget);
  if (!survival_budgets.empty() && demand_table) {
    progress.phase("fibre-cut analysis");
    for (const Microseconds& b : survival_budgets) {
      const std::vector<char> ok = survivable_demand(R.prepared, R.demand->pos, site_open,
                                                     b.value / s.model.metric_factor(), s.zones.options.access_from,
                                                     edge_group, options.threads);
      demand_table->columns.push_back(Column::integers(survives_field(b), std::vector<std::int64_t>(ok.begin(), ok.end())));
    }
  }

  progress.phase("targets");
  RunTables tables;
  tables.metric = s.model.metric;
  for (const FeatureTable& t : R.zones.tables) {
    if (t.name == kZonesLayer) tables.zones = &t;
    if (t.name == kDemandLayer) tables.demand = &t;
    if (t.name == kSitesLayer) tables.sites = &t;
  }
  R.targets = evaluate_targets(s, tables, R.boundaries);

  // The summary: the zones job's, with the scenario, layers, validation and targets.
  const Json& z = R.zones.summary;
  Json& S = R.summary;
  S["command"] = "plan";
  S["scenario"] = {{"name", s.name}, {"file", s.file}, {"description", s.description}};
  S["model"] = z["model"];
  S["model"]["access_from"] = s.zones.options.access_from == AccessFrom::edges ? "edges" : "nodes";
  S["network"] = layer_json(NL);
  for (const auto& [k, v] : z["network"].items())
    if (k != "path" && k != "layer") S["network"][k] = v;
  S["sites"] = layer_json(SL);
  for (const auto& [k, v] : z["sites"].items()) S["sites"][k] = v;
  if (R.demand) {
    S["demand"] = layer_json(s.demand->source);
    S["demand"]["weight_field"] = s.demand->weight_field;
    for (const auto& [k, v] : z["demand"].items())
      if (k != "path" && k != "layer") S["demand"][k] = v;
  }
  S["boundaries"] = Json::array();
  for (std::size_t i = 0; i < R.boundary_layers.size(); ++i) {
    const BoundaryRead& b = R.boundary_layers[i];
    Json bj = {{"name", b.name}};
    const Json source = layer_json(s.boundaries[i].source);
    for (const auto& [k, v] : source.items()) bj[k] = v;
    bj["features"] = b.layer.polygons.size();
    bj["features_skipped"] = b.layer.info.skipped.size();
    bj["repaired"] = b.layer.repaired;
    bj["area_km2"] = area_m2(R.boundaries.at(b.name)) / 1e6;
    S["boundaries"].push_back(bj);
  }
  S["budgets"] = z["budgets"];
  if (R.zones.surface) {
    const LatencyGrid& g = *R.zones.surface;
    S["surface"] = {{"file", kRunTif}, {"epsg", g.epsg}, {"cell_m", g.cell}, {"width", g.width}, {"height", g.height}};
  }

  // Validation: data problems that still leave a usable run (DESIGN §8) are warnings.
  const BuildReport& br = R.prepared.report;
  Json warnings = Json::array();
  std::vector<std::string> off;
  for (std::size_t i = 0; i < R.sites.pos.size(); ++i)
    if (R.prepared.site_node[i] == kNone) off.push_back(R.sites.id[i]);
  S["validation"] = {{"network_features_skipped", R.lines.info.skipped.size()},
                     {"snapped_ends", br.snapped_ends},
                     {"zero_length_edges", br.zero_length_edges},
                     {"self_loops", br.self_loops},
                     {"duplicate_edges", br.duplicate_edges},
                     {"dangling_ends", br.dangling_ends},
                     {"components", br.components.size()},
                     {"largest_component_sizes",
                      std::vector<std::size_t>(br.components.begin(),
                                               br.components.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(br.components.size(), 10)))},
                     {"sites_skipped", R.sites.info.skipped.size()},
                     {"sites_off_network", off},
                     {"demand_skipped", R.demand ? R.demand->info.skipped.size() : 0}};
  if (!R.lines.info.skipped.empty()) warnings.push_back("network " + layer_text(NL) + ": " + skipped_text(R.lines.info));
  if (br.components.size() > 1) {
    warnings.push_back(fmt::format("the network has {} components (largest {} nodes); sites reach only their own",
                                   br.components.size(), br.components.front()));
  }
  if (br.dangling_ends > 0) warnings.push_back(fmt::format("the network has {} dangling line ends", br.dangling_ends));
  if (br.zero_length_edges + br.self_loops + br.duplicate_edges > 0) {
    warnings.push_back(fmt::format("network build dropped {} zero-length edges, {} self-loops and {} duplicate edges",
                                   br.zero_length_edges, br.self_loops, br.duplicate_edges));
  }
  if (!R.sites.info.skipped.empty()) warnings.push_back("sites " + layer_text(SL) + ": " + skipped_text(R.sites.info));
  if (!off.empty()) {
    warnings.push_back(fmt::format("{} site(s) beyond {:g} km of the network, not used: {}", off.size(),
                                   s.model.max_access.km(), join(off)));
  }
  if (R.demand && !R.demand->info.skipped.empty())
    warnings.push_back("demand " + layer_text(s.demand->source) + ": " + skipped_text(R.demand->info));
  for (std::size_t i = 0; i < R.boundary_layers.size(); ++i) {
    const BoundaryRead& b = R.boundary_layers[i];
    if (!b.layer.info.skipped.empty())
      warnings.push_back("boundary '" + b.name + "': " + skipped_text(b.layer.info));
    if (b.layer.repaired > 0)
      warnings.push_back(fmt::format("boundary '{}': {} invalid polygon(s) repaired with MakeValid", b.name, b.layer.repaired));
  }
  S["warnings"] = warnings;
  if (R.placed) {
    Json p = place_json(*R.placed, R.place_options, s.model, R.sites, *R.demand, off.size());
    p.erase("command");
    p.erase("model");
    p.erase("sites_off_network");
    if (!R.placed->solved())
      p["zones_from"] = "existing and required sites only: the placement found no plan";
    S["placement"] = p;
  } else {
    S["placement"] = {{"status", "not run"}, {"reason", "the scenario has no [placement] table"}};
  }
  if (!survival_budgets.empty()) {
    Json sv = {{"cuts", cuts_text}, {"budgets", Json::array()}};
    for (const auto& b : survival_budgets) sv["budgets"].push_back(format_duration(b));
    sv["fields"] = Json::array();
    for (const auto& b : survival_budgets) sv["fields"].push_back(survives_field(b));
    S["survivability"] = sv;
  }
  S["targets"] = Json::array();
  for (const TargetResult& t : R.targets) S["targets"].push_back(target_json(t));
  const Json check = check_json(s.name, s.file, "", R.targets);
  S["targets_summary"] = {{"passed", check["passed"]},
                          {"failed", check["failed"]},
                          {"not_evaluated", check["not_evaluated"]},
                          {"all_hold", check["all_hold"]}};
  Json layers = Json::array();
  for (const FeatureTable& t : R.zones.tables) layers.push_back(t.name);
  if (!R.boundaries.empty()) layers.push_back(kBoundariesLayer);
  layers.push_back(kRunInfoLayer);
  S["outputs"] = {{"geopackage", kRunGpkg}, {"layers", layers}};
  return R;
}

void check_out_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw InputError("--out needs a directory name.");
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError("--out names a file, not a directory (" + dir + ").");
    return;
  }
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw InputError("the parent of --out does not exist (" + parent.string() + "). Create it or change --out.");
  }
}

void write_run(const std::string& dir, ScenarioRun& R, Progress& progress, unsigned threads) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::is_directory(d, ec) && !fs::create_directory(d, ec)) {
    throw InputError("cannot create the output directory (" + dir + "): " + ec.message() + ".");
  }
  std::vector<FeatureTable> tables = std::move(R.zones.tables);
  if (!R.boundaries.empty()) {
    FeatureTable b;
    b.name = kBoundariesLayer;
    b.geometry = FeatureTable::Geometry::polygon;
    std::vector<std::string> names;
    std::vector<double> area;
    for (const auto& br : R.boundary_layers) {
      names.push_back(br.name);
      area.push_back(area_m2(R.boundaries.at(br.name)) / 1e6);
      b.polygons.push_back(R.boundaries.at(br.name));
    }
    b.columns.push_back(Column::texts("name", names));
    b.columns.push_back(Column::reals("area_km2", area));
    tables.push_back(std::move(b));
  }
  std::string budgets;
  for (const auto& b : R.zones.budgets) budgets += (budgets.empty() ? "" : ",") + format_duration(b);
  tables.push_back(run_info_table(R.prepared.model, {{"command", "plan"},
                                                     {"scenario", R.summary["scenario"]["name"].get<std::string>()},
                                                     {"scenario_file", R.summary["scenario"]["file"].get<std::string>()},
                                                     {"budgets", budgets}}));
  // A run directory holds one run: files of an earlier run that this one does not
  // write would describe something else.
  if (!R.zones.surface) fs::remove(d / kRunTif, ec);
  fs::remove(d / kRunCheck, ec);
  if (R.zones.surface) write_geotiff((d / kRunTif).string(), *R.zones.surface);
  write_tables((d / kRunGpkg).string(), tables);
  R.zones.tables = std::move(tables);  // kept for callers that evaluate again
  // Quick-look maps for the report, drawn from the files just written.
  progress.phase("maps");
  fs::remove_all(d / kRunMaps, ec);
  const std::vector<std::string> maps = render_run_maps((d / kRunGpkg).string(),
                                                        R.zones.surface ? (d / kRunTif).string() : std::string(),
                                                        (d / kRunMaps).string());
  R.summary["maps"] = Json::array();
  for (const std::string& m : maps)
    R.summary["maps"].push_back((fs::path(kRunMaps) / fs::path(m).filename()).generic_string());
  write_text_file((d / kRunSummary).string(), R.summary.dump(2) + "\n");
  write_text_file((d / kRunReport).string(), plan_report_markdown(R.summary));
  progress.done();
  Json t;
  t["command"] = "plan";
  t["threads"] = threads == 0 ? std::thread::hardware_concurrency() : threads;
  t["hardware_threads"] = std::thread::hardware_concurrency();
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) t["host"] = host;
  double total = 0.0;
  t["phases"] = Json::array();
  for (const auto& [phase, sec] : progress.seconds()) {
    t["phases"].push_back({{"phase", phase}, {"seconds", sec}});
    total += sec;
  }
  t["total_seconds"] = total;
  write_text_file((d / kRunTimings).string(), t.dump(2) + "\n");
}

StoredRun read_run(const std::string& dir_or_gpkg) {
  namespace fs = std::filesystem;
  StoredRun r;
  std::error_code ec;
  r.gpkg = fs::is_directory(dir_or_gpkg, ec) ? (fs::path(dir_or_gpkg) / kRunGpkg).string() : dir_or_gpkg;
  if (!fs::is_regular_file(r.gpkg, ec)) {
    throw InputError("no run found at " + dir_or_gpkg + " (" + r.gpkg +
                     " does not exist). Give a directory written by lightcone plan, or its run.gpkg.");
  }
  const std::vector<std::string> layers = layer_names(r.gpkg);
  auto has = [&](const char* name) { return std::find(layers.begin(), layers.end(), name) != layers.end(); };
  if (!has(kZonesLayer) || !has(kRunInfoLayer)) {
    throw InputError(r.gpkg + " is not a lightcone run: it lacks the layers zones and run_info. Give a directory "
                     "written by lightcone plan, or a GeoPackage written by plan or zones.");
  }
  const FeatureTable info = read_table(r.gpkg, kRunInfoLayer);
  bool found = false;
  for (const Column& key : info.columns) {
    if (key.name != "key") continue;
    for (const Column& value : info.columns) {
      if (value.name != "value") continue;
      for (std::size_t i = 0; i < key.texts().size(); ++i) {
        if (key.texts()[i] != "metric") continue;
        r.metric = parse_metric(value.texts()[i], "run_info metric of " + r.gpkg);
        found = true;
      }
    }
  }
  if (!found) throw InputError(r.gpkg + ": run_info does not state the metric. Run it again with this version.");
  r.zones = read_table(r.gpkg, kZonesLayer);
  if (has(kDemandLayer)) r.demand = read_table(r.gpkg, kDemandLayer);
  if (has(kSitesLayer)) r.sites = read_table(r.gpkg, kSitesLayer);
  return r;
}

}  // namespace lightcone
