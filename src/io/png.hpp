// Images through GDAL for the quick-look maps: 8-bit RGBA PNG writing (atomic,
// byte-identical for identical pixels: no time chunk, no .aux.xml sidecar) and reading
// back, and a raster (the latency GeoTIFF) resampled onto a lon/lat pixel grid.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lightcone {

// Writes width × height RGBA bytes (row-major, top row first) as a PNG, to a temporary
// name beside `path`, renamed when complete. InputError when the directory does not
// exist or GDAL fails. REQUIRES: rgba.size() == width · height · 4.
void write_png(const std::string& path, std::span<const std::uint8_t> rgba, int width, int height);

// The same PNG bytes in memory (for embedding, e.g. as a data: URI).
std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> rgba, int width, int height);

struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // 4 bytes per pixel; gray/RGB files get alpha 255
};
// Reads an 8-bit image (PNG or any GDAL raster with 1–4 bands). InputError when it cannot.
RgbaImage read_image(const std::string& path);

// A north-up lon/lat pixel grid (WGS 84): pixel (col, row) covers
// lon ∈ [west + col·dlon, west + (col+1)·dlon), lat ∈ (north − (row+1)·dlat, north − row·dlat].
struct LonLatPixelGrid {
  double west = 0.0;
  double north = 0.0;
  double dlon = 1.0;
  double dlat = 1.0;
  int width = 0;
  int height = 0;
};

struct ResampledRaster {
  int width = 0;
  int height = 0;
  std::vector<float> values;  // row-major, north row first; NaN where nodata or outside
  std::vector<std::pair<std::string, std::string>> metadata;  // the dataset's metadata items
};

// Band 1 of a georeferenced raster resampled (nearest neighbour) onto `grid`.
// InputError when the file cannot be opened or has no CRS.
ResampledRaster read_raster_on_grid(const std::string& path, const LonLatPixelGrid& grid);

}  // namespace lightcone
