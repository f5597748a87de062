// Scenario files (DESIGN.md §6): one TOML file naming the layers and their field
// mapping, the latency model, budgets, zone and surface options, the placement problem
// and named targets. parse_scenario() turns it into the typed Scenario below, checking
// every key: unknown keys, wrong types, bad units and values out of range are
// InputErrors that start with "<file>:<line>: " and name the key and its table, e.g.
//   scenario.toml:12: unknown key 'budgts' in [zones]. Known keys: budgets, rings, circle_segments.
// Paths in the file are relative to the file's directory. Nothing is read here except
// the scenario file itself: layers are read by the caller (io), which reports problems
// with the lines recorded in ScenarioLayer.
// Budgets and latencies are in the scenario's metric ([model] metric, required).
// This module is the only toml++ user.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/latency_model.hpp"
#include "core/units.hpp"
#include "io/crs.hpp"
#include "io/source.hpp"
#include "network/network.hpp"
#include "placement/placement.hpp"
#include "zones/surface.hpp"
#include "zones/zones.hpp"

namespace lightcone {

// A field-mapping key of a layer table, for checking the field exists before reading.
struct ScenarioField {
  std::string key;    // e.g. "weight_field"
  std::string field;  // e.g. "pop"
  int line = 0;
};

// A layer named in a scenario and where the scenario names it (for messages).
struct ScenarioLayer {
  std::string table;       // "[network]", "[boundaries.qingdao]"
  std::string path_text;   // as written in the file (a PG connection string without its password)
  std::string path;        // resolved against the scenario file's directory (PG: as written)
  std::string layer;       // empty: the dataset's only layer
  std::string where;       // OGR attribute filter; empty = none
  std::optional<std::string> assume_crs;  // for sources without a CRS (CSV)
  std::vector<ScenarioField> fields;      // every field the mapping names
  int line = 0;            // the table's header
  int path_line = 0;
  int layer_line = 0;      // 0 when not given
  int where_line = 0;      // 0 when not given

