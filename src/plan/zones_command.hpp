// `lightcone zones` as a library call: typed inputs (layers, model, job options) →
// read, build, sample demand polygons, run the zones job (plan/zones_job.hpp) → a
// ZonesRun; writing it (GeoPackage, GeoTIFF and summary JSON beside it) is a separate
// step. Prints nothing. Latencies and budgets are in the model's metric, in µs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/source.hpp"
#include "plan/load.hpp"
#include "plan/zones_job.hpp"

namespace lightcone {

// The demand layer: points, or polygons taken at their centroid unless sampled.
struct DemandInput {
  LayerSpec layer;
  ReadOptions read;
  PointFields fields;  // weight (empty: 1 per feature); read with demand_fields (FID ids)
  // Evaluate each polygon at this many area-weighted sample points
  // (ZonesJobOptions::demand_samples). DEFAULT: 0 = at its point / centroid.
  // REQUIRES: >= 0; > 0 needs a polygon layer.
  int sample_per_polygon = 0;
};

struct ZonesRequest {
  NetworkInput network;
  SitesInput sites;
  // The sites source as the user named it (PATH[:LAYER]), for messages.
  std::string sites_name;
  std::optional<DemandInput> demand;
  LatencyModel model;
  // Budgets, rings, split, simplify, surface, threads. demand_samples is filled by
  // run_zones from DemandInput::sample_per_polygon.
  ZonesJobOptions job;
  // The budgets as the user wrote them, for the run_info table. DEFAULT: empty.
  std::string budgets_text;
};

struct ZonesRun {
  LoadedNetwork network;
  std::optional<PointLayer> demand;
  // The job's result; its tables end with `run_info` (the model, the command, budgets
  // as written, split_cell, simplify, demand_sample).
  ZonesJobResult result;
};

// Checks, before any work, that `out` can be written: a .gpkg in an existing directory.
void check_zones_out(const std::string& out);

// Reads the demand layer first (and samples its polygons), then the network and sites;
// runs the job. Throws InputError for bad input and when no site is attached.
ZonesRun run_zones(const ZonesRequest& request);

// Area-weighted sample points of every demand polygon read from `layer`, in the order of
// `demand` (features matched by FID; a feature without a polygon keeps its point).
ZonesJobOptions::DemandSamples sample_demand_polygons(const LayerSpec& layer, const ReadOptions& read,
                                                      const PointLayer& demand, int per_polygon);

// Writes `out` (GeoPackage: the result's tables), the GeoTIFF beside it when there is a
// surface (adding "surface" to the summary) and OUT.summary.json.
// REQUIRES: `out` checked with write_tables_check_path before the run.
void write_zones(const std::string& out, ZonesRun& run);

}  // namespace lightcone
