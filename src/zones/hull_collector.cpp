#include "zones/hull_collector.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <numbers>
#include <thread>
#include <tuple>

#include "core/longitude.hpp"
#include "network/geodesic.hpp"

namespace lightcone {
namespace {

// Outward safety on every circle (covers lon/lat chord and hull-side approximations).
constexpr double kSafety = 1e-3;
// Circles up to this radius get their vertices from the mid-latitude plane (fast).
constexpr double kFastCircleM = 20000.0;
// The interior-cell filter of HullCollector runs from this many hulls on, with a grid
// of at most this many cells.
constexpr std::size_t kFilterMinHulls = 2000;
constexpr double kFilterMaxCells = 4e6;

// Andrew's monotone chain; `ring` receives the closed hull, counter-clockwise.
void convex_hull(std::vector<LonLat>& pts, std::vector<LonLat>& ring) {
  std::sort(pts.begin(), pts.end(), [](const LonLat& a, const LonLat& b) {
    return a.lon != b.lon ? a.lon < b.lon : a.lat < b.lat;
  });
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  ring.clear();
  if (pts.size() < 3) return;
  auto cross = [](const LonLat& o, const LonLat& a, const LonLat& b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
  };
  ring.resize(2 * pts.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(ring[k - 2], ring[k - 1], pts[i]) <= 0) --k;
    ring[k++] = pts[i];
  }
  for (std::size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(ring[k - 2], ring[k - 1], pts[i - 1]) <= 0) --k;
    ring[k++] = pts[i - 1];
  }
  ring.resize(k);  // last point equals the first: closed
}

// A lon/lat grid of square cells (g degrees) over `all`: cell (i, j) is
// [gx(i), gx(i+1)] × [gy(j), gy(j+1)]. Marks the cells that lie wholly inside some
// access disc, and counts the unmarked ("open") ones in any box of cells.
class CoverGrid {
 public:
  CoverGrid(const geom::Box& all, double g)
      : m_all(all),
        m_g(g),
        m_nx(static_cast<std::size_t>(std::ceil((all.x1 - all.x0) / g)) + 1),
        m_ny(static_cast<std::size_t>(std::ceil((all.y1 - all.y0) / g)) + 1),
        m_mark((m_nx + 1) * m_ny, 0) {}

  double gx(std::size_t i) const { return m_all.x0 + static_cast<double>(i) * m_g; }
  double gy(std::size_t j) const { return m_all.y0 + static_cast<double>(j) * m_g; }

  // Marks the cells wholly inside the disc of radius r_m around c.
  void mark_disc(LonLat c, double r_m) {
    if (r_m <= 0) return;
    const LocalFrame f(c);
    // Within r of c the plane of c is within tan(lat)·Δlat (+ 1e-4) of the true
    // metric: certify against a slightly smaller radius.
    const double span = r_m / 6.3e6;
    const double lat_rad = std::min(std::abs(c.lat) * std::numbers::pi / 180.0 + span, 1.5);
    const double rc = r_m * (1.0 - 1e-3 - 2.0 * std::tan(lat_rad) * span) - 1.0;
    if (!(rc > 0)) return;
    const double ry = rc / f.m_per_deg_lat();
    const double line0 = std::ceil((c.lat - ry - m_all.y0) / m_g);   // first grid line inside
    const double line1 = std::floor((c.lat + ry - m_all.y0) / m_g);  // last grid line inside
    if (line1 - line0 < 1) return;
    auto half_width = [&](double y) {  // of the disc on the line at latitude y, degrees of lon
      const double dy = (y - c.lat) * f.m_per_deg_lat();
      const double h2 = rc * rc - dy * dy;
      return h2 > 0 ? std::sqrt(h2) / f.m_per_deg_lon() : -1.0;
    };
    const auto j0 = static_cast<std::size_t>(std::max(0.0, line0));
    const auto j1 = static_cast<std::size_t>(std::min(static_cast<double>(m_ny), line1));
    for (std::size_t j = j0; j < j1; ++j) {
      // Row j lies between lines j and j + 1; a cell is inside when its four corners are.
      const double hw = std::min(half_width(gy(j)), half_width(gy(j + 1)));
      if (hw <= 0) continue;
      const double i0 = std::ceil((c.lon - hw - m_all.x0) / m_g);
      const double i1 = std::floor((c.lon + hw - m_all.x0) / m_g);  // cells i0 .. i1 − 1
      const auto a = static_cast<std::size_t>(std::max(0.0, i0));
      const auto b = static_cast<std::size_t>(std::clamp(i1, 0.0, static_cast<double>(m_nx)));
      if (b <= a) continue;
      m_mark[j * (m_nx + 1) + a] += 1;
      m_mark[j * (m_nx + 1) + b] -= 1;
    }
  }

