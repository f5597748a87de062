// Quick-look PNG maps of a run, drawn by lightcone itself (render module) for the
// Markdown report and for `lightcone render`: reads a run's GeoPackage (and its latency
// GeoTIFF) through io and writes
//   zones.png      zones coloured by budget (as maps/zones.qml), boundaries, fibre,
//                  sites by status (as maps/sites.qml), uncovered demand in red;
//                  when the run has a zones layer;
//   surface.png    the latency surface on a green → red ramp with its legend, nodata
//                  white, zone edges and sites on top; when a surface GeoTIFF is given;
//   placement.png  chosen / required / existing / candidate sites, assignment lines,
//                  fibre, demand and uncovered demand; when the run has chosen sites or
//                  assignments.
// Drawn the same way on every map: lines (fibre, assignments) as geodesics (segments
// longer than 25 km are densified along the great ellipse, as the zones are built);
// zones_split as thin lines between the sites' parts when the run has it; candidate
// sites small and pale when there are more than 300; country borders and coastlines
// (Natural Earth 1:50m, public domain, compiled in) under everything when the map spans
// more than 500 km; labels (boundary names, chosen sites) with the map font (any script,
// render/font.hpp), decluttered: never overlapping or cut by the frame.
// Every map has the title, the run's latency model, a legend and a scale bar (geodesic
// km along the mid latitude). Vector layers are WGS 84; the projection is
// equirectangular at the mid latitude (true aspect). Output is byte-identical for
// identical inputs (no dates, no paths in the pictures, fixed colours).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/layers.hpp"
#include "io/write.hpp"

namespace lightcone {

// Files written by render_run_maps, in this order.
inline constexpr const char* kZonesPng = "zones.png";
inline constexpr const char* kSurfacePng = "surface.png";
inline constexpr const char* kPlacementPng = "placement.png";

struct RunMapOptions {
  // Width of every map in pixels. DEFAULT: 1400. REQUIRES: kMinMapWidth..kMaxMapWidth.
  int width = 1400;
  // Supersampling factor for anti-aliasing. DEFAULT: 2. REQUIRES: 1..4.
  int supersample = 2;
  // The map extent in degrees (zoom). DEFAULT: everything in the run, padded 3 %.
  // REQUIRES: −180 <= west < east <= 180, −90 <= south < north <= 90.
  struct Extent {
    double west, south, east, north;
  };
  std::optional<Extent> extent;
};
inline constexpr int kMinMapWidth = 600;
inline constexpr int kMaxMapWidth = 8000;

// Renders the maps of the run `run_gpkg` (a GeoPackage written by plan, zones or place:
// it must have the run_info layer) into `out_dir` (created when missing, if its parent
// exists), with the surface from `surface_tif` (empty: no surface map). Returns the
// paths written, in the order zones, surface, placement. Everything is read and drawn
// before the first file is written: on InputError (missing or foreign file, bad width,
// unusable output directory) nothing is written.
std::vector<std::string> render_run_maps(const std::string& run_gpkg, const std::string& surface_tif,
                                         const std::string& out_dir, const RunMapOptions& options = {});
// The same from the run's tables in memory (as written to its GeoPackage, which the
// footer names `run_name`), without reading the GeoPackage back.
std::vector<std::string> render_run_maps(const std::string& run_name, std::span<const FeatureTable> tables,
                                         const std::string& surface_tif, const std::string& out_dir,
                                         const RunMapOptions& options = {});

}  // namespace lightcone
