// Internal to the zones module: zone construction. Every network point reached within
// the budget contributes its access disc; along an edge the discs form tapered buffers
// (hull_collector.hpp), cut where the edge is reached partly or where its two ends'
// reaches meet. Latencies and budgets one-way µs.
#pragma once

#include <cstdint>
#include <span>

#include "latency/point_latency.hpp"
#include "zones/hull_collector.hpp"
#include "zones/zones.hpp"

namespace lightcone {

// Adds every zone piece to a collector: pieces reached through node v go to
// collectors[node_owner[v]] (skipped when that is ≥ collectors.size()), or all to
// collectors[0] when node_owner is empty. REQUIRES: !collectors.empty().
void collect_pieces(const Network& net, std::span<const double> node_us, const AccessCost& access, double budget_us,
                    const ZoneOptions& options, std::span<HullCollector> collectors,
                    std::span<const std::uint32_t> node_owner = {});

}  // namespace lightcone
