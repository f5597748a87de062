#include "core/spatial_order.hpp"

#include <algorithm>

namespace lightcone {

std::vector<std::uint32_t> spatial_order(std::span<const LonLat> pts) {
  double lon0 = 180.0, lon1 = -180.0, lat0 = 90.0, lat1 = -90.0;
  for (const LonLat& p : pts) {
    lon0 = std::min(lon0, p.lon);
    lon1 = std::max(lon1, p.lon);
    lat0 = std::min(lat0, p.lat);
    lat1 = std::max(lat1, p.lat);
  }
  auto quantise = [](double x, double lo, double hi) {
    const double f = hi > lo ? (x - lo) / (hi - lo) : 0.0;
    return static_cast<std::uint32_t>(std::clamp(f, 0.0, 1.0) * 65535.0);
  };
  auto spread = [](std::uint32_t x) {  // 16 bits → every other of 32
    x = (x | (x << 8)) & 0x00ff00ffu;
    x = (x | (x << 4)) & 0x0f0f0f0fu;
    x = (x | (x << 2)) & 0x33333333u;
    x = (x | (x << 1)) & 0x55555555u;
    return x;
  };
  std::vector<std::uint64_t> keyed(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const std::uint64_t key = spread(quantise(pts[i].lon, lon0, lon1)) | (spread(quantise(pts[i].lat, lat0, lat1)) << 1);
    keyed[i] = key << 32 | i;
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) order[i] = static_cast<std::uint32_t>(keyed[i]);
  return order;
}

}  // namespace lightcone
