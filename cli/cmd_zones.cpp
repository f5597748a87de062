// lightcone zones: latency zones for several budgets, the latency surface, and demand
// evaluation, in one GeoPackage (+ GeoTIFF and summary JSON beside it).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/polygons.hpp"
#include "io/raster.hpp"
#include "io/write.hpp"
#include "plan/zones_job.hpp"
#include "run_info.hpp"
#include "zones/surface.hpp"
#include "zones/zones.hpp"

namespace lightcone::cli {
namespace {

struct ZonesArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  std::string budget;
  std::string out;
  std::string demand;
  std::string demand_where;
  std::string weight;
  std::string demand_sample;
  bool rings = false;
  bool split = false;
  std::string split_cell;
  std::string simplify;
  std::string cell_size = "1km";
  bool no_surface = false;
  std::string surface_extent;
  unsigned threads = 0;
  bool json = false;
};

constexpr int kMaxDemandSample = 100000;

LonLatBox parse_extent(const std::string& s) {
  LonLatBox box;
  double v[4];
  if (std::sscanf(s.c_str(), "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]) != 4 || !(v[0] < v[2]) ||
      !(v[1] < v[3]) || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) {
    throw InputError("invalid --surface-extent '" + s + "'. Write WEST,SOUTH,EAST,NORTH in degrees, e.g. 119.5,35.5,121.0,36.9.");
  }
  box.add({v[0], v[1]});
  box.add({v[2], v[3]});
  return box;
}

// Area-weighted sample points of every demand polygon, in the order of `demand`
// (features are matched by FID; a feature without a polygon keeps its point).
ZonesJobOptions::DemandSamples sample_demand_polygons(const ZonesArgs& a, const PointLayer& demand, int per_polygon) {
  ReadOptions ro = read_options(a.demand_where, a.network.assume_crs);
  ro.option = "--demand";
  PolygonLayer polys;
  try {
    polys = read_polygons(parse_layer_spec(a.demand), ro);
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " --demand-sample samples polygons: leave it out for point demand.");
  }
  std::vector<std::size_t> order(polys.fid.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return polys.fid[x] < polys.fid[y]; });
  ZonesJobOptions::DemandSamples s;
  s.per_feature = per_polygon;
  for (std::size_t d = 0; d < demand.pos.size(); ++d) {
    const auto it = std::lower_bound(order.begin(), order.end(), demand.fid[d],
                                     [&](std::size_t x, std::int64_t fid) { return polys.fid[x] < fid; });
    std::vector<LonLat> pts;
    if (it != order.end() && polys.fid[*it] == demand.fid[d]) pts = sample_polygon(polys.polygons[*it], per_polygon);
    if (pts.empty()) pts.push_back(demand.pos[d]);
    s.pos.insert(s.pos.end(), pts.begin(), pts.end());
    s.first.push_back(static_cast<std::uint32_t>(s.pos.size()));
  }
  return s;
}

