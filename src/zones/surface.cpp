#include "zones/surface.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/longitude.hpp"
#include "network/geodesic.hpp"
#include "network/projection.hpp"

namespace lightcone {
namespace {

// Tiles of about kTileM × kTileM are the unit of work: each gathers the pieces within
// reach of it once and keeps the cells' best values while it visits them.
constexpr double kTileM = 4000.0;
// Sub-blocks of about kBlockM share a candidate order (see rasterise).
constexpr double kBlockM = 1000.0;

struct Cell {
  LonLat p;               // centre
  LocalFrame frame;       // LocalFrame(p)
  PlaneScale scale;       // PointLatencyQuery::scale_at(frame)
  LocalFrame::Xy q;       // in the tile's plane
  double best;            // one-way µs
  int at;                 // index in the tile
};

struct Candidate {
  double lower_us;  // lower bound of the piece's latency at any cell of the tile
  double floor_us;  // lower bound of its network latency + access fixed delay
  LocalFrame::Xy a, b;  // the piece in the tile's plane
  // Network latency + access fixed delay at a via the edge's u end, rising by `rise`
  // to b; at b via the v end, rising by `rise` to a (kUnreached: that end is unreached).
  double at_a_us, at_b_us, rise;
  std::uint32_t id;
};

// The sub-block's view of a candidate: its bound for the sub-block, and which.
struct Near {
  double lower_us;
  std::uint32_t at;  // index into the tile's candidates
};

// min over x in [0, len] of acc·sqrt((x − x0)² + h²) + slope·x (convex in x).
double min_access(double acc, double slope, double x0, double h, double len) {
  double x = 0.0;
  if (acc > std::abs(slope)) x = x0 - slope * h / std::sqrt(acc * acc - slope * slope);
  else x = slope > 0 ? 0.0 : len;
  x = std::clamp(x, 0.0, len);
  return acc * std::sqrt((x - x0) * (x - x0) + h * h) + slope * x;
}

// Distance in the plane from (px, py) to the segment a–b.
double segment_distance(double px, double py, const LocalFrame::Xy& a, const LocalFrame::Xy& b) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double f = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0;
  f = std::clamp(f, 0.0, 1.0);
  const double ex = px - a.x - f * dx;
  const double ey = py - a.y - f * dy;
  return std::sqrt(ex * ex + ey * ey);
}

// Per piece: lowest network latency of any of its points, and the latency at its
// ends via either end of its edge (see Candidate), + the access fixed delay.
struct PieceLatency {
  double floor_us, at_a_us, at_b_us, rise;
};

std::vector<PieceLatency> piece_latencies(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                          AccessFrom mode, std::span<const double> node_us, const AccessCost& access) {
  std::vector<PieceLatency> pieces(index.pieces());
  const PointLatencyQuery query(net, index, model, mode);
  // Same rounding margin as piece_floor_us.
  auto margin = [](double v) { return v == kUnreached ? v : v - 1e-9 * (std::abs(v) + 1.0); };
  for (std::uint32_t id = 0; id < pieces.size(); ++id) {
    const Piece& piece = index.piece(id);
    const EdgeId e = piece.edge;
    const double geom = net.edge_geom_length_m[e];
    const double rate = geom > 0 ? net.edge_delay_us[e] / geom : 0.0;
    const double nu = node_us[net.edge_u[e]], nv = node_us[net.edge_v[e]];
    pieces[id] = {query.piece_floor_us(piece, node_us) + access.fixed_us,
                  margin(nu + rate * std::max(0.0, piece.along_m)) + access.fixed_us,
                  margin(nv + rate * std::max(0.0, geom - piece.along_m - piece.length_m)) + access.fixed_us,
                  rate * piece.length_m};
  }
  return pieces;
}

// A lower bound of the candidate's latency at a cell at `q` in the tile's plane: the
// closed form in the tile's plane with every distance shrunk to a lower bound (2 m:
// chord vs geodesic and plane vs plane), per end. `acc` is access µs per plane metre.
double cell_lower_us(const Candidate& cand, const LocalFrame::Xy& q, double acc, double us_per_m) {
  const double dx = cand.b.x - cand.a.x, dy = cand.b.y - cand.a.y;
  const double len = std::sqrt(dx * dx + dy * dy);
  const double ux = len > 0 ? dx / len : 0.0, uy = len > 0 ? dy / len : 0.0;
  const double px = q.x - cand.a.x, py = q.y - cand.a.y;
  const double x0 = px * ux + py * uy;
  const double h = len > 0 ? std::abs(px * uy - py * ux) : std::sqrt(px * px + py * py);
  const double slack = us_per_m * 2.0;
  double lower = kUnreached;
  if (cand.at_a_us != kUnreached)
    lower = cand.at_a_us + min_access(acc, len > 0 ? cand.rise / len : 0.0, x0, h, len) - slack;
  if (cand.at_b_us != kUnreached)
    lower = std::min(lower, cand.at_b_us + cand.rise +
                                min_access(acc, len > 0 ? -cand.rise / len : 0.0, x0, h, len) - slack);
  return lower;
}

// What every thread of rasterise shares: the inputs, the tiling and the piece latencies.
struct SurfaceJob {
  const Network& net;
  const SegmentIndex& index;
  const LatencyModel& model;
  AccessFrom mode;
  std::span<const double> node_us;
  LatencyGrid& grid;
  const AccessCost& access;
  double k;        // one-way µs → the model's metric
  int side;        // of a tile, cells
  int tiles_x;
  double reach_m;  // see rasterise
  const std::vector<PieceLatency>& pieces;
};

// One tile: cells [r0, r1) × [c0, c1), the plane of its centre, its radius in that plane
// and the radius of the query for its pieces.
struct Tile {
  int c0, r0, c1, r1;
  LonLat centre;
  LocalFrame frame;
  double radius;
  double span_m;
  double shrink;
  // A lower bound of the geodesic distance for a distance in the tile's plane.
  double lower_m(double plane_m) const { return shrink * plane_m - 1.0; }
};

// One thread's share of rasterise: takes tiles from `next` until none are left, with
// its own projection, query and scratch (allocated once, reused for every tile).
class TileWorker {
 public:
  explicit TileWorker(const SurfaceJob& job)
      : m_job(job), m_proj(job.grid.crs), m_query(job.net, job.index, job.model, job.mode) {}

