// lightcone place: which sites to open (LSCP, MCLP, p-median, p-center, backup
// coverage, capacities, fixed sites), solved exactly with CBC where it can, with the
// status, bound and gap stated.
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/write.hpp"
#include "plan/place_run.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct PlaceArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  std::string demand;
  std::string demand_where;
  std::string weight;
  std::string label_field;
  std::string load_field;
  std::string status_field;
  std::string cost_field;
  std::string capacity_field;
  std::string capacity_unit = "units";
  std::string problem = "lscp";
  std::string budget;
  int p = 0;
  int k = 1;
  std::optional<double> money;
  std::string time_limit = "60s";
  std::string uncoverable = "fail";
  bool largest_component = false;
  std::string out;
  bool survive = false;
  std::string srlg_field;
  std::vector<std::string> tiers;  // "FILTER:BUDGET"
  std::string coverage;            // measured latency table instead of --network
  std::string coverage_where;
  std::string coverage_metric;     // empty: --metric
  std::string demand_id;
  std::string write_coverage;
  unsigned threads = 0;
  bool json = false;
};

PlaceRequest request(const PlaceArgs& a) {
  PlaceRequest q;
  q.model = make_model(a.model);
  PlaceJobOptions& o = q.job;
  o.problem = parse_problem(a.problem, "--problem");
  const bool measured = !a.coverage.empty();
  if (measured && !a.network.network.empty()) {
    throw InputError("give either --network (latency modelled on the fibre) or --coverage (a measured latency table), "
                     "not both.");
  }
  if (!measured) {
    if (a.network.network.empty()) {
      throw InputError("place needs --network PATH[:LAYER] (fibre lines), or --coverage FILE (a measured latency "
                       "table: demand_id, site_id, latency_us).");
    }
    if (a.demand.empty()) throw InputError("place needs --demand PATH[:LAYER].");
    if (a.sites.sites.empty()) throw InputError("place needs --sites PATH[:LAYER] (candidate sites).");
    if (!a.demand_id.empty() || !a.coverage_metric.empty() || !a.coverage_where.empty()) {
      throw InputError("--demand-id, --coverage-metric and --coverage-where go with --coverage; on a network, demand "
                       "is named by its FID.");
    }
  }
  if (!a.write_coverage.empty()) {
    if (std::filesystem::path(a.write_coverage).extension() != ".csv") {
      throw InputError("--write-coverage writes a CSV table: give it a .csv file name (" + a.write_coverage + ").");
    }
    write_tables_check_path(a.write_coverage);
    o.keep_coverage = true;
  }
  if (!a.out.empty()) {
    if (std::filesystem::path(a.out).extension() != ".gpkg") {
      throw InputError("place writes a GeoPackage: give --out a .gpkg file name (" + a.out + ").");
    }
    write_tables_check_path(a.out);
  }
  const bool needs_budget = o.problem == Problem::lscp || o.problem == Problem::mclp;
  if (needs_budget && a.budget.empty()) throw InputError("--problem " + a.problem + " needs --budget, e.g. --budget 1ms.");
  check_p(o.problem, a.p, "--p");
  if (o.problem != Problem::lscp && a.p <= 0) throw InputError("--problem " + a.problem + " needs --p N (sites to open), N >= 1.");
  if (a.k < 1) throw InputError("--k must be at least 1 (backup coverage level).");
  const Microseconds limit = parse_duration(a.time_limit, "--time-limit");
  if (!(limit.value > 0)) throw InputError("--time-limit must be greater than zero, e.g. '60s'.");
  if (!a.budget.empty()) {
    const auto b = parse_budgets(a.budget, "--budget");
    if (b.size() != 1) throw InputError("place takes one --budget, e.g. --budget 1ms.");
    o.budget = make_budget(q.model, b[0]);
  }
  if (measured && (a.survive || !a.srlg_field.empty())) {
    throw InputError("--survive and --srlg-field need a network (coverage after fibre cuts); a measured latency table "
                     "(--coverage) has no fibres. Drop the option, or use --network instead of --coverage.");
  }
  if ((a.survive || !a.srlg_field.empty()) && o.problem != Problem::lscp && o.problem != Problem::mclp) {
    throw InputError("--survive works with --problem lscp or mclp.");
  }
  for (const std::string& tier : a.tiers) q.tiers.push_back(parse_tier(tier));
  o.p = a.p;
  o.k = a.k;
  if (a.money) {
    check_money(*a.money, "--money");
    o.money = *a.money;
  }
  o.time_limit_s = limit.value / 1e6;
  o.uncoverable = parse_uncoverable(a.uncoverable, "--uncoverable");
  o.largest_component = a.largest_component;
  // Tests only (undocumented): p-median's assignment MIP even when heuristics prove the plan.
  if (const char* force = std::getenv("LIGHTCONE_FORCE_MIP"); force && std::string(force) == "1") o.force_mip = true;
  o.use_cost = !a.cost_field.empty();
  o.use_capacity = !a.capacity_field.empty();
  o.use_load = !a.load_field.empty();
  o.capacity_unit = a.capacity_unit;
  o.threads = a.threads;
  o.survive = a.survive;
  SitesArgs sa = a.sites;
  sa.fields.status = a.status_field;
  sa.fields.cost = a.cost_field;
  sa.fields.capacity = a.capacity_field;
  q.status_field = a.status_field;
  q.srlg_field = a.srlg_field;
  if (measured) {
    MeasuredInput m;
    m.table = parse_layer_spec(a.coverage);
    m.where = a.coverage_where;
    // The table's values are in the run's metric unless said otherwise.
    m.metric = a.coverage_metric.empty() ? q.model.metric : parse_metric(a.coverage_metric, "--coverage-metric");
    m.demand_id_field = a.demand_id;
    q.measured = m;
    if (!a.sites.sites.empty()) q.sites.layer = parse_layer_spec(a.sites.sites);
    q.sites.read.where = a.sites.sites_where;
    q.sites.fields = sa.fields;
    if (!a.demand.empty()) q.demand = parse_layer_spec(a.demand);
    q.demand_read.where = a.demand_where;
  } else {
    NetworkArgs na = a.network;
    na.fields.risk_group = a.srlg_field;
    q.network = network_input(na);
    q.sites = sites_input(sa, a.network.assume_crs);
    q.demand = parse_layer_spec(a.demand);
    q.demand_read = read_options("--demand", a.demand_where, a.network.assume_crs);
  }
  q.demand_fields.weight = a.weight;
  q.demand_fields.load = a.load_field;
  q.demand_fields.label = a.label_field;
  check_out_not_input(a.out, {".summary.json", ".timings.json"},
                      {{"--network", q.network.layer.path},
                       {"--sites", q.sites.layer.path},
                       {"--demand", q.demand.path},
                       {"--coverage", q.measured ? q.measured->table.path : std::string()}});
  if (!a.write_coverage.empty()) {
    check_out_not_input(a.write_coverage, {},
                        {{"--network", q.network.layer.path},
                         {"--sites", q.sites.layer.path},
                         {"--demand", q.demand.path},
                         {"--coverage", q.measured ? q.measured->table.path : std::string()}});
  }
  return q;
}

