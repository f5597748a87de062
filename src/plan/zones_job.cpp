#include "plan/zones_job.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <iterator>
#include <numbers>
#include <set>
#include <span>

#include "core/error.hpp"
#include "geom/polygon_ops.hpp"
#include "report/run_info.hpp"

namespace lightcone {
namespace {

// One run of the zones job: the inputs, the searches' results and the tables as they
// are made, step by step (run() below lists the steps).
class ZonesJob {
 public:
  ZonesJob(const PreparedNetwork& prepared, const LayerInfo& network_info, const PointLayer& sites_read,
           const PointLayer* demand_read, const ZonesJobOptions& job_options)
      : P(prepared),
        network(network_info),
        site_layer(sites_read),
        demand(demand_read),
        options(job_options),
        model(P.model),
        k(model.metric_factor()),
        mode(model.access_from),
        access(model) {}

  ZonesJobResult run() {
    select_sources();
    step("zones: search");
    R.nodes = nearest_source_latency(*P.graph, sources);
    canonical_sources(*P.graph, sources, R.source_site, R.nodes);
    step("zones: polygons");
    zone_polygons();
    step("zones: demand evaluation");
    evaluate_demand();
    step("zones: tables");
    summary_head();
    zones_table();
    if (options.split) step("zones: per-site split");
    split_zones();
    step("zones: tables");
    rings_and_simplify();
    network_table();
    sites_table();
    R.tables.push_back(std::move(zones));
    if (options.split) split_table();
    R.tables.push_back(std::move(edges));
    R.tables.push_back(std::move(sites));
    if (demand) {
      demand_table();
      uncovered_table();
    }
    if (options.surface) {
      step("zones: surface");
      surface();
    }
    return std::move(R);
  }

 private:
  const PreparedNetwork& P;
  const LayerInfo& network;
  const PointLayer& site_layer;
  const PointLayer* demand;
  const ZonesJobOptions& options;
  const LatencyModel& model;
  const double k;
  const AccessFrom mode;
  const AccessCost access;
  ZonesJobResult R;
  std::string last_step;
  std::vector<Source> sources;
  std::vector<Microseconds> budgets;
  double largest_one_way = 0.0;
  ZoneOptions zone_options;
  const ZonesJobOptions::DemandSamples* samples = nullptr;
  std::vector<PointLatency> sl;  // sample points' latencies (polygon demand)
  std::size_t given_far = 0;     // given points (GivenDemand) joined far mid-span
  double weight_total = 0.0;
  std::vector<MultiPolygon> full;  // zones, smallest budget first
  LonLatBox largest_box;
  std::vector<std::vector<MultiPolygon>> split;  // [budget][source]
  std::vector<std::vector<double>> split_area_km2;
  FeatureTable zones, edges, sites, dt;
  // The zones layer's columns, smallest budget first until rings_and_simplify().
  std::vector<double> z_budget, z_area, z_weight, z_share;
  std::vector<std::string> z_name, z_metric;
  std::vector<std::int64_t> z_sites;

  nlohmann::ordered_json& summary = R.summary;

  // Sample points of feature d (the point itself without samples).
  std::span<const PointLatency> samples_of(std::size_t d) const {
    if (!samples) return {&R.demand[d], 1};
    return {sl.data() + samples->first[d], sl.data() + samples->first[d + 1]};
  }
  // Share of feature d within one-way budget b1 (0 or 1 without samples).
  double share_within(std::size_t d, double b1) const {
    const auto ps = samples_of(d);
    std::size_t in = 0;
    for (const PointLatency& q : ps) in += q.latency_us <= b1;
    return static_cast<double>(in) / static_cast<double>(ps.size());
  }
  const std::string& site_id_of(std::uint32_t src) const { return site_layer.id[R.source_site[src]]; }

  // The sites the zones see, as search sources: the open ones.
  void select_sources() {
    assert(!options.budgets.empty());
    for (std::size_t i = 0; i < P.sources.size(); ++i)
      if (options.site_open.empty() || options.site_open[P.source_site[i]]) {
        sources.push_back(P.sources[i]);
        R.source_site.push_back(P.source_site[i]);
      }
    assert(!sources.empty());
    budgets = zones_job_budgets(options.budgets);
    R.budgets = budgets;
    largest_one_way = budgets.back().value / k;
    zone_options = zones_job_zone_options(options.zone, mode, options.threads);
  }

  void step(const std::string& name) {
    if (options.on_step && name != last_step) options.on_step(name);
    last_step = name;
  }