  // Tiles `list[k]` for the k it takes from `next` (all tiles when `list` is empty).
  void run(std::atomic<std::size_t>& next, std::size_t tiles, std::span<const std::uint32_t> list) {
    for (std::size_t k = next++; k < tiles; k = next++) {
      const Tile tile = tile_at(list.empty() ? k : list[k]);
      gather_candidates(tile);
      if (m_candidates.empty()) {
        clear_tile(tile);
        continue;
      }
      rasterise_tile(tile);
      write_tile(tile);
    }
  }

 private:
  Tile tile_at(std::size_t t) const {
    const LatencyGrid& grid = m_job.grid;
    const int side = m_job.side;
    const int c0 = static_cast<int>(t % static_cast<std::size_t>(m_job.tiles_x)) * side;
    const int r0 = static_cast<int>(t / static_cast<std::size_t>(m_job.tiles_x)) * side;
    const int c1 = std::min(grid.width, c0 + side);
    const int r1 = std::min(grid.height, r0 + side);
    const LonLat centre = m_proj.inverse({(grid.centre_x(c0) + grid.centre_x(c1 - 1)) / 2,
                                          (grid.centre_y(r0) + grid.centre_y(r1 - 1)) / 2});
    const LocalFrame frame(centre);
    // Tile radius in the tile's plane, from its corner cells (the projection is smooth
    // and the tile small: 2 % and 2 m cover the bend).
    double radius = 0.0;
    for (int r : {r0, r1 - 1})
      for (int c : {c0, c1 - 1}) {
        const auto q = frame.to_xy(m_proj.inverse({grid.centre_x(c), grid.centre_y(r)}));
        radius = std::max(radius, std::sqrt(q.x * q.x + q.y * q.y));
      }
    radius = radius * 1.02 + 2.0;
    // The plane of the tile's centre stretches distances away from its latitude by
    // about tan(lat)·Δlat; `shrink` turns plane distances into lower bounds of
    // geodesic ones within the query radius (1 m covers chord vs geodesic).
    const double span_m = radius + m_job.reach_m * 1.05 + 10.0;
    const double span_rad = span_m / 6.3e6;
    const double lat_rad = std::min(std::abs(centre.lat) * std::numbers::pi / 180.0 + span_rad, 1.5);
    const double shrink = std::max(0.5, 1.0 - 1e-3 - 2.0 * std::tan(lat_rad) * span_rad);
    return {c0, r0, c1, r1, centre, frame, radius, span_m, shrink};
  }