  // After every mark_disc: the covered cells, and 2-D prefix sums of the open ones.
  void finish() {
    m_covered.assign(m_nx * m_ny, 0);
    m_open.assign((m_nx + 1) * (m_ny + 1), 0);  // open cells in [0, i) × [0, j)
    for (std::size_t j = 0; j < m_ny; ++j) {
      std::int32_t run = 0;
      std::uint32_t row_open = 0;
      for (std::size_t i = 0; i < m_nx; ++i) {
        run += m_mark[j * (m_nx + 1) + i];
        m_covered[j * m_nx + i] = run > 0;
        row_open += run > 0 ? 0u : 1u;
        m_open[(j + 1) * (m_nx + 1) + (i + 1)] = m_open[j * (m_nx + 1) + (i + 1)] + row_open;
      }
    }
  }

  // True when every cell b touches is covered (false when b reaches beyond the grid).
  bool covers(const geom::Box& b) const {
    auto cell_of = [&](double v, double v0) { return static_cast<std::ptrdiff_t>(std::floor((v - v0) / m_g)); };
    const std::ptrdiff_t i0 = cell_of(b.x0, m_all.x0), i1 = cell_of(b.x1, m_all.x0);
    const std::ptrdiff_t j0 = cell_of(b.y0, m_all.y0), j1 = cell_of(b.y1, m_all.y0);
    if (i0 < 0 || j0 < 0 || i1 >= static_cast<std::ptrdiff_t>(m_nx) || j1 >= static_cast<std::ptrdiff_t>(m_ny)) {
      return false;
    }
    const std::size_t nx1 = m_nx + 1;
    const auto I0 = static_cast<std::size_t>(i0), I1 = static_cast<std::size_t>(i1) + 1;
    const auto J0 = static_cast<std::size_t>(j0), J1 = static_cast<std::size_t>(j1) + 1;
    const std::uint32_t open_cells =
        m_open[J1 * nx1 + I1] - m_open[J0 * nx1 + I1] - m_open[J1 * nx1 + I0] + m_open[J0 * nx1 + I0];
    return open_cells == 0;
  }

  // The covered cells as polygons, one rectangle per run of covered cells in a row.
  void append_covered(std::vector<geom::Geometry>& parts) const {
    for (std::size_t j = 0; j < m_ny; ++j)
      for (std::size_t i = 0; i < m_nx;) {
        if (!m_covered[j * m_nx + i]) {
          ++i;
          continue;
        }
        std::size_t e = i;
        while (e < m_nx && m_covered[j * m_nx + e]) ++e;
        const std::vector<LonLat> r{{gx(i), gy(j)}, {gx(e), gy(j)}, {gx(e), gy(j + 1)}, {gx(i), gy(j + 1)}, {gx(i), gy(j)}};
        if (geom::Geometry poly = geom::polygon(r)) parts.push_back(std::move(poly));
        i = e;
      }
  }

 private:
  geom::Box m_all;
  double m_g;
  std::size_t m_nx, m_ny;
  std::vector<std::int32_t> m_mark;  // per row, +1 / −1 at the ends of covered intervals
  std::vector<std::uint8_t> m_covered;
  std::vector<std::uint32_t> m_open;
};

}  // namespace

