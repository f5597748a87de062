// What every output states about the run: the latency model as JSON and as key/value
// rows for the GeoPackage's `run_info` table (no geometry; fields key, value).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/latency_model.hpp"
#include "core/table.hpp"

namespace lightcone {

nlohmann::ordered_json model_to_json(const LatencyModel& m);
// A no-geometry table `run_info` (key, value) holding the model and `extra` rows.
FeatureTable run_info_table(const LatencyModel& m, const std::vector<std::pair<std::string, std::string>>& extra);

}  // namespace lightcone