  // The pieces within max access of the tile, by their lower bound for the whole tile.
  void gather_candidates(const Tile& tile) {
    const AccessCost& access = m_job.access;
    m_candidates.clear();
    m_job.index.query(tile.centre, tile.span_m, m_scratch, [&](std::uint32_t id) {
      const PieceLatency& pl = m_job.pieces[id];
      if (pl.floor_us == kUnreached) return;
      const Piece& piece = m_job.index.piece(id);
      const auto a = tile.frame.to_xy(piece.a);
      const auto b = tile.frame.to_xy(piece.b);
      const double d = tile.lower_m(segment_distance(0, 0, a, b) - tile.radius);
      if (d > m_job.reach_m) return;
      m_candidates.push_back(
          {pl.floor_us + access.us_per_m * std::max(0.0, d), pl.floor_us, a, b, pl.at_a_us, pl.at_b_us, pl.rise, id});
    });
    std::sort(m_candidates.begin(), m_candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.lower_us != b.lower_us ? a.lower_us < b.lower_us : a.id < b.id;
    });
  }

  // Sub-blocks of about 1 km: the piece that won the previous cell is tried first at
  // every cell of the block, which bounds the block's values; the candidates that can
  // beat that bound anywhere in the block are sorted by their bound for the block;
  // then cell by cell, in that order, until the bound reaches the cell's best.
  void rasterise_tile(const Tile& tile) {
    m_best.assign(static_cast<std::size_t>(tile.r1 - tile.r0) * static_cast<std::size_t>(tile.c1 - tile.c0),
                  kUnreached);
    m_seed = 0;  // the cheapest candidate of the tile to begin with
    const int sub = std::clamp(static_cast<int>(std::lround(kBlockM / m_job.grid.cell)), 1, m_job.side);
    for (int sr0 = tile.r0; sr0 < tile.r1; sr0 += sub)
      for (int sc0 = tile.c0; sc0 < tile.c1; sc0 += sub) rasterise_block(tile, sr0, sc0, sub);
  }

