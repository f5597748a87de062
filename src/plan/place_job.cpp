#include "plan/place_job.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "core/error.hpp"
#include "latency/point_latency.hpp"
#include "placement/coverage.hpp"
#include "report/run_info.hpp"

namespace lightcone {
namespace {

using Json = nlohmann::ordered_json;
constexpr double kInf = std::numeric_limits<double>::infinity();

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Json number(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

}  // namespace

SiteStatus parse_site_status(std::string s, const PointLayer& sites, std::size_t i, const std::string& field) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "existing" || s == "built") return SiteStatus::existing;
  if (s == "required") return SiteStatus::required;
  if (s.empty() || s == "candidate" || s == "planned") return SiteStatus::candidate;
  if (s == "excluded") return SiteStatus::excluded;
  throw InputError("unknown site status '" + s + "' in field '" + field + "' (" + sites.info.path + ":" +
                   sites.info.layer + ":fid=" + std::to_string(sites.fid[i]) +
                   "). Use existing, required, candidate (or planned) or excluded.");
}

std::string site_status_name(SiteStatus s, bool open) {
  switch (s) {
    case SiteStatus::existing: return "existing";
    case SiteStatus::required: return "required";
    case SiteStatus::excluded: return "excluded";
    case SiteStatus::candidate: return open ? "chosen" : "candidate";
  }
  return "candidate";
}

void check_pair_memory(Problem problem, std::size_t nd, std::size_t ns) {
  const double bytes = static_cast<double>(nd) * static_cast<double>(ns) * 16.0;
  if (bytes > 2e9) {
    throw InputError(fmt::format("problem {} without a budget needs every demand-site pair: {:.1f} GB for {} x {}. "
                                 "Give a budget (e.g. 3ms) to keep only pairs within it.",
                                 to_string(problem), bytes / 1e9, nd, ns));
  }
}

std::vector<char> PlaceJobResult::open(std::size_t sites) const {
  std::vector<char> o(sites, 0);
  for (std::uint32_t j : result.open) o[j] = 1;
  return o;
}

std::size_t PlaceJobResult::new_sites() const {
  std::size_t n = 0;
  for (std::uint32_t j : result.open) n += input.status.empty() || input.status[j] != SiteStatus::existing;
  return n;
}

