// Reading GIS layers through GDAL (this module is the only GDAL user).
// Sources are given as PATH[:LAYER]; every geometry is transformed to WGS 84 lon/lat
// (traditional GIS axis order). Unusable input throws InputError naming file, layer and
// feature id, also as typed fields (core/error.hpp) with the key of the setting at fault
// and the kind of failure; features that can be skipped are listed in `skipped` with
// their reason.
// CSV files are read with a geometry column named WKT (or wkt_geom, geometry, geom) or
// coordinate columns lon/lat (longitude/latitude, x/y); a CSV has no CRS, so reading one
// needs ReadOptions::assume_crs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/layers.hpp"
#include "core/table.hpp"
#include "network/network.hpp"

namespace lightcone {

struct LayerSpec {
  std::string path;
  std::string layer;  // empty: the only layer (or "lines" for OSM files)
};

// Splits "PATH[:LAYER]": the whole text when it names an existing file, else the part
// before the last ':' when that exists. PostGIS: "PG:CONNECTION[:SCHEMA.TABLE]", the
// connection string quoted or not (core/pg_source.hpp says how the layer is told apart);
// `path` is then "PG:CONNECTION" without quotes. Messages never show a PG source's password.
LayerSpec parse_layer_spec(std::string_view text);

struct ReadOptions {
  std::string where;                  // OGR attribute filter; empty = none
  std::optional<std::string> assume_crs;  // for sources without a CRS, e.g. "EPSG:4326"
  // The CLI option that named the source, for messages ("--to"); its filter option is
  // named option + "-where". DEFAULT: "--network" for lines, "--sites" for points.
  std::string option;
  // Only the features whose geometry meets this lon/lat box (GDAL's spatial filter,
  // through the layer's spatial index where it has one); the box is taken to the layer's
  // CRS with its edges densified. east may exceed 180 (a box across ±180). Features are
  // read whole, never clipped. DEFAULT: none (every feature).
  struct Box {
    double west = -180.0, south = -90.0, east = 180.0, north = 90.0;
  };
  std::optional<Box> within;
};

struct SkippedFeature {
  std::int64_t fid = 0;
  std::string reason;
};

struct LayerInfo {
  std::string path;
  std::string layer;
  std::string driver;
  std::string crs;           // source CRS name (or "assumed EPSG:4326")
  std::size_t features_read = 0;
  std::vector<SkippedFeature> skipped;
};

// Field mapping for fibre lines. Empty name = not used. Length and delay fields need
// their unit ("km"/"m", "us"/"ms").
struct LineFields {
  std::string length;
  std::string length_unit;   // "m" or "km"; REQUIRES: set when `length` is
  std::string group_index;
  std::string slack;
  std::string delay;         // fixed extra delay of a line
  std::string delay_unit;    // "us" or "ms"; REQUIRES: set when `delay` is
  std::string risk_group;    // text: shared-risk group (lines cut together)
  // text: where access may join the line (DESIGN §3): yes (anywhere), no (nowhere, not
  // even its ends), ends (its end nodes only); NULL or blank = the --no-tap-longer-than
  // rule. Any other value is an InputError naming the feature and the value.
  std::string tap;
};

struct LineLayer {
  LayerInfo info;
  LineInput lines;
  std::vector<std::string> risk_group;  // per line when fields.risk_group is set ("" = none)
};

LineLayer read_lines(const LayerSpec& spec, const ReadOptions& options, const LineFields& fields);

struct PointFields {
  // Sites: the field their ids come from; empty: "site_id" if present, else the FID.
  // Ids from a field must be unique (else InputError naming the repeats and their fids);
  // a site with a NULL or blank id is skipped with its reason, never named "".
  std::string id;
  // Demand points (--demand, --to) are named by their FID in every output (source_fid):
  // then no id field is read and `id` is ignored. DEFAULT: false (sites).
  bool fid_ids = false;
  std::string weight;        // empty: weight 1
  std::string entry_delay;   // per-site entry delay (µs unless delay_unit says otherwise)
  std::string exit_delay;    // per-site exit delay (site to user), same unit; empty = the entry delay
  std::string delay_unit = "us";
  // Placement columns; empty name = not read. Numeric fields must be numbers >= 0.
  std::string status;        // text: existing / required / candidate / excluded / ...
  std::string cost;
  std::string capacity;      // NULL = uncapacitated
  std::string load;          // demand load; NULL = 0
  // The text that names each feature in outputs (their `name` column, next to site_id or
  // source_fid), so that results need no join back to the input. DEFAULT (empty): the
  // first of name, label, site_id the layer has; none of them: no names. "none": no names.
  std::string label;
};
inline constexpr const char* kDefaultLabelFields[] = {"name", "label", "site_id"};

// `fields` for demand points: named by their FID (PointFields::fid_ids).
inline PointFields demand_fields(PointFields fields) {
  fields.fid_ids = true;
  return fields;
}

struct PointLayer {
  LayerInfo info;
  std::vector<LonLat> pos;
  std::vector<std::int64_t> fid;
  std::vector<std::string> id;
  std::vector<double> weight;
  std::vector<double> entry_delay_us;  // NaN where not given
  std::vector<double> exit_delay_us;   // when fields.exit_delay is set (NaN where NULL)
  std::string id_field;                // the field ids came from, or "fid"
  std::vector<std::string> status;     // when fields.status is set
  std::vector<double> cost;            // when fields.cost is set (NaN where NULL)
  std::vector<double> capacity;        // when fields.capacity is set (NaN where NULL)
  std::vector<double> load;            // when fields.load is set (NaN where NULL)
  std::string label_field;             // the field names came from; empty: none (label is empty)
  std::vector<std::string> label;      // per point when label_field is set
  std::vector<char> label_null;        // per point when label_field is set: 1 where NULL
};

// The `name` output column (kNameField) of the layer's points `rows` (all points when
// `rows` is null), or nothing when the layer has no label field.
inline std::optional<Column> name_column(const PointLayer& layer, const std::vector<std::size_t>* rows = nullptr) {
  if (layer.label_field.empty()) return std::nullopt;
  std::vector<std::string> v;
  std::vector<bool> null;
  const std::size_t n = rows ? rows->size() : layer.label.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = rows ? (*rows)[k] : k;
    v.push_back(layer.label[i]);
    null.push_back(layer.label_null[i] != 0);
  }
  return Column::texts(kNameField, std::move(v), std::move(null));
}