  void rasterise_block(const Tile& tile, int sr0, int sc0, int sub) {
    const LatencyGrid& grid = m_job.grid;
    const AccessCost& access = m_job.access;
    const int sr1 = std::min(tile.r1, sr0 + sub);
    const int sc1 = std::min(tile.c1, sc0 + sub);
    m_cells.clear();
    double cx = 0.0, cy = 0.0;
    for (int r = sr0; r < sr1; ++r)
      for (int c = sc0; c < sc1; ++c) {
        const LonLat p = m_proj.inverse({grid.centre_x(c), grid.centre_y(r)});
        const auto q = tile.frame.to_xy(p);
        const LocalFrame frame(p);
        m_cells.push_back({p, frame, m_query.scale_at(frame), q, kUnreached, (r - tile.r0) * (tile.c1 - tile.c0) + (c - tile.c0)});
        cx += q.x;
        cy += q.y;
      }
    cx /= static_cast<double>(m_cells.size());
    cy /= static_cast<double>(m_cells.size());
    double sub_radius = 0.0;
    for (const Cell& cell : m_cells)
      sub_radius = std::max(sub_radius, std::sqrt((cell.q.x - cx) * (cell.q.x - cx) + (cell.q.y - cy) * (cell.q.y - cy)));
    double bound = m_seed == kNone ? kUnreached : 0.0;
    for (Cell& cell : m_cells) {
      if (m_seed != kNone) {
        cell.best = m_query.piece_latency(cell.frame, cell.scale, cell.p, m_job.index.piece(m_candidates[m_seed].id), m_job.node_us);
      }
      bound = std::max(bound, cell.best);
    }
    m_near.clear();
    for (std::uint32_t j = 0; j < m_candidates.size(); ++j) {
      const Candidate& cand = m_candidates[j];
      if (cand.lower_us >= bound) break;
      const double d = tile.lower_m(segment_distance(cx, cy, cand.a, cand.b) - sub_radius);
      if (d > m_job.reach_m) continue;
      const double lower = cand.floor_us + access.us_per_m * std::max(0.0, d);
      if (lower < bound && j != m_seed) m_near.push_back({lower, j});
    }
    std::sort(m_near.begin(), m_near.end(), [](const Near& a, const Near& b) {
      return a.lower_us != b.lower_us ? a.lower_us < b.lower_us : a.at < b.at;
    });
    const double acc = access.us_per_m * tile.shrink;
    for (const Cell& cell : m_cells) rasterise_cell(tile, cell, acc);
  }

  // The cell's best: the seed's value, improved by the block's candidates in order
  // until their bound reaches it; the winner becomes the seed.
  void rasterise_cell(const Tile& tile, const Cell& cell, double acc) {
    double b = cell.best;
    std::uint32_t won = b != kUnreached ? m_seed : kNone;
    for (const Near& n : m_near) {
      if (n.lower_us >= b) break;
      const Candidate& cand = m_candidates[n.at];
      const double lower = cell_lower_us(cand, cell.q, acc, m_job.access.us_per_m);
      if (lower >= b) continue;
      const double dmin = tile.lower_m(segment_distance(cell.q.x, cell.q.y, cand.a, cand.b));
      if (dmin > m_job.reach_m) continue;
      const double l = m_query.piece_latency(cell.frame, cell.scale, cell.p, m_job.index.piece(cand.id), m_job.node_us, b);
      if (l < b) {
        b = l;
        won = n.at;
      }
    }
    m_best[static_cast<std::size_t>(cell.at)] = b;
    if (won != kNone) m_seed = won;
  }

  void write_tile(const Tile& tile) {
    LatencyGrid& grid = m_job.grid;
    std::size_t i = 0;
    for (int r = tile.r0; r < tile.r1; ++r)
      for (int c = tile.c0; c < tile.c1; ++c, ++i)
        grid.values[static_cast<std::size_t>(r) * static_cast<std::size_t>(grid.width) + static_cast<std::size_t>(c)] =
            m_best[i] != kUnreached ? static_cast<float>(m_best[i] * m_job.k) : grid.nodata;
  }

  void clear_tile(const Tile& tile) {
    LatencyGrid& grid = m_job.grid;
    for (int r = tile.r0; r < tile.r1; ++r)
      for (int c = tile.c0; c < tile.c1; ++c)
        grid.values[static_cast<std::size_t>(r) * static_cast<std::size_t>(grid.width) + static_cast<std::size_t>(c)] =
            grid.nodata;
  }

  const SurfaceJob& m_job;
  const Projection m_proj;
  const PointLatencyQuery m_query;
  std::vector<std::uint32_t> m_scratch;
  std::vector<Candidate> m_candidates;
  std::vector<double> m_best;
  std::vector<Cell> m_cells;
  std::vector<Near> m_near;
  std::uint32_t m_seed = kNone;  // the last winning candidate of this tile (index into m_candidates)
};

// Cells a side of the rasteriser's tiles (about kTileM).
int tile_side(const LatencyGrid& grid) { return std::clamp(static_cast<int>(std::lround(kTileM / grid.cell)), 4, 64); }

