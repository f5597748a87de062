// The placement job shared by `lightcone place` and `lightcone plan`: sparse coverage
// from budget-bounded searches, optional tiers and survivable-coverage rows, the solve
// (placement/placement.hpp), and the demand → site assignment that respects capacities
// (placement/assign.hpp); then the summary JSON and the output tables.
// Latencies inside are one-way µs; summaries and tables use the model's metric.
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/layers.hpp"
#include "core/table.hpp"
#include "io/source.hpp"
#include "latency/prepared.hpp"
#include "placement/assign.hpp"
#include "placement/placement.hpp"
#include "placement/survival.hpp"

namespace lightcone {

// Site status text → SiteStatus: existing (or built), required, candidate (or planned,
// or empty), excluded; case-insensitive. InputError naming the feature otherwise.
SiteStatus parse_site_status(std::string text, const PointLayer& sites, std::size_t i, const std::string& field);
// "existing", "required", "excluded", and for candidates "chosen" or "candidate".
std::string site_status_name(SiteStatus s, bool open);
// p-median / p-center without a budget keep every demand–site pair: InputError when
// that would take more than 2 GB (16 bytes a pair), suggesting a budget.
void check_pair_memory(Problem problem, std::size_t demand, std::size_t sites);

struct PlaceJobOptions {
  Problem problem = Problem::lscp;
  // The budget; none: p-median / p-center over every pair (check_pair_memory).
  std::optional<Budget> budget;
  // Per demand: its own one-way budget in µs (tiers); empty = budget->one_way for all.
  std::vector<double> demand_budget_us;
  int p = 0;
  int k = 1;
  double money = std::numeric_limits<double>::infinity();
  // Wall seconds for the whole job, from the coverage build to the assignment; the solve
  // gets what the coverage build leaves (PlacementInput::deadline).
  double time_limit_s = 60.0;
  bool force_mip = false;               // PlacementInput::force_mip (tests)
  Uncoverable uncoverable = Uncoverable::fail;  // DEFAULT: fail (PlacementInput::uncoverable)
  // Demand and sites off the network's largest component are left out: demand listed as
  // uncovered (reason "off the largest network component"), sites never searched from.
  bool largest_component = false;       // DEFAULT: false (--largest-component)
  bool survive = false;                 // any single fibre edge cut
  std::vector<std::string> edge_group;  // per edge: shared-risk group (non-empty = group cuts)
  std::string cuts_text;                // how cuts were made, for outputs
  std::vector<SiteStatus> status;       // per site; empty = all candidates
  bool use_cost = false, use_capacity = false, use_load = false;
  std::string capacity_unit = "units";
  unsigned threads = 0;                 // searches; CBC always uses one
  // Keep the coverage as solved in PlaceJobResult::coverage (--write-coverage). DEFAULT: false.
  bool keep_coverage = false;
  // The coverage built elsewhere (`lightcone merge`: the rows of `plan --parts`), used
  // instead of build_coverage: every demand point's pairs within the largest budget, for
  // every site (entries of sites that are no candidate here, e.g. off the largest
  // component, are dropped). REQUIRES: demands and sites as the job's. DEFAULT: none.
  const Coverage* given_coverage = nullptr;
};

struct PlaceJobResult {
  PlacementInput input;                 // as solved (coverage pointer cleared)
  PlacementResult result;
  Assignment assignment;                // demand → open sites (capacities respected)
  std::vector<double> demand_budget_us; // per demand, one-way
  std::size_t coverage_entries = 0;
  Coverage coverage;                    // as solved, when PlaceJobOptions::keep_coverage
  std::size_t cut_scenarios = 0, survival_rows = 0;
  // False when the time limit stopped the cut rows' build: then no solve (status
  // no_solution, the reason says how far the build got).
  bool survival_complete = true;
  double coverage_s = 0.0, solve_s = 0.0;
  // p-median with a budget (a hard constraint: pairs beyond it are no options): the same
  // problem solved over every pair, when they fit and time is left; how many demand
  // features its plan serves beyond their budget, and its objective (one-way µs).
  bool budget_checked = false;
  std::size_t served_beyond_budget = 0;
  double unbudgeted_objective = std::numeric_limits<double>::quiet_NaN();
  std::size_t sites_left_out = 0;       // largest_component: sites off it
  std::size_t largest_component_nodes = 0;
  // Open sites on a network component other than the largest (attached, by site index),
  // with that component's node count: islands often come from missing coordinates.
  std::vector<std::pair<std::uint32_t, std::size_t>> open_off_main;
  bool solved() const { return result.status == SolveStatus::optimal || result.status == SolveStatus::feasible; }
  std::vector<char> open(std::size_t sites) const;
  std::size_t new_sites() const;        // open sites that are not existing
};

PlaceJobResult run_place_job(const PreparedNetwork& prepared, const PointLayer& sites, const PointLayer& demand,
                             const PlaceJobOptions& options);

// The same job on measured latencies (place --coverage): `table` holds every measured
// demand–site pair (one-way µs, no budget applied); the budget (or tiers) keeps the pairs
// within it. No survivable coverage (InputError: it needs a network).
PlaceJobResult run_place_job_measured(const Coverage& table, const PointLayer& sites, const PointLayer& demand,
                                      const PlaceJobOptions& o);

// The result as JSON (DESIGN §5 keys: objective, bound, gap, status, method, reductions,
// open_sites, new_sites, uncoverable_demand_fids).
nlohmann::ordered_json place_json(const PlaceJobResult& r, const PlaceJobOptions& o, const LatencyModel& model,
                                  const PointLayer& sites, const PointLayer& demand, std::size_t sites_off_network);

// Tables of `lightcone place`: sites (status, open, weight_served, load, capacity),
// demand (site_id, latency_us, covered), uncovered (reason), assignments (lines).
std::vector<FeatureTable> place_tables(const PlaceJobResult& r, const PlaceJobOptions& o, const LatencyModel& model,
                                       const PointLayer& sites, const std::vector<NodeId>& site_node,
                                       const PointLayer& demand);

// The assignments layer alone (lines demand → main serving site).
FeatureTable assignments_table(const PlaceJobResult& r, const LatencyModel& model, const PointLayer& sites,
                               const PointLayer& demand);

// Per demand: 1 when some open site covers it within budget_us (one-way) and keeps
// covering it under every cut scenario (single edges, or groups when edge_group is
// given), else 0. `open` per site.
std::vector<char> survivable_demand(const PreparedNetwork& prepared, std::span<const LonLat> demand,
                                    std::span<const char> open, double budget_us, AccessFrom mode,
                                    const std::vector<std::string>& edge_group, unsigned threads);

}  // namespace lightcone
