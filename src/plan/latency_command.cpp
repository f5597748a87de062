#include "plan/latency_command.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <thread>

#include "latency/point_latency.hpp"
#include "report/run_info.hpp"
#include "report/json_text.hpp"

namespace lightcone {
namespace {

// Latency, access and nearest site (its id, null when unreached) per evaluated feature.
struct LatencyColumns {
  std::vector<double> latency;
  std::vector<double> access;
  std::vector<std::string> site;
  std::vector<bool> site_null;
  std::vector<char> far_tap;  // joined an edge mid-span far from its ends (kFarTapM)

  explicit LatencyColumns(std::size_t n)
      : latency(n, std::nan("")), access(n, std::nan("")), site(n), site_null(n, true), far_tap(n, 0) {}
};

// Every point of `to`, on up to `threads` threads (0 = all cores), interleaved so that
// each thread gets a share of every region.
LatencyColumns evaluate_points(const LoadedNetwork& L, const NodeLatencies& nodes, const PointLayer& to,
                               unsigned threads) {
  const std::size_t n = to.pos.size();
  const double k = L.model.metric_factor();
  LatencyColumns c(n);
  threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n / 64, 1)));
  auto work = [&](unsigned part) {
    PointLatencyQuery q(L.net, *L.index, L.model, L.model.access_from);
    for (std::size_t i = part; i < n; i += threads) {
      const PointLatency p = q.evaluate(to.pos[i], nodes.us, nodes.source);
      if (p.latency_us == kUnreached) continue;
      c.far_tap[i] = far_mid_span_joins(L.net, std::span(&p, 1)) > 0;
      c.latency[i] = p.latency_us * k;
      c.access[i] = p.access_us * k;
      c.site[i] = L.sites->id[L.source_site[p.source]];
    }
  };
  {
    std::vector<std::jthread> pool;  // joined at the end of this block
    for (unsigned part = 1; part < threads; ++part) pool.emplace_back(work, part);
    work(0);
  }
  // Null flags are bits of one std::vector<bool>: neighbours belong to different threads,
  // so they are set here, after the join, never inside the workers (a data race that lost
  // site ids).
  for (std::size_t i = 0; i < n; ++i) c.site_null[i] = std::isnan(c.latency[i]);
  return c;
}

FeatureTable point_table(const PointLayer& to, LatencyColumns c) {
  FeatureTable t = FeatureTable::points("latency", to.pos, to.fid);
  t.columns.push_back(Column::integers("source_fid", to.fid));
  if (auto n = name_column(to)) t.columns.push_back(std::move(*n));
  t.columns.push_back(Column::reals("latency_us", std::move(c.latency)));
  t.columns.push_back(Column::reals("access_us", std::move(c.access)));
  t.columns.push_back(Column::texts("site_id", std::move(c.site), std::move(c.site_null)));
  return t;
}

FeatureTable node_table(const LoadedNetwork& L, const NodeLatencies& nodes) {
  const std::size_t n = L.net.nodes();
  const double k = L.model.metric_factor();
  LatencyColumns c(n);
  std::vector<std::int64_t> ids(n);
  for (NodeId v = 0; v < n; ++v) {
    ids[v] = v;
    if (nodes.us[v] == kUnreached) continue;
    c.latency[v] = nodes.us[v] * k;
    c.site[v] = L.sites->id[L.source_site[nodes.source[v]]];
    c.site_null[v] = false;
  }
  FeatureTable t;
  t.name = "nodes";
  t.geometry = FeatureTable::Geometry::point;
  t.coords = L.net.node_pos;
  t.columns.push_back(Column::integers("node_id", ids));
  t.columns.push_back(Column::reals("latency_us", std::move(c.latency)));
  t.columns.push_back(Column::texts("site_id", std::move(c.site), std::move(c.site_null)));
  return t;
}