// Every cell value is min over pieces of PointLatencyQuery::piece_latency at the cell
// centre, i.e. exactly what evaluate() returns there. Each tile (about kTileM) gathers
// the pieces within max access of it once, ordered by a lower bound for the whole tile;
// each sub-block (about kBlockM) first tries the piece that won the previous cell at all
// its cells, keeps the pieces whose bound for the block can beat the worst of those
// values, ordered by that bound; each cell then tries them in order until the bound
// reaches its best, skipping pieces whose bound for the cell (the closed form in the
// tile's plane with distances shrunk to lower bounds) cannot beat it. The bounds are
// rigorous, so skipping never changes a value; a value does not depend on the order of
// tiles, so the grid is the same for any number of threads.
// `list`: the tiles to compute (indices in row order); empty: every tile.
void rasterise(const Network& net, const SegmentIndex& index, const LatencyModel& model, AccessFrom mode,
               std::span<const double> node_us, LatencyGrid& grid, unsigned threads,
               std::span<const std::uint32_t> list = {}) {
  const AccessCost access(model);
  const double k = model.metric_factor();
  const int side = tile_side(grid);
  const int tiles_x = (grid.width + side - 1) / side;
  const int tiles_y = (grid.height + side - 1) / side;
  const std::size_t tiles = list.empty() ? static_cast<std::size_t>(tiles_x) * static_cast<std::size_t>(tiles_y) : list.size();
  // Beyond this (lower bound of the geodesic) distance no point of a piece is within
  // max access, so piece_latency has nothing there.
  const double reach_m = access.max_m * (1.0 + 1e-6) + 0.01;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(tiles, 1)));
  const std::vector<PieceLatency> pieces = piece_latencies(net, index, model, mode, node_us, access);
  const SurfaceJob job{net, index, model, mode, node_us, grid, access, k, side, tiles_x, reach_m, pieces};
  std::atomic<std::size_t> next{0};
  auto work = [&] { TileWorker(job).run(next, tiles, list); };
  std::vector<std::jthread> pool;  // joined when it goes out of scope
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
}

}  // namespace

LonLatBox parse_lonlat_box(const std::string& text, std::string_view what) {
  LonLatBox box;
  double v[4];
  if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]) != 4 || v[0] == v[2] ||
      !(v[1] < v[3]) || v[0] < -180 || v[0] > 180 || v[2] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) {
    throw InputError("invalid " + std::string(what) + " '" + text +
                     "'. Write WEST,SOUTH,EAST,NORTH in degrees, e.g. 119.5,35.5,121.0,36.9 (WEST greater than EAST "
                     "crosses 180°, e.g. 178,-19,-178,-16).");
  }
  // Across ±180 the east edge is unwrapped past 180 (core/longitude.hpp), as the zones'
  // own boxes are.
  box.add({v[0], v[1]});
  box.add({v[2] < v[0] ? v[2] + 360.0 : v[2], v[3]});
  return box;
}

LonLatBox LonLatBox::covering(std::span<const LonLat> pts) {
  LonLatBox box;
  if (pts.empty()) return box;
  for (const LonLat& p : pts) box.add(p);
  const LonArc arc = smallest_lon_arc(pts);
  box.min.lon = arc.west;
  box.max.lon = arc.east;
  return box;
}

namespace {

// 25000000 → "25,000,000".
std::string count_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string digits = buf, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 1000 → "1 km", 2500 → "2.5 km", 250 → "250 m".
std::string length_text(double m) {
  char buf[32];
  if (m >= 1000.0) std::snprintf(buf, sizeof buf, "%g km", m / 1000.0);
  else std::snprintf(buf, sizeof buf, "%g m", m);
  return buf;
}

std::string degrees_text(double v, char positive, char negative) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f°%c", std::abs(v), v < 0 ? negative : positive);
  return buf;
}