int run_place_command(const PlaceArgs& a) {
  const PlaceRun run = run_place(request(a));
  if (!a.out.empty()) write_place(a.out, run);
  if (!a.write_coverage.empty()) write_coverage_pairs(a.write_coverage, run);
  if (a.json) {
    fmt::print("{}\n", json_text(run.summary));
  } else {
    fmt::print("{}", place_text(run));
  }
  return run.result.solved() ? 0 : 1;
}

}  // namespace

void register_place(CLI::App& app, Runner& run) {
  auto a = std::make_shared<PlaceArgs>();
  CLI::App* cmd = app.add_subcommand("place", "Choose sites: lscp, mclp, pmedian, pcenter (CBC, exact where it can)");
  add_network_options(*cmd, a->network, false);
  add_sites_options(*cmd, a->sites, false);
  add_model_options(*cmd, a->model);
  cmd->add_option("--coverage", a->coverage,
                  "Measured latencies instead of --network: a table (CSV or any GDAL table, PATH[:LAYER]) with "
                  "columns demand_id, site_id, latency_us (microseconds, one row per measured pair); --sites and "
                  "--demand are then optional attribute tables keyed by site id / demand id");
  cmd->add_option("--coverage-where", a->coverage_where, "OGR attribute filter on the --coverage table");
  cmd->add_option("--coverage-metric", a->coverage_metric,
                  "Whether the --coverage table's latencies are rtt or one-way (DEFAULT: the --metric, rtt)");
  cmd->add_option("--demand-id", a->demand_id,
                  "With --coverage: the demand table's id field (DEFAULT: demand_id if present, else the FID)");
  cmd->add_option("--write-coverage", a->write_coverage,
                  "Also write every demand-site pair within the budget as a CSV table (demand_id = the demand FID, "
                  "site_id, latency_us in the run's metric): a --coverage table of this run");
  cmd->add_option("--demand", a->demand, "Demand points or polygons (centroids): PATH[:LAYER]");
  cmd->add_option("--demand-where", a->demand_where, "OGR attribute filter on the demand layer");
  cmd->add_option("--weight", a->weight, "Demand weight field (DEFAULT: 1 per feature)");
  cmd->add_option("--label-field", a->label_field, "Field that names demand features in outputs (name column; DEFAULT: the first of name, label, site_id present; none: no names)");
  cmd->add_option("--load-field", a->load_field, "Demand load field for capacities (DEFAULT: 1 per feature)");
  cmd->add_option("--status-field", a->status_field, "Site status field: existing, required, candidate/planned, excluded");
  cmd->add_option("--cost-field", a->cost_field, "Site cost field (DEFAULT: 1 per new site)");
  cmd->add_option("--capacity-field", a->capacity_field, "Site capacity field (NULL: uncapacitated)");
  cmd->add_option("--capacity-unit", a->capacity_unit, "Name of the capacity/load unit for outputs (e.g. racks)");
  cmd->add_option("--problem", a->problem, "lscp, mclp, pmedian or pcenter (DEFAULT: lscp)")->capture_default_str();
  cmd->add_option("--budget", a->budget,
                  "Latency budget in the run's metric, e.g. 1ms (pmedian, pcenter: a hard constraint, every demand "
                  "served within it; pmedian warns when it removed pairs an unbudgeted solve uses)");
  cmd->add_option("--p", a->p, "Number of new sites to open (mclp, pmedian, pcenter)");
  cmd->add_option("--k", a->k, "Backup coverage: each demand covered by at least k open sites (lscp)");
  cmd->add_option("--money", a->money, "Upper limit on the total cost of new sites (mclp)");
  cmd->add_option("--tier", a->tiers,
                  "Tiered budget for part of the demand: FILTER:BUDGET, e.g. \"in_qingdao = 1:1ms\" (repeatable)");
  cmd->add_flag("--survive", a->survive, "Coverage must survive any single fibre edge cut (lscp, mclp)");
  cmd->add_option("--srlg-field", a->srlg_field, "Network field of shared-risk groups: coverage must survive any group's cut");
  cmd->add_option("--time-limit", a->time_limit, "Solver time limit, wall-clock time of the whole solve: when it runs out, the best plan found with its bound (status feasible) (DEFAULT: 60s)")->capture_default_str();
  cmd->add_option("--uncoverable", a->uncoverable,
                  "Demand no candidate can serve (within the budget; p-median/p-center: at all): fail (infeasible) "
                  "or skip (listed in the uncovered layer, the problem solved for the rest) (DEFAULT: fail)")
      ->capture_default_str();
  cmd->add_flag("--largest-component", a->largest_component,
                "Plan on the network's largest connected component only: demand and sites off it are left out "
                "(demand listed in the uncovered layer; islands often come from missing coordinates)");
  cmd->add_option("--out", a->out, "Output GeoPackage (.summary.json and .timings.json beside it)");
  cmd->add_option("--threads", a->threads, "Search threads (DEFAULT: all cores; the solver uses one)");
  cmd->add_flag("--json", a->json, "Machine-readable result on stdout");
  cmd->callback([a, &run] { run = [a] { return run_place_command(*a); }; });
}

}  // namespace lightcone::cli