  // After the search (run(): unbounded, so that demand beyond every budget gets its
  // excess and demand in components without sites is told apart; one search, cheap next
  // to the zones): the zones, smallest budget first.
  void zone_polygons() {
    for (const Microseconds& b : budgets) {
      const double b1 = b.value / k;
      if (!options.zones_from) {
        full.push_back(zone_polygon(P.net, R.nodes.us, access, b1, zone_options));
        continue;
      }
      std::vector<ZonePiece> pieces = options.zones_from(b1);
      std::vector<ZoneTile> given;
      for (const ZonePiece& p : pieces) given.push_back(p.tile);
      std::sort(given.begin(), given.end());
      std::vector<ZonePiece> here =
          zone_pieces(P.net, R.nodes.us, access, b1, zone_options, zone_reference_lon(P.net),
                      [&](const ZoneTile& t) { return !std::binary_search(given.begin(), given.end(), t); });
      std::move(here.begin(), here.end(), std::back_inserter(pieces));
      full.push_back(zone_from_pieces(std::move(pieces)));
    }
  }

  // Demand evaluation: sample points (one per feature unless polygons are sampled) and
  // their latencies; per feature the worst sample point.
  void evaluate_demand() {
    if (!demand) return;
    const NodeLatencies& nodes = R.nodes;
    std::vector<PointLatency>& dl = R.demand;
    samples = options.demand_samples ? &*options.demand_samples : nullptr;
    if (samples) {
      assert(samples->first.size() == demand->pos.size() + 1);
      sl = evaluate_points(P.net, *P.index, model, mode, samples->pos, nodes.us, nodes.source, options.threads);
      dl.resize(demand->pos.size());
      for (std::size_t d = 0; d < dl.size(); ++d) {
        assert(samples->first[d] < samples->first[d + 1]);
        const auto ps = samples_of(d);
        // Worst: the largest latency; unreachable beyond access before disconnected.
        dl[d] = *std::max_element(ps.begin(), ps.end(), [](const PointLatency& a, const PointLatency& b) {
          if (a.latency_us != b.latency_us) return a.latency_us < b.latency_us;
          return a.within_access && !b.within_access;
        });
      }
    } else if (const ZonesJobOptions::GivenDemand* g = options.given_demand) {
      // The given points as they are (their site to this job's source); the rest here.
      const std::size_t n = demand->pos.size();
      assert(g->resolved.size() == n && g->values.size() == n && g->far.size() == n);
      std::vector<std::uint32_t> source_of_site(site_layer.pos.size(), kNone);
      for (std::uint32_t i = 0; i < R.source_site.size(); ++i) source_of_site[R.source_site[i]] = i;
      std::vector<LonLat> rest;
      std::vector<std::size_t> rest_index;
      dl.resize(n);
      for (std::size_t d = 0; d < n; ++d) {
        if (!g->resolved[d]) {
          rest.push_back(demand->pos[d]);
          rest_index.push_back(d);
          continue;
        }
        dl[d] = g->values[d];
        if (dl[d].source != kNone) {
          if (dl[d].source >= source_of_site.size() || source_of_site[dl[d].source] == kNone)
            throw InputError(fmt::format("demand point {}: its given nearest site is not an open site on the network", d));
          dl[d].source = source_of_site[dl[d].source];
        }
        given_far += g->far[d] != 0;
      }
      const std::vector<PointLatency> here =
          evaluate_points(P.net, *P.index, model, mode, rest, nodes.us, nodes.source, options.threads);
      for (std::size_t r = 0; r < rest.size(); ++r) dl[rest_index[r]] = here[r];
    } else {
      dl = evaluate_points(P.net, *P.index, model, mode, demand->pos, nodes.us, nodes.source, options.threads);
    }
    for (double w : demand->weight) weight_total += w;
  }

  void summary_head() {
    summary["command"] = options.command;
    summary["model"] = model_to_json(model);
    summary["network"] = {{"path", network.path},
                          {"layer", network.layer},
                          {"features_read", network.features_read},
                          {"features_skipped", network.skipped.size()},
                          {"nodes", P.net.nodes()},
                          {"edges", P.net.edges()},
                          {"components", P.report.components.size()}};
    // Off the network: sites no access link joins (not sites a plan left closed).
    summary["sites"] = {{"read", site_layer.pos.size()},
                        {"attached", P.sources.size()},
                        {"off_network", site_layer.pos.size() - P.sources.size()}};
    if (!options.site_open.empty()) summary["sites"]["open"] = sources.size();
  }