int run_zones(const ZonesArgs& a) {
  // Parse and check everything that can be checked before reading data.
  make_model(a.model);
  const std::vector<Microseconds> budgets_metric = parse_budgets(a.budget, "--budget");
  if (a.out.empty()) throw InputError("zones needs --out FILE.gpkg.");
  if (std::filesystem::path(a.out).extension() != ".gpkg") {
    throw InputError("zones writes a GeoPackage: give --out a .gpkg file name (" + a.out + ").");
  }
  write_tables_check_path(a.out);
  if (a.sites.sites.empty()) throw InputError("zones needs --sites PATH[:LAYER].");
  const Metres cell = parse_length(a.cell_size, "--cell-size");
  if (!(cell.value > 0)) throw InputError("--cell-size must be greater than zero, e.g. '250m'.");
  SplitOptions split;
  if (!a.split_cell.empty()) {
    if (!a.split) throw InputError("--split-cell needs --split (the per-site split it sets the precision of).");
    split.cell_m = parse_length(a.split_cell, "--split-cell").value;
    if (!(split.cell_m > 0)) throw InputError("--split-cell must be greater than zero, e.g. '250m'.");
  }
  double simplify_m = 0.0;
  if (!a.simplify.empty()) {
    simplify_m = parse_length(a.simplify, "--simplify").value;
    if (!(simplify_m > 0)) {
      throw InputError("--simplify must be greater than zero, e.g. '100m'; leave it out for unsimplified zones.");
    }
  }
  int per_polygon = 0;
  if (!a.demand_sample.empty()) {
    const std::string& t = a.demand_sample;
    const bool digits = t.size() <= 6 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) per_polygon = std::stoi(t);
    if (!digits || per_polygon < 1 || per_polygon > kMaxDemandSample) {
      throw InputError(fmt::format("invalid --demand-sample '{}': give the number of sample points per polygon, "
                                   "1 to {}, e.g. 100.",
                                   t, kMaxDemandSample));
    }
  }
  std::optional<LonLatBox> extent_opt;
  if (!a.surface_extent.empty()) extent_opt = parse_extent(a.surface_extent);
  std::optional<PointLayer> demand;
  if (!a.demand.empty()) {
    PointFields f;
    f.weight = a.weight;
    f.id = "";
    demand = read_points(parse_layer_spec(a.demand), read_options(a.demand_where, a.network.assume_crs), f);
  } else if (!a.weight.empty()) {
    throw InputError("--weight needs --demand PATH[:LAYER].");
  }
  std::optional<ZonesJobOptions::DemandSamples> samples;
  if (per_polygon > 0) {
    if (!demand) throw InputError("--demand-sample needs --demand PATH[:LAYER] with polygons.");
    samples = sample_demand_polygons(a, *demand, per_polygon);
  }
  Loaded L = load(a.network, &a.sites, a.model);
  if (L.sources.empty()) {
    throw InputError("no site lies within " + fmt::format("{:g}", L.model.max_access.km()) + " km of the network (" +
                     a.sites.sites + "). Check the layers overlap, or raise --max-access.");
  }
  const LatencyModel& model = L.model;
  ZonesJobOptions job;
  job.command = "zones";
  job.budgets = budgets_metric;
  job.rings = a.rings;
  job.split = a.split;
  job.split_options = split;
  job.simplify_m = simplify_m;
  job.demand_samples = std::move(samples);
  job.surface = !a.no_surface;
  job.surface_options.cell_m = cell.value;
  job.surface_extent = extent_opt;
  job.threads = a.threads;
  ZonesJobResult R = run_zones_job(L, L.lines.info, *L.sites, demand ? &*demand : nullptr, job);
  std::vector<FeatureTable>& tables = R.tables;
  nlohmann::ordered_json& summary = R.summary;
  const std::string tif = sidecar(a.out, ".tif");
  if (R.surface) {
    const LatencyGrid& grid = *R.surface;
    write_geotiff(tif, grid);
    summary["surface"] = {{"file", std::filesystem::path(tif).filename().string()},
                          {"epsg", grid.epsg},
                          {"cell_m", grid.cell},
                          {"width", grid.width},
                          {"height", grid.height}};
  }
  std::vector<std::pair<std::string, std::string>> info = {{"command", "zones"}, {"budgets", a.budget}};
  if (a.split) info.emplace_back("split_cell", fmt::format("{:g}m", split.cell_m));
  if (simplify_m > 0) info.emplace_back("simplify", fmt::format("{:g}m", simplify_m));
  if (per_polygon > 0) info.emplace_back("demand_sample", std::to_string(per_polygon));
  tables.push_back(run_info_table(model, info));
  write_tables(a.out, tables);
  write_text_file(sidecar(a.out, ".summary.json"), summary.dump(2) + "\n");
  if (a.json) {
    fmt::print("{}\n", summary.dump(2));
  } else {
    fmt::print("zones ({}):\n", model.describe());
    for (const auto& b : summary["budgets"]) {
      fmt::print("  {:>8}  {:12.1f} km2  {:4} sites", b["budget"].get<std::string>(), b["area_km2"].get<double>(),
                 b["sites_involved"].get<std::size_t>());
      if (b.contains("weight_share")) fmt::print("  {:6.2f} % of demand weight", 100.0 * b["weight_share"].get<double>());
      fmt::print("\n");
    }
    if (summary.contains("split")) {
      fmt::print("  zones_split: {} parts by nearest site, boundary within {:g} m\n",
                 summary["split"]["parts"].get<std::size_t>(), summary["split"]["boundary_tolerance_m"].get<double>());
    }
    fmt::print("wrote {}\n", a.out);
  }
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
  cmd->add_option("--demand-sample", a->demand_sample,
                  "Evaluate demand polygons at about N area-weighted points each (covered share, mean and worst "
                  "latency) instead of their centroid");
  cmd->add_flag("--rings", a->rings, "Zones as nested rings (B2 minus B1) instead of full disks");
  cmd->add_flag("--split", a->split,
                "Also write zones_split: each zone cut by nearest site (parts tile the zone; boundary accurate to "
                "one --split-cell diagonal)");
  cmd->add_option("--split-cell", a->split_cell, "Cell size where site zones overlap, for --split (DEFAULT: 250m)");
  cmd->add_option("--simplify", a->simplify,
                  "Simplify zone outlines by this length, only ever growing them, e.g. 100m (DEFAULT: off)");
  cmd->add_option("--cell-size", a->cell_size, "Latency surface cell size (DEFAULT: 1km)")->capture_default_str();
  cmd->add_option("--surface-extent", a->surface_extent, "Surface extent WEST,SOUTH,EAST,NORTH (DEFAULT: largest zone)");
  cmd->add_flag("--no-surface", a->no_surface, "Do not write the latency surface GeoTIFF");
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Print the summary JSON on stdout");
  cmd->callback([a, &run] { run = [a] { return run_zones(*a); }; });
}

}  // namespace lightcone::cli