// The worst scale error |k − 1| of `proj` over the extent: the length of each step
// between kSteps + 1 samples along the extent's four edges, against its geodesic length
// (a transverse Mercator's error grows with the distance from its central meridian, so
// it is largest on the boundary). INFINITY when a point does not project.
constexpr int kEdgeSteps = 32;
double edge_scale_error(const Projection& proj, const LonLatBox& extent) {
  double worst = 0.0;
  for (int i = 1; i <= kEdgeSteps; ++i) {
    const double f0 = static_cast<double>(i - 1) / kEdgeSteps, f1 = static_cast<double>(i) / kEdgeSteps;
    const double lon0 = extent.min.lon + f0 * (extent.max.lon - extent.min.lon);
    const double lon1 = extent.min.lon + f1 * (extent.max.lon - extent.min.lon);
    const double lat0 = extent.min.lat + f0 * (extent.max.lat - extent.min.lat);
    const double lat1 = extent.min.lat + f1 * (extent.max.lat - extent.min.lat);
    const std::pair<LonLat, LonLat> steps[] = {{{lon0, extent.min.lat}, {lon1, extent.min.lat}},
                                               {{lon0, extent.max.lat}, {lon1, extent.max.lat}},
                                               {{extent.min.lon, lat0}, {extent.min.lon, lat1}},
                                               {{extent.max.lon, lat0}, {extent.max.lon, lat1}}};
    for (const auto& [p, q] : steps) {
      const double ground = geodesic_distance_m(p, q);
      if (ground <= 1.0) continue;
      const auto a = proj.forward(p), b = proj.forward(q);
      const double scale = std::hypot(a.x - b.x, a.y - b.y) / ground;
      worst = std::max(worst, std::isfinite(scale) ? std::abs(scale - 1.0) : INFINITY);
    }
  }
  return worst;
}

std::string percent_text(double error) {
  if (!(error <= 1.0)) return "more than 100 %";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g %%", error * 100.0);
  return buf;
}

// The CRS of the grid and why (surface.hpp, SurfaceOptions::epsg).
void choose_crs(const LonLatBox& extent, const SurfaceOptions& options, const SettingNames& names, LatencyGrid& grid) {
  const double span = extent.max.lon - extent.min.lon;
  const LonLat centre{wrap_lon((extent.min.lon + extent.max.lon) / 2), (extent.min.lat + extent.max.lat) / 2};
  if (options.epsg) {
    grid.epsg = options.epsg;
    grid.crs = "EPSG:" + std::to_string(grid.epsg);
    grid.crs_name = crs_name(grid.crs);
    grid.crs_choice = "as given by " + names.name("epsg");
    return;
  }
  const int utm = utm_epsg_for(centre);
  const std::string utm_crs = "EPSG:" + std::to_string(utm);
  const std::string utm_name = crs_name(utm_crs);
  const double utm_error = edge_scale_error(Projection(utm_crs), extent);
  char spans[300];
  std::snprintf(spans, sizeof spans, "the extent spans %.2f° of longitude; in %s, the UTM zone of its centre, lengths %s",
                span, utm_name.c_str(), utm_error <= kUtmMaxScaleError ? "are true within" : "would be off by");
  const std::string limit = " (at most " + percent_text(kUtmMaxScaleError) + ")";
  if (utm_error <= kUtmMaxScaleError) {
    grid.epsg = utm;
    grid.crs = utm_crs;
    grid.crs_name = utm_name;
    grid.crs_choice = std::string(spans) + " " + percent_text(utm_error) + limit;
    return;
  }
  // Centred on the data, to 0.1°, so that the definition reads well and stays put.
  const double lat0 = std::round(centre.lat * 10.0) / 10.0;
  const double lon0 = std::round(centre.lon * 10.0) / 10.0;
  char def[200];
  grid.epsg = 0;
  const std::string off = std::string(spans) + " " + percent_text(utm_error) + limit;
  if (span <= 180.0) {
    std::snprintf(def, sizeof def, "+proj=laea +lat_0=%.1f +lon_0=%.1f +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs",
                  lat0, lon0);
    grid.crs_name = "WGS 84 / Lambert azimuthal equal-area centred at " + degrees_text(lat0, 'N', 'S') + " " +
                    degrees_text(lon0, 'E', 'W');
    grid.crs_choice = off + ": an equal-area projection centred on the extent instead";
  } else {
    std::snprintf(def, sizeof def, "+proj=eqearth +lon_0=%.1f +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs", lon0);
    grid.crs_name = "WGS 84 / Equal Earth centred at " + degrees_text(lon0, 'E', 'W');
    grid.crs_choice = off + "; it spans more than a hemisphere: a world equal-area projection centred on it instead";
  }
  grid.crs = def;
}

