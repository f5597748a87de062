// A north-up raster of float32 values in a projected CRS (the latency surface).
// Cell (col, row) covers x ∈ [x0 + col·cell, x0 + (col+1)·cell) and
// y ∈ (y0 − (row+1)·cell, y0 − row·cell]; values in µs, `nodata` where unreachable.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lightcone {

struct LatencyGrid {
  int width = 0;
  int height = 0;
  double x0 = 0.0;    // west edge, CRS units (metres)
  double y0 = 0.0;    // north edge
  double cell = 0.0;  // metres
  int epsg = 0;       // e.g. 32650 (UTM 50N)
  float nodata = -1.0f;
  std::vector<float> values;  // row-major, north row first
  // Metadata written as GeoTIFF tags (model, metric, units).
  std::vector<std::pair<std::string, std::string>> metadata;

  double centre_x(int col) const { return x0 + (col + 0.5) * cell; }
  double centre_y(int row) const { return y0 - (row + 0.5) * cell; }
};

}  // namespace lightcone