nlohmann::ordered_json latency_summary(const LoadedNetwork& L, bool points, const std::vector<double>& latency) {
  std::vector<double> reached;
  for (double v : latency)
    if (!std::isnan(v)) reached.push_back(v);
  std::sort(reached.begin(), reached.end());
  nlohmann::ordered_json j;
  j["model"] = model_to_json(L.model);
  j["what"] = points ? "points" : "nodes";
  j["features"] = latency.size();
  j["reached"] = reached.size();
  j["unreached"] = latency.size() - reached.size();
  j["sites_attached"] = L.sources.size();
  if (!reached.empty()) {
    j["latency_us"] = {{"min", reached.front()}, {"median", reached[reached.size() / 2]}, {"max", reached.back()}};
  }
  return j;
}

}  // namespace

LatencyRun run_latency(const LatencyRequest& rq) {
  std::optional<PointLayer> to;
  if (rq.points) {
    PointFields f;
    f.label = rq.points->label_field;
    to = read_points(rq.points->layer, rq.points->read, demand_fields(f));
  }
  const LoadedNetwork L = load_network(rq.network, &rq.sites, rq.model);
  require_attached_sites(L, rq.sites_name);
  NodeLatencies nodes = nearest_source_latency(*L.graph, L.sources);
  canonical_sources(*L.graph, L.sources, L.source_site, nodes);
  LatencyRun run;
  run.model = L.model;
  run.points = to.has_value();
  std::size_t far = 0;
  if (to) {
    LatencyColumns c = evaluate_points(L, nodes, *to, rq.threads);
    far = static_cast<std::size_t>(std::count(c.far_tap.begin(), c.far_tap.end(), 1));
    run.table = point_table(*to, std::move(c));
  } else {
    run.table = node_table(L, nodes);
  }
  const auto latency = std::find_if(run.table.columns.begin(), run.table.columns.end(),
                                    [](const Column& c) { return c.name == "latency_us"; });
  run.summary = latency_summary(L, run.points, latency->reals());
  if (to) {
    run.summary["joined_far_mid_span"] = far;
    if (far > 0) run.summary["warnings"] = nlohmann::ordered_json::array({far_mid_span_warning(far, "points")});
  }
  return run;
}

void write_latency(const std::string& out, const LatencyRun& run) {
  write_tables(out, std::span(&run.table, 1));
  write_text_file(sidecar_path(out, ".summary.json"), json_text(run.summary) + "\n");
}

RouteRun run_route(const RouteRequest& rq) {
  const LoadedNetwork L = load_network(rq.network, nullptr, rq.model);
  RouteRun run{L.model, rq.from, rq.to, route_between(L.net, *L.graph, *L.index, L.model, rq.from, rq.to,
                                                      L.model.access_from), {}};
  const RouteBreakdown& r = run.route;
  const double k = L.model.metric_factor();
  nlohmann::ordered_json& j = run.summary;
  j["model"] = model_to_json(L.model);
  j["from"] = {rq.from.lon, rq.from.lat};
  j["to"] = {rq.to.lon, rq.to.lat};
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
  return run;
}

void write_route(const std::string& out, const RouteRun& run) {
  const RouteBreakdown& r = run.route;
  assert(r.found);
  const double k = run.model.metric_factor();
  FeatureTable t;
  t.name = "route";
  t.geometry = FeatureTable::Geometry::line;
  t.coords = r.path;
  t.first = {0, static_cast<std::uint32_t>(r.path.size())};
  t.columns.push_back(Column::reals("latency_us", {r.total_us * k}));
  t.columns.push_back(Column::reals("fibre_km", {r.fibre_km}));
  t.columns.push_back(Column::reals("access_us", {r.access_us * k}));
  t.columns.push_back(Column::integers("hops", {static_cast<std::int64_t>(r.hops)}));
  t.columns.push_back(Column::texts("metric", {std::string(to_string(run.model.metric))}));
  write_tables(out, std::span(&t, 1));
}

}  // namespace lightcone
