#include "zones/surface.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "network/projection.hpp"

namespace lightcone {

LatencyGrid latency_surface(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                            AccessFrom mode, std::span<const double> node_us,
                            std::span<const std::uint32_t> node_source, const LonLatBox& extent,
                            const SurfaceOptions& options) {
  if (!(options.cell_m > 0)) throw InputError("surface cell size must be greater than zero, e.g. '250m'.");
  LatencyGrid grid;
  if (extent.empty()) return grid;
  const LonLat centre{(extent.min.lon + extent.max.lon) / 2, (extent.min.lat + extent.max.lat) / 2};
  grid.epsg = options.epsg ? options.epsg : utm_epsg_for(centre);
  grid.cell = options.cell_m;
  // Projected bounding box of the extent (edges sampled, since UTM bends meridians).
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  {
    const Projection proj(grid.epsg);
    constexpr int kSteps = 32;
    for (int i = 0; i <= kSteps; ++i) {
      const double f = static_cast<double>(i) / kSteps;
      const double lon = extent.min.lon + f * (extent.max.lon - extent.min.lon);
      const double lat = extent.min.lat + f * (extent.max.lat - extent.min.lat);
      for (LonLat p : {LonLat{lon, extent.min.lat}, LonLat{lon, extent.max.lat}, LonLat{extent.min.lon, lat},
                       LonLat{extent.max.lon, lat}}) {
        const auto xy = proj.forward(p);
        x_min = std::min(x_min, xy.x);
        x_max = std::max(x_max, xy.x);
        y_min = std::min(y_min, xy.y);
        y_max = std::max(y_max, xy.y);
      }
    }
  }
  // Snap to whole cells so grids of different runs line up.
  grid.x0 = std::floor(x_min / grid.cell) * grid.cell;
  grid.y0 = std::ceil(y_max / grid.cell) * grid.cell;
  const double w = std::ceil((x_max - grid.x0) / grid.cell);
  const double h = std::ceil((grid.y0 - y_min) / grid.cell);
  const double bytes = std::max(w, 1.0) * std::max(h, 1.0) * sizeof(float);
  if (bytes > options.max_bytes || w > 2e9 || h > 2e9) {
    char need[64];
    std::snprintf(need, sizeof need, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    throw InputError("latency surface of " + std::to_string(static_cast<long long>(w)) + " x " +
                     std::to_string(static_cast<long long>(h)) + " cells would need " + need +
                     " of memory. Use a larger --cell-size or a smaller extent.");
  }
  grid.width = static_cast<int>(std::max(w, 1.0));
  grid.height = static_cast<int>(std::max(h, 1.0));
  grid.values.assign(static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height), grid.nodata);
  const double k = model.metric_factor();
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(grid.height));
  auto work = [&](unsigned part) {
    const Projection proj(grid.epsg);
    PointLatencyQuery query(net, index, model, mode);
    for (int row = static_cast<int>(part); row < grid.height; row += static_cast<int>(threads)) {
      for (int col = 0; col < grid.width; ++col) {
        const LonLat p = proj.inverse({grid.centre_x(col), grid.centre_y(row)});
        const double l = query.evaluate(p, node_us, node_source).latency_us;
        if (l != kUnreached) {
          grid.values[static_cast<std::size_t>(row) * static_cast<std::size_t>(grid.width) +
                      static_cast<std::size_t>(col)] = static_cast<float>(l * k);
        }
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
  }
  return grid;
}

}  // namespace lightcone