namespace {

// p-median's budget is a hard constraint: a demand may only be served within it. Whether
// it changed the answer: the same problem over every pair (`all_pairs`: when there are
// at most 5 million and a second is left), with half the time left; the demand its plan
// serves beyond the budget are pairs the budget removed that an unbudgeted solve uses.
void check_median_budget(const std::function<Coverage()>& all_pairs, std::size_t nd, std::size_t ns,
                         const PlaceJobOptions& o, const Deadline& deadline, PlaceJobResult& r) {
  const bool budgeted = o.budget || !o.demand_budget_us.empty();
  if (o.problem != Problem::pmedian || !budgeted || !r.solved()) return;
  if (static_cast<double>(nd) * static_cast<double>(ns) > 5e6 || deadline.remaining_s() < 1.0) return;
  const Coverage all = all_pairs();
  PlacementInput u = r.input;
  u.coverage = &all;
  u.deadline = deadline.share(0.5);
  const PlacementResult ur = solve_placement(u);
  if (ur.status != SolveStatus::optimal && ur.status != SolveStatus::feasible) return;
  r.budget_checked = true;
  r.unbudgeted_objective = ur.objective;
  for (std::size_t d = 0; d < nd && d < ur.assigned_latency_us.size(); ++d)
    if (ur.assigned_latency_us[d] > r.demand_budget_us[d] * (1.0 + 1e-12)) ++r.served_beyond_budget;
}

// Per demand point: 1 when it reaches a node of the network's largest component within
// the maximum access distance (the access rule every latency uses), else 0.
std::vector<char> on_largest_component(const PreparedNetwork& P, std::span<const LonLat> demand) {
  const std::vector<std::uint32_t>& comp = P.report.node_component;
  std::vector<double> node_us(P.net.nodes(), kUnreached);
  std::vector<std::uint32_t> node_source(P.net.nodes(), kNone);
  for (std::size_t v = 0; v < node_us.size() && v < comp.size(); ++v)
    if (comp[v] == 0) {
      node_us[v] = 0.0;
      node_source[v] = 0;
    }
  PointLatencyQuery q(P.net, *P.index, P.model, P.model.access_from);
  std::vector<char> on(demand.size(), 0);
  for (std::size_t d = 0; d < demand.size(); ++d) on[d] = q.evaluate(demand[d], node_us, node_source).latency_us < kUnreached;
  return on;
}


// The entries of `given` whose site is a search source of this job (candidates[j].node
// set): what build_coverage would give for these candidates, as it computes every
// demand–site pair on its own.
Coverage candidate_rows(const Coverage& given, std::span<const Source> candidates) {
  if (given.sites != candidates.size()) throw std::logic_error("candidate_rows: the coverage is of other sites");
  Coverage c;
  c.demands = given.demands;
  c.sites = given.sites;
  c.first.reserve(given.first.size());
  c.site.reserve(given.site.size());
  c.latency_us.reserve(given.site.size());
  for (std::size_t d = 0; d < given.demands; ++d) {
    for (std::uint32_t k = given.first[d]; k < given.first[d + 1]; ++k) {
      if (candidates[given.site[k]].node == kNone) continue;
      c.site.push_back(given.site[k]);
      c.latency_us.push_back(given.latency_us[k]);
    }
    c.first.push_back(static_cast<std::uint32_t>(c.site.size()));
  }
  return c;
}

// p within the sites that could be opened (all problems but lscp).
void check_p_fits(const PlaceJobOptions& o, std::size_t ns) {
  if (o.problem == Problem::lscp) return;
  std::size_t could_open = 0;
  for (std::size_t i = 0; i < ns; ++i)
    could_open += o.status.empty() || o.status[i] == SiteStatus::candidate || o.status[i] == SiteStatus::required;
  if (static_cast<std::size_t>(o.p) > could_open) {
    throw InputError(fmt::format("p = {} is more than the {} site(s) that could be opened (candidate or required). "
                                 "Lower p.",
                                 o.p, could_open));
  }
}

// Per demand: its one-way budget (tiers, or the main budget, or none).
std::vector<double> demand_budgets(const PlaceJobOptions& o, std::size_t nd) {
  if (!o.demand_budget_us.empty()) return o.demand_budget_us;
  return std::vector<double>(nd, o.budget ? o.budget->one_way.value : kInf);
}

// The solve and the assignment on a coverage, network-made or measured; r.coverage_s set.
// left_out: demand solved away as if absent (PlacementInput::left_out).
// cannot_solve: when not empty, no solve: status no_solution with this reason (the input
// and an empty assignment are still set, for the tables).
void solve_job(PlaceJobResult& r, const Coverage& cov, const SurvivalRows* survival,
               const std::function<Coverage()>& all_pairs, const PointLayer& sites, const PointLayer& demand,
               const PlaceJobOptions& o, const Deadline& deadline, std::vector<std::uint32_t> left_out = {},
               const std::string& cannot_solve = {}) {
  const std::size_t ns = sites.pos.size(), nd = demand.pos.size();
  const auto t1 = std::chrono::steady_clock::now();
  PlacementInput& in = r.input;
  in.problem = o.problem;
  in.coverage = &cov;
  in.weight = demand.weight;
  if (o.use_load) {
    in.load = demand.load;
    for (double& x : in.load) x = std::isnan(x) ? 0.0 : x;
  }
  in.status = o.status.empty() ? std::vector<SiteStatus>(ns, SiteStatus::candidate) : o.status;
  if (o.use_cost) {
    in.cost = sites.cost;
    for (double& x : in.cost) x = std::isnan(x) ? 1.0 : x;
  }
  if (o.use_capacity) {
    in.capacity = sites.capacity;
    for (double& x : in.capacity) x = std::isnan(x) ? kInf : x;
  }
  in.p = o.p;
  in.k = o.k;
  in.money = o.money;
  in.time_limit_s = o.time_limit_s;
  in.deadline = deadline;
  in.force_mip = o.force_mip;
  in.uncoverable = o.uncoverable;
  in.left_out = std::move(left_out);
  in.survival = survival;
  in.threads = 1;
  if (cannot_solve.empty()) {
    r.result = solve_placement(in);
    check_median_budget(all_pairs, nd, ns, o, deadline, r);
  } else {
    r.result = PlacementResult{};
    r.result.status = SolveStatus::no_solution;
    r.result.reason = cannot_solve;
    r.result.objective = r.result.bound = r.result.gap = std::numeric_limits<double>::quiet_NaN();
  }
  if (r.solved()) {
    const std::vector<char> open = r.open(ns);
    // p-median / p-center serve every demand wherever it is; the covering problems
    // within each demand's budget.
    const bool latency_problem = o.problem == Problem::pmedian || o.problem == Problem::pcenter;
    std::vector<double> limit = latency_problem ? std::vector<double>(nd, kInf) : r.demand_budget_us;
    // Capacitated p-center: within the worst latency the plan states (the cheapest
    // assignment without that limit may send some load farther).
    if (o.problem == Problem::pcenter && !in.capacity.empty() && std::isfinite(r.result.objective))
      limit.assign(nd, r.result.objective * (1.0 + 1e-12));
    r.assignment = assign_demand(cov, open, limit, in.weight, in.load, in.capacity);
  } else {
    r.assignment.site.assign(nd, kNone);
    r.assignment.latency_us.assign(nd, std::numeric_limits<double>::quiet_NaN());
    r.assignment.served.assign(nd, 0.0);
    r.assignment.site_load.assign(ns, 0.0);
    r.assignment.site_weight.assign(ns, 0.0);
  }
  r.solve_s = seconds_since(t1);
  in.coverage = nullptr;
  in.survival = nullptr;
}

}  // namespace

