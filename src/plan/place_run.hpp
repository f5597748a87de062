// `lightcone place` as a library call: read the demand and the network with its
// candidate sites, derive per-site statuses, per-demand tier budgets and the cut
// scenarios, run the place job (plan/place_job.hpp), then write its GeoPackage and
// sidecars as a separate step. The command line only parses options into a
// PlaceRequest and prints the result.
#pragma once

#include <nlohmann/json.hpp>
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

struct PlaceRequest {
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
  LoadedNetwork network;  // with the sites (network.sites) attached
  PointLayer demand;
  PlaceJobOptions options;  // as run
  PlaceJobResult result;
  nlohmann::ordered_json summary;  // place_json
  double read_and_build_s = 0.0;
};

PlaceRun run_place(const PlaceRequest& request);

// The result as lines of text: problem, model, status, objective, bound and gap;
// reductions and method; open sites; the reason; demand no candidate can cover.
std::string place_text(const PlaceRun& run);
// "FILTER:BUDGET" (the last ':' splits) → a tier. InputError naming --tier otherwise.
PlaceTier parse_tier(const std::string& text);

// Writes `out` (GeoPackage: sites, demand, uncovered, assignments, run_info) and its
// sidecars <stem>.summary.json and <stem>.timings.json. Nothing when no plan was found.
void write_place(const std::string& out, const PlaceRun& run);

}  // namespace lightcone
