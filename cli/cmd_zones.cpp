// lightcone zones: latency zones for several budgets, the latency surface, and demand
// evaluation, in one GeoPackage (+ GeoTIFF and summary JSON beside it).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/raster.hpp"
#include "io/write.hpp"
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
  bool rings = false;
  std::string cell_size = "1km";
  bool no_surface = false;
  std::string surface_extent;
  unsigned threads = 0;
  bool json = false;
};

// "1.5ms" → "1p5ms": budget names usable in field names.
std::string field_safe(std::string s) {
  std::replace(s.begin(), s.end(), '.', 'p');
  return s;
}

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
  Loaded L = load(a.network, &a.sites, a.model);
  if (L.sources.empty()) {
    throw InputError("no site lies within " + fmt::format("{:g}", L.model.max_access.km()) + " km of the network (" +
                     a.sites.sites + "). Check the layers overlap, or raise --max-access.");
  }
  const LatencyModel& model = L.model;
  const double k = model.metric_factor();
  std::vector<Microseconds> budgets = budgets_metric;
  std::sort(budgets.begin(), budgets.end());
  budgets.erase(std::unique(budgets.begin(), budgets.end()), budgets.end());
  const double largest_one_way = budgets.back().value / k;
  const AccessFrom mode = parse_access_from(a.model.access_from);
  // Unbounded, so that demand beyond every budget gets its excess and demand in
  // components without sites is told apart (one search; cheap next to the zones).
  const NodeLatencies nodes = nearest_source_latency(*L.graph, L.sources);
  const AccessCost access(model);
  ZoneOptions zopt;
  zopt.access_from = mode;

  // Zones, smallest budget first.
  std::vector<MultiPolygon> full;
  for (const Microseconds& b : budgets) full.push_back(zone_polygon(L.net, nodes.us, access, b.value / k, zopt));

  // Demand evaluation.
  std::vector<PointLatency> dl;
  double weight_total = 0.0;
  if (demand) {
    dl = evaluate_points(L.net, *L.index, model, mode, demand->pos, nodes.us, nodes.source, a.threads);
    for (double w : demand->weight) weight_total += w;
  }
  auto site_id_of = [&](std::uint32_t src) { return L.sites->id[L.source_site[src]]; };

  nlohmann::ordered_json summary;
  summary["command"] = "zones";
  summary["model"] = model_to_json(model);
  summary["network"] = {{"path", L.lines.info.path},       {"layer", L.lines.info.layer},
                        {"features_read", L.lines.info.features_read},
                        {"features_skipped", L.lines.info.skipped.size()},
                        {"nodes", L.net.nodes()},          {"edges", L.net.edges()},
                        {"components", L.report.components.size()}};
  summary["sites"] = {{"read", L.sites->pos.size()},
                      {"attached", L.sources.size()},
                      {"off_network", L.sites->pos.size() - L.sources.size()}};

  FeatureTable zones;
  zones.name = "zones";
  zones.geometry = FeatureTable::Geometry::polygon;
  std::vector<double> z_budget, z_area, z_weight, z_share;
  std::vector<std::string> z_name, z_metric;
  std::vector<std::int64_t> z_sites;
  summary["budgets"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const double b1 = budgets[i].value / k;
    MultiPolygon shape = a.rings && i > 0 ? difference(full[i], full[i - 1]) : full[i];
    const double area_km2 = area_m2(full[i]) / 1e6;
    double covered = 0.0;
    std::size_t covered_n = 0;
    if (demand)
      for (std::size_t d = 0; d < dl.size(); ++d)
        if (dl[d].latency_us <= b1) {
          covered += demand->weight[d];
          ++covered_n;
        }
    std::set<std::uint32_t> involved;
    for (NodeId v = 0; v < L.net.nodes(); ++v)
      if (nodes.us[v] + access.fixed_us <= b1) involved.insert(nodes.source[v]);
    const std::string name = format_duration(budgets[i]);
    zones.polygons.push_back(std::move(shape));
    z_budget.push_back(budgets[i].value);
    z_name.push_back(name);
    z_metric.emplace_back(to_string(model.metric));
    z_area.push_back(area_km2);
    z_weight.push_back(demand ? covered : std::nan(""));
    z_share.push_back(demand && weight_total > 0 ? covered / weight_total : std::nan(""));
    z_sites.push_back(static_cast<std::int64_t>(involved.size()));
    nlohmann::ordered_json bj = {{"budget", name},
                                 {"budget_us", budgets[i].value},
                                 {"metric", to_string(model.metric)},
                                 {"area_km2", area_km2},
                                 {"sites_involved", involved.size()}};
    if (demand) {
      bj["demand_covered"] = covered_n;
      bj["weight_covered"] = covered;
      bj["weight_share"] = weight_total > 0 ? covered / weight_total : 0.0;
    }
    summary["budgets"].push_back(bj);
  }
  // Largest budget first, so smaller zones are drawn on top.
  std::reverse(zones.polygons.begin(), zones.polygons.end());
  for (auto* v : {&z_budget, &z_area, &z_weight, &z_share}) std::reverse(v->begin(), v->end());
  std::reverse(z_name.begin(), z_name.end());
  std::reverse(z_sites.begin(), z_sites.end());
  zones.columns.push_back(Column::reals("budget_us", z_budget));
  zones.columns.push_back(Column::texts("budget", z_name));
  zones.columns.push_back(Column::texts("metric", z_metric));
  zones.columns.push_back(Column::reals("area_km2", z_area));
  zones.columns.push_back(Column::reals("weight_covered", z_weight));
  zones.columns.push_back(Column::reals("weight_share", z_share));
  zones.columns.push_back(Column::integers("sites_involved", z_sites));

  // Network edges with latency at both ends.
  FeatureTable edges;
  edges.name = "network";
  edges.geometry = FeatureTable::Geometry::line;
  edges.coords = L.net.geom;
  edges.first = L.net.edge_geom_first;
  {
    const std::size_t m = L.net.edges();
    std::vector<std::int64_t> id(m), fid(m);
    std::vector<double> lu(m), lv(m), len(m), delay(m);
    std::vector<std::string> site(m);
    std::vector<bool> site_null(m, true);
    for (EdgeId e = 0; e < m; ++e) {
      id[e] = e;
      fid[e] = L.net.edge_fid[e];
      const double du = nodes.us[L.net.edge_u[e]];
      const double dv = nodes.us[L.net.edge_v[e]];
      lu[e] = du == kUnreached ? std::nan("") : du * k;
      lv[e] = dv == kUnreached ? std::nan("") : dv * k;
      len[e] = L.net.edge_length_m[e] / 1000.0;
      delay[e] = L.net.edge_delay_us[e] * k;
      const NodeId near = du <= dv ? L.net.edge_u[e] : L.net.edge_v[e];
      if (nodes.source[near] != kNone) {
        site[e] = site_id_of(nodes.source[near]);
        site_null[e] = false;
      }
    }
    edges.columns.push_back(Column::integers("edge_id", id));
    edges.columns.push_back(Column::integers("source_fid", fid));
    edges.columns.push_back(Column::reals("latency_u_us", lu));
    edges.columns.push_back(Column::reals("latency_v_us", lv));
    edges.columns.push_back(Column::reals("length_km", len));
    edges.columns.push_back(Column::reals("delay_us", delay));
    edges.columns.push_back(Column::texts("site_id", site, site_null));
  }

  // Sites.
  FeatureTable sites;
  sites.name = "sites";
  sites.geometry = FeatureTable::Geometry::point;
  sites.coords = L.sites->pos;
  sites.fid = L.sites->fid;
  {
    const std::size_t n = L.sites->pos.size();
    std::vector<std::int64_t> attached(n), node(n);
    std::vector<bool> node_null(n);
    std::vector<double> access_m(n);
    std::vector<std::string> status(n, "existing");
    for (std::size_t i = 0; i < n; ++i) {
      attached[i] = L.site_node[i] != kNone;
      node[i] = L.site_node[i] == kNone ? 0 : L.site_node[i];
      node_null[i] = L.site_node[i] == kNone;
      access_m[i] = L.site_attach[i].edge == kNone ? std::nan("") : L.site_attach[i].distance_m;
    }
    sites.columns.push_back(Column::texts("site_id", L.sites->id));
    sites.columns.push_back(Column::texts("status", status));
    sites.columns.push_back(Column::integers("attached", attached));
    sites.columns.push_back(Column::reals("access_m", access_m));
    sites.columns.push_back(Column::integers("node_id", node, node_null));
  }

  std::vector<FeatureTable> tables;
  tables.push_back(std::move(zones));
  tables.push_back(std::move(edges));
  tables.push_back(std::move(sites));

  if (demand) {
    const std::size_t n = dl.size();
    FeatureTable dt;
    dt.name = "demand";
    dt.geometry = FeatureTable::Geometry::point;
    dt.coords = demand->pos;
    dt.fid = demand->fid;
    std::vector<double> lat(n), acc(n);
    std::vector<std::string> site(n);
    std::vector<bool> site_null(n, true);
    for (std::size_t i = 0; i < n; ++i) {
      const bool ok = dl[i].latency_us != kUnreached;
      lat[i] = ok ? dl[i].latency_us * k : std::nan("");
      acc[i] = ok ? dl[i].access_us * k : std::nan("");
      if (ok) {
        site[i] = site_id_of(dl[i].source);
        site_null[i] = false;
      }
    }
    dt.columns.push_back(Column::integers("source_fid", demand->fid));
    dt.columns.push_back(Column::reals("weight", demand->weight));
    dt.columns.push_back(Column::reals("latency_us", lat));
    dt.columns.push_back(Column::reals("access_us", acc));
    dt.columns.push_back(Column::texts("site_id", site, site_null));
    for (const Microseconds& b : budgets) {
      std::vector<std::int64_t> cov(n);
      std::vector<double> margin(n);
      for (std::size_t i = 0; i < n; ++i) {
        cov[i] = !std::isnan(lat[i]) && dl[i].latency_us <= b.value / k;
        margin[i] = std::isnan(lat[i]) ? std::nan("") : b.value - lat[i];
      }
      const std::string name = field_safe(format_duration(b));
      dt.columns.push_back(Column::integers("covered_" + name, cov));
      dt.columns.push_back(Column::reals("margin_" + name + "_us", margin));
    }
    // Uncovered at the largest budget, with the reason.
    FeatureTable un;
    un.name = "uncovered";
    un.geometry = FeatureTable::Geometry::point;
    std::vector<std::int64_t> ufid;
    std::vector<double> uw, uexcess;
    std::vector<std::string> ureason, ubudget;
    std::size_t no_access = 0, beyond = 0, disconnected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (dl[i].latency_us <= largest_one_way) continue;
      un.coords.push_back(demand->pos[i]);
      un.fid.push_back(demand->fid[i]);
      ufid.push_back(demand->fid[i]);
      uw.push_back(demand->weight[i]);
      ubudget.push_back(format_duration(budgets.back()));
      if (!dl[i].within_access) {
        ureason.emplace_back("no network within max access");
        uexcess.push_back(std::nan(""));
        ++no_access;
      } else if (dl[i].latency_us == kUnreached) {
        ureason.emplace_back("disconnected from all sites");
        uexcess.push_back(std::nan(""));
        ++disconnected;
      } else {
        ureason.emplace_back("beyond budget");
        uexcess.push_back(dl[i].latency_us * k - budgets.back().value);
        ++beyond;
      }
    }
    un.columns.push_back(Column::integers("source_fid", ufid));
    un.columns.push_back(Column::reals("weight", uw));
    un.columns.push_back(Column::texts("budget", ubudget));
    un.columns.push_back(Column::texts("reason", ureason));
    un.columns.push_back(Column::reals("excess_us", uexcess));
    summary["demand"] = {{"path", demand->info.path},
                         {"layer", demand->info.layer},
                         {"features", n},
                         {"features_skipped", demand->info.skipped.size()},
                         {"weight_total", weight_total},
                         {"uncovered", un.coords.size()},
                         {"uncovered_no_network_within_access", no_access},
                         {"uncovered_beyond_budget", beyond},
                         {"uncovered_disconnected", disconnected}};
    tables.push_back(std::move(dt));
    tables.push_back(std::move(un));
  }

  // Latency surface.
  const std::string tif = sidecar(a.out, ".tif");
  if (!a.no_surface) {
    LonLatBox extent;
    if (extent_opt) {
      extent = *extent_opt;
    } else {
      for (const LonLat& p : full.back().coords) extent.add(p);
    }
    SurfaceOptions sopt;
    sopt.cell_m = cell.value;
    sopt.threads = a.threads;
    LatencyGrid grid = latency_surface(L.net, *L.index, model, mode, nodes.us, nodes.source, extent, sopt);
    grid.metadata = {{"LIGHTCONE_MODEL", model.describe()},
                     {"LIGHTCONE_METRIC", std::string(to_string(model.metric))},
                     {"LIGHTCONE_UNITS", "microseconds"}};
    if (grid.width > 0) {
      write_geotiff(tif, grid);
      summary["surface"] = {{"file", std::filesystem::path(tif).filename().string()},
                            {"epsg", grid.epsg},
                            {"cell_m", grid.cell},
                            {"width", grid.width},
                            {"height", grid.height}};
    }
  }
  tables.push_back(run_info_table(model, {{"command", "zones"}, {"budgets", a.budget}}));
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
  cmd->add_flag("--rings", a->rings, "Zones as nested rings (B2 minus B1) instead of full disks");
  cmd->add_option("--cell-size", a->cell_size, "Latency surface cell size (DEFAULT: 1km)")->capture_default_str();
  cmd->add_option("--surface-extent", a->surface_extent, "Surface extent WEST,SOUTH,EAST,NORTH (DEFAULT: largest zone)");
  cmd->add_flag("--no-surface", a->no_surface, "Do not write the latency surface GeoTIFF");
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Print the summary JSON on stdout");
  cmd->callback([a, &run] { run = [a] { return run_zones(*a); }; });
}

}  // namespace lightcone::cli
