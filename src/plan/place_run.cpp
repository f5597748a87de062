#include "plan/place_run.hpp"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "io/write.hpp"
#include "plan/zones_job.hpp"
#include "report/run_info.hpp"
#include "report/json_text.hpp"

namespace lightcone {
namespace {

std::vector<SiteStatus> site_statuses(const PointLayer& sites, const std::string& field) {
  std::vector<SiteStatus> status(sites.pos.size(), SiteStatus::candidate);
  if (!field.empty())
    for (std::size_t i = 0; i < status.size(); ++i) status[i] = parse_site_status(sites.status[i], sites, i, field);
  return status;
}

// Per demand: its one-way budget, the first matching tier's or the main one.
std::vector<double> tier_budgets(const PlaceRequest& q, const PointLayer& demand) {
  const double main = q.job.budget ? q.job.budget->one_way.value : std::numeric_limits<double>::infinity();
  std::vector<double> budget(demand.pos.size(), main);
  std::vector<char> tiered(demand.pos.size(), 0);
  for (const PlaceTier& tier : q.tiers) {
    // The tier's filter alone, so that its messages show the filter the user wrote;
    // `demand` holds only the features the demand's own filter kept.
    ReadOptions read = q.demand_read;
    read.where = tier.where;
    std::set<std::int64_t> fids;
    try {
      const PointLayer matching = read_points(q.demand, read, demand_fields({}));
      fids.insert(matching.fid.begin(), matching.fid.end());
    } catch (const InputError& e) {
      if (e.kind() == InputErrorKind::no_feature_matches) continue;
      if (!e.message().names(Setting::where)) throw;
      const std::string source = q.demand_read.option.empty() ? "--demand" : q.demand_read.option;
      throw InputError(e.fields(), {e.text({source, "--tier", source + " PATH:LAYER", "--site-id"})});
    }
    for (std::size_t d = 0; d < demand.pos.size(); ++d)
      if (fids.count(demand.fid[d]) && !tiered[d]) {
        budget[d] = make_budget(q.model, tier.budget).one_way.value;
        tiered[d] = 1;
      }
  }
  return budget;
}

}  // namespace

PlaceRun run_place(const PlaceRequest& q) {
  if (q.measured) return run_place_measured(q);
  const auto t0 = std::chrono::steady_clock::now();
  PlaceRun r;
  r.demand = read_points(q.demand, q.demand_read, demand_fields(q.demand_fields));
  r.network = load_network(q.network, &q.sites, q.model);
  if (!q.job.budget) check_pair_memory(q.job.problem, r.demand.pos.size(), r.network.sites->pos.size());
  r.read_and_build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PointLayer& sites = *r.network.sites;
  PlaceJobOptions& o = r.options;
  o = q.job;
  o.status = site_statuses(sites, q.status_field);
  if (!q.tiers.empty()) o.demand_budget_us = tier_budgets(q, r.demand);
  // Survivable coverage: every single edge cut, or every shared-risk group.
  if (!q.srlg_field.empty()) {
    o.edge_group = edge_risk_groups(r.network.lines, r.network.net);
    o.cuts_text = "shared-risk groups of " + q.srlg_field;
  } else if (o.survive) {
    o.cuts_text = "every single fibre edge";
  }
  r.result = run_place_job(r.network, sites, r.demand, o);
  r.summary = place_json(r.result, o, r.network.model, sites, r.demand, sites.pos.size() - r.network.sources.size());
  return r;
}

std::string place_text(const PlaceRun& run) {
  std::string out;
  const PlacementResult& res = run.result.result;
  const nlohmann::ordered_json& j = run.summary;
  const PointLayer& sites = *run.network.sites;
  out += fmt::format("{} ({}): {}, objective {} ({}), bound {}, gap {}\n", to_string(run.options.problem),
             run.network.model.describe(), to_string(res.status), j["objective"].dump(),
             j["objective_is"].get<std::string>(), j["bound"].dump(), j["gap"].dump());
  // A run that ended before its reductions (no rows, no candidates seen) or before any
  // method ran says so rather than "0 -> 0" or an empty method.
  const std::string method = res.method.empty() ? "none (no solve was run)" : res.method;
  if (res.rows_before == 0 && res.columns_before == 0)
    out += fmt::format("reductions not reached; method {}\n", method);
  else
    out += fmt::format("demand rows {} -> {}, candidates {} -> {} after reductions; method {}\n", res.rows_before,
                       res.rows_after, res.columns_before, res.columns_after, method);
  std::string ids;
  for (std::uint32_t s : res.open)
    ids += (ids.empty() ? "" : ", ") + sites.id[s] + (run.options.status[s] == SiteStatus::existing ? " (existing)" : "");
  out += fmt::format("open sites ({} new): {}\n", run.result.new_sites(), ids.empty() ? "none" : ids);
  if (!res.reason.empty()) out += fmt::format("{}\n", res.reason);
  if (j.contains("warnings"))
    for (const auto& w : j["warnings"]) out += fmt::format("warning: {}\n", w.get<std::string>());
  if (run.options.largest_component) {
    out += fmt::format("largest component ({} nodes) only: {} site(s) and {} demand feature(s) (weight {}) off it left out\n",
                       run.result.largest_component_nodes, run.result.sites_left_out, run.result.input.left_out.size(),
                       res.left_out_weight);
  }
  if (!res.uncoverable.empty()) {
    std::string fids;
    for (std::size_t i = 0; i < res.uncoverable.size() && i < 50; ++i) {
      const std::uint32_t d = res.uncoverable[i];
      fids += (i ? ", " : "") + (run.measured ? run.demand.id[d] : std::to_string(run.demand.fid[d]));
    }
    if (res.uncoverable.size() > 50) fids += ", ...";
    out += fmt::format("demand no candidate can cover ({}:{}): {} {}\n", run.demand.info.path, run.demand.info.layer,
                       run.measured ? "demand_id" : "fid", fids);
    if (res.skipped_uncoverable)
      out += fmt::format("left out (--uncoverable skip): {} demand features, weight {}; the plan is for the rest\n",
                         res.uncoverable.size(), res.skipped_weight);
  }
  return out;
}

PlaceTier parse_tier(const std::string& tier) {
  const auto colon = tier.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw InputError("invalid --tier '" + tier + "'. Write FILTER:BUDGET, e.g. --tier \"in_qingdao = 1:1ms\".");
  }
  const auto b = parse_budgets(tier.substr(colon + 1), "--tier");
  if (b.size() != 1) throw InputError("--tier takes one budget after the last ':', e.g. \"in_qingdao = 1:1ms\".");
  return {tier.substr(0, colon), b[0]};
}

