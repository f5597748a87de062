// Latency surface: the point latency (latency/point_latency.hpp) at every cell centre of
// a grid in a projected CRS chosen from the extent (surface_grid_choice below).
// Rasterised: each cell takes the minimum over the network pieces within max access of
// it of the same per-piece closed form PointLatencyQuery::evaluate minimises
// (PointLatencyQuery::piece_latency), visiting pieces cheapest first and skipping those
// whose rigorous lower bound cannot beat the cell's best, so every value equals
// evaluate() at the cell centre. Tiles of cells are shared out over threads; each
// value is independent of the tiling and thread count (byte-identical grids).
// Extents may cross the antimeridian: then max.lon > 180 (see LonLatBox).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/grid.hpp"
#include "core/latency_model.hpp"
#include "latency/point_latency.hpp"

namespace lightcone {

struct SurfaceOptions {
  // Cell size in metres; 0 = chosen: 1 km, or the first of 2, 2.5, 5, 10, 20, 25, 50 km,
  // … that keeps the grid within max_cells. DEFAULT: 0. REQUIRES: >= 0.
  double cell_m = 0.0;
  // Target CRS (EPSG code); 0 = chosen from the extent: the UTM zone of its centre when
  // lengths in it are true within kUtmMaxScaleError all over the extent (a province:
  // about 6° of longitude at the equator, more towards the poles), else Lambert
  // azimuthal equal-area centred on it (up to 180° of longitude), else Equal Earth
  // centred on it. DEFAULT: 0.
  int epsg = 0;
  // Most cells the grid may have: a chosen cell size stays within it, a given one that
  // needs more is refused (InputError). DEFAULT: 25 000 000 (100 MB of float32).
  // REQUIRES: >= 1.
  double max_cells = 25e6;
  // Refuse grids needing more memory than this. DEFAULT: 4 GiB.
  double max_bytes = 4.0 * 1024 * 1024 * 1024;
  // Worker threads; 0 = all cores.
  unsigned threads = 0;
  // How messages name the settings "cell_size", "max_cells" and "surface_extent" (and
  // where they are). DEFAULT (null): the command line's, --cell-size, --max-cells and
  // --surface-extent. REQUIRES: outlives the latency_surface call.
  const SettingNames* names = nullptr;
};

// The largest scale error |k − 1| of the UTM zone of the extent's centre for which the
// surface stays in UTM: 0.5 %, which a 6°-wide extent reaches at the equator when its
// centre lies on a zone boundary (3° + 3° from the central meridian).
inline constexpr double kUtmMaxScaleError = 0.005;

// A lon/lat extent. max.lon may exceed 180 when the extent crosses the antimeridian
// (min.lon in [−180, 180], max.lon − min.lon ≤ 360).
struct LonLatBox {
  LonLat min{180, 90};
  LonLat max{-180, -90};
  bool empty() const { return min.lon > max.lon; }
  void add(LonLat p) {
    min.lon = std::min(min.lon, p.lon);
    min.lat = std::min(min.lat, p.lat);
    max.lon = std::max(max.lon, p.lon);
    max.lat = std::max(max.lat, p.lat);
  }
  // The smallest extent holding every point: its longitudes are the smallest arc of the
  // circle holding theirs (core/longitude.hpp), so an extent crossing ±180 is a few
  // degrees wide, not 360. Exactly the box of add() for points not crossing ±180.
  static LonLatBox covering(std::span<const LonLat> pts);
};

// Parses an extent "WEST,SOUTH,EAST,NORTH" in degrees (south < north, within
// [-180, 180] × [-90, 90]; WEST > EAST crosses ±180 and gives max.lon = EAST + 360).
// `what` names the option for the error message.
LonLatBox parse_lonlat_box(const std::string& text, std::string_view what);

// The grid `latency_surface` makes for `extent` (values empty): CRS, cell size, origin
// and size, with the reasons for the CRS and the cell size (LatencyGrid::crs_choice,
// cell_choice). Throws InputError (naming settings by options.names) when the grid would
// need more than options.max_cells cells at a given cell size or more than max_bytes,
// or when a point of the extent does not project.
LatencyGrid surface_grid_choice(const LonLatBox& extent, const SurfaceOptions& options);

// Grid covering `extent` (surface_grid_choice); values = metric_factor × one-way point
// latency, nodata when unreachable.
LatencyGrid latency_surface(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                            AccessFrom mode, std::span<const double> node_us,
                            std::span<const std::uint32_t> node_source, const LonLatBox& extent,
                            const SurfaceOptions& options);

// The rasteriser's tiles of a grid: blocks of about 4 km × 4 km of cells (4 to 64 cells a
// side), row by row from the north-west; cells [c0, c1) × [r0, r1). Each cell's value is
// the same whichever tiles are computed, in whatever order: a plan in parts computes
// some tiles of the grid on each part (plan/parts.hpp).
struct SurfaceTile {
  int c0 = 0, r0 = 0, c1 = 0, r1 = 0;
};
std::vector<SurfaceTile> surface_tiles(const LatencyGrid& grid);

// Computes the cells of the tiles listed (indices into surface_tiles(grid)), as
// latency_surface does, into grid.values (REQUIRES: width × height values; unreachable
// cells are set to nodata, cells of other tiles are left as they are).
void rasterise_tiles(const Network& net, const SegmentIndex& index, const LatencyModel& model, AccessFrom mode,
                     std::span<const double> node_us, LatencyGrid& grid, std::span<const std::uint32_t> tiles,
                     unsigned threads);

}  // namespace lightcone
