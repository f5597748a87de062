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
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "placement/coverage.hpp"
#include "plan/scenario_run.hpp"

namespace lightcone {

inline constexpr const char* kPartInfo = "part.json";
inline constexpr const char* kPartCoverage = "coverage.bin";

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

// The parts a merge reads, checked: one scenario (its digest), one N, every part once.
struct PartSet {
  unsigned parts = 0;
  std::vector<std::string> dirs;  // by part number
};
// InputError naming the directory and the fix when a directory is no complete part (no
// manifest, a file whose SHA-256 differs), of another scenario or inputs, or when parts
// are missing or given twice.
PartSet read_part_set(const std::vector<std::string>& dirs, const std::string& digest);

// The coverage of the whole demand from the parts' rows, for the run as read
// (RunOptions::coverage_from). InputError when a part's counts differ from the run's.
Coverage merged_coverage(const PartSet& set, const ScenarioRun& run);

}  // namespace lightcone