// The whole grid for cell size `cell` over the projected box: origin snapped to whole
// cells (so grids of different runs line up) and size in cells.
void place_grid(double cell, double x_min, double x_max, double y_min, double y_max, LatencyGrid& grid, double& w,
                double& h) {
  grid.cell = cell;
  grid.x0 = std::floor(x_min / cell) * cell;
  grid.y0 = std::ceil(y_max / cell) * cell;
  w = std::max(std::ceil((x_max - grid.x0) / cell), 1.0);
  h = std::max(std::ceil((grid.y0 - y_min) / cell), 1.0);
}

}  // namespace

LatencyGrid surface_grid_choice(const LonLatBox& extent, const SurfaceOptions& options) {
  if (!(options.cell_m >= 0)) throw InputError("surface cell size must be greater than zero, e.g. '250m'.");
  LatencyGrid grid;
  if (extent.empty()) return grid;
  const CliSettingNames cli;
  const SettingNames& names = options.names ? *options.names : cli;
  choose_crs(extent, options, names, grid);
  // Projected bounding box of the extent (edges sampled, since projections bend
  // meridians and parallels; more samples for a projection centred on a wide extent,
  // whose parallels curve). A CRS the user chose is checked against its area of use
  // by whoever read it; here only that every point projects.
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  bool finite = true;
  {
    const Projection proj(grid.crs);
    const int steps = grid.epsg ? kEdgeSteps : 256;
    for (int i = 0; i <= steps; ++i) {
      const double f = static_cast<double>(i) / steps;
      const double lon = extent.min.lon + f * (extent.max.lon - extent.min.lon);
      const double lat = extent.min.lat + f * (extent.max.lat - extent.min.lat);
      for (const LonLat p : {LonLat{lon, extent.min.lat}, LonLat{lon, extent.max.lat}, LonLat{extent.min.lon, lat},
                             LonLat{extent.max.lon, lat}}) {
        const auto xy = proj.forward(p);
        if (!std::isfinite(xy.x) || !std::isfinite(xy.y)) finite = false;
        x_min = std::min(x_min, xy.x);
        x_max = std::max(x_max, xy.x);
        y_min = std::min(y_min, xy.y);
        y_max = std::max(y_max, xy.y);
      }
    }
  }
  if (!finite) {
    char box[160];
    std::snprintf(box, sizeof box, "[%g, %g, %g, %g]", extent.min.lon, extent.min.lat, wrap_lon(extent.max.lon),
                  extent.max.lat);
    throw InputError(names.where("surface_extent") + "the surface extent " + box + " is too wide to map in " +
                     grid.crs + ": some of its points do not project. Give a smaller " + names.name("surface_extent") +
                     ".");
  }
  // The cell size: as given (refused beyond the cell budget), or the first of the
  // 1-2-2.5-5 series from 1 km that keeps the grid within it.
  grid.max_cells = options.max_cells;
  const std::string budget = "the cell budget of " + count_text(options.max_cells) + " (" + names.name("max_cells") + ")";
  double w = 0.0, h = 0.0;
  if (options.cell_m > 0) {
    place_grid(options.cell_m, x_min, x_max, y_min, y_max, grid, w, h);
    if (w * h > options.max_cells) {
      double c = 1000.0, cw = 0.0, ch = 0.0;
      LatencyGrid probe;
      for (int k = 0; k < 60; ++k) {
        c = 1000.0 * std::pow(10.0, k / 4) * std::array<double, 4>{1.0, 2.0, 2.5, 5.0}[static_cast<std::size_t>(k % 4)];
        if (c <= options.cell_m) continue;
        place_grid(c, x_min, x_max, y_min, y_max, probe, cw, ch);
        if (cw * ch <= options.max_cells) break;
      }
      throw InputError(names.where("cell_size") + "a latency surface of " + count_text(w) + " x " + count_text(h) +
                       " cells of " + length_text(options.cell_m) + " in " + grid.crs_name + " would have " +
                       count_text(w * h) + " cells, more than " + budget + ". Use a larger " + names.name("cell_size") +
                       " (" + length_text(c) + " fits), raise " + names.name("max_cells") + ", or give a smaller " +
                       names.name("surface_extent") + ".");
    }
    grid.cell_choice = length_text(options.cell_m) + ", as given by " + names.name("cell_size") + ": " +
                       count_text(w * h) + " cells, within " + budget;
  } else {
    place_grid(1000.0, x_min, x_max, y_min, y_max, grid, w, h);
    const double at_1km = w * h;
    for (int k = 1; w * h > options.max_cells && k < 60; ++k) {
      const double c = 1000.0 * std::pow(10.0, k / 4) * std::array<double, 4>{1.0, 2.0, 2.5, 5.0}[static_cast<std::size_t>(k % 4)];
      place_grid(c, x_min, x_max, y_min, y_max, grid, w, h);
    }
    if (grid.cell == 1000.0) {
      grid.cell_choice = "1 km (the default): " + count_text(w * h) + " cells, within " + budget;
    } else {
      grid.cell_choice = length_text(grid.cell) + ": at the default 1 km the grid would have " + count_text(at_1km) +
                         " cells, more than " + budget + "; " + length_text(grid.cell) +
                         " is the first of 1, 2, 2.5, 5, 10 km … within it (" + count_text(w * h) + " cells)";
    }
  }
  const double bytes = w * h * sizeof(float);
  if (bytes > options.max_bytes || w > 2e9 || h > 2e9) {
    char need[64];
    std::snprintf(need, sizeof need, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    throw InputError(names.where("cell_size") + "latency surface of " + std::to_string(static_cast<long long>(w)) +
                     " x " + std::to_string(static_cast<long long>(h)) + " cells would need " + need +
                     " of memory. Use a larger " + names.name("cell_size") + " or a smaller extent.");
  }
  grid.width = static_cast<int>(w);
  grid.height = static_cast<int>(h);
  return grid;
}

LatencyGrid latency_surface(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                            AccessFrom mode, std::span<const double> node_us,
                            std::span<const std::uint32_t> /*node_source: values only*/,
                            const LonLatBox& extent, const SurfaceOptions& options) {
  LatencyGrid grid = surface_grid_choice(extent, options);
  if (grid.width == 0) return grid;
  grid.values.assign(static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height), grid.nodata);
  rasterise(net, index, model, mode, node_us, grid, options.threads);
  return grid;
}

std::vector<SurfaceTile> surface_tiles(const LatencyGrid& grid) {
  std::vector<SurfaceTile> out;
  if (grid.width <= 0 || grid.height <= 0) return out;
  const int side = tile_side(grid);
  for (int r0 = 0; r0 < grid.height; r0 += side)
    for (int c0 = 0; c0 < grid.width; c0 += side)
      out.push_back({c0, r0, std::min(grid.width, c0 + side), std::min(grid.height, r0 + side)});
  return out;
}

void rasterise_tiles(const Network& net, const SegmentIndex& index, const LatencyModel& model, AccessFrom mode,
                     std::span<const double> node_us, LatencyGrid& grid, std::span<const std::uint32_t> tiles,
                     unsigned threads) {
  assert(grid.values.size() == static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height));
  if (tiles.empty()) return;
  rasterise(net, index, model, mode, node_us, grid, threads, tiles);
}

}  // namespace lightcone