// Points; polygons are taken at their centroid, lines are an error. A layer without a
// single usable point is an InputError.
PointLayer read_points(const LayerSpec& spec, const ReadOptions& options, const PointFields& fields);

// Dataset summary for `info`: driver, layers with feature counts, geometry types, CRS.
struct DatasetLayerSummary {
  std::string name;
  std::string geometry_type;
  std::int64_t features = 0;  // -1 when not counted
  std::string crs;
  std::vector<std::string> fields;
  // WEST, SOUTH, EAST, NORTH in the layer's CRS; empty when the layer has no geometry or
  // no features.
  std::vector<double> extent;
};
// `count_features` false skips the counts (a database counts every table's rows).
// `only_layer` (not empty): just that layer when it exists (named as asked), else every
// layer by name only (for the message that lists them).
std::vector<DatasetLayerSummary> describe_dataset(const std::string& path, std::string* driver,
                                                  bool count_features = true, const std::string& only_layer = "");

// While one lives, every read-only open of a PostGIS source on this thread reuses one
// connection per connection string (GDAL's shared datasets), instead of connecting (and
// reading the database's catalogue) again for each check and read of a layer: a
// scenario's preflight and reads of three layers in one database connect once. The
// connections close when the last session on the thread ends. Files are not affected.
class PgReadSession {
 public:
  PgReadSession();
  ~PgReadSession();
  PgReadSession(const PgReadSession&) = delete;
  PgReadSession& operator=(const PgReadSession&) = delete;
};

}  // namespace lightcone