  LayerSpec spec() const { return {path, layer}; }
};

struct NetworkSpec {
  ScenarioLayer source;
  LineFields fields;   // length (+ unit), group index, slack, delay (+ unit)
  BuildOptions build;  // snap, split_shared
  // no_tap_longer_than as read (copied into Scenario::model); empty: the model's DEFAULT.
  std::optional<Metres> no_tap_longer_than;
};

struct SitesSpec {
  ScenarioLayer source;
  PointFields fields;        // id (DEFAULT: site_id if present, else FID), entry delay (+ unit)
  std::string status_field;  // empty: "status" if the layer has it, else every site "existing"
  std::string capacity_field;  // placement capacities and the capacity target
  std::string cost_field;      // placement costs (DEFAULT: 1 per new site)
};

struct DemandSpec {
  ScenarioLayer source;
  std::string weight_field;  // empty: weight 1 per feature
  std::string load_field;    // placement and capacity target load (DEFAULT: 1 per feature)
  std::string label_field;   // names in outputs (PointFields::label; DEFAULT: name, label or site_id)
};

struct BoundarySpec {
  std::string name;  // [boundaries.NAME]
  ScenarioLayer source;
  std::string label;  // what maps and reports call it, any script (DEFAULT: name)
};

struct ZonesSpec {
  std::vector<Microseconds> budgets;  // as written (metric), REQUIRES non-empty, each > 0
  bool rings = false;
  ZoneOptions options;                // circle_segments; access_from comes from [model]
};

// [coverage]: placement on a measured latency table instead of a network (as `place
// --coverage`): one row per demand–site pair, columns demand_id, site_id, latency_us.
// [sites] and [demand] are then optional attribute tables keyed by id (geometry ignored);
// [network], [zones], [surface], [boundaries], survivable placement and the targets that
// need a network or areas are refused at parse time.
struct CoverageSpec {
  ScenarioLayer source;         // path, layer, where
  Metric metric = Metric::rtt;  // the table's latencies (DEFAULT: [model] metric)
  std::string demand_id;        // the demand table's id field (DEFAULT: demand_id, else the FID)
  int line = 0;
};

// [output]: where else a run goes besides its run directory.
struct OutputSpec {
  // "PG:CONNECTION:SCHEMA": plan also writes the run's layers into that PostGIS schema
  // (io/postgis.hpp). Empty: none.
  std::string postgis;
  int postgis_line = 0;
};

struct SurfaceSpec {
  // DEFAULT: true.
  bool enabled = true;
  // cell_m (DEFAULT 0: 1 km or coarser, within max_cells), max_cells (DEFAULT 25 M),
  // epsg (DEFAULT 0: chosen from the extent, zones/surface.hpp)
  SurfaceOptions options;
  std::optional<LonLatBox> extent;    // DEFAULT: the largest zone's bounding box
  // options.epsg when given: a projected CRS in metres (checked), with its area of use.
  std::optional<CrsFacts> crs;
  // Where the table and its keys are (0: not given), for messages about the surface.
  int line = 0;
  int cell_size_line = 0;
  int max_cells_line = 0;
  int epsg_line = 0;
  int extent_line = 0;
};

// [maps]: the quick-look PNG maps of the run.
struct MapsSpec {
  std::optional<LonLatBox> extent;  // zoom, degrees; DEFAULT: everything in the run
  int extent_line = 0;
};

// The placement `plan` runs before the zones: the sites it opens (existing, required and
// chosen) are the sites the zones, demand evaluation and targets see.
struct PlacementSpec {
  Problem problem = Problem::lscp;
  std::optional<std::int64_t> p;         // sites to open (all but lscp)
  std::optional<Microseconds> budget;    // lscp and mclp
  std::optional<Microseconds> time_limit;  // DEFAULT: 60 s
  int k = 1;                               // backup coverage (lscp)
  bool survive = false;                    // coverage survives any single cut (lscp, mclp)
  std::optional<double> money;             // limit on the cost of new sites (mclp)
  std::string capacity_unit = "units";     // the unit of capacity and load, for outputs
  // Demand no candidate can serve: fail (infeasible) or skip (solve for the rest).
  Uncoverable uncoverable = Uncoverable::fail;  // DEFAULT: fail
  // Demand and sites off the network's largest component left out. DEFAULT: false.
  bool largest_component = false;
  int line = 0;
};

enum class TargetKind {
  demand_share,   // ≥ min_share of demand weight (inside boundary) within budget
  area_share,     // ≥ min_share of the boundary's area within budget
  worst_latency,  // worst demand latency (inside boundary) ≤ max_latency
  new_sites,      // placement opens ≤ max_new_sites sites
  survivable,     // demand_share that must hold after any single fibre cut
  capacity,       // every site's assigned load within its capacity
};
std::string_view to_string(TargetKind k);

struct Target {
  std::string name;
  TargetKind kind = TargetKind::demand_share;
  std::string description;
  std::string boundary;        // empty: all demand (not allowed for area_share)
  Microseconds budget{0.0};    // demand_share, area_share, survivable (metric)
  double min_share = 0.0;      // fraction in [0, 1]
  Microseconds max_latency{0.0};  // worst_latency (metric)
  std::int64_t max_new_sites = 0;
  int line = 0;                // the [[target]] header
};

struct Scenario {
  std::string file;  // as given
  std::string name;  // DEFAULT: the file's stem
  std::string description;
  NetworkSpec network;   // source.path empty when the scenario has [coverage]
  SitesSpec sites;       // source.path empty: [coverage] without [sites] (the table's ids)
  std::optional<CoverageSpec> coverage;
  std::optional<DemandSpec> demand;
  std::vector<BoundarySpec> boundaries;  // in file order
  LatencyModel model;
  ZonesSpec zones;
  SurfaceSpec surface;
  MapsSpec maps;
  std::optional<PlacementSpec> placement;
  std::vector<Target> targets;  // in file order
  OutputSpec output;

  const BoundarySpec* boundary(std::string_view name) const;
};

// Reads and parses a scenario file. InputError when it cannot be read or is invalid.
Scenario load_scenario(const std::string& path);
// Parses scenario text; `path` names it in messages and anchors relative paths.
Scenario parse_scenario(std::string_view text, const std::string& path);

// "<file>:<line>: " (or "<file>: " when line is 0), the prefix of every scenario message.
std::string scenario_where(const Scenario& s, int line);

// How far (degrees) a surface extent may reach beyond the area of use of the [surface]
// epsg: a projected CRS stays usable a little past it (the README's example reaches 1°
// past UTM zone 50N), but not across the world.
inline constexpr double kSurfaceAreaMarginDeg = 3.0;

// Throws InputError naming 'epsg' in [surface] when `extent`, the surface's extent by
// default (the largest zone's bounding box), lies outside the area of use of the
// scenario's surface CRS (with kSurfaceAreaMarginDeg to spare). Nothing when the
// scenario leaves epsg to lightcone.
void check_surface_extent(const Scenario& s, const LonLatBox& extent);

}  // namespace lightcone
