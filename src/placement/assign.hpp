// Demand → open site assignment after a placement, respecting site capacities.
// Uncapacitated: each demand goes to its nearest open site (lowest latency; ties to the
// lower site index). Capacitated: a transportation LP (CBC/Clp) decides how much of each
// demand's load each open covering site takes, so loads never exceed capacities:
//   maximise the weight served, then minimise Σ load × latency
//   (penalty per unserved unit of demand d: weight_d / load_d × M, M above any latency).
// A demand's load may be split; its reported site is the one taking the largest share
// (ties: lower latency, then lower index).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "placement/coverage.hpp"

namespace lightcone {

struct Assignment {
  std::vector<std::uint32_t> site;   // per demand: main serving site or kNone
  std::vector<double> latency_us;    // per demand: latency to `site` (one-way), NaN if none
  std::vector<double> served;        // per demand: share of its load served, in [0, 1]
  std::vector<double> site_load;     // per site: load assigned
  std::vector<double> site_weight;   // per site: Σ weight × share assigned
  double load_latency = 0.0;         // Σ load × share × latency (one-way µs)
  bool split = false;                // some demand is served by more than one site
};

// `open` per site; `max_latency_us` per demand (one-way; a pair counts only within it).
// load (per demand) and capacity (per site; +inf = none) may be empty: load 1 each and no
// capacities. weight empty = 1 each.
Assignment assign_demand(const Coverage& coverage, std::span<const char> open, std::span<const double> max_latency_us,
                         std::span<const double> weight, std::span<const double> load,
                         std::span<const double> capacity);

}  // namespace lightcone
