#include "core/spatial_order.hpp"

#include <algorithm>
#include <utility>

namespace lightcone {

namespace {
struct Bounds {
  double lon0 = 180.0, lon1 = -180.0, lat0 = 90.0, lat1 = -90.0;
};
Bounds bounds_of(std::span<const LonLat> pts) {
  Bounds b;
  for (const LonLat& p : pts) {
    b.lon0 = std::min(b.lon0, p.lon);
    b.lon1 = std::max(b.lon1, p.lon);
    b.lat0 = std::min(b.lat0, p.lat);
    b.lat1 = std::max(b.lat1, p.lat);
  }
  return b;
}
std::uint32_t quantise16(double x, double lo, double hi) {
  const double f = hi > lo ? (x - lo) / (hi - lo) : 0.0;
  return static_cast<std::uint32_t>(std::clamp(f, 0.0, 1.0) * 65535.0);
}
}  // namespace

std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  // The classic xy → d walk (Hilbert 1891; the loop of Wikipedia's "xy2d").
  std::uint64_t d = 0;
  for (std::uint32_t s = 1u << 15; s > 0; s >>= 1) {
    const std::uint32_t rx = (x & s) ? 1 : 0;
    const std::uint32_t ry = (y & s) ? 1 : 0;
    d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {  // rotate the quadrant
      if (rx == 1) {
        x = 65535 - x;
        y = 65535 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

std::vector<std::uint32_t> hilbert_order(std::span<const LonLat> pts) {
  const Bounds b = bounds_of(pts);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i)
    keyed[i] = {hilbert_index(quantise16(pts[i].lon, b.lon0, b.lon1), quantise16(pts[i].lat, b.lat0, b.lat1)),
                static_cast<std::uint32_t>(i)};
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) order[i] = keyed[i].second;
  return order;
}

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
