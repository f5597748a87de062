// A plan in parts (`lightcone plan --parts N --part I`, `lightcone merge`): the heavy,
// local work of a scenario's placement, the coverage rows (every demand point's sites
// within the budget and their latencies), computed region by region, each part reading
// only the network within its region's halo; the merge then runs the scenario as one
// machine would, with the rows of the parts instead of the searches, so that its run
// directory is byte-identical to `lightcone plan`'s for any N.
//
// Regions: the demand points in Hilbert order (core/spatial_order.hpp) cut into N runs
// of equal count (part I: ranks ⌊(I−1)·n/N⌋ .. ⌊I·n/N⌋). Halo: the region's box grown by
// a reach of the placement's budget and 3 × max access; the network layer is read through
// a GDAL spatial filter on that box. The first reach is 0.8 × the straight-line reach (the
// farthest a path within the budget can go in a straight line at the model's lowest µs per
// km: fibre, or access with its detour), as fibre routes run at least 1.25 × the straight
// distance. A part proves its halo was enough: one bounded search from its demand points'
// access legs (budget + twice the largest node delay + 1 µs) must not get, within that
// bound, along any edge out of the inner box (region + reach + max access); else the
// halo widens (to the straight-line reach, then doubling) and the part reads again (after
// four times, the whole layer). Sites within region + reach + 2 × max access are attached (so
// every edge split by a site there is split alike); sites the search reaches are searched.
//
// The part directory (PARTDIR, staged and swapped in whole like a run directory, with
// manifest.json): part.json (what the part is and what it read), timings.json (wall
// seconds per phase; the one file that differs between identical parts) and coverage.bin, little
// endian: "LCPART1\0", u64 demand_total, u64 sites_total, u64 n, u64 entries,
// u32 demand_index[n] (ascending), u32 first[n+1], u32 site[entries],
// f64 latency_us[entries] (one-way µs, rows by site index).
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "placement/coverage.hpp"
#include "plan/scenario_run.hpp"