void write_place(const std::string& out, const PlaceRun& r) {
  if (r.result.result.status == SolveStatus::no_solution) return;
  const LoadedNetwork& L = r.network;
  std::vector<FeatureTable> tables = place_tables(r.result, r.options, L.model, *L.sites, L.site_node, r.demand);
  if (!r.measured && L.graph) {
    // The fibre with latency from the open sites (as zones writes it), for QGIS and the
    // placement map. (A measured latency table has no network.)
    const std::vector<char> open = r.result.open(L.sites->pos.size());
    std::vector<Source> sources;
    std::vector<std::uint32_t> source_site;
    for (std::size_t i = 0; i < L.sources.size(); ++i)
      if (open[L.source_site[i]]) {
        sources.push_back(L.sources[i]);
        source_site.push_back(L.source_site[i]);
      }
    NodeLatencies nodes = nearest_source_latency(*L.graph, sources);
    canonical_sources(*L.graph, sources, source_site, nodes);
    tables.push_back(network_table(L, nodes, source_site, *L.sites, L.model));
  }
  tables.push_back(run_info_table(L.model, {{"command", "place"},
                                            {"problem", std::string(to_string(r.options.problem))},
                                            {"budget", r.options.budget ? r.options.budget->name() : ""}}));
  write_tables(out, tables);
  write_text_file(sidecar_path(out, ".summary.json"), json_text(r.summary) + "\n");
  const nlohmann::ordered_json timings = {{"read_and_build_s", r.read_and_build_s},
                                          {"coverage_s", r.result.coverage_s},
                                          {"solve_s", r.result.solve_s},
                                          {"coverage_entries", r.result.coverage_entries}};
  write_text_file(sidecar_path(out, ".timings.json"), json_text(timings) + "\n");
}

}  // namespace lightcone
