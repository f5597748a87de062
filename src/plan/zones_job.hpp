// The zones job shared by `lightcone zones` and `lightcone plan`: latency zones for
// several budgets, demand evaluation (latency, nearest site, covered and margin per
// budget, uncovered with a reason) and the latency surface, as output tables, a grid
// and a summary. No file I/O: the caller writes the tables (GeoPackage), the grid
// (GeoTIFF) and the summary (JSON).
// Budgets are in the model's metric (RTT or one-way); tables and summary report
// latencies in that metric, in µs. Deterministic: the same inputs give the same
// tables, grid and summary whatever the number of threads.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "core/layers.hpp"
#include "core/units.hpp"
#include "io/source.hpp"
#include "io/write.hpp"
#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "zones/surface.hpp"
#include "zones/zones.hpp"

namespace lightcone {

struct ZonesJobOptions {
  // The summary's "command". DEFAULT: "zones".
  std::string command = "zones";
  // Budgets in the model's metric, any order; duplicates are dropped. REQUIRES: non-empty, each > 0.
  std::vector<Microseconds> budgets;
  // Zones as nested rings (B2 minus B1) instead of full disks. DEFAULT: false.
  bool rings = false;
  // Circle segments (the access mode is the model's: PreparedNetwork::model.access_from).
  ZoneOptions zone;
  // Compute the latency surface. DEFAULT: true.
  bool surface = true;
  SurfaceOptions surface_options;
  // Surface extent; DEFAULT: the bounding box of the largest zone.
  std::optional<LonLatBox> surface_extent;
  // Called with the surface's extent before the surface is made; throws InputError to
  // refuse it (a scenario's surface CRS whose area of use does not cover the largest
  // zone). DEFAULT: none.
  std::function<void(const LonLatBox&)> check_surface_extent;
  // Worker threads for demand and surface; 0 = all cores.
  unsigned threads = 0;
  // Per-site split (DESIGN §4): also a `zones_split` layer, every zone (or ring) cut by
  // nearest site, one feature per budget and site with area and demand weight covered.
  // The parts tile the zone exactly; the boundary between two sites is accurate to one
  // cell diagonal of split_options.cell_m (zones/zones.hpp). Fields: budget_us, budget,
  // metric, site_id, area_km2 and weight_covered / weight_share within the budget (as in
  // `zones`, also with rings: the parts of one budget add up to its zone's values).
  // DEFAULT: false.
  bool split = false;
  SplitOptions split_options;
  // Simplify the `zones` polygons outward by this tolerance in metres (they only grow,
  // by at most about 2 × the tolerance; zones/zones.hpp simplify_outward); area_km2
  // stays the exact zone's area. 0 = off. zones_split is never simplified (it would no
  // longer tile). DEFAULT: 0. REQUIRES: >= 0.
  double simplify_m = 0.0;
  // Demand polygons by area-weighted sample (zones.hpp sample_polygon): feature i is
  // evaluated at pos[first[i] .. first[i+1]) (equal shares of its weight) instead of at
  // its point. Its covered share per budget is the share of its sample points within
  // the budget; the demand layer gains `samples`, `latency_worst_us` and
  // `covered_share_<budget>`, `latency_us` / `access_us` become the mean over reachable
  // sample points, `site_id` the nearest site of most of them, `covered_<budget>` means
  // every sample point is covered and `margin_<budget>_us` is taken at the worst one.
  // Zone weight_covered sums weight × share; `uncovered` lists features not fully
  // covered with their uncovered weight. ZonesJobResult::demand holds the worst sample
  // point per feature. DEFAULT: none (one point per feature: polygons at their centroid).
  // REQUIRES: first.size() == demand features + 1, every feature at least one point.
  struct DemandSamples {
    std::vector<LonLat> pos;
    std::vector<std::uint32_t> first{0};
    int per_feature = 0;  // the requested sample size, as the summary states it
  };
  std::optional<DemandSamples> demand_samples;
  // Per site (same order as the sites layer): the `status` written to the sites layer.
  // Empty: every site is "existing".
  std::vector<std::string> site_status;
  // Per site: 1 when the zones, demand and surface see it (the open sites of a plan).
  // Empty: every site attached to the network. REQUIRES: some open site is attached.
  std::vector<char> site_open;
  // The demand evaluation as given (`lightcone merge` with the demand parts of a plan in
  // parts, plan/parts.hpp): per demand point, `resolved` 1 when values[d] holds it
  // (latency_us, access_us, within_access and, in place of a source, the index of its
  // nearest site in the sites layer, which must be open and attached; edge, at and via
  // unset), and `far` 1 when it joined an edge far mid-span. The job evaluates only the
  // others. Not with demand_samples. DEFAULT: none (every point is evaluated here).
  struct GivenDemand {
    std::vector<char> resolved;
    std::vector<PointLatency> values;
    std::vector<char> far;
  };
  const GivenDemand* given_demand = nullptr;
  // The surface's cells as given (`lightcone merge` with the demand parts of a plan in
  // parts, which compute tiles of the surface too): called with the grid (its values
  // empty) once the extent is known; `resolved[i]` is 1 when `values[i]` holds cell i
  // (metric µs, or the grid's nodata). The job computes only the tiles (surface_tiles)
  // with a cell not given. DEFAULT: none (every cell is computed here).
  struct GivenSurface {
    std::vector<float> values;
    std::vector<char> resolved;
  };
  std::function<GivenSurface(const LatencyGrid& grid)> surface_from;
  // The zones' pieces as given (`lightcone merge` with the demand parts, which build the
  // pieces of their tiles: zones/zones.hpp zone_pieces): called with each one-way budget;
  // a tile given (its shape may be empty) is taken as it is, the job builds the pieces of
  // the other tiles. DEFAULT: none (every piece is built here).
  std::function<std::vector<ZonePiece>(double budget_one_way_us)> zones_from;
  // Told the name of each step as it starts ("zones: search", "zones: polygons", "zones:
  // demand evaluation", "zones: per-site split", "zones: tables", "zones: surface"), e.g.
  // for a run's timings (plan/scenario_run.hpp Progress). DEFAULT: none.
  std::function<void(const std::string& step)> on_step;
};

struct ZonesJobResult {
  std::vector<Microseconds> budgets;      // sorted ascending, unique
  std::vector<std::uint32_t> source_site; // search source index → site index (open sites only)
  NodeLatencies nodes;                    // unbounded, one-way
  std::vector<PointLatency> demand;       // per demand point (the worst sample point), one-way
  // zones (largest budget first), network, sites, and with demand: demand, uncovered.
  std::vector<FeatureTable> tables;
  std::optional<LatencyGrid> surface;     // when asked and not empty (metadata set)
  // command, model, network, sites, budgets[, demand]. The caller adds "surface".
  nlohmann::ordered_json summary;
};

// The network layer (kNetworkLayer): every edge with the latency at both ends from
// `nodes` (in the model's metric; NULL when unreached), length, delay and the id of the
// nearest site; source_site[src] is the index in `sites` of the search's source src.
FeatureTable network_table(const PreparedNetwork& prepared, const NodeLatencies& nodes,
                           const std::vector<std::uint32_t>& source_site, const PointLayer& sites,
                           const LatencyModel& model);

// The zones' budgets as the job takes them: ascending, each once. (A demand part of a
// plan in parts builds the same zones' pieces: plan/parts.cpp.)
std::vector<Microseconds> zones_job_budgets(std::vector<Microseconds> budgets);
// The zone options as the job takes them: `zone` with the model's access rule and the
// job's threads.
ZoneOptions zones_job_zone_options(const ZoneOptions& zone, AccessFrom access_from, unsigned threads);

// Runs the job. `network` is the network layer's info (path, layer, counts) as the
// summary should state it; `sites` the sites as read (prepared.sources refer to them);
// `demand` may be null. Throws InputError when no site is attached to the network or
// the surface would be too large.
ZonesJobResult run_zones_job(const PreparedNetwork& prepared, const LayerInfo& network, const PointLayer& sites,
                             const PointLayer* demand, const ZonesJobOptions& options);

}  // namespace lightcone