namespace lightcone {

inline constexpr const char* kPartInfo = "part.json";
inline constexpr const char* kPartCoverage = "coverage.bin";
inline constexpr const char* kPartDemand = "demand.bin";
inline constexpr const char* kPartSurface = "surface.bin";
inline constexpr const char* kPartZones = "zones.bin";
inline constexpr const char* kOpenSites = "open_sites.json";
// part.json's "kind": a coverage part (round 1) or a demand part (round 2).
inline constexpr const char* kPartKindCoverage = "coverage";
inline constexpr const char* kPartKindDemand = "demand evaluation";

// The demand points (indices, ascending) of part `part` (1-based) of `parts`.
// REQUIRES: 1 <= part <= parts.
std::vector<std::uint32_t> part_demand(std::span<const LonLat> demand, unsigned parts, unsigned part);

// InputError (naming the scenario's line and what to do) when the scenario cannot be
// planned in parts: it needs [placement] with a budget, a demand layer and a network
// (not [coverage]), and parts >= 1, 1 <= part <= parts.
void check_scenario_parts(const Scenario& s, unsigned parts, unsigned part);

struct PartRun {
  unsigned parts = 1, part = 1;
  std::vector<std::uint32_t> demand;  // indices into the demand layer, ascending
  Coverage rows;                      // row k: demand[k]; sites by index in the sites layer
  std::size_t demand_total = 0, sites_total = 0;
  nlohmann::ordered_json info;        // part.json
};

// Runs part `part` of `parts` (check_scenario_parts first). `digest`: scenario_digest(s).
PartRun run_scenario_part(const Scenario& s, unsigned parts, unsigned part, const std::string& digest,
                          const RunOptions& options, Progress& progress);

// Writes part.json and coverage.bin into the staging directory of PARTDIR; the caller
// may add timings.json (write_run_timings) and then commits (manifest.json, one swap).
void write_part(RunDirectory& out, const PartRun& part);

// Round 2 (`plan --parts N --part I --open SOLVEDIR`): the demand evaluation of part I's
// demand points (the same Hilbert regions) for the sites a solve-only merge opened, on
// the network within the halo of the largest budget of zones and placement, L (one-way).
// Its nearest latency, access and nearest site are exact where the point has no network
// within max access or lies within L (every path within L lies in the halo; ties between
// sites go to the lowest site index on every network: canonical_sources); the others are
// left to the merge, which has the whole network. demand.bin, little endian:
// "LCDEMND1", u64 demand_total, u64 sites_total, u64 n, u32 demand_index[n] (ascending),
// f64 latency_us[n], f64 access_us[n] (one-way µs; +inf when unreached), u32 site[n]
// (index in the sites layer; 0xffffffff: none), u8 flags[n] (PartPoint flags).
enum : std::uint8_t { kPointResolved = 1, kPointWithinAccess = 2, kPointFarMidSpan = 4 };
struct PartPoint {
  double latency_us = std::numeric_limits<double>::infinity();
  double access_us = std::numeric_limits<double>::infinity();
  std::uint32_t site = 0xffffffffu;
  std::uint8_t flags = 0;  // 0: left to the merge
};
// With a surface, a demand part also computes the surface's tiles (zones/surface.hpp
// surface_tiles) whose centres fall in its run of the tiles' Hilbert order (N runs of
// equal count), on the same halo (grown to hold them; the halo check seeds every edge
// end within max access of a tile at 0), and keeps the cells whose value is within L;
// the merge computes the tiles with any other cell. surface.bin, little endian:
// "LCSURF1\0", u64 width, u64 height, f64 x0, f64 y0, f64 cell (the grid, as the merge
// checks it), u64 n, u32 cell[n] (row-major index, ascending), f32 value[n] (metric µs).
struct PartSurface {
  int width = 0, height = 0;
  double x0 = 0.0, y0 = 0.0, cell = 0.0;
  std::vector<std::uint32_t> cell_index;
  std::vector<float> value;
};
// With zones, a demand part also builds the zone pieces (zones/zones.hpp) of its tiles:
// the zone tiles the solve-only merge listed, in their Hilbert order cut into N runs;
// their discs join the region as the surface's tiles do (grown by 0.7 × max access, as a
// buffer's box reaches up to about 1.6 × its radius from its centre line). Per budget
// the pieces are exact: a tile's buffers come from edges reached within L. zones.bin,
// little endian: "LCZONES1", u64 tiles, i32 (row, column)[tiles] (the part's tiles,
// ascending), u64 budgets, then per budget: f64 budget (one-way µs), u64 pieces, and per
// piece: i32 row, i32 column, u64 polygons, u64 rings, u64 points, u32 polygon_first
// [polygons + 1], u32 ring_first[rings + 1], f64 (lon, lat)[points] (continuous
// longitudes). A tile of the part without a piece is empty there.
struct PartZones {
  std::vector<ZoneTile> tiles;                 // the part's tiles, ascending
  std::vector<double> budgets;                 // one-way µs, ascending
  std::vector<std::vector<ZonePiece>> pieces;  // per budget, the non-empty pieces by tile
};
struct DemandPart {
  unsigned parts = 1, part = 1;
  std::vector<std::uint32_t> demand;  // indices into the demand layer, ascending
  std::vector<PartPoint> points;      // per demand[k]
  std::size_t demand_total = 0, sites_total = 0;
  std::optional<PartSurface> surface; // when the run has a surface
  std::optional<PartZones> zones;     // when the run has zones
  nlohmann::ordered_json info;        // part.json
};

// SOLVEDIR of `merge --solve-only`: open_sites.json ("format": "lightcone open sites 1",
// the scenario and its digest, sites_total, open: site indices ascending, open_ids, the
// placement's status, and surface_extent [W, S, E, N] when the run has a surface: the
// [surface] extent, else the box of the largest zone of the open sites, as the run takes
// it). write_open_sites writes it into the staging directory.
// With zones, also zone_reference_lon (of the whole network: a part's network is only
// its halo) and zone_tiles, [[row, column], ...]: the tiles that any zone of the open
// sites meets (zones/zones.hpp zone_tiles), ascending.
struct OpenSiteFile {
  std::vector<char> open;                   // per site of the sites layer: 1 when open
  std::optional<LonLatBox> surface_extent;
  std::optional<double> zone_reference_lon;
  std::vector<ZoneTile> zone_tiles;
};
void write_open_sites(RunDirectory& out, const Scenario& s, const std::string& digest, const ScenarioRun& run,
                      unsigned threads = 0);
// InputError naming the directory and the fix when it is no complete SOLVEDIR (manifest,
// SHA-256) or of another scenario or inputs.
OpenSiteFile read_open_sites(const std::string& dir, const std::string& digest);

DemandPart run_demand_part(const Scenario& s, unsigned parts, unsigned part, const std::string& digest,
                           const OpenSiteFile& open, const RunOptions& options, Progress& progress);
void write_demand_part(RunDirectory& out, const DemandPart& part);

// The parts a merge reads, checked: one scenario (its digest), every part once; the
// coverage parts of one N and, when given, the demand parts of one N (any N).
struct PartSet {
  unsigned parts = 0;
  std::vector<std::string> dirs;         // coverage parts, by part number
  unsigned demand_parts = 0;
  std::vector<std::string> demand_dirs;  // demand parts, by part number (none: the merge evaluates)
  std::vector<std::uint32_t> demand_open;  // the open sites the demand parts were evaluated for
};
// InputError naming the directory and the fix when a directory is no complete part (no
// manifest, a file whose SHA-256 differs), of another scenario or inputs, when parts are
// missing or given twice, when no coverage part is given, or when the demand parts
// were evaluated for different open sites.
PartSet read_part_set(const std::vector<std::string>& dirs, const std::string& digest);

// The coverage of the whole demand from the parts' rows, for the run as read
// (RunOptions::coverage_from). InputError when a part's counts differ from the run's.
Coverage merged_coverage(const PartSet& set, const ScenarioRun& run);

// The demand parts' evaluation for the run as read (RunOptions::demand_from). InputError
// when the merge's solve opened other sites than the demand parts were evaluated for
// (a solve that stopped at its time limit ends elsewhere each time), or when counts differ.
ZonesJobOptions::GivenDemand merged_demand(const PartSet& set, const ScenarioRun& run, const std::vector<char>& open);

// The demand parts' surface cells for the grid the merge makes (RunOptions::surface_from).
// InputError when a part's grid differs from it.
ZonesJobOptions::GivenSurface merged_surface(const PartSet& set, const LatencyGrid& grid);

// The demand parts' zone pieces for one-way budget `budget_one_way_us` (RunOptions::
// zones_from): every tile of every part, empty where the part had no piece. InputError
// when a tile is in two parts or a file is damaged.
std::vector<ZonePiece> merged_zones(const PartSet& set, double budget_one_way_us);

}  // namespace lightcone
