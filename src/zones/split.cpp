// split_zone_by_site (zones.hpp): (1) P_s per site, (2) their overlap O, (3) the cells
// of O by nearest site, and part_s = (P_s − O) ∪ (O ∩ cells of s).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/longitude.hpp"
#include "geom/geometry.hpp"
#include "network/geodesic.hpp"
#include "zones/construct.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

using Cell = std::pair<std::int64_t, std::int64_t>;

// The overlap grid: cell (i, j) = [x(i), x(i+1)] × [y(j), y(j+1)], lon/lat degrees.
struct CellGrid {
  double x0, y0, dlon, dlat;
  double x(std::int64_t i) const { return x0 + static_cast<double>(i) * dlon; }
  double y(std::int64_t j) const { return y0 + static_cast<double>(j) * dlat; }
  geom::Box cell(Cell c) const { return {x(c.first), y(c.second), x(c.first + 1), y(c.second + 1)}; }
  LonLat centre(Cell c) const { return {x(c.first) + dlon / 2, y(c.second) + dlat / 2}; }
};

// (1) P_s: the union of the pieces each source reaches first.
std::vector<geom::Geometry> site_zones(const Network& net, std::span<const double> node_us,
                                       std::span<const std::uint32_t> node_source, std::size_t sources,
                                       const AccessCost& access, double budget_us, const ZoneOptions& options) {
  std::vector<HullCollector> hulls;
  hulls.reserve(sources);
  const double ref_lon = zone_reference_lon(net);
  for (std::size_t s = 0; s < sources; ++s) hulls.emplace_back(std::max(8, options.circle_segments), ref_lon);
  collect_pieces(net, node_us, access, budget_us, options, hulls, node_source);
  std::vector<geom::Geometry> own;
  for (HullCollector& h : hulls) own.push_back(h.union_all());
  return own;
}

// (2) O: points covered by two or more P_s (pairwise intersections, boxes first).
geom::Geometry overlap_of(const std::vector<geom::Geometry>& own) {
  std::vector<geom::Box> box;
  for (const geom::Geometry& g : own) box.push_back(geom::extent(g));
  std::vector<geom::Geometry> pieces;
  for (std::size_t s = 0; s < own.size(); ++s) {
    if (geom::is_empty(own[s])) continue;
    for (std::size_t t = s + 1; t < own.size(); ++t) {
      if (geom::is_empty(own[t]) || !box[s].intersects(box[t])) continue;
      geom::Geometry x = geom::intersection(own[s], own[t]);
      if (!geom::is_empty(x)) pieces.push_back(std::move(x));
    }
  }
  return geom::unary_union(std::move(pieces));
}

// One grid (origin: the overlap's corner) with cells at most cell_m wide and high
// anywhere in the overlap's box ob.
CellGrid grid_over(const geom::Box& ob, double cell_m) {
  const double lat_near_equator = ob.y0 <= 0 && ob.y1 >= 0 ? 0.0 : (std::abs(ob.y0) < std::abs(ob.y1) ? ob.y0 : ob.y1);
  const double lat_near_pole = std::abs(ob.y0) > std::abs(ob.y1) ? ob.y0 : ob.y1;
  const double dlon = cell_m / LocalFrame({ob.x0, lat_near_equator}).m_per_deg_lon();
  const double dlat = cell_m / LocalFrame({ob.x0, lat_near_pole}).m_per_deg_lat();
  return {ob.x0, ob.y0, dlon, dlat};
}

// (3a) The cells that intersect the overlap, sorted, each once; per part of the
// overlap, the cells of its box are tested. InputError beyond split.max_cells.
std::vector<Cell> overlap_cells(const geom::Geometry& overlap, const CellGrid& grid, const SplitOptions& split) {
  std::vector<Cell> cells;
  double budget_cells = split.max_cells;
  const std::size_t n = geom::part_count(overlap);
  for (std::size_t k = 0; k < n; ++k) {
    const geom::Box b = geom::part_extent(overlap, k);
    if (b.x0 > b.x1) continue;
    const auto i0 = static_cast<std::int64_t>(std::floor((b.x0 - grid.x0) / grid.dlon));
    const auto i1 = static_cast<std::int64_t>(std::floor((b.x1 - grid.x0) / grid.dlon));
    const auto j0 = static_cast<std::int64_t>(std::floor((b.y0 - grid.y0) / grid.dlat));
    const auto j1 = static_cast<std::int64_t>(std::floor((b.y1 - grid.y0) / grid.dlat));
    budget_cells -= static_cast<double>(i1 - i0 + 1) * static_cast<double>(j1 - j0 + 1);
    if (budget_cells < 0) {
      char msg[200];
      std::snprintf(msg, sizeof msg,
                    "the per-site split needs more than %.0f cells of %g m where site zones overlap. Use a larger "
                    "--split-cell.",
                    split.max_cells, split.cell_m);
      throw InputError(msg);
    }
    const geom::Prepared prepared(overlap, k);
    for (std::int64_t i = i0; i <= i1; ++i)
      for (std::int64_t j = j0; j <= j1; ++j) {
        const geom::Geometry rect = geom::rectangle(grid.cell({i, j}));
        if (prepared.intersects(rect)) cells.emplace_back(i, j);
      }
  }
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  return cells;
}

// What the split needs besides the geometry: the network, its latencies and owners.
struct SplitInput {
  const Network& net;
  const SegmentIndex& index;
  const LatencyModel& model;
  std::span<const double> node_us;
  std::span<const std::uint32_t> node_source;
  const ZoneOptions& options;
  const SplitOptions& split;
};