PlaceJobResult run_place_job(const PreparedNetwork& P, const PointLayer& sites, const PointLayer& demand,
                             const PlaceJobOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  // --time-limit is wall time of the whole job: coverage, cut rows, solve, assignment.
  const Deadline deadline = Deadline::after(o.time_limit_s);
  PlaceJobResult r;
  const std::size_t ns = sites.pos.size(), nd = demand.pos.size();
  if (!o.budget && o.demand_budget_us.empty()) check_pair_memory(o.problem, nd, ns);
  check_p_fits(o, ns);
  // Candidates as search sources, by site index.
  std::vector<Source> candidates(ns, Source{kNone, 0.0});
  for (std::size_t s = 0; s < P.sources.size(); ++s) candidates[P.source_site[s]] = P.sources[s];
  std::vector<std::uint32_t> left_out;
  r.largest_component_nodes = P.report.components.empty() ? 0 : P.report.components.front();
  if (o.largest_component) {
    const std::vector<std::uint32_t>& comp = P.report.node_component;
    for (std::size_t s = 0; s < ns; ++s) {
      const NodeId v = P.site_node[s];
      if (v != kNone && comp[v] == 0) continue;
      candidates[s] = Source{kNone, 0.0};
      ++r.sites_left_out;
    }
    const std::vector<char> on = on_largest_component(P, demand.pos);
    for (std::size_t d = 0; d < nd; ++d)
      if (!on[d]) left_out.push_back(static_cast<std::uint32_t>(d));
  }
  const double budget_us = o.budget ? o.budget->one_way.value : kInf;
  r.demand_budget_us = demand_budgets(o, nd);
  double largest = budget_us;
  for (double b : r.demand_budget_us) largest = std::max(largest, b);
  std::optional<Coverage> built;
  const bool given_as_is =
      o.given_coverage && std::all_of(o.given_coverage->site.begin(), o.given_coverage->site.end(),
                                      [&](std::uint32_t j) { return candidates[j].node != kNone; });
  if (!given_as_is) {
    built = o.given_coverage ? candidate_rows(*o.given_coverage, candidates)
                             : build_coverage(P.net, *P.graph, *P.index, P.model, P.model.access_from, demand.pos,
                                              candidates, largest, o.threads);
  }
  const Coverage& full = given_as_is ? *o.given_coverage : *built;
  std::optional<Coverage> restricted;  // tiers: a copy within each demand's budget
  if (!o.demand_budget_us.empty()) restricted = restrict_coverage(full, r.demand_budget_us);
  const Coverage& cov = restricted ? *restricted : full;
  r.coverage_entries = cov.entries();
  std::optional<SurvivalRows> survival;
  if (o.survive || !o.edge_group.empty()) {
    const CutScenarios cuts = o.edge_group.empty() ? single_edge_cuts(P.net) : grouped_cuts(P.net, o.edge_group);
    survival = survival_rows(P.net, *P.graph, *P.index, P.model, P.model.access_from, demand.pos, candidates, budget_us, cov,
                             cuts, o.threads, deadline);
    r.cut_scenarios = cuts.size();
    r.survival_rows = survival->rows();
    r.survival_complete = survival->complete;
  }
  r.coverage_s = seconds_since(t0);
  // The cut rows ran out of time: without all of them no plan can be shown to survive.
  std::string cannot_solve;
  if (survival && !survival->complete) {
    cannot_solve = fmt::format(
        "time limit: the fibre-cut rows were not complete after {:.1f} s ({} of {} covering candidate sites searched "
        "under {} cut scenarios), so no plan can be shown to survive every cut. Raise --time-limit, or group the cuts "
        "(--srlg-field)",
        r.coverage_s, survival->sites_searched, survival->sites_to_search, r.cut_scenarios);
  }
  const auto all_pairs = [&] {
    return build_coverage(P.net, *P.graph, *P.index, P.model, P.model.access_from, demand.pos, candidates, kInf,
                          o.threads);
  };
  solve_job(r, cov, survival ? &*survival : nullptr, all_pairs, sites, demand, o, deadline, std::move(left_out),
            cannot_solve);
  for (std::uint32_t s : r.result.open) {
    const NodeId v = P.site_node[s];
    if (v == kNone || P.report.node_component[v] == 0) continue;
    r.open_off_main.emplace_back(s, P.report.components[P.report.node_component[v]]);
  }
  if (o.keep_coverage) r.coverage = cov;
  return r;
}

