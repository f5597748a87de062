// `lightcone latency` as library calls, each from typed inputs to a typed result, with
// writing a separate step; prints nothing.
// - Point mode: latency to the nearest attached site for every point of a layer, or
//   every network node; a table (latency, access, site) and a summary.
// - Route mode: the route between two points and its breakdown (fibre, node delays,
//   access).
// Latencies in results and outputs are in the model's metric (RTT or one-way), in µs;
// NaN where unreached.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "io/source.hpp"
#include "io/write.hpp"
#include "latency/route.hpp"
#include "plan/load.hpp"

namespace lightcone {

// The points to evaluate (read as points; polygons at their centroid).
struct PointsInput {
  LayerSpec layer;
  ReadOptions read;
  std::string label_field;  // PointFields::label (DEFAULT: name, label or site_id)
};

struct LatencyRequest {
  NetworkInput network;
  SitesInput sites;
  // The sites source as the user named it (PATH[:LAYER]), for messages.
  std::string sites_name;
  // DEFAULT: none = every network node.
  std::optional<PointsInput> points;
  LatencyModel model;
  // Worker threads for points; 0 = all cores. Results do not depend on it.
  unsigned threads = 0;
};

struct LatencyRun {
  LatencyModel model;
  bool points = false;  // true: `table` is one row per point of the layer; false: per node
  // "latency" (fid, source_fid, latency_us, access_us, site_id) for points, "nodes"
  // (node_id, latency_us, site_id) for nodes.
  FeatureTable table;
  // model, what, features, reached, unreached, sites_attached[, latency_us min/median/max].
  nlohmann::ordered_json summary;
};

// Reads the points (when given) before the network, so that bad input fails fast.
// Throws InputError for bad input and when no site is attached.
LatencyRun run_latency(const LatencyRequest& request);

// Writes the table to `out` (.gpkg, .csv or .geojson) and OUT.summary.json beside it.
void write_latency(const std::string& out, const LatencyRun& run);

struct RouteRequest {
  NetworkInput network;
  LatencyModel model;
  LonLat from;
  LonLat to;
};

struct RouteRun {
  LatencyModel model;
  LonLat from;
  LonLat to;
  RouteBreakdown route;  // one-way µs (multiply by model.metric_factor() for the metric)
  // model, from, to, found; when found the breakdown in the metric, else the reason.
  nlohmann::ordered_json summary;
};

RouteRun run_route(const RouteRequest& request);

// Writes the route (a line with latency_us, fibre_km, access_us, hops, metric) to `out`.
// REQUIRES: run.route.found.
void write_route(const std::string& out, const RouteRun& run);

}  // namespace lightcone
