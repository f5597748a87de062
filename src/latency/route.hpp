// A route between two points over the network, with its latency breakdown.
// One-way µs internally; the caller applies the metric factor for display.
#pragma once

#include <vector>

#include "latency/point_latency.hpp"

namespace lightcone {

struct RouteBreakdown {
  bool found = false;
  bool start_within_access = false;
  bool end_within_access = false;
  double total_us = 0.0;       // one-way, = access_us + fibre_us + node_delay_us
  double access_us = 0.0;      // both access legs
  double access_km = 0.0;      // straight access distance, both legs
  double fibre_us = 0.0;
  double fibre_km = 0.0;       // route length (after slack / length field)
  double node_delay_us = 0.0;
  std::size_t hops = 0;        // network nodes on the path
  std::vector<LonLat> path;    // start point → network → end point
};

RouteBreakdown route_between(const Network& net, const Graph& graph, const SegmentIndex& index,
                             const LatencyModel& model, LonLat from, LonLat to,
                             AccessFrom mode = AccessFrom::edges);

}  // namespace lightcone
