// Latency surface: the point latency (latency/point_latency.hpp) at every cell centre of
// a grid in a projected CRS (default: the UTM zone of the extent's centre). Rasterised:
// each cell takes the minimum over the network pieces within max access of it of the
// same per-piece closed form PointLatencyQuery::evaluate minimises
// (PointLatencyQuery::piece_latency), visiting pieces cheapest first and skipping those
// whose rigorous lower bound cannot beat the cell's best, so every value equals
// evaluate() at the cell centre. Tiles of cells are shared out over threads; each
// value is independent of the tiling and thread count (byte-identical grids).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/grid.hpp"
#include "core/latency_model.hpp"
#include "latency/point_latency.hpp"

namespace lightcone {

struct SurfaceOptions {
  // Cell size in metres. DEFAULT: 1000. REQUIRES: > 0.
  double cell_m = 1000.0;
  // Target CRS (EPSG code); 0 = UTM zone of the extent's centre. DEFAULT: 0.
  int epsg = 0;
  // Refuse grids needing more memory than this. DEFAULT: 4 GiB.
  double max_bytes = 4.0 * 1024 * 1024 * 1024;
  // Worker threads; 0 = all cores.
  unsigned threads = 0;
  // How messages name the settings "cell_size" and "surface_extent" (and where they
  // are). DEFAULT (null): the command line's, --cell-size and --surface-extent.
  // REQUIRES: outlives the latency_surface call.
  const SettingNames* names = nullptr;
};

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
};

// Parses an extent "WEST,SOUTH,EAST,NORTH" in degrees (west < east, south < north,
// within [-180, 180] × [-90, 90]). `what` names the option for the error message.
LonLatBox parse_lonlat_box(const std::string& text, std::string_view what);

// Grid covering `extent`; values = metric_factor × one-way point latency, nodata when
// unreachable. Throws InputError (naming settings by options.names) when the grid would
// need more than max_bytes, when a point of the extent does not project, or when the
// UTM zone chosen for it (epsg 0) would make lengths more than 10 % off.
LatencyGrid latency_surface(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                            AccessFrom mode, std::span<const double> node_us,
                            std::span<const std::uint32_t> node_source, const LonLatBox& extent,
                            const SurfaceOptions& options);

}  // namespace lightcone
