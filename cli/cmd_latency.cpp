// lightcone latency: latency to the nearest site for every point of a layer (--to) or
// every network node, or the route between two points (--route) with its breakdown.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include <optional>
#include "io/write.hpp"
#include "latency/route.hpp"
#include "run_info.hpp"

namespace lightcone::cli {
namespace {

struct LatencyArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  std::string to;
  std::string to_where;
  std::vector<std::string> route;
  std::string out;
  unsigned threads = 0;
  bool json = false;
};

LonLat parse_lonlat(const std::string& s) {
  const auto comma = s.find(',');
  try {
    if (comma == std::string::npos) throw std::invalid_argument(s);
    std::size_t used = 0;
    const double lon = std::stod(s.substr(0, comma), &used);
    const double lat = std::stod(s.substr(comma + 1), &used);
    if (used != s.size() - comma - 1 || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
      throw std::invalid_argument(s);
    }
    return {lon, lat};
  } catch (const std::exception&) {
    throw InputError("invalid point '" + s + "' for --route. Write LON,LAT in degrees, e.g. 120.38,36.07.");
  }
}

int run_route(const LatencyArgs& a) {
  if (a.route.size() != 2) throw InputError("--route takes two points: --route LON,LAT LON,LAT.");
  // Options first, so that a typo fails before any file is read.
  const LonLat from = parse_lonlat(a.route[0]);
  const LonLat to = parse_lonlat(a.route[1]);
  if (!a.out.empty()) write_tables_check_path(a.out);
  Loaded L = load(a.network, nullptr, a.model);
  const RouteBreakdown r = route_between(L.net, *L.graph, *L.index, L.model, from, to,
                                         L.model.access_from);
  const double k = L.model.metric_factor();
  nlohmann::ordered_json j;
  j["model"] = model_to_json(L.model);
  j["from"] = {from.lon, from.lat};
  j["to"] = {to.lon, to.lat};
  j["found"] = r.found;
  if (r.found) {
    j["latency_us"] = r.total_us * k;
    j["fibre_km"] = r.fibre_km;
    j["fibre_us"] = r.fibre_us * k;
    j["node_delay_us"] = r.node_delay_us * k;
    j["access_km"] = r.access_km;
    j["access_us"] = r.access_us * k;
    j["hops"] = r.hops;
  } else {
    j["reason"] = !r.start_within_access ? "no network within max access of the start"
                  : !r.end_within_access ? "no network within max access of the end"
                                         : "start and end are in different network components";
  }
  if (!a.out.empty() && r.found) {
    FeatureTable t;
    t.name = "route";
    t.geometry = FeatureTable::Geometry::line;
    t.coords = r.path;
    t.first = {0, static_cast<std::uint32_t>(r.path.size())};
    t.columns.push_back(Column::reals("latency_us", {r.total_us * k}));
    t.columns.push_back(Column::reals("fibre_km", {r.fibre_km}));
    t.columns.push_back(Column::reals("access_us", {r.access_us * k}));
    t.columns.push_back(Column::integers("hops", {static_cast<std::int64_t>(r.hops)}));
    t.columns.push_back(Column::texts("metric", {std::string(to_string(L.model.metric))}));
    write_tables(a.out, std::span(&t, 1));
  }
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
  } else if (r.found) {
    fmt::print("route {:.6f},{:.6f} -> {:.6f},{:.6f} ({})\n", from.lon, from.lat, to.lon, to.lat, L.model.describe());
    fmt::print("  latency     {:10.3f} us {}\n", r.total_us * k, to_string(L.model.metric));
    fmt::print("  fibre       {:10.3f} us over {:.3f} km\n", r.fibre_us * k, r.fibre_km);
    fmt::print("  node delays {:10.3f} us over {} hops\n", r.node_delay_us * k, r.hops);
    fmt::print("  access      {:10.3f} us over {:.3f} km straight (both ends)\n", r.access_us * k, r.access_km);
  } else {
    fmt::print("no route: {}\n", j["reason"].get<std::string>());
  }
  return r.found ? 0 : 1;
}

