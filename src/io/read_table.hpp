// Reading back a layer lightcone wrote (a run's GeoPackage: zones, demand, sites,
// run_info) as a FeatureTable: geometry (points, lines or multipolygons, WGS 84 as
// written), FIDs and every attribute field (integer → integer, real → real, anything
// else → text; NULL kept). Used by `check --run` and `diff`.
#pragma once

#include <string>
#include <vector>

#include "core/table.hpp"

namespace lightcone {

// Throws InputError naming the file when it or the layer does not exist. `where` is an
// optional OGR attribute filter. Geometries are returned as stored (no CRS transform).
FeatureTable read_table(const std::string& path, const std::string& layer, const std::string& where = "");

// Layer names of a dataset (empty when it cannot be opened).
std::vector<std::string> layer_names(const std::string& path);

}  // namespace lightcone
