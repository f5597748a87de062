// Sparse coverage: for every demand point, the candidate sites that reach it within a
// budget and their latency (DESIGN.md §3 point latency, one site at a time). Built from
// budget-bounded searches from each candidate (both cores), inverted once into per-node
// site lists that each demand point's access legs read; never a dense matrix.
// Latencies are one-way µs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "latency/point_latency.hpp"
#include "latency/search.hpp"

namespace lightcone {

struct Coverage {
  std::size_t demands = 0;
  std::size_t sites = 0;
  std::vector<std::uint32_t> first{0};  // demand d: entries [first[d], first[d+1]), by site index
  std::vector<std::uint32_t> site;
  std::vector<double> latency_us;
  std::size_t entries() const { return site.size(); }
};

// The most pairs a Coverage holds: its row offsets are 32-bit (4,294,967,295 pairs, about
// 52 GB of rows), which a province is far from (the large benchmark: 40.5 million).
inline constexpr std::uint64_t kMaxCoveragePairs = 0xffffffffull;
// InputError saying what to change when `pairs` demand-site pairs do not fit a Coverage.
void check_coverage_pairs(std::uint64_t pairs);

// Where a build_coverage call spent its time and how much it handled: access legs of the
// demand points (kept after pruning), the per-site searches, the per-node site lists
// (entries), the rows per demand point, and their layout by demand point. Wall seconds
// and process CPU seconds (all threads) per phase.
struct CoverageStats {
  struct Phase {
    double wall_s = 0, cpu_s = 0;
  };
  Phase legs, searches, invert, rows, layout;
  std::size_t legs_kept = 0, node_entries = 0;
  // The access legs' work, over all demand points: groups of an edge's fibre pieces within
  // reach (each with a floor of its pieces' legs' costs), pieces within reach looked at
  // alone (those of the groups not dropped on their floors, each with its own floors),
  // candidate legs given plane bounds (two per piece not dropped on its floors alone),
  // node relaxations of the pruning searches (each search, and so each relaxation, shared
  // by up to 8 neighbouring demand points), and exact (geodesic) leg costs computed.
  std::size_t leg_groups = 0, leg_pieces = 0, leg_candidates = 0, leg_nodes = 0, exact_legs = 0;
};

// candidates[j]: the search source of candidate j (node kNone = not on the network).
// `threads` (0 = all cores) share every phase. `stats`, if given, receives the phases.
Coverage build_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                        const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                        std::span<const Source> candidates, double budget_us, unsigned threads = 0,
                        CoverageStats* stats = nullptr);

// Coverage from explicit (demand, site, latency) triples (tests, OS3E); pairs above
// budget_us are dropped; duplicates keep the smallest latency.
Coverage coverage_from_triples(std::size_t demands, std::size_t sites,
                               std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples,
                               double budget_us);

}  // namespace lightcone

namespace lightcone {
// Tiered budgets: keeps, for each demand d, only the entries with latency ≤ budget_us[d]
// (e.g. 1 ms inside a city and 3 ms elsewhere, built once at the largest budget).
Coverage restrict_coverage(const Coverage& c, std::span<const double> budget_us);
}  // namespace lightcone
