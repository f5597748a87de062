// What changed between two runs (RUN_A → RUN_B), from their output tables:
// per budget present in both, the zone area gained and lost (ellipsoidal area of
// B − A and A − B) and the demand (matched by source_fid) whose coverage changed, with
// its weight; demand present in only one run; sites added and removed (by site_id).
// Coverage is lost when some demand point covered in A is not covered in B at some
// budget, or some zone lost more than kAreaLossKm2 of area.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/latency_model.hpp"
#include "core/table.hpp"

namespace lightcone {

// Zone area lost below this is not a loss (floating-point slivers). 0.01 km² = 1 ha.
inline constexpr double kAreaLossKm2 = 0.01;

struct RunForDiff {
  std::string label;                     // path as given
  Metric metric = Metric::rtt;
  const FeatureTable* zones = nullptr;   // required
  const FeatureTable* demand = nullptr;  // optional
  const FeatureTable* sites = nullptr;   // optional
};

// {"a", "b", "metric", "budgets": [...], "demand_only_in_a", "demand_only_in_b",
//  "demand_changes": [{"budget", "source_fid", "name" (when either run carries the input's
//  names), "change", "weight", "latency_a_us",
//  "latency_b_us"}], "sites_added", "sites_removed", "coverage_lost"}.
// InputError when the runs use different metrics or a table lacks its fields.
nlohmann::ordered_json diff_runs(const RunForDiff& a, const RunForDiff& b);

// Human-readable text of diff_runs' result.
std::string diff_text(const nlohmann::ordered_json& diff);

}  // namespace lightcone