PlaceJobResult run_place_job_measured(const Coverage& table, const PointLayer& sites, const PointLayer& demand,
                                      const PlaceJobOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const Deadline deadline = Deadline::after(o.time_limit_s);
  PlaceJobResult r;
  const std::size_t ns = sites.pos.size(), nd = demand.pos.size();
  if (o.survive || !o.edge_group.empty()) {
    throw InputError("survivable coverage needs a network (fibre cuts); a measured latency table has none. "
                     "Drop the survivability option, or give the network instead of the table.");
  }
  if (o.largest_component) {
    throw InputError("--largest-component needs a network (its connected components); a measured latency table has "
                     "none. Drop it, or leave the rows out of the table.");
  }
  check_p_fits(o, ns);
  r.demand_budget_us = demand_budgets(o, nd);
  const Coverage cov = restrict_coverage(table, r.demand_budget_us);
  r.coverage_entries = cov.entries();
  r.coverage_s = seconds_since(t0);
  solve_job(r, cov, nullptr, [&] { return table; }, sites, demand, o, deadline);
  if (o.keep_coverage) r.coverage = cov;
  return r;
}

Json place_json(const PlaceJobResult& r, const PlaceJobOptions& o, const LatencyModel& model, const PointLayer& sites,
                const PointLayer& demand, std::size_t sites_off_network) {
  const double k = model.metric_factor();
  const PlacementResult& res = r.result;
  Json j;
  j["command"] = "place";
  j["model"] = model_to_json(model);
  j["problem"] = to_string(o.problem);
  j["budget_us"] = o.budget ? Json(o.budget->metric.value) : Json(nullptr);
  j["metric"] = to_string(model.metric);
  if (o.problem != Problem::lscp) j["p"] = o.p;
  if (o.k > 1) j["k"] = o.k;
  j["status"] = to_string(res.status);
  // p-median / p-center objectives are latencies: reported in the run's metric.
  const bool latency_objective = o.problem == Problem::pmedian || o.problem == Problem::pcenter;
  j["objective"] = number(latency_objective ? res.objective * k : res.objective);
  j["bound"] = number(latency_objective ? res.bound * k : res.bound);
  j["gap"] = number(res.gap);
  j["objective_is"] = o.problem == Problem::lscp      ? "total cost of new sites"
                      : o.problem == Problem::mclp    ? "covered demand weight"
                      : o.problem == Problem::pmedian ? "weighted mean latency (us)"
                                                      : "worst latency (us)";
  j["method"] = res.method;
  if (r.budget_checked) {
    j["budget_constraint"] = {{"hard", true},
                              {"unbudgeted_objective", number(r.unbudgeted_objective * k)},
                              {"demand_an_unbudgeted_plan_serves_beyond_it", r.served_beyond_budget}};
    if (r.served_beyond_budget > 0) {
      j["warnings"].push_back(fmt::format(
          "the p-median budget is a hard constraint: it removed demand-site pairs an unbudgeted solve uses "
          "({} demand feature(s) served beyond it; weighted mean latency {:.6g} us without the budget, {:.6g} us with it)",
          r.served_beyond_budget, r.unbudgeted_objective * k, res.objective * k));
    }
  }
  if (!r.open_off_main.empty()) {
    for (const auto& [s, nodes] : r.open_off_main) {
      j["warnings"].push_back(fmt::format(
          "open site {} is on a network component of {} node(s), not the largest ({} nodes): it serves weight {:.6g} "
          "there only; islands often come from lines with missing coordinates or ends that do not meet (see "
          "`lightcone validate`); --largest-component plans on the largest component only",
          sites.id[s], nodes, r.largest_component_nodes, r.assignment.site_weight[s]));
    }
  }
  if (o.budget && !model.measured())
    if (const std::string w = max_access_warning(model, *o.budget); !w.empty()) j["warnings"].push_back(w);
  if (!res.reason.empty()) j["reason"] = res.reason;
  j["reductions"] = {{"demand_rows_before", res.rows_before},
                     {"demand_rows_after", res.rows_after},
                     {"candidates_before", res.columns_before},
                     {"candidates_after", res.columns_after},
                     {"mip_solves", res.mip_solves}};
  j["capacity_unit"] = o.capacity_unit;
  if (o.use_capacity) j["assignment"] = r.assignment.split ? "split (some demand served by several sites)" : "whole";
  if (r.cut_scenarios > 0) {
    j["survivable"] = {{"cuts", o.cuts_text}, {"scenarios", r.cut_scenarios}, {"rows", r.survival_rows},
                       {"rows_complete", r.survival_complete}};
  }
  Json chosen = Json::array();
  for (std::uint32_t s : res.open) {
    chosen.push_back({{"site_id", sites.id[s]},
                      {"status", site_status_name(r.input.status[s], true)},
                      {"weight", r.assignment.site_weight[s]},
                      {"load", r.assignment.site_load[s]}});
  }
  j["open_sites"] = chosen;
  j["new_sites"] = r.new_sites();
  Json unc = Json::array();
  for (std::uint32_t d : res.uncoverable) unc.push_back(demand.fid[d]);
  j["uncoverable_demand_fids"] = unc;
  if (o.largest_component) {
    j["largest_component"] = {{"nodes", r.largest_component_nodes},
                              {"sites_left_out", r.sites_left_out},
                              {"demand_features_left_out", r.input.left_out.size()},
                              {"weight_left_out", res.left_out_weight}};
  }
  if (res.skipped_uncoverable) {
    j["uncoverable"] = {{"mode", "skip"},
                        {"demand_features_left_out", res.uncoverable.size()},
                        {"weight_left_out", res.skipped_weight}};
  }
  j["sites_off_network"] = sites_off_network;
  return j;
}