HullCollector::HullCollector(int segments, double ref_lon) : m_segments(segments), m_ref_lon(ref_lon) {
  m_inflate = (1.0 + kSafety) / std::cos(std::numbers::pi / segments);
  for (int k = 0; k < m_segments; ++k) {
    const double az = (k + 0.5) * 360.0 / m_segments;
    m_az_deg.push_back(az);
    m_cos_az.push_back(std::cos(az * std::numbers::pi / 180.0));
    m_sin_az.push_back(std::sin(az * std::numbers::pi / 180.0));
  }
}

void HullCollector::add_tapered(LonLat a, double ra, LonLat b, double rb) {
  if (ra <= 0.0 && rb <= 0.0) return;
  // Continuous longitudes (no change for data away from ±180): a near the reference,
  // b next to a (a piece is short, far less than 180° long).
  a.lon = unwrap_lon(a.lon, m_ref_lon);
  b.lon = unwrap_lon(b.lon, a.lon);
  // + 0.0: no −0.0, so that equal buffers are equal bit for bit (index_tiles).
  m_discs.push_back({{a.lon + 0.0, a.lat + 0.0}, std::max(0.0, ra), {b.lon + 0.0, b.lat + 0.0}, std::max(0.0, rb)});
  m_indexed = false;
}

geom::Geometry HullCollector::union_all() {
  const std::vector<ZoneTile> t = tiles();
  std::vector<MultiPolygon> shapes = tile_pieces(t);
  std::vector<ZonePiece> pieces(t.size());
  for (std::size_t k = 0; k < t.size(); ++k) pieces[k] = ZonePiece{t[k], std::move(shapes[k])};
  m_discs.clear();
  m_by_tile.clear();
  m_indexed = false;
  return geom::from(zone_from_pieces(std::move(pieces)));
}

geom::Geometry HullCollector::union_untiled() {
  Scratch s;
  geom::Geometry u = union_of(m_discs, s);
  m_discs.clear();
  m_by_tile.clear();
  m_indexed = false;
  return geom::wrap_antimeridian(std::move(u));
}

geom::Geometry HullCollector::union_of(std::span<const DiscPair> discs, Scratch& s) const {
  std::vector<geom::Geometry> parts;
  const std::vector<bool> needed = drop_interior(discs, parts);
  for (std::size_t i = 0; i < discs.size(); ++i)
    if (needed[i])
      if (geom::Geometry g = hull(discs[i], s)) parts.push_back(std::move(g));
  return geom::unary_union(std::move(parts));
}

namespace {

// A tile's key: row, then column, each offset to stay positive (continuous longitudes
// lie within a few turns of 0).
constexpr std::int64_t kTileOffset = std::int64_t{1} << 30;
std::uint64_t tile_key(std::int64_t j, std::int64_t i) {
  return (static_cast<std::uint64_t>(j + kTileOffset) << 32) | static_cast<std::uint64_t>(i + kTileOffset);
}
ZoneTile tile_of_key(std::uint64_t k) {
  return {static_cast<std::int32_t>(static_cast<std::int64_t>(k >> 32) - kTileOffset),
          static_cast<std::int32_t>(static_cast<std::int64_t>(k & 0xffffffffu) - kTileOffset)};
}

}  // namespace

