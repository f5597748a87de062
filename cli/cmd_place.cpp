// lightcone place: which sites to open (LSCP, MCLP, p-median, p-center, backup
// coverage, capacities, fixed sites), solved exactly with CBC where it can, with the
// status, bound and gap stated.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/write.hpp"
#include "placement/placement.hpp"
#include "run_info.hpp"

namespace lightcone::cli {
namespace {

struct PlaceArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  std::string demand;
  std::string demand_where;
  std::string weight;
  std::string load_field;
  std::string status_field;
  std::string cost_field;
  std::string capacity_field;
  std::string capacity_unit = "units";
  std::string problem = "lscp";
  std::string budget;
  int p = 0;
  int k = 1;
  double money = -1;
  std::string time_limit = "60s";
  std::string out;
  bool survive = false;
  std::string srlg_field;
  std::vector<std::string> tiers;  // "FILTER:BUDGET"
  unsigned threads = 0;
  bool json = false;
};

Problem parse_problem(const std::string& s) {
  if (s == "lscp") return Problem::lscp;
  if (s == "mclp") return Problem::mclp;
  if (s == "pmedian" || s == "p-median") return Problem::pmedian;
  if (s == "pcenter" || s == "p-center") return Problem::pcenter;
  throw InputError("unknown problem '" + s + "' for --problem. Use lscp, mclp, pmedian or pcenter.");
}

SiteStatus parse_status(std::string s, const PointLayer& sites, std::size_t i, const std::string& field) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "existing" || s == "built") return SiteStatus::existing;
  if (s == "required") return SiteStatus::required;
  if (s.empty() || s == "candidate" || s == "planned") return SiteStatus::candidate;
  if (s == "excluded") return SiteStatus::excluded;
  throw InputError("unknown site status '" + s + "' in field '" + field + "' (" + sites.info.path + ":" +
                   sites.info.layer + ":fid=" + std::to_string(sites.fid[i]) +
                   "). Use existing, required, candidate (or planned) or excluded.");
}

