// lightcone zones: latency zones for several budgets, the latency surface, and demand
// evaluation, in one GeoPackage (+ GeoTIFF and summary JSON beside it). The work is
// plan/zones_command.hpp; this file parses the options into a ZonesRequest and prints.
#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "plan/zones_command.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct ZonesArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  ZonesJobOptions job;  // rings, split, threads bound directly
  std::string budget, out, demand, demand_where, weight, label_field, demand_sample, split_cell, simplify, surface_extent;
  std::string cell_size;  // DEFAULT: chosen (1 km, coarser beyond the cell budget)
  std::string max_cells;
  bool no_surface = false;
  bool json = false;
};

constexpr int kMaxDemandSample = 100000;

int parse_demand_sample(const std::string& t) {
  const bool digits = t.size() <= 6 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int n = digits ? std::stoi(t) : 0;
  if (!digits || n < 1 || n > kMaxDemandSample) {
    throw InputError(fmt::format("invalid --demand-sample '{}': give the number of sample points per polygon, "
                                 "1 to {}, e.g. 100.", t, kMaxDemandSample));
  }
  return n;
}

// A whole number of cells, 1 to 10^12 (digits only: "25000000").
double parse_max_cells(const std::string& t) {
  const bool digits = !t.empty() && t.size() <= 13 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  const double n = digits ? std::stod(t) : 0.0;
  if (!digits || n < 1 || n > 1e12) {
    throw InputError(fmt::format("invalid --max-cells '{}': give the most cells the latency surface may have, a whole "
                                 "number from 1 to 1000000000000, e.g. 25000000.", t));
  }
  return n;
}

double positive_length_m(const std::string& text, const char* option, const std::string& example) {
  const double m = parse_length(text, option).value;
  if (!(m > 0)) throw InputError(std::string(option) + " must be greater than zero, e.g. " + example);
  return m;
}

// Everything is parsed and checked here, before any data is read.
ZonesRequest zones_request(const ZonesArgs& a) {
  ZonesRequest rq;
  rq.model = make_model(a.model);
  rq.job = a.job;
  rq.job.budgets = parse_budgets(a.budget, "--budget");
  check_zones_out(a.out);
  if (a.sites.sites.empty()) throw InputError("zones needs --sites PATH[:LAYER].");
  if (!a.cell_size.empty()) rq.job.surface_options.cell_m = positive_length_m(a.cell_size, "--cell-size", "'250m'.");
  if (!a.max_cells.empty()) rq.job.surface_options.max_cells = parse_max_cells(a.max_cells);
  if (!a.split_cell.empty()) {
    if (!a.job.split) throw InputError("--split-cell needs --split (the per-site split it sets the precision of).");
    rq.job.split_options.cell_m = positive_length_m(a.split_cell, "--split-cell", "'250m'.");
  }
  if (!a.simplify.empty()) {
    rq.job.simplify_m = positive_length_m(a.simplify, "--simplify", "'100m'; leave it out for unsimplified zones.");
  }
  rq.budgets_text = a.budget;
  const int per_polygon = a.demand_sample.empty() ? 0 : parse_demand_sample(a.demand_sample);
  if (!a.surface_extent.empty()) rq.job.surface_extent = parse_lonlat_box(a.surface_extent, "--surface-extent");
  rq.job.surface = !a.no_surface;
  if (!a.demand.empty()) {
    PointFields fields;
    fields.weight = a.weight;
    fields.label = a.label_field;
    rq.demand = DemandInput{parse_layer_spec(a.demand), read_options("--demand", a.demand_where, a.network.assume_crs), fields,
                            per_polygon};
  } else if (!a.weight.empty()) {
    throw InputError("--weight needs --demand PATH[:LAYER].");
  } else if (!a.label_field.empty()) {
    throw InputError("--label-field needs --demand PATH[:LAYER].");
  } else if (per_polygon > 0) {
    throw InputError("--demand-sample needs --demand PATH[:LAYER] with polygons.");
  }
  rq.network = network_input(a.network);
  rq.sites = sites_input(a.sites, a.network.assume_crs);
  rq.sites_name = a.sites.sites;
  check_out_not_input(a.out, {".tif", ".summary.json"},
                      {{"--network", rq.network.layer.path},
                       {"--sites", rq.sites.layer.path},
                       {"--demand", rq.demand ? rq.demand->layer.path : std::string()}});
  return rq;
}

int run_command(const ZonesArgs& a) {
  ZonesRun run = run_zones(zones_request(a));
  write_zones(a.out, run);
  const nlohmann::ordered_json& summary = run.result.summary;
  if (a.json) {
    fmt::print("{}\n", json_text(summary));
    return 0;
  }
  fmt::print("zones ({}):\n", run.network.model.describe());
  print_zone_lines(summary);
  if (summary.contains("warnings"))
    for (const auto& w : summary["warnings"]) fmt::print("warning: {}\n", w.get<std::string>());
  fmt::print("wrote {}\n", a.out);
  return 0;
}

}  // namespace

void register_zones(CLI::App& app, Runner& run) {
  auto a = std::make_shared<ZonesArgs>();
  CLI::App* cmd = app.add_subcommand("zones", "Latency zones for several budgets, latency surface, demand coverage");
  add_network_options(*cmd, a->network, true);
  add_sites_options(*cmd, a->sites, true);
  add_model_options(*cmd, a->model);
  cmd->add_option("--budget", a->budget, "Latency budgets in the run's metric, e.g. 1ms,3ms")->required();
  cmd->add_option("--out", a->out, "Output GeoPackage (.tif and .summary.json are written beside it)")->required();
  cmd->add_option("--demand", a->demand, "Demand points or polygons (centroids): PATH[:LAYER]");
  cmd->add_option("--demand-where", a->demand_where, "OGR attribute filter on the demand layer");
  cmd->add_option("--weight", a->weight, "Demand weight field (DEFAULT: 1 per feature)");
  cmd->add_option("--label-field", a->label_field, "Field that names demand features in outputs (name column; DEFAULT: the first of name, label, site_id present; none: no names)");
  cmd->add_option("--demand-sample", a->demand_sample,
                  "Evaluate demand polygons at about N area-weighted points each (covered share, mean and worst "
                  "latency) instead of their centroid");
  cmd->add_flag("--rings", a->job.rings, "Zones as nested rings (B2 minus B1) instead of full disks");
  cmd->add_flag("--split", a->job.split,
                "Also write zones_split: each zone cut by nearest site (parts tile the zone; boundary accurate to "
                "one --split-cell diagonal)");
  cmd->add_option("--split-cell", a->split_cell, "Cell size where site zones overlap, for --split (DEFAULT: 250m)");
  cmd->add_option("--simplify", a->simplify,
                  "Simplify zone outlines by this length, only ever growing them, e.g. 100m (DEFAULT: off)");
  cmd->add_option("--cell-size", a->cell_size,
                  "Latency surface cell size (DEFAULT: 1km, or the first of 2, 2.5, 5, 10 km ... that keeps the surface "
                  "within --max-cells)");
  cmd->add_option("--max-cells", a->max_cells,
                  "Most cells the latency surface may have; a --cell-size needing more is refused (DEFAULT: 25000000)");
  cmd->add_option("--surface-extent", a->surface_extent, "Surface extent WEST,SOUTH,EAST,NORTH (DEFAULT: largest zone)");
  cmd->add_flag("--no-surface", a->no_surface, "Do not write the latency surface GeoTIFF");
  cmd->add_option("--threads", a->job.threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Print the summary JSON on stdout");
  cmd->callback([a, &run] { run = [a] { return run_command(*a); }; });
}

}  // namespace lightcone::cli