FeatureTable assignments_table(const PlaceJobResult& r, const LatencyModel& model, const PointLayer& sites,
                               const PointLayer& demand) {
  const double k = model.metric_factor();
  // Measured latencies: no geometry; demand named by its id.
  const bool measured = model.measured();
  FeatureTable as;
  as.name = kAssignmentsLayer;
  as.geometry = measured ? FeatureTable::Geometry::none : FeatureTable::Geometry::line;
  std::vector<std::int64_t> afid;
  std::vector<std::size_t> arow;
  std::vector<std::string> asite, aid;
  std::vector<double> alat, ashare;
  for (std::size_t d = 0; d < demand.pos.size(); ++d) {
    const std::uint32_t s = r.assignment.site[d];
    if (s == kNone) continue;
    if (!measured) {
      as.coords.push_back(demand.pos[d]);
      as.coords.push_back(sites.pos[s]);
      as.first.push_back(static_cast<std::uint32_t>(as.coords.size()));
      afid.push_back(demand.fid[d]);
    } else {
      aid.push_back(demand.id[d]);
    }
    arow.push_back(d);
    asite.push_back(sites.id[s]);
    alat.push_back(r.assignment.latency_us[d] * k);
    ashare.push_back(r.assignment.served[d]);
  }
  if (measured) as.fid.clear();
  as.columns.push_back(measured ? Column::texts("demand_id", aid) : Column::integers("source_fid", afid));
  if (auto c = name_column(demand, &arow)) as.columns.push_back(std::move(*c));
  as.columns.push_back(Column::texts("site_id", asite));
  as.columns.push_back(Column::reals("latency_us", alat));
  as.columns.push_back(Column::reals("served_share", ashare));
  return as;
}