int run_place(const PlaceArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  make_model(a.model);
  const Problem problem = parse_problem(a.problem);
  if (a.demand.empty()) throw InputError("place needs --demand PATH[:LAYER].");
  if (a.sites.sites.empty()) throw InputError("place needs --sites PATH[:LAYER] (candidate sites).");
  if (!a.out.empty()) {
    if (std::filesystem::path(a.out).extension() != ".gpkg") {
      throw InputError("place writes a GeoPackage: give --out a .gpkg file name (" + a.out + ").");
    }
    write_tables_check_path(a.out);
  }
  const bool needs_budget = problem == Problem::lscp || problem == Problem::mclp;
  if (needs_budget && a.budget.empty()) throw InputError("--problem " + a.problem + " needs --budget, e.g. --budget 1ms.");
  if (problem != Problem::lscp && a.p <= 0) throw InputError("--problem " + a.problem + " needs --p N (sites to open), N >= 1.");
  if (a.k < 1) throw InputError("--k must be at least 1 (backup coverage level).");
  const Microseconds limit = parse_duration(a.time_limit, "--time-limit");
  if (!(limit.value > 0)) throw InputError("--time-limit must be greater than zero, e.g. '60s'.");
  double budget_metric = std::numeric_limits<double>::infinity();
  if (!a.budget.empty()) {
    const auto b = parse_budgets(a.budget, "--budget");
    if (b.size() != 1) throw InputError("place takes one --budget, e.g. --budget 1ms.");
    budget_metric = b[0].value;
  }
  PointFields df;
  df.weight = a.weight;
  df.load = a.load_field;
  PointLayer demand = read_points(parse_layer_spec(a.demand), read_options(a.demand_where, a.network.assume_crs), df);
  if ((a.survive || !a.srlg_field.empty()) && problem != Problem::lscp && problem != Problem::mclp) {
    throw InputError("--survive works with --problem lscp or mclp.");
  }
  NetworkArgs na = a.network;
  na.fields.risk_group = a.srlg_field;
  SitesArgs sa = a.sites;
  sa.fields.status = a.status_field;
  sa.fields.cost = a.cost_field;
  sa.fields.capacity = a.capacity_field;
  Loaded L = load(na, &sa, a.model);
  const PointLayer& sites = *L.sites;
  const double k = L.model.metric_factor();
  const double budget_us = budget_metric / k;  // one-way
  const std::size_t ns = sites.pos.size();
  if (!std::isfinite(budget_us)) {
    const double bytes = static_cast<double>(demand.pos.size()) * static_cast<double>(ns) * 16.0;
    if (bytes > 2e9) {
      throw InputError(fmt::format("--problem {} without --budget needs every demand-site pair: {:.1f} GB for {} x {}. "
                                   "Give --budget (e.g. 3ms) to keep only pairs within it.",
                                   a.problem, bytes / 1e9, demand.pos.size(), ns));
    }
  }
  // Candidates as search sources, by site index.
  std::vector<Source> candidates(ns, Source{kNone, 0.0});
  for (std::size_t s = 0; s < L.sources.size(); ++s) candidates[L.source_site[s]] = L.sources[s];
  const auto t1 = std::chrono::steady_clock::now();
  // Tiered budgets: demand matching a tier's filter gets that tier's budget (first match
  // wins), the rest --budget. Coverage is built once at the largest budget, then cut.
  std::vector<double> demand_budget(demand.pos.size(), budget_us);
  std::vector<char> tiered(demand.pos.size(), 0);
  double largest = budget_us;
  for (const std::string& tier : a.tiers) {
    const auto colon = tier.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw InputError("invalid --tier '" + tier + "'. Write FILTER:BUDGET, e.g. --tier \"in_qingdao = 1:1ms\".");
    }
    const auto b = parse_budgets(tier.substr(colon + 1), "--tier");
    if (b.size() != 1) throw InputError("--tier takes one budget after the last ':', e.g. \"in_qingdao = 1:1ms\".");
    std::string where = tier.substr(0, colon);
    if (!a.demand_where.empty()) where = "(" + a.demand_where + ") AND (" + where + ")";
    PointFields tf;
    std::set<std::int64_t> fids;
    try {
      const PointLayer matching = read_points(parse_layer_spec(a.demand), read_options(where, a.network.assume_crs), tf);
      fids.insert(matching.fid.begin(), matching.fid.end());
    } catch (const InputError& e) {
      if (std::string(e.what()).rfind("no feature matches", 0) != 0) throw;
    }
    for (std::size_t d = 0; d < demand.pos.size(); ++d)
      if (fids.count(demand.fid[d]) && !tiered[d]) {
        demand_budget[d] = b[0].value / k;
        tiered[d] = 1;
      }
    largest = std::max(largest, b[0].value / k);
  }
  const Coverage full = build_coverage(L.net, *L.graph, *L.index, L.model, parse_access_from(a.model.access_from),
                                       demand.pos, candidates, std::isfinite(largest) ? largest : budget_us, a.threads);
  const Coverage cov = a.tiers.empty() ? full : restrict_coverage(full, demand_budget);
  // Survivable coverage: every single edge cut, or every shared-risk group.
  std::optional<SurvivalRows> survival;
  CutScenarios cuts;
  if (a.survive || !a.srlg_field.empty()) {
    if (a.srlg_field.empty()) {
      cuts = single_edge_cuts(L.net);
    } else {
      std::map<std::int64_t, std::string> group_of_fid;
      for (std::size_t i = 0; i < L.lines.lines.lines(); ++i) group_of_fid[L.lines.lines.fid[i]] = L.lines.risk_group[i];
      std::vector<std::string> edge_group(L.net.edges());
      for (EdgeId e = 0; e < L.net.edges(); ++e) edge_group[e] = group_of_fid[L.net.edge_fid[e]];
      cuts = grouped_cuts(L.net, edge_group);
    }
    survival = survival_rows(L.net, *L.graph, *L.index, L.model, parse_access_from(a.model.access_from), demand.pos,
                             candidates, budget_us, cov, cuts, a.threads);
  }
  const auto t2 = std::chrono::steady_clock::now();

  PlacementInput in;
  in.problem = problem;
  in.coverage = &cov;
  in.weight = demand.weight;
  if (!a.load_field.empty()) {
    in.load = demand.load;
    for (double& x : in.load) x = std::isnan(x) ? 0.0 : x;
  }
  in.status.assign(ns, SiteStatus::candidate);
  for (std::size_t i = 0; i < ns; ++i) {
    if (!a.status_field.empty()) in.status[i] = parse_status(sites.status[i], sites, i, a.status_field);
  }
  if (!a.cost_field.empty()) {
    in.cost = sites.cost;
    for (double& x : in.cost) x = std::isnan(x) ? 1.0 : x;
  }
  if (!a.capacity_field.empty()) {
    in.capacity = sites.capacity;
    for (double& x : in.capacity) x = std::isnan(x) ? std::numeric_limits<double>::infinity() : x;
  }
  in.p = a.p;
  in.k = a.k;
  if (a.money >= 0) in.money = a.money;
  in.time_limit_s = limit.value / 1e6;
  if (survival) in.survival = &*survival;
  in.threads = 1;
  const PlacementResult res = solve_placement(in);
  const auto t3 = std::chrono::steady_clock::now();

  std::vector<char> open(ns, 0);
  for (std::uint32_t j : res.open) open[j] = 1;
  // Per site: weight and load assigned.
  std::vector<double> site_weight(ns, 0.0), site_load(ns, 0.0);
  const std::size_t nd = demand.pos.size();
  if (!res.assigned.empty())
    for (std::size_t d = 0; d < nd; ++d)
      if (res.assigned[d] != kNone) {
        site_weight[res.assigned[d]] += demand.weight[d];
        site_load[res.assigned[d]] += in.load.empty() ? 1.0 : in.load[d];
      }
  auto status_name = [&](std::size_t j) -> std::string {
    switch (in.status[j]) {
      case SiteStatus::existing: return "existing";
      case SiteStatus::required: return "required";
      case SiteStatus::excluded: return "excluded";
      case SiteStatus::candidate: return open[j] ? "chosen" : "candidate";
    }
    return "candidate";
  };

  nlohmann::ordered_json j;
  j["command"] = "place";
  j["model"] = model_to_json(L.model);
  j["problem"] = a.problem;
  j["budget_us"] = std::isfinite(budget_metric) ? nlohmann::ordered_json(budget_metric) : nlohmann::ordered_json(nullptr);
  j["metric"] = to_string(L.model.metric);
  if (problem != Problem::lscp) j["p"] = a.p;
  if (a.k > 1) j["k"] = a.k;
  j["status"] = to_string(res.status);
  auto num = [](double v) { return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  // p-median / p-center objectives are latencies: report them in the run's metric.
  const bool latency_objective = problem == Problem::pmedian || problem == Problem::pcenter;
  j["objective"] = num(latency_objective ? res.objective * k : res.objective);
  j["bound"] = num(latency_objective ? res.bound * k : res.bound);
  j["gap"] = num(res.gap);
  j["objective_is"] = problem == Problem::lscp   ? "total cost of new sites"
                      : problem == Problem::mclp ? "covered demand weight"
                      : problem == Problem::pmedian ? "weighted mean latency (us)"
                                                    : "worst latency (us)";
  j["method"] = res.method;
  if (!res.reason.empty()) j["reason"] = res.reason;
  j["reductions"] = {{"demand_rows_before", res.rows_before},
                     {"demand_rows_after", res.rows_after},
                     {"candidates_before", res.columns_before},
                     {"candidates_after", res.columns_after},
                     {"mip_solves", res.mip_solves}};
  j["capacity_unit"] = a.capacity_unit;
  if (survival) {
    j["survivable"] = {{"cuts", a.srlg_field.empty() ? "every single fibre edge" : "shared-risk groups of " + a.srlg_field},
                       {"scenarios", cuts.size()},
                       {"rows", survival->rows()}};
  }
  auto chosen = nlohmann::ordered_json::array();
  std::size_t new_sites = 0;
  for (std::uint32_t s : res.open) {
    chosen.push_back({{"site_id", sites.id[s]}, {"status", status_name(s)}, {"weight", site_weight[s]},
                      {"load", site_load[s]}});
    new_sites += in.status[s] != SiteStatus::existing;
  }
  j["open_sites"] = chosen;
  j["new_sites"] = new_sites;
  auto unc = nlohmann::ordered_json::array();
  for (std::uint32_t d : res.uncoverable) unc.push_back(demand.fid[d]);
  j["uncoverable_demand_fids"] = unc;
  j["sites_off_network"] = ns - L.sources.size();

  if (!a.out.empty() && res.status != SolveStatus::no_solution) {
    std::vector<FeatureTable> tables;
    FeatureTable st;
    st.name = "sites";
    st.geometry = FeatureTable::Geometry::point;
    st.coords = sites.pos;
    st.fid = sites.fid;
    std::vector<std::string> status(ns);
    std::vector<std::int64_t> is_open(ns), attached(ns);
    std::vector<double> cap(ns, std::nan(""));
    for (std::size_t s = 0; s < ns; ++s) {
      status[s] = status_name(s);
      is_open[s] = open[s];
      attached[s] = L.site_node[s] != kNone;
      if (!in.capacity.empty() && std::isfinite(in.capacity[s])) cap[s] = in.capacity[s];
    }
    st.columns.push_back(Column::texts("site_id", sites.id));
    st.columns.push_back(Column::texts("status", status));
    st.columns.push_back(Column::integers("open", is_open));
    st.columns.push_back(Column::integers("attached", attached));
    st.columns.push_back(Column::reals("weight_served", site_weight));
    st.columns.push_back(Column::reals("load", site_load));
    st.columns.push_back(Column::reals("capacity", cap));
    tables.push_back(std::move(st));

    FeatureTable dt;
    dt.name = "demand";
    dt.geometry = FeatureTable::Geometry::point;
    dt.coords = demand.pos;
    dt.fid = demand.fid;
    std::vector<std::string> site(nd);
    std::vector<bool> site_null(nd, true);
    std::vector<double> lat(nd, std::nan(""));
    std::vector<std::int64_t> covered(nd, 0);
    FeatureTable un;
    un.name = "uncovered";
    un.geometry = FeatureTable::Geometry::point;
    std::vector<std::int64_t> ufid;
    std::vector<double> uw;
    std::vector<std::string> ureason;
    FeatureTable as;
    as.name = "assignments";
    as.geometry = FeatureTable::Geometry::line;
    std::vector<std::int64_t> afid;
    std::vector<std::string> asite;
    std::vector<double> alat;
    std::vector<char> uncoverable(nd, 0);
    for (std::uint32_t d : res.uncoverable) uncoverable[d] = 1;
    for (std::size_t d = 0; d < nd; ++d) {
      const bool has = !res.assigned.empty() && res.assigned[d] != kNone;
      if (has) {
        const std::uint32_t s = res.assigned[d];
        site[d] = sites.id[s];
        site_null[d] = false;
        lat[d] = res.assigned_latency_us[d] * k;
        covered[d] = res.assigned_latency_us[d] <= demand_budget[d];
        as.coords.push_back(demand.pos[d]);
        as.coords.push_back(sites.pos[s]);
        as.first.push_back(static_cast<std::uint32_t>(as.coords.size()));
        afid.push_back(demand.fid[d]);
        asite.push_back(sites.id[s]);
        alat.push_back(lat[d]);
      }
      if (!covered[d]) {
        un.coords.push_back(demand.pos[d]);
        un.fid.push_back(demand.fid[d]);
        ufid.push_back(demand.fid[d]);
        uw.push_back(demand.weight[d]);
        ureason.emplace_back(uncoverable[d] ? "no candidate within budget" : "not covered by the chosen sites");
      }
    }
    dt.columns.push_back(Column::integers("source_fid", demand.fid));
    dt.columns.push_back(Column::reals("weight", demand.weight));
    dt.columns.push_back(Column::texts("site_id", site, site_null));
    dt.columns.push_back(Column::reals("latency_us", lat));
    dt.columns.push_back(Column::integers("covered", covered));
    tables.push_back(std::move(dt));
    un.columns.push_back(Column::integers("source_fid", ufid));
    un.columns.push_back(Column::reals("weight", uw));
    un.columns.push_back(Column::texts("budget", std::vector<std::string>(ufid.size(), a.budget.empty() ? "none" : a.budget)));
    un.columns.push_back(Column::texts("reason", ureason));
    tables.push_back(std::move(un));
    as.columns.push_back(Column::integers("source_fid", afid));
    as.columns.push_back(Column::texts("site_id", asite));
    as.columns.push_back(Column::reals("latency_us", alat));
    tables.push_back(std::move(as));
    tables.push_back(run_info_table(L.model, {{"command", "place"}, {"problem", a.problem}, {"budget", a.budget}}));
    write_tables(a.out, tables);
    write_text_file(sidecar(a.out, ".summary.json"), j.dump(2) + "\n");
    auto secs = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
    const nlohmann::ordered_json timings = {{"read_and_build_s", secs(t0, t1)},
                                            {"coverage_s", secs(t1, t2)},
                                            {"solve_s", secs(t2, t3)},
                                            {"coverage_entries", cov.entries()}};
    write_text_file(sidecar(a.out, ".timings.json"), timings.dump(2) + "\n");
  }
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{} ({}): {}, objective {} ({}), bound {}, gap {}\n", a.problem, L.model.describe(), to_string(res.status),
               j["objective"].dump(), j["objective_is"].get<std::string>(), j["bound"].dump(), j["gap"].dump());
    fmt::print("demand rows {} -> {}, candidates {} -> {} after reductions; method {}\n", res.rows_before, res.rows_after,
               res.columns_before, res.columns_after, res.method);
    std::string ids;
    for (std::uint32_t s : res.open) ids += (ids.empty() ? "" : ", ") + sites.id[s] + (in.status[s] == SiteStatus::existing ? " (existing)" : "");
    fmt::print("open sites ({} new): {}\n", new_sites, ids.empty() ? "none" : ids);
    if (!res.reason.empty()) fmt::print("{}\n", res.reason);
    if (!res.uncoverable.empty()) {
      std::string fids;
      for (std::size_t i = 0; i < res.uncoverable.size() && i < 50; ++i)
        fids += (i ? ", " : "") + std::to_string(demand.fid[res.uncoverable[i]]);
      if (res.uncoverable.size() > 50) fids += ", ...";
      fmt::print("demand no candidate can cover ({}:{}): fid {}\n", demand.info.path, demand.info.layer, fids);
    }
  }
  return res.status == SolveStatus::optimal || res.status == SolveStatus::feasible ? 0 : 1;
}

}  // namespace