int run_latency(const LatencyArgs& a) {
  if (!a.route.empty()) return run_route(a);
  if (a.sites.sites.empty()) throw InputError("latency needs --sites (or --route LON,LAT LON,LAT).");
  // Options first (no I/O), so that a typo fails before any file is read.
  make_model(a.model);
  if (!a.out.empty()) write_tables_check_path(a.out);
  // Read the --to layer first so that bad input fails before any work.
  std::optional<PointLayer> to;
  if (!a.to.empty()) {
    ReadOptions to_read = read_options(a.to_where, a.network.assume_crs);
    to_read.option = "--to";
    to = read_points(parse_layer_spec(a.to), to_read, PointFields{});
  }
  Loaded L = load(a.network, &a.sites, a.model);
  if (L.sources.empty()) {
    throw InputError("no site lies within " + fmt::format("{:g}", L.model.max_access.km()) + " km of the network (" +
                     a.sites.sites + "). Check the layers overlap, or raise --max-access.");
  }
  const NodeLatencies nodes = nearest_source_latency(*L.graph, L.sources);
  const double k = L.model.metric_factor();
  auto site_of_source = [&](std::uint32_t src) { return L.sites->id[L.source_site[src]]; };

  FeatureTable t;
  std::vector<double> latency;
  if (to) {
    const std::size_t n = to->pos.size();
    t.name = "latency";
    t.geometry = FeatureTable::Geometry::point;
    t.coords = to->pos;
    t.fid = to->fid;
    latency.assign(n, std::nan(""));
    std::vector<double> access(n, std::nan(""));
    std::vector<std::string> site(n);
    std::vector<bool> site_null(n, true);
    unsigned threads = a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n / 64, 1)));
    auto work = [&](unsigned part) {
      PointLatencyQuery q(L.net, *L.index, L.model, L.model.access_from);
      for (std::size_t i = part; i < n; i += threads) {
        const PointLatency p = q.evaluate(to->pos[i], nodes.us, nodes.source);
        if (p.latency_us == kUnreached) continue;
        latency[i] = p.latency_us * k;
        access[i] = p.access_us * k;
        site[i] = site_of_source(p.source);
        site_null[i] = false;
      }
    };
    {
      std::vector<std::jthread> pool;
      for (unsigned part = 1; part < threads; ++part) pool.emplace_back(work, part);
      work(0);
    }
    t.columns.push_back(Column::integers("source_fid", to->fid));
    t.columns.push_back(Column::reals("latency_us", latency));
    t.columns.push_back(Column::reals("access_us", access));
    t.columns.push_back(Column::texts("site_id", site, site_null));
  } else {
    const std::size_t n = L.net.nodes();
    t.name = "nodes";
    t.geometry = FeatureTable::Geometry::point;
    t.coords = L.net.node_pos;
    latency.assign(n, std::nan(""));
    std::vector<std::int64_t> ids(n);
    std::vector<std::string> site(n);
    std::vector<bool> site_null(n, true);
    for (NodeId v = 0; v < n; ++v) {
      ids[v] = v;
      if (nodes.us[v] == kUnreached) continue;
      latency[v] = nodes.us[v] * k;
      site[v] = site_of_source(nodes.source[v]);
      site_null[v] = false;
    }
    t.columns.push_back(Column::integers("node_id", ids));
    t.columns.push_back(Column::reals("latency_us", latency));
    t.columns.push_back(Column::texts("site_id", site, site_null));
  }

  std::vector<double> reached;
  for (double v : latency)
    if (!std::isnan(v)) reached.push_back(v);
  std::sort(reached.begin(), reached.end());
  nlohmann::ordered_json j;
  j["model"] = model_to_json(L.model);
  j["what"] = to ? "points" : "nodes";
  j["features"] = latency.size();
  j["reached"] = reached.size();
  j["unreached"] = latency.size() - reached.size();
  j["sites_attached"] = L.sources.size();
  if (!reached.empty()) {
    j["latency_us"] = {{"min", reached.front()},
                       {"median", reached[reached.size() / 2]},
                       {"max", reached.back()}};
  }
  if (!a.out.empty()) {
    write_tables(a.out, std::span(&t, 1));
    write_text_file(sidecar(a.out, ".summary.json"), j.dump(2) + "\n");
  }
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{} {}: {} reached, {} unreached ({})\n", latency.size(), to ? "points" : "nodes", reached.size(),
               latency.size() - reached.size(), to_string(L.model.metric));
    if (!reached.empty())
      fmt::print("latency us: min {:.3f}, median {:.3f}, max {:.3f}\n", reached.front(), reached[reached.size() / 2],
                 reached.back());
    if (!a.out.empty()) fmt::print("wrote {} and {}\n", a.out, sidecar(a.out, ".summary.json"));
  }
  return 0;
}

}  // namespace

void register_latency(CLI::App& app, Runner& run) {
  auto a = std::make_shared<LatencyArgs>();
  CLI::App* cmd = app.add_subcommand("latency", "Latency to the nearest site for points or nodes, or a route");
  add_network_options(*cmd, a->network, true);
  add_sites_options(*cmd, a->sites, false);
  add_model_options(*cmd, a->model);
  cmd->add_option("--to", a->to, "Points to evaluate: PATH[:LAYER] (DEFAULT: every network node)");
  cmd->add_option("--to-where", a->to_where, "OGR attribute filter on the --to layer");
  cmd->add_option("--route", a->route, "Route between two points: --route LON,LAT LON,LAT")->expected(2);
  cmd->add_option("--out", a->out, "Output file: .gpkg, .csv or .geojson (summary JSON beside it)");
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Machine-readable summary on stdout");
  cmd->callback([a, &run] { run = [a] { return run_latency(*a); }; });
}

}  // namespace lightcone::cli
