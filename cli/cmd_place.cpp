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
#include "plan/place_job.hpp"
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

int run_place(const PlaceArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  make_model(a.model);
  const Problem problem = parse_problem(a.problem, "--problem");
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
  const std::size_t ns = sites.pos.size();
  if (!std::isfinite(budget_metric)) {
    const double bytes = static_cast<double>(demand.pos.size()) * static_cast<double>(ns) * 16.0;
    if (bytes > 2e9) {
      throw InputError(fmt::format("--problem {} without --budget needs every demand-site pair: {:.1f} GB for {} x {}. "
                                   "Give --budget (e.g. 3ms) to keep only pairs within it.",
                                   a.problem, bytes / 1e9, demand.pos.size(), ns));
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  PlaceJobOptions o;
  o.problem = problem;
  o.problem_name = a.problem;
  o.budget_metric_us = budget_metric;
  o.budget_text = a.budget;
  o.p = a.p;
  o.k = a.k;
  if (a.money >= 0) o.money = a.money;
  o.time_limit_s = limit.value / 1e6;
  o.use_cost = !a.cost_field.empty();
  o.use_capacity = !a.capacity_field.empty();
  o.use_load = !a.load_field.empty();
  o.capacity_unit = a.capacity_unit;
  o.access_from = parse_access_from(a.model.access_from);
  o.threads = a.threads;
  o.status.assign(ns, SiteStatus::candidate);
  if (!a.status_field.empty())
    for (std::size_t i = 0; i < ns; ++i) o.status[i] = parse_site_status(sites.status[i], sites, i, a.status_field);
  // Tiered budgets: demand matching a tier's filter gets that tier's budget (first match
  // wins), the rest --budget.
  if (!a.tiers.empty()) {
    o.demand_budget_metric_us.assign(demand.pos.size(), budget_metric);
    std::vector<char> tiered(demand.pos.size(), 0);
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
        if (e.kind() != InputErrorKind::no_feature_matches) throw;
      }
      for (std::size_t d = 0; d < demand.pos.size(); ++d)
        if (fids.count(demand.fid[d]) && !tiered[d]) {
          o.demand_budget_metric_us[d] = b[0].value;
          tiered[d] = 1;
        }
    }
  }
  // Survivable coverage: every single edge cut, or every shared-risk group.
  o.survive = a.survive;
  if (!a.srlg_field.empty()) {
    std::map<std::int64_t, std::string> group_of_fid;
    for (std::size_t i = 0; i < L.lines.lines.lines(); ++i) group_of_fid[L.lines.lines.fid[i]] = L.lines.risk_group[i];
    o.edge_group.resize(L.net.edges());
    for (EdgeId e = 0; e < L.net.edges(); ++e) o.edge_group[e] = group_of_fid[L.net.edge_fid[e]];
    o.cuts_text = "shared-risk groups of " + a.srlg_field;
  } else if (a.survive) {
    o.cuts_text = "every single fibre edge";
  }
  const PlaceJobResult r = run_place_job(L, sites, demand, o);
  const PlacementResult& res = r.result;
  const nlohmann::ordered_json j = place_json(r, o, L.model, sites, demand, ns - L.sources.size());
  const std::size_t new_sites = r.new_sites();

  if (!a.out.empty() && res.status != SolveStatus::no_solution) {
    std::vector<FeatureTable> tables = place_tables(r, o, L.model, sites, L.site_node, demand);
    tables.push_back(run_info_table(L.model, {{"command", "place"}, {"problem", a.problem}, {"budget", a.budget}}));
    write_tables(a.out, tables);
    write_text_file(sidecar(a.out, ".summary.json"), j.dump(2) + "\n");
    auto secs = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
    const nlohmann::ordered_json timings = {{"read_and_build_s", secs(t0, t1)},
                                            {"coverage_s", r.coverage_s},
                                            {"solve_s", r.solve_s},
                                            {"coverage_entries", r.coverage_entries}};
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
    for (std::uint32_t s : res.open) ids += (ids.empty() ? "" : ", ") + sites.id[s] + (r.input.status[s] == SiteStatus::existing ? " (existing)" : "");
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
  cmd->add_option("--time-limit", a->time_limit, "Solver time limit, CPU time of the whole solve (DEFAULT: 60s)")->capture_default_str();
  cmd->add_option("--out", a->out, "Output GeoPackage (.summary.json and .timings.json beside it)");
  cmd->add_option("--threads", a->threads, "Search threads (DEFAULT: all cores; the solver uses one)");
  cmd->add_flag("--json", a->json, "Machine-readable result on stdout");
  cmd->callback([a, &run] { run = [a] { return run_place(*a); }; });
}

}  // namespace lightcone::cli
