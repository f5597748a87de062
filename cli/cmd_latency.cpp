// lightcone latency: latency to the nearest site for every point of a layer (--to) or
// every network node, or the route between two points (--route) with its breakdown.
// The work is plan/latency_command.hpp; this file parses the options and prints.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/write.hpp"
#include "plan/latency_command.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct LatencyArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  std::string to;
  std::string to_where;
  std::string label_field;
  std::vector<std::string> route;
  std::string out;
  unsigned threads = 0;
  bool json = false;
};

int run_route_command(const LatencyArgs& a) {
  if (a.route.size() != 2) throw InputError("--route takes two points: --route LON,LAT LON,LAT.");
  // Options first, so that a typo fails before any file is read.
  RouteRequest rq;
  rq.from = parse_lonlat(a.route[0], "--route");
  rq.to = parse_lonlat(a.route[1], "--route");
  if (!a.out.empty()) write_tables_check_path(a.out);
  rq.model = make_model(a.model);
  rq.network = network_input(a.network);
  const RouteRun run = run_route(rq);
  const RouteBreakdown& r = run.route;
  if (!a.out.empty() && r.found) write_route(a.out, run);
  const double k = run.model.metric_factor();
  if (a.json) {
    fmt::print("{}\n", json_text(run.summary));
  } else if (r.found) {
    fmt::print("route {:.6f},{:.6f} -> {:.6f},{:.6f} ({})\n", run.from.lon, run.from.lat, run.to.lon, run.to.lat,
               run.model.describe());
    fmt::print("  latency     {:10.3f} us {}\n", r.total_us * k, to_string(run.model.metric));
    fmt::print("  fibre       {:10.3f} us over {:.3f} km\n", r.fibre_us * k, r.fibre_km);
    fmt::print("  node delays {:10.3f} us over {} hops\n", r.node_delay_us * k, r.hops);
    fmt::print("  access      {:10.3f} us over {:.3f} km straight (both ends)\n", r.access_us * k, r.access_km);
  } else {
    fmt::print("no route: {}\n", run.summary["reason"].get<std::string>());
  }
  return r.found ? 0 : 1;
}

int run_command(const LatencyArgs& a) {
  if (!a.route.empty()) return run_route_command(a);
  if (a.sites.sites.empty()) throw InputError("latency needs --sites (or --route LON,LAT LON,LAT).");
  // Options first (no I/O), so that a typo fails before any file is read.
  LatencyRequest rq;
  rq.model = make_model(a.model);
  if (!a.out.empty()) write_tables_check_path(a.out);
  if (!a.to.empty()) {
    rq.points = PointsInput{parse_layer_spec(a.to), read_options("--to", a.to_where, a.network.assume_crs), a.label_field};
  }
  rq.network = network_input(a.network);
  rq.sites = sites_input(a.sites, a.network.assume_crs);
  rq.sites_name = a.sites.sites;
  rq.threads = a.threads;
  check_out_not_input(a.out, {".summary.json"},
                      {{"--network", rq.network.layer.path},
                       {"--sites", rq.sites.layer.path},
                       {"--to", rq.points ? rq.points->layer.path : std::string()}});
  const LatencyRun run = run_latency(rq);
  if (!a.out.empty()) write_latency(a.out, run);
  const nlohmann::ordered_json& j = run.summary;
  if (a.json) {
    fmt::print("{}\n", json_text(j));
    return 0;
  }
  fmt::print("{} {}: {} reached, {} unreached ({})\n", j["features"].get<std::size_t>(), run.points ? "points" : "nodes",
             j["reached"].get<std::size_t>(), j["unreached"].get<std::size_t>(), to_string(run.model.metric));
  if (j.contains("latency_us")) {
    fmt::print("latency us: min {:.3f}, median {:.3f}, max {:.3f}\n", j["latency_us"]["min"].get<double>(),
               j["latency_us"]["median"].get<double>(), j["latency_us"]["max"].get<double>());
  }
  if (j.contains("warnings"))
    for (const auto& w : j["warnings"]) fmt::print("warning: {}\n", w.get<std::string>());
  if (!a.out.empty()) fmt::print("wrote {} and {}\n", a.out, sidecar(a.out, ".summary.json"));
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
  cmd->add_option("--label-field", a->label_field,
                  "Field that names the --to points in outputs (name column; DEFAULT: the first of name, label, site_id "
                  "present; none: no names)");
  cmd->add_option("--route", a->route, "Route between two points: --route LON,LAT LON,LAT")->expected(2);
  cmd->add_option("--out", a->out, "Output file: .gpkg, .csv or .geojson (summary JSON beside it)");
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Machine-readable summary on stdout");
  cmd->callback([a, &run] { run = [a] { return run_command(*a); }; });
}

}  // namespace lightcone::cli