void HullCollector::index_tiles() {
  if (m_indexed) return;
  auto values = [](const DiscPair& d) { return std::tie(d.a.lon, d.a.lat, d.ra, d.b.lon, d.b.lat, d.rb); };
  std::sort(m_discs.begin(), m_discs.end(), [&](const DiscPair& x, const DiscPair& y) { return values(x) < values(y); });
  m_discs.erase(std::unique(m_discs.begin(), m_discs.end(),
                            [&](const DiscPair& x, const DiscPair& y) { return values(x) == values(y); }),
                m_discs.end());
  m_by_tile.clear();
  for (std::size_t k = 0; k < m_discs.size(); ++k) {
    const geom::Box b = box_of(m_discs[k]);
    const auto i0 = static_cast<std::int64_t>(std::floor(b.x0 / kZoneTileDeg));
    const auto i1 = static_cast<std::int64_t>(std::floor(b.x1 / kZoneTileDeg));
    const auto j0 = static_cast<std::int64_t>(std::floor(b.y0 / kZoneTileDeg));
    const auto j1 = static_cast<std::int64_t>(std::floor(b.y1 / kZoneTileDeg));
    for (std::int64_t j = j0; j <= j1; ++j)
      for (std::int64_t i = i0; i <= i1; ++i) m_by_tile.emplace_back(tile_key(j, i), static_cast<std::uint32_t>(k));
  }
  std::sort(m_by_tile.begin(), m_by_tile.end());
  m_indexed = true;
}

std::vector<ZoneTile> HullCollector::tiles() {
  index_tiles();
  std::vector<ZoneTile> out;
  for (std::size_t k = 0; k < m_by_tile.size(); ++k)
    if (k == 0 || m_by_tile[k].first != m_by_tile[k - 1].first) out.push_back(tile_of_key(m_by_tile[k].first));
  return out;
}

std::vector<MultiPolygon> HullCollector::tile_pieces(std::span<const ZoneTile> want, unsigned threads) {
  index_tiles();
  std::vector<MultiPolygon> out(want.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, want.size()));
  std::atomic<std::size_t> next{0};
  std::exception_ptr failed;
  std::mutex failed_mutex;
  auto work = [&] {
    Scratch s;
    std::vector<DiscPair> discs;
    for (std::size_t t; (t = next.fetch_add(1)) < want.size();) {
      try {
        const std::uint64_t key = tile_key(want[t].j, want[t].i);
        auto it = std::lower_bound(m_by_tile.begin(), m_by_tile.end(), std::make_pair(key, std::uint32_t{0}));
        discs.clear();
        for (; it != m_by_tile.end() && it->first == key; ++it) discs.push_back(m_discs[it->second]);
        if (discs.empty()) continue;
        const geom::Box tile{want[t].i * kZoneTileDeg, want[t].j * kZoneTileDeg, (want[t].i + 1) * kZoneTileDeg,
                             (want[t].j + 1) * kZoneTileDeg};
        geom::Geometry u = union_of(discs, s);
        if (!u || geom::is_empty(u)) continue;
        const geom::Box e = geom::extent(u);
        // Wholly inside the tile: the union itself (no clip, no new vertices).
        if (e.x0 >= tile.x0 && e.x1 <= tile.x1 && e.y0 >= tile.y0 && e.y1 <= tile.y1) {
          out[t] = geom::to_multipolygon(u);
        } else {
          out[t] = geom::to_multipolygon(geom::intersection(u, geom::rectangle(tile)));
        }
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failed_mutex);
        if (!failed) failed = std::current_exception();
        next = want.size();
      }
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (unsigned k = 0; k < threads; ++k) pool.emplace_back(work);
  }
  if (failed) std::rethrow_exception(failed);
  return out;
}

void HullCollector::add_circle_points(LonLat c, double r_m, std::vector<LonLat>& pts) const {
  if (r_m <= 0.0) {
    pts.push_back(c);
    return;
  }
  const double rr = r_m * m_inflate + 0.01;
  if (rr <= kFastCircleM && std::abs(c.lat) <= 70.0) {
    // Destination in the plane of the mid-latitude: within 4e-6 of the geodesic
    // radius for r ≤ 20 km and |lat| ≤ 70° (checked against PROJ over 200k random
    // circles), far inside kSafety; 20x faster than geodesic_destination.
    const LocalFrame centre(c);
    for (int k = 0; k < m_segments; ++k) {
      const double dlat = rr * m_cos_az[k] / centre.m_per_deg_lat();
      const LocalFrame mid({c.lon, c.lat + dlat / 2});
      pts.push_back({c.lon + rr * m_sin_az[k] / mid.m_per_deg_lon(), c.lat + rr * m_cos_az[k] / mid.m_per_deg_lat()});
    }
    return;
  }
  for (int k = 0; k < m_segments; ++k) pts.push_back(geodesic_destination(c, m_az_deg[k], rr));
}