  void zones_table() {
    const NodeLatencies& nodes = R.nodes;
    const std::vector<PointLatency>& dl = R.demand;
    zones.name = kZonesLayer;
    zones.geometry = FeatureTable::Geometry::polygon;
    if (const std::string w = max_access_warning(model, make_budget(model, budgets.front())); !w.empty())
      summary["warnings"].push_back(w);
    summary["budgets"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < budgets.size(); ++i) {
      const double b1 = budgets[i].value / k;
      const double area_km2 = area_m2(full[i]) / 1e6;
      double covered = 0.0;
      std::size_t covered_n = 0;
      if (demand)
        for (std::size_t d = 0; d < dl.size(); ++d) {
          const double share = share_within(d, b1);
          covered += demand->weight[d] * share;
          covered_n += share == 1.0;
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
    // On the circle: a zone cut at ±180 has longitudes near both; its box is the few
    // degrees across the antimeridian, not the whole world.
    largest_box = LonLatBox::covering(full.back().coords);
  }

  // Per-site split of every full zone ([budget][source]), cut into rings like the zones.
  void split_zones() {
    const NodeLatencies& nodes = R.nodes;
    if (options.split) {
      SplitOptions so = options.split_options;
      so.threads = options.threads;
      for (const Microseconds& b : budgets)
        split.push_back(split_zone_by_site(P.net, *P.index, model, nodes.us, nodes.source, sources.size(), b.value / k,
                                           zone_options, so));
      // Areas of the full parts (as zones: within the budget, rings or not).
      for (const auto& parts : split) {
        split_area_km2.emplace_back();
        for (const MultiPolygon& part : parts) split_area_km2.back().push_back(area_m2(part) / 1e6);
      }
      if (options.rings)
        for (std::size_t i = budgets.size(); i-- > 1;)
          for (MultiPolygon& part : split[i])
            if (!part.empty()) part = difference(part, full[i - 1]);
    }
  }

  void rings_and_simplify() {
    // Rings: each budget minus the next smaller one.
    if (options.rings)
      for (std::size_t i = budgets.size(); i-- > 1;) full[i] = difference(full[i], full[i - 1]);
    // Largest budget first, so smaller zones are drawn on top.
    for (std::size_t i = budgets.size(); i-- > 0;)
      zones.polygons.push_back(options.simplify_m > 0 ? simplify_outward(full[i], options.simplify_m)
                                                      : std::move(full[i]));
    if (options.simplify_m > 0) summary["simplify_m"] = options.simplify_m;
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
  }

  // Network edges with latency at both ends.
  void network_table() { edges = lightcone::network_table(P, R.nodes, R.source_site, site_layer, model); }

  void sites_table() {
    sites = FeatureTable::points(kSitesLayer, site_layer.pos, site_layer.fid);
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
      if (auto c = name_column(site_layer)) sites.columns.push_back(std::move(*c));
      sites.columns.push_back(Column::texts("status", status));
      sites.columns.push_back(Column::integers("attached", attached));
      sites.columns.push_back(Column::reals("access_m", access_m));
      sites.columns.push_back(Column::integers("node_id", node, node_null));
    }
  }

  void split_table() {
    const std::vector<PointLatency>& dl = R.demand;
    std::vector<FeatureTable>& tables = R.tables;
    FeatureTable st;
    st.name = kZonesSplitLayer;
    st.geometry = FeatureTable::Geometry::polygon;
    std::vector<double> s_budget, s_area, s_weight, s_share;
    std::vector<std::string> s_name, s_metric, s_site;
    // Demand weight per (budget, nearest source), from the point latencies.
    for (std::size_t i = budgets.size(); i-- > 0;) {
      const double b1 = budgets[i].value / k;
      std::vector<double> weight(sources.size(), 0.0);
      if (demand)
        for (std::size_t d = 0; d < dl.size(); ++d) {
          const auto ps = samples_of(d);
          for (const PointLatency& q : ps)
            if (q.latency_us <= b1 && q.source < weight.size())
              weight[q.source] += demand->weight[d] / static_cast<double>(ps.size());
        }
      for (std::uint32_t src = 0; src < split[i].size(); ++src) {
        // Sites owning nothing within the budget have no feature; with rings, a site whose
        // part lies inside the smaller zone keeps its feature (empty geometry) and values.
        if (split_area_km2[i][src] == 0.0 && split[i][src].empty()) continue;
        s_budget.push_back(budgets[i].value);
        s_name.push_back(format_duration(budgets[i]));
        s_metric.emplace_back(to_string(model.metric));
        s_site.push_back(site_id_of(src));
        s_area.push_back(split_area_km2[i][src]);
        s_weight.push_back(demand ? weight[src] : std::nan(""));
        s_share.push_back(demand && weight_total > 0 ? weight[src] / weight_total : std::nan(""));
        st.polygons.push_back(std::move(split[i][src]));
      }
    }
    st.columns.push_back(Column::reals("budget_us", s_budget));
    st.columns.push_back(Column::texts("budget", s_name));
    st.columns.push_back(Column::texts("metric", s_metric));
    st.columns.push_back(Column::texts("site_id", s_site));
    st.columns.push_back(Column::reals("area_km2", s_area));
    st.columns.push_back(Column::reals("weight_covered", s_weight));
    st.columns.push_back(Column::reals("weight_share", s_share));
    summary["split"] = {{"layer", kZonesSplitLayer},
                        {"method",
                         "network pieces to the site reaching them first; where site zones overlap, "
                         "grid cells to the nearest site of their centre"},
                        {"cell_m", options.split_options.cell_m},
                        {"boundary_tolerance_m", options.split_options.cell_m * std::numbers::sqrt2},
                        {"parts", st.polygons.size()}};
    tables.push_back(std::move(st));
  }

  void demand_table() {
    const std::vector<PointLatency>& dl = R.demand;
    const std::size_t n = dl.size();
    dt = FeatureTable::points(kDemandLayer, demand->pos, demand->fid);
    std::vector<double> lat(n), acc(n), worst(n);
    std::vector<std::int64_t> count(n);
    std::vector<std::string> site(n);
    std::vector<bool> site_null(n, true);
    std::vector<std::uint32_t> votes;
    for (std::size_t i = 0; i < n; ++i) {
      // Mean over the reachable sample points (the point itself without samples).
      const auto ps = samples_of(i);
      double sum = 0.0, sum_access = 0.0;
      std::size_t reached = 0;
      votes.clear();
      for (const PointLatency& q : ps) {
        if (q.latency_us == kUnreached) continue;
        sum += q.latency_us;
        sum_access += q.access_us;
        ++reached;
        votes.push_back(q.source);
      }
      count[i] = static_cast<std::int64_t>(ps.size());
      const bool ok = reached > 0;
      lat[i] = ok ? (reached == 1 ? sum : sum / static_cast<double>(reached)) * k : std::nan("");
      acc[i] = ok ? (reached == 1 ? sum_access : sum_access / static_cast<double>(reached)) * k : std::nan("");
      worst[i] = dl[i].latency_us == kUnreached ? std::nan("") : dl[i].latency_us * k;
      if (ok) {
        // The nearest site of most reachable sample points (ties: the lowest source index).
        std::sort(votes.begin(), votes.end());
        std::uint32_t best = votes.front();
        std::size_t best_n = 0;
        for (std::size_t a = 0, b = 0; a < votes.size(); a = b) {
          while (b < votes.size() && votes[b] == votes[a]) ++b;
          if (b - a > best_n) {
            best = votes[a];
            best_n = b - a;
          }
        }
        site[i] = site_id_of(best);
        site_null[i] = false;
      }
    }
    dt.columns.push_back(Column::integers("source_fid", demand->fid));
    if (auto c = name_column(*demand)) dt.columns.push_back(std::move(*c));
    dt.columns.push_back(Column::reals("weight", demand->weight));
    dt.columns.push_back(Column::reals("latency_us", lat));
    dt.columns.push_back(Column::reals("access_us", acc));
    dt.columns.push_back(Column::texts("site_id", site, site_null));
    if (samples) {
      dt.columns.push_back(Column::integers("samples", count));
      dt.columns.push_back(Column::reals("latency_worst_us", worst));
    }
    for (const Microseconds& b : budgets) {
      std::vector<std::int64_t> cov(n);
      std::vector<double> margin(n), share(n);
      for (std::size_t i = 0; i < n; ++i) {
        share[i] = share_within(i, b.value / k);
        cov[i] = share[i] == 1.0;
        margin[i] = std::isnan(worst[i]) ? std::nan("") : b.value - worst[i];
      }
      const std::string name = budget_field_name(b);
      dt.columns.push_back(Column::integers("covered_" + name, cov));
      if (samples) dt.columns.push_back(Column::reals("covered_share_" + name, share));
      dt.columns.push_back(Column::reals("margin_" + name + "_us", margin));
    }
  }

  // Uncovered at the largest budget, with the reason.
  void uncovered_table() {
    const std::vector<PointLatency>& dl = R.demand;
    const std::size_t n = dl.size();
    // Uncovered at the largest budget, with the reason.
    FeatureTable un = FeatureTable::points(kUncoveredLayer, {}, {});
    std::vector<std::int64_t> ufid;
    std::vector<std::size_t> urow;
    std::vector<double> uw, uexcess;
    std::vector<std::string> ureason, ubudget;
    std::size_t no_access = 0, beyond = 0, disconnected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (dl[i].latency_us <= largest_one_way) continue;  // the worst sample point is covered
      un.coords.push_back(demand->pos[i]);
      un.fid.push_back(demand->fid[i]);
      ufid.push_back(demand->fid[i]);
      urow.push_back(i);
      const double share = samples ? share_within(i, largest_one_way) : 0.0;
      uw.push_back(share == 0.0 ? demand->weight[i] : demand->weight[i] * (1.0 - share));
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
    if (auto c = name_column(*demand, &urow)) un.columns.push_back(std::move(*c));
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
    // Mid-span taps far from an edge's ends (DESIGN §3): a counted warning.
    const std::size_t far = far_mid_span_joins(P.net, samples ? std::span<const PointLatency>(sl) : dl) + given_far;
    summary["demand"]["joined_far_mid_span"] = far;
    if (far > 0) summary["warnings"].push_back(far_mid_span_warning(far, samples ? "demand sample points" : "demand points"));
    if (samples) {
      summary["demand"]["polygon_sample"] = {
          {"per_feature", samples->per_feature},
          {"points", samples->pos.size()},
          {"method",
           "regular grid in each polygon's local frame, spacing sqrt(area / per_feature); covered share = "
           "share of sample points within the budget"}};
    }
    R.tables.push_back(std::move(dt));
    R.tables.push_back(std::move(un));
  }

  // Latency surface.
  void surface() {
    const NodeLatencies& nodes = R.nodes;
    const LonLatBox extent = options.surface_extent ? *options.surface_extent : largest_box;
    if (options.check_surface_extent && !extent.empty()) options.check_surface_extent(extent);
    SurfaceOptions sopt = options.surface_options;
    sopt.threads = options.threads;
    LatencyGrid grid;
    if (options.surface_from) {
      // The given cells; the tiles with a cell not given are computed here.
      grid = surface_grid_choice(extent, sopt);
      const std::size_t cells = static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height);
      if (cells > 0) {
        ZonesJobOptions::GivenSurface given = options.surface_from(grid);
        assert(given.values.size() == cells && given.resolved.size() == cells);
        grid.values = std::move(given.values);
        const std::vector<SurfaceTile> tiles = surface_tiles(grid);
        std::vector<std::uint32_t> todo;
        for (std::uint32_t t = 0; t < tiles.size(); ++t) {
          bool all = true;
          for (int r = tiles[t].r0; r < tiles[t].r1 && all; ++r)
            for (int c = tiles[t].c0; c < tiles[t].c1 && all; ++c)
              all = given.resolved[static_cast<std::size_t>(r) * static_cast<std::size_t>(grid.width) +
                                   static_cast<std::size_t>(c)] != 0;
          if (!all) todo.push_back(t);
        }
        rasterise_tiles(P.net, *P.index, model, mode, nodes.us, grid, todo, sopt.threads);
      }
    } else {
      grid = latency_surface(P.net, *P.index, model, mode, nodes.us, nodes.source, extent, sopt);
    }
    grid.metadata = {{"LIGHTCONE_MODEL", model.describe()},
                     {"LIGHTCONE_METRIC", std::string(to_string(model.metric))},
                     {"LIGHTCONE_UNITS", "microseconds"}};
    if (grid.width > 0) R.surface = std::move(grid);
  }
};

}  // namespace

FeatureTable network_table(const PreparedNetwork& P, const NodeLatencies& nodes,
                           const std::vector<std::uint32_t>& source_site, const PointLayer& sites,
                           const LatencyModel& model) {
  const double k = model.metric_factor();
  FeatureTable edges;
  edges.name = kNetworkLayer;
  edges.geometry = FeatureTable::Geometry::line;
  edges.coords = P.net.geom;
  edges.first = P.net.edge_geom_first;
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
      site[e] = sites.id[source_site[nodes.source[near]]];
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
  return edges;
}

std::vector<Microseconds> zones_job_budgets(std::vector<Microseconds> budgets) {
  std::sort(budgets.begin(), budgets.end());
  budgets.erase(std::unique(budgets.begin(), budgets.end()), budgets.end());
  return budgets;
}

ZoneOptions zones_job_zone_options(const ZoneOptions& zone, AccessFrom access_from, unsigned threads) {
  ZoneOptions out = zone;
  out.access_from = access_from;
  out.threads = threads;
  return out;
}

ZonesJobResult run_zones_job(const PreparedNetwork& P, const LayerInfo& network, const PointLayer& site_layer,
                             const PointLayer* demand, const ZonesJobOptions& options) {
  return ZonesJob(P, network, site_layer, demand, options).run();
}

}  // namespace lightcone
