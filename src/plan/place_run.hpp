// `lightcone place` as a library call: read the demand and the network with its
// candidate sites, derive per-site statuses, per-demand tier budgets and the cut
// scenarios, run the place job (plan/place_job.hpp), then write its GeoPackage and
// sidecars as a separate step. The command line only parses options into a
// PlaceRequest and prints the result.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plan/load.hpp"
#include "plan/place_job.hpp"

namespace lightcone {

// Demand matching `where` (an OGR filter on the demand layer, combined with the
// demand's own filter) gets `budget` instead of the main budget; first match wins.
struct PlaceTier {
  std::string where;
  Microseconds budget;  // in the model's metric
};

// Measured latencies instead of a network (`place --coverage FILE`, `[coverage]`): a
// table with one row per demand–site pair, columns demand_id, site_id, latency_us. With
// it, the request's `sites` and `demand` are optional attribute tables (geometry, if any,
// ignored) keyed by id: sites by PointFields::id (DEFAULT site_id, else the FID), demand
// by `demand_id_field` (DEFAULT demand_id, else the FID); without them, the ids in the
// table (in order of first appearance), weight 1, cost 1, no capacity, all candidates.
struct MeasuredInput {
  LayerSpec table;
  std::string where;                   // OGR filter on the table; empty = none
  std::string option = "--coverage";   // how the source is named in messages
  Metric metric = Metric::rtt;         // the metric the table's latencies are in
  std::string demand_id_field;         // empty: demand_id if the demand table has it, else the FID
};

struct PlaceRequest {
  std::optional<MeasuredInput> measured;  // none: placement on the network
  NetworkInput network;
  SitesInput sites;
  LayerSpec demand;
  ReadOptions demand_read;
  PointFields demand_fields;
  LatencyModel model;
  // Problem, budget, p, k, money, time limit, use_* flags, capacity unit, threads,
  // survive. Statuses, tier budgets and edge groups are filled by run_place.
  PlaceJobOptions job;
  std::string status_field;  // empty: every site a candidate
  std::string srlg_field;    // empty: single edge cuts (with job.survive)
  std::vector<PlaceTier> tiers;
};

struct PlaceRun {
  // Measured latencies (PlaceRequest::measured): no network, no geometry; sites and
  // demand named by their ids (demand.id), outputs are attribute tables.
  bool measured = false;
  LoadedNetwork network;  // with the sites (network.sites) attached; measured: model and sites only
  PointLayer demand;
  PlaceJobOptions options;  // as run
  PlaceJobResult result;
  nlohmann::ordered_json summary;  // place_json
  double read_and_build_s = 0.0;
};

PlaceRun run_place(const PlaceRequest& request);

// Measured latencies: reads the table (and the sites and demand tables), checks it
// (InputError naming file, row and fix: missing column, not a number, negative
// latency, a pair given twice, an id the sites or demand table does not have) and runs
// the place job on it. run_place calls it when request.measured is set.
PlaceRun run_place_measured(const PlaceRequest& request);

// Writes every demand–site pair of a run's coverage within its budget as a table
// (CSV, or any format write_tables knows by the extension): demand_id (the demand's
// FID, or id when measured), site_id, latency_us in the run's metric, full precision,
// so that `--coverage` on it gives the same plan.
void write_coverage_pairs(const std::string& path, const PlaceRun& run);

// The result as lines of text: problem, model, status, objective, bound and gap;
// reductions and method; open sites; the reason; demand no candidate can cover.
std::string place_text(const PlaceRun& run);
// "FILTER:BUDGET" (the last ':' splits) → a tier. InputError naming --tier otherwise.
PlaceTier parse_tier(const std::string& text);

// Writes `out` (GeoPackage: sites, demand, uncovered, assignments, run_info) and its
// sidecars <stem>.summary.json and <stem>.timings.json. Nothing when no plan was found.
void write_place(const std::string& out, const PlaceRun& run);

}  // namespace lightcone