std::vector<FeatureTable> place_tables(const PlaceJobResult& r, const PlaceJobOptions& o, const LatencyModel& model,
                                       const PointLayer& sites, const std::vector<NodeId>& site_node,
                                       const PointLayer& demand) {
  const double k = model.metric_factor();
  const std::size_t ns = sites.pos.size(), nd = demand.pos.size();
  const std::vector<char> open = r.open(ns);
  std::vector<FeatureTable> tables;
  // Measured latencies (model.measured()): attribute tables, demand named by its id.
  const bool measured = model.measured();
  const auto table = [&](std::string name, const std::vector<LonLat>& pos, const std::vector<std::int64_t>& fid) {
    FeatureTable t = FeatureTable::points(std::move(name), measured ? std::vector<LonLat>{} : pos, fid);
    if (measured) t.geometry = FeatureTable::Geometry::none;
    return t;
  };
  FeatureTable st = table(kSitesLayer, sites.pos, sites.fid);
  std::vector<std::string> status(ns);
  std::vector<std::int64_t> is_open(ns), attached(ns);
  std::vector<double> cap(ns, std::nan(""));
  for (std::size_t s = 0; s < ns; ++s) {
    status[s] = site_status_name(r.input.status[s], open[s]);
    is_open[s] = open[s];
    attached[s] = site_node[s] != kNone;
    if (!r.input.capacity.empty() && std::isfinite(r.input.capacity[s])) cap[s] = r.input.capacity[s];
  }
  st.columns.push_back(Column::texts("site_id", sites.id));
  if (auto c = name_column(sites)) st.columns.push_back(std::move(*c));
  st.columns.push_back(Column::texts("status", status));
  st.columns.push_back(Column::integers("open", is_open));
  if (!measured) st.columns.push_back(Column::integers("attached", attached));
  st.columns.push_back(Column::reals("weight_served", r.assignment.site_weight));
  st.columns.push_back(Column::reals("load", r.assignment.site_load));
  st.columns.push_back(Column::reals("capacity", cap));
  tables.push_back(std::move(st));

  FeatureTable dt = table(kDemandLayer, demand.pos, demand.fid);
  std::vector<std::string> site(nd);
  std::vector<bool> site_null(nd, true);
  std::vector<double> lat(nd, std::nan(""));
  std::vector<std::int64_t> covered(nd, 0);
  FeatureTable un = table(kUncoveredLayer, {}, {});
  std::vector<std::int64_t> ufid;
  std::vector<std::string> uid;
  std::vector<std::size_t> urow;
  std::vector<double> uw;
  std::vector<std::string> ureason;
  std::vector<char> uncoverable(nd, 0);
  for (std::uint32_t d : r.result.uncoverable) uncoverable[d] = 1;
  for (std::uint32_t d : r.input.left_out) uncoverable[d] = 2;
  // Without a budget (p-median, p-center) a demand without a candidate is on a part of
  // the network no candidate reaches.
  const bool any_budget = o.budget || !o.demand_budget_us.empty();
  const std::string uncoverable_reason =
      !any_budget ? "no candidate reachable (another network component)"
      : o.k > 1   ? fmt::format("fewer than {} candidates within budget", o.k)
                  : "no candidate within budget";
  for (std::size_t d = 0; d < nd; ++d) {
    const std::uint32_t s = r.assignment.site[d];
    if (s != kNone) {
      site[d] = sites.id[s];
      site_null[d] = false;
      lat[d] = r.assignment.latency_us[d] * k;
      covered[d] = r.assignment.latency_us[d] <= r.demand_budget_us[d] && r.assignment.served[d] > 1.0 - 1e-9;
    }
    if (!covered[d]) {
      if (!measured) un.coords.push_back(demand.pos[d]);
      un.fid.push_back(demand.fid[d]);
      ufid.push_back(demand.fid[d]);
      if (measured) uid.push_back(demand.id[d]);
      urow.push_back(d);
      uw.push_back(demand.weight[d]);
      ureason.emplace_back(uncoverable[d] == 2          ? "off the largest network component (--largest-component)"
                           : uncoverable[d]             ? uncoverable_reason
                           : r.assignment.served[d] > 0 ? "partly served: site capacity"
                                                        : "not covered by the chosen sites");
    }
  }
  dt.columns.push_back(measured ? Column::texts("demand_id", demand.id) : Column::integers("source_fid", demand.fid));
  if (auto c = name_column(demand)) dt.columns.push_back(std::move(*c));
  dt.columns.push_back(Column::reals("weight", demand.weight));
  dt.columns.push_back(Column::texts("site_id", site, site_null));
  dt.columns.push_back(Column::reals("latency_us", lat));
  dt.columns.push_back(Column::integers("covered", covered));
  tables.push_back(std::move(dt));
  un.columns.push_back(measured ? Column::texts("demand_id", uid) : Column::integers("source_fid", ufid));
  if (auto c = name_column(demand, &urow)) un.columns.push_back(std::move(*c));
  un.columns.push_back(Column::reals("weight", uw));
  un.columns.push_back(Column::texts("budget", std::vector<std::string>(ufid.size(), o.budget ? o.budget->name() : "none")));
  un.columns.push_back(Column::texts("reason", ureason));
  tables.push_back(std::move(un));
  tables.push_back(assignments_table(r, model, sites, demand));
  return tables;
}

std::vector<char> survivable_demand(const PreparedNetwork& P, std::span<const LonLat> demand, std::span<const char> open,
                                    double budget_us, AccessFrom mode, const std::vector<std::string>& edge_group,
                                    unsigned threads) {
  std::vector<Source> sources(open.size(), Source{kNone, 0.0});
  for (std::size_t s = 0; s < P.sources.size(); ++s)
    if (open[P.source_site[s]]) sources[P.source_site[s]] = P.sources[s];
  const CutScenarios cuts = edge_group.empty() ? single_edge_cuts(P.net) : grouped_cuts(P.net, edge_group);
  return survivable_coverage(P.net, *P.graph, *P.index, P.model, mode, demand, sources, budget_us, cuts, threads);
}

}  // namespace lightcone
