#include "core/longitude.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lightcone {

double wrap_lon(double lon) {
  if (lon >= -180.0 && lon <= 180.0) return lon;
  double w = std::fmod(lon + 180.0, 360.0);
  if (w < 0) w += 360.0;
  return w - 180.0;
}

double unwrap_lon(double lon, double ref) {
  if (lon >= ref - 180.0 && lon < ref + 180.0) return lon;
  return lon - 360.0 * std::floor((lon - (ref - 180.0)) / 360.0);
}

LonArc smallest_lon_arc(std::span<const LonLat> pts) {
  if (pts.empty()) return {};
  std::vector<double> lons;
  lons.reserve(pts.size());
  for (const LonLat& p : pts) lons.push_back(wrap_lon(p.lon));
  std::sort(lons.begin(), lons.end());
  // The gap across ±180 first: an arc that does not cross it wins ties.
  LonArc arc{lons.front(), lons.back()};
  double widest = lons.front() + 360.0 - lons.back();
  for (std::size_t i = 1; i < lons.size(); ++i) {
    const double gap = lons[i] - lons[i - 1];
    if (gap > widest) {
      widest = gap;
      arc = {lons[i], lons[i - 1] + 360.0};
    }
  }
  return arc;
}

}  // namespace lightcone