// The hull polygon of a disc pair (no geometry when degenerate).
geom::Geometry HullCollector::hull(const DiscPair& d, Scratch& s) const {
  s.pts.clear();
  add_circle_points(d.a, d.ra, s.pts);
  if (!(d.a == d.b)) add_circle_points(d.b, d.rb, s.pts);
  convex_hull(s.pts, s.ring);
  if (s.ring.size() < 4) return {};
  return geom::polygon(s.ring);
}

// A lon/lat box holding every vertex hull(d) can have (generous margins).
geom::Box HullCollector::box_of(const DiscPair& d) const {
  geom::Box out;
  for (int end = 0; end < 2; ++end) {
    const LonLat c = end == 0 ? d.a : d.b;
    const double r = end == 0 ? d.ra : d.rb;
    const double rr = r > 0 ? r * m_inflate + 0.01 : 0.0;
    const LocalFrame f(c);
    const double dlat = rr / f.m_per_deg_lat() * 1.01 + 1e-9;
    const double lat_rad = std::min((std::abs(c.lat) + dlat) * std::numbers::pi / 180.0, 1.5);
    const double stretch = 1.01 + 2.0 * std::tan(lat_rad) * dlat * std::numbers::pi / 180.0;
    const double dlon = rr / f.m_per_deg_lon() * stretch + 1e-9;
    out.add({c.lon - dlon, c.lat - dlat, c.lon + dlon, c.lat + dlat});
  }
  return out;
}

// Many hulls overlap deeply (every edge of a dense network within the budget gives
// discs of the maximum access radius), and both building them and their union cost
// in proportion to all their vertices. A lon/lat grid marks the cells that lie wholly
// inside some true access disc (certified against the exact radius with a margin for
// the plane, so those cells lie inside the zone); a hull whose bounding box lies
// wholly in marked cells adds nothing to the union: it is not built, and the marked
// cells, as one rectangle per row run, join the union instead. The union is the same
// set; only its cost shrinks. Returns which hulls are needed; appends the rectangles.
std::vector<bool> HullCollector::drop_interior(std::span<const DiscPair> discs,
                                               std::vector<geom::Geometry>& parts) const {
  const std::size_t n = discs.size();
  std::vector<bool> needed(n, true);
  if (n < kFilterMinHulls) return needed;
  std::vector<geom::Box> boxes(n);
  std::vector<double> radii(n);
  geom::Box all;
  for (std::size_t i = 0; i < n; ++i) {
    boxes[i] = box_of(discs[i]);
    all.add(boxes[i]);
    radii[i] = std::max(discs[i].ra, discs[i].rb);
  }
  std::nth_element(radii.begin(), radii.begin() + static_cast<std::ptrdiff_t>(n / 2), radii.end());
  const double median_m = radii[n / 2];
  if (!(median_m > 0) || std::abs(all.y0) > 80.0 || std::abs(all.y1) > 80.0 || all.x1 - all.x0 > 90.0) return needed;
  // Cells a fifth of the median radius, at most kFilterMaxCells of them.
  const double w_deg = all.x1 - all.x0;
  const double h_deg = all.y1 - all.y0;
  CoverGrid grid(all, std::max(median_m / 5.0 / 111320.0, std::sqrt(w_deg * h_deg / kFilterMaxCells)));
  for (const DiscPair& d : discs) {
    grid.mark_disc(d.a, d.ra);
    if (!(d.a == d.b)) grid.mark_disc(d.b, d.rb);
  }
  grid.finish();
  std::size_t dropped = 0;
  for (std::size_t h = 0; h < n; ++h) {
    if (grid.covers(boxes[h])) {
      needed[h] = false;
      ++dropped;
    }
  }
  if (dropped > 0) grid.append_covered(parts);
  return needed;
}

}  // namespace lightcone
