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
  int epsg = 0;       // e.g. 32650 (UTM 50N); 0 when the CRS has no EPSG code (crs says it)
  // The CRS as PROJ and GDAL read it: "EPSG:32650", or a PROJ string for a projection
  // centred on the data ("+proj=laea +lat_0=42 +lon_0=-55 +datum=WGS84 +units=m
  // +no_defs +type=crs"); its name; and why it and the cell size were chosen (for the
  // summary and report).
  std::string crs;
  std::string crs_name;
  std::string crs_choice;
  std::string cell_choice;
  double max_cells = 0.0;  // the cell budget the grid was chosen under
  float nodata = -1.0f;
  std::vector<float> values;  // row-major, north row first
  // Metadata written as GeoTIFF tags (model, metric, units).
  std::vector<std::pair<std::string, std::string>> metadata;

  double centre_x(int col) const { return x0 + (col + 0.5) * cell; }
  double centre_y(int row) const { return y0 - (row + 0.5) * cell; }
};

}  // namespace lightcone