void register_place(CLI::App& app, Runner& run) {
  auto a = std::make_shared<PlaceArgs>();
  CLI::App* cmd = app.add_subcommand("place", "Choose sites: lscp, mclp, pmedian, pcenter (CBC, exact where it can)");
  add_network_options(*cmd, a->network, true);
  add_sites_options(*cmd, a->sites, true);
  add_model_options(*cmd, a->model);
  cmd->add_option("--demand", a->demand, "Demand points or polygons (centroids): PATH[:LAYER]")->required();
  cmd->add_option("--demand-where", a->demand_where, "OGR attribute filter on the demand layer");
  cmd->add_option("--weight", a->weight, "Demand weight field (DEFAULT: 1 per feature)");
  cmd->add_option("--load-field", a->load_field, "Demand load field for capacities (DEFAULT: 1 per feature)");
  cmd->add_option("--status-field", a->status_field, "Site status field: existing, required, candidate/planned, excluded");
  cmd->add_option("--cost-field", a->cost_field, "Site cost field (DEFAULT: 1 per new site)");
  cmd->add_option("--capacity-field", a->capacity_field, "Site capacity field (NULL: uncapacitated)");
  cmd->add_option("--capacity-unit", a->capacity_unit, "Name of the capacity/load unit for outputs (e.g. racks)");
  cmd->add_option("--problem", a->problem, "lscp, mclp, pmedian or pcenter (DEFAULT: lscp)")->capture_default_str();
  cmd->add_option("--budget", a->budget, "Latency budget in the run's metric, e.g. 1ms");
  cmd->add_option("--p", a->p, "Number of new sites to open (mclp, pmedian, pcenter)");
  cmd->add_option("--k", a->k, "Backup coverage: each demand covered by at least k open sites (lscp)");
  cmd->add_option("--money", a->money, "Upper limit on the total cost of new sites (mclp)");
  cmd->add_option("--tier", a->tiers,
                  "Tiered budget for part of the demand: FILTER:BUDGET, e.g. \"in_qingdao = 1:1ms\" (repeatable)");
  cmd->add_flag("--survive", a->survive, "Coverage must survive any single fibre edge cut (lscp, mclp)");
  cmd->add_option("--srlg-field", a->srlg_field, "Network field of shared-risk groups: coverage must survive any group's cut");
  cmd->add_option("--time-limit", a->time_limit, "Solver time limit (DEFAULT: 60s)")->capture_default_str();
  cmd->add_option("--out", a->out, "Output GeoPackage (.summary.json and .timings.json beside it)");
  cmd->add_option("--threads", a->threads, "Search threads (DEFAULT: all cores; the solver uses one)");
  cmd->add_flag("--json", a->json, "Machine-readable result on stdout");
  cmd->callback([a, &run] { run = [a] { return run_place(*a); }; });
}

}  // namespace lightcone::cli
