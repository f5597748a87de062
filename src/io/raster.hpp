// GeoTIFF writer for the latency surface (core/grid.hpp).
#pragma once

#include <string>

#include "core/grid.hpp"

namespace lightcone {

// Writes a DEFLATE-compressed float32 GeoTIFF atomically (temporary name, then rename).
void write_geotiff(const std::string& path, const LatencyGrid& grid);

}  // namespace lightcone
