#include "report/zones_job.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <set>

#include "report/run_info.hpp"

namespace lightcone {

std::string budget_field_name(Microseconds budget) {
  std::string s = format_duration(budget);
  std::replace(s.begin(), s.end(), '.', 'p');
  return s;
}

ZonesJobResult run_zones_job(const PreparedNetwork& P, const LayerInfo& network, const PointLayer& site_layer,
                             const PointLayer* demand, const ZonesJobOptions& options) {
  assert(!options.budgets.empty());
  assert(!P.sources.empty());
  ZonesJobResult R;
  const LatencyModel& model = P.model;
  const double k = model.metric_factor();
  std::vector<Microseconds> budgets = options.budgets;
  std::sort(budgets.begin(), budgets.end());
  budgets.erase(std::unique(budgets.begin(), budgets.end()), budgets.end());
  R.budgets = budgets;
  const double largest_one_way = budgets.back().value / k;
  const AccessFrom mode = options.zone.access_from;
  // Unbounded, so that demand beyond every budget gets its excess and demand in
  // components without sites is told apart (one search; cheap next to the zones).
  R.nodes = nearest_source_latency(*P.graph, P.sources);
  const NodeLatencies& nodes = R.nodes;
  const AccessCost access(model);

  // Zones, smallest budget first.
  std::vector<MultiPolygon> full;
  for (const Microseconds& b : budgets) full.push_back(zone_polygon(P.net, nodes.us, access, b.value / k, options.zone));

  // Demand evaluation.
  std::vector<PointLatency>& dl = R.demand;
  double weight_total = 0.0;
  if (demand) {
    dl = evaluate_points(P.net, *P.index, model, mode, demand->pos, nodes.us, nodes.source, options.threads);
    for (double w : demand->weight) weight_total += w;
  }
  auto site_id_of = [&](std::uint32_t src) { return site_layer.id[P.source_site[src]]; };

  nlohmann::ordered_json& summary = R.summary;
  summary["command"] = options.command;
  summary["model"] = model_to_json(model);
  summary["network"] = {{"path", network.path},          {"layer", network.layer},
                        {"features_read", network.features_read},
                        {"features_skipped", network.skipped.size()},
                        {"nodes", P.net.nodes()},         {"edges", P.net.edges()},
                        {"components", P.report.components.size()}};
  summary["sites"] = {{"read", site_layer.pos.size()},
                      {"attached", P.sources.size()},
                      {"off_network", site_layer.pos.size() - P.sources.size()}};

  FeatureTable zones;
  zones.name = kZonesLayer;
  zones.geometry = FeatureTable::Geometry::polygon;
  std::vector<double> z_budget, z_area, z_weight, z_share;
  std::vector<std::string> z_name, z_metric;
  std::vector<std::int64_t> z_sites;
  summary["budgets"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const double b1 = budgets[i].value / k;
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
    for (NodeId v = 0; v < P.net.nodes(); ++v)
      if (nodes.us[v] + access.fixed_us <= b1) involved.insert(nodes.source[v]);
    const std::string name = format_duration(budgets[i]);
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
  // The surface extent is the largest full zone's box: take it before rings are cut.
  LonLatBox largest_box;
  for (const LonLat& p : full.back().coords) largest_box.add(p);
  // Rings: each budget minus the next smaller one.
  if (options.rings)
    for (std::size_t i = budgets.size(); i-- > 1;) full[i] = difference(full[i], full[i - 1]);
  // Largest budget first, so smaller zones are drawn on top.
  for (std::size_t i = budgets.size(); i-- > 0;) zones.polygons.push_back(std::move(full[i]));
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
  edges.name = kNetworkLayer;
  edges.geometry = FeatureTable::Geometry::line;
  edges.coords = P.net.geom;
  edges.first = P.net.edge_geom_first;
  {
    const std::size_t m = P.net.edges();
    std::vector<std::int64_t> id(m), fid(m);
    std::vector<double> lu(m), lv(m), len(m), delay(m);
    std::vector<std::string> site(m);
    std::vector<bool> site_null(m, true);
    for (EdgeId e = 0; e < m; ++e) {
      id[e] = e;
      fid[e] = P.net.edge_fid[e];
      const double du = nodes.us[P.net.edge_u[e]];
      const double dv = nodes.us[P.net.edge_v[e]];
      lu[e] = du == kUnreached ? std::nan("") : du * k;
      lv[e] = dv == kUnreached ? std::nan("") : dv * k;
      len[e] = P.net.edge_length_m[e] / 1000.0;
      delay[e] = P.net.edge_delay_us[e] * k;
      const NodeId near = du <= dv ? P.net.edge_u[e] : P.net.edge_v[e];
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
  sites.name = kSitesLayer;
  sites.geometry = FeatureTable::Geometry::point;
  sites.coords = site_layer.pos;
  sites.fid = site_layer.fid;
  {
    const std::size_t n = site_layer.pos.size();
    std::vector<std::int64_t> attached(n), node(n);
    std::vector<bool> node_null(n);
    std::vector<double> access_m(n);
    std::vector<std::string> status = options.site_status;
    if (status.empty()) status.assign(n, "existing");
    assert(status.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      attached[i] = P.site_node[i] != kNone;
      node[i] = P.site_node[i] == kNone ? 0 : P.site_node[i];
      node_null[i] = P.site_node[i] == kNone;
      access_m[i] = P.site_attach[i].edge == kNone ? std::nan("") : P.site_attach[i].distance_m;
    }
    sites.columns.push_back(Column::texts("site_id", site_layer.id));
    sites.columns.push_back(Column::texts("status", status));
    sites.columns.push_back(Column::integers("attached", attached));
    sites.columns.push_back(Column::reals("access_m", access_m));
    sites.columns.push_back(Column::integers("node_id", node, node_null));
  }

  std::vector<FeatureTable>& tables = R.tables;
  tables.push_back(std::move(zones));
  tables.push_back(std::move(edges));
  tables.push_back(std::move(sites));

  if (demand) {
    const std::size_t n = dl.size();
    FeatureTable dt;
    dt.name = kDemandLayer;
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
      const std::string name = budget_field_name(b);
      dt.columns.push_back(Column::integers("covered_" + name, cov));
      dt.columns.push_back(Column::reals("margin_" + name + "_us", margin));
    }
    // Uncovered at the largest budget, with the reason.
    FeatureTable un;
    un.name = kUncoveredLayer;
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
  if (options.surface) {
    const LonLatBox extent = options.surface_extent ? *options.surface_extent : largest_box;
    SurfaceOptions sopt = options.surface_options;
    sopt.threads = options.threads;
    LatencyGrid grid = latency_surface(P.net, *P.index, model, mode, nodes.us, nodes.source, extent, sopt);
    grid.metadata = {{"LIGHTCONE_MODEL", model.describe()},
                     {"LIGHTCONE_METRIC", std::string(to_string(model.metric))},
                     {"LIGHTCONE_UNITS", "microseconds"}};
    if (grid.width > 0) R.surface = std::move(grid);
  }
  return R;
}

}  // namespace lightcone
