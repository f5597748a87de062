// Reading polygon layers (boundaries for coverage targets) through GDAL. Geometries are
// transformed to WGS 84 lon/lat; invalid polygons (self-intersections, bad ring order)
// are repaired with OGR's MakeValid and counted; curved geometries are linearised.
// Features without a usable polygon are skipped with their reason, as in source.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "core/geometry.hpp"
#include "io/source.hpp"

namespace lightcone {

struct PolygonLayer {
  LayerInfo info;
  std::vector<MultiPolygon> polygons;  // one per usable feature
  std::vector<std::int64_t> fid;       // source FID per polygon
  std::size_t repaired = 0;            // invalid geometries made valid
};

// Polygons or multipolygons; points and lines are an InputError, as is a layer without a
// single usable polygon. `options.option` names the source in messages (DEFAULT: "--boundary").
PolygonLayer read_polygons(const LayerSpec& spec, const ReadOptions& options);

}  // namespace lightcone
