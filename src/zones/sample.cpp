// sample_polygon (zones.hpp): grid centres inside the polygon, in its local plane.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "geom/geometry.hpp"
#include "geom/polygon_ops.hpp"
#include "network/geodesic.hpp"
#include "zones/zones.hpp"

namespace lightcone {

std::vector<LonLat> sample_polygon(const MultiPolygon& m, int n) {
  std::vector<LonLat> out;
  if (m.empty() || n < 1) return out;
  const geom::Geometry g = geom::from(m);
  const geom::Box b = geom::extent(g);
  const LocalFrame frame({b.x0, b.y0});
  const auto ne = frame.to_xy({b.x1, b.y1});
  const double area = area_m2(m);
  {
    const geom::Prepared prepared(g);
    double h = std::sqrt(std::max(area, 1e-6) / n);
    for (int refine = 0; refine <= 4 && area > 0; ++refine, h /= 2) {
      out.clear();
      const auto cols = static_cast<std::int64_t>(std::ceil(ne.x / h));
      const auto rows = static_cast<std::int64_t>(std::ceil(ne.y / h));
      // Centre the grid on the box so a symmetric polygon gets a symmetric sample.
      const double x0 = (ne.x - static_cast<double>(cols) * h) / 2;
      const double y0 = (ne.y - static_cast<double>(rows) * h) / 2;
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
          const LonLat p =
              frame.to_lonlat({x0 + (static_cast<double>(c) + 0.5) * h, y0 + (static_cast<double>(r) + 0.5) * h});
          if (prepared.contains(p)) out.push_back(p);
        }
      if (2 * static_cast<double>(out.size()) >= n) break;
    }
  }
  if (out.empty())
    if (const auto p = geom::point_on_surface(g)) out.push_back(*p);
  return out;
}

}  // namespace lightcone