// (3b) The cells of each site: the nearest site of the cell's centre, in the cells' order.
std::vector<std::vector<Cell>> cells_by_site(const SplitInput& in, const std::vector<geom::Geometry>& own,
                                                       const geom::Geometry& overlap, const CellGrid& grid,
                                                       const std::vector<Cell>& cells) {
  const std::size_t sources = own.size();
  std::vector<LonLat> centres;
  centres.reserve(cells.size());
  for (const Cell& c : cells) {
    const LonLat p = grid.centre(c);  // beyond ±180 when the cell straddles the antimeridian
    centres.push_back({wrap_lon(p.lon), p.lat});
  }
  const std::vector<PointLatency> at = evaluate_points(in.net, in.index, in.model, in.options.access_from, centres,
                                                       in.node_us, in.node_source, in.split.threads);
  std::vector<std::vector<Cell>> cells_of(sources);
  PointLatencyQuery query(in.net, in.index, in.model, in.options.access_from);
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::uint32_t s = at[c].source;
    if (s >= sources) {
      // The centre is beyond every site's reach (the cell only grazes the zone): take a
      // point of the cell inside the overlap instead; failing that, the first P_s there.
      const geom::Geometry inside = geom::intersection(geom::rectangle(grid.cell(cells[c])), overlap);
      if (geom::is_empty(inside)) continue;
      if (const auto p = geom::point_on_surface(inside)) s = query.evaluate(*p, in.node_us, in.node_source).source;
      for (std::size_t t = 0; t < sources && s >= sources; ++t)
        if (geom::intersects(own[t], inside)) s = static_cast<std::uint32_t>(t);
      if (s >= sources) continue;
    }
    cells_of[s].push_back(cells[c]);
  }
  return cells_of;
}

// The same area as one rectangle per cell, in far fewer rectangles (the union is the
// expensive step): runs of cells up a column, then equal runs of adjacent columns merged.
// `cells` is sorted by (column, row).
std::vector<geom::Geometry> merged_rectangles(const std::vector<Cell>& cells, const CellGrid& grid) {
  struct Run {
    std::int64_t j0, j1;
  };
  struct Block {
    std::int64_t i0, i1, j0, j1;
  };
  std::vector<Block> blocks;
  std::vector<std::size_t> open;  // blocks that may still grow: the previous column's runs
  std::vector<std::size_t> next;
  std::size_t k = 0;
  while (k < cells.size()) {
    const std::int64_t i = cells[k].first;
    std::vector<Run> runs;
    for (; k < cells.size() && cells[k].first == i; ++k) {
      const std::int64_t j = cells[k].second;
      if (!runs.empty() && runs.back().j1 + 1 == j)
        runs.back().j1 = j;
      else
        runs.push_back({j, j});
    }
    // Both lists are in row order: grow an open block whose rows equal the run's.
    next.clear();
    std::size_t o = 0;
    for (const Run& r : runs) {
      while (o < open.size() && blocks[open[o]].j0 < r.j0) ++o;
      if (o < open.size() && blocks[open[o]].i1 + 1 == i && blocks[open[o]].j0 == r.j0 &&
          blocks[open[o]].j1 == r.j1) {
        blocks[open[o]].i1 = i;
        next.push_back(open[o]);
      } else {
        blocks.push_back({i, i, r.j0, r.j1});
        next.push_back(blocks.size() - 1);
      }
    }
    open.swap(next);
  }
  std::vector<geom::Geometry> out;
  out.reserve(blocks.size());
  for (const Block& b : blocks)
    out.push_back(geom::rectangle({grid.x(b.i0), grid.y(b.j0), grid.x(b.i1 + 1), grid.y(b.j1 + 1)}));
  return out;
}

}  // namespace

std::vector<MultiPolygon> split_zone_by_site(const Network& net, const SegmentIndex& index, const LatencyModel& model,
                                             std::span<const double> node_us,
                                             std::span<const std::uint32_t> node_source, std::size_t sources,
                                             double budget_us, const ZoneOptions& options, const SplitOptions& split) {
  if (!(split.cell_m > 0)) throw InputError("split cell size must be greater than zero, e.g. '250m'.");
  const AccessCost access(model);
  const std::vector<geom::Geometry> own = site_zones(net, node_us, node_source, sources, access, budget_us, options);
  const geom::Geometry overlap = overlap_of(own);
  std::vector<MultiPolygon> out(sources);
  if (geom::is_empty(overlap)) {
    for (std::size_t s = 0; s < sources; ++s) out[s] = geom::to_multipolygon(own[s]);
    return out;
  }
  const CellGrid grid = grid_over(geom::extent(overlap), split.cell_m);
  const std::vector<Cell> cells = overlap_cells(overlap, grid, split);
  const SplitInput in{net, index, model, node_us, node_source, options, split};
  const std::vector<std::vector<Cell>> cells_of = cells_by_site(in, own, overlap, grid, cells);
  for (std::size_t s = 0; s < sources; ++s) {
    geom::Geometry alone = geom::difference(own[s], overlap);
    if (!cells_of[s].empty()) {
      const geom::Geometry mine = geom::unary_union(merged_rectangles(cells_of[s], grid));
      const geom::Geometry shared = geom::intersection(overlap, mine);
      alone = geom::union_of(alone, shared);
    }
    out[s] = geom::to_multipolygon(alone);
  }
  return out;
}

}  // namespace lightcone
