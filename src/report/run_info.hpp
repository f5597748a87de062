// What every output states about the run: the latency model as JSON and as key/value
// rows for the GeoPackage's `run_info` table (no geometry; fields key, value).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/grid.hpp"
#include "core/latency_model.hpp"
#include "core/table.hpp"

namespace lightcone {

nlohmann::ordered_json model_to_json(const LatencyModel& m);
// The latency surface as the summary states it: file, CRS (epsg: the code, or null for
// a projection centred on the data; crs: its definition; crs_name), cell size, size in
// cells, the cell budget, and why the CRS and the cell size were chosen.
nlohmann::ordered_json surface_json(const LatencyGrid& g, const std::string& file);
// The same in one line for the run_info table's `surface` row and the CLI:
// "EPSG:32650 (WGS 84 / UTM zone 50N), 1 km cells, 420 x 310. CRS: <why>. Cells: <why>."
std::string surface_text(const LatencyGrid& g);

// A no-geometry table `run_info` (key, value) holding the model and `extra` rows.
FeatureTable run_info_table(const LatencyModel& m, const std::vector<std::pair<std::string, std::string>>& extra);

}  // namespace lightcone
