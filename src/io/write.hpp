// Writing results: feature tables (points or lines, WGS 84) to GeoPackage, CSV or
// GeoJSON, chosen by the output file's extension. Writes go to a temporary name beside
// the target and are renamed when complete, so a failed run leaves nothing behind.
// GeoPackages are byte-identical for identical input (fixed timestamps, fixed order).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "core/ids.hpp"

namespace lightcone {

struct Column {
  enum class Type { real, integer, text };
  std::string name;
  Type type = Type::real;
  std::vector<double> real;           // NaN = NULL
  std::vector<std::int64_t> integer;  // with `null` flags
  std::vector<std::string> text;
  std::vector<bool> null;             // for integer and text; empty = none null

  static Column reals(std::string n, std::vector<double> v) {
    Column c;
    c.name = std::move(n);
    c.type = Type::real;
    c.real = std::move(v);
    return c;
  }
  static Column integers(std::string n, std::vector<std::int64_t> v, std::vector<bool> nulls = {}) {
    Column c;
    c.name = std::move(n);
    c.type = Type::integer;
    c.integer = std::move(v);
    c.null = std::move(nulls);
    return c;
  }
  static Column texts(std::string n, std::vector<std::string> v, std::vector<bool> nulls = {}) {
    Column c;
    c.name = std::move(n);
    c.type = Type::text;
    c.text = std::move(v);
    c.null = std::move(nulls);
    return c;
  }
};

struct FeatureTable {
  enum class Geometry { point, line, polygon, none };
  std::string name;
  Geometry geometry = Geometry::point;
  std::vector<LonLat> coords;                  // points: one per feature
  std::vector<std::uint32_t> first{0};         // lines: feature i = coords[first[i]..first[i+1])
  std::vector<MultiPolygon> polygons;          // polygons: one MultiPolygon per feature
  std::vector<std::int64_t> fid;               // output FIDs (GPKG), empty = 1..n
  std::vector<Column> columns;
  std::size_t features() const;
};

// Writes all tables to one file (GeoPackage: one layer each; CSV/GeoJSON: exactly one
// table). GeoPackages also get the QGIS style of every layer that has one (maps/*.qml)
// in their `layer_styles` table. Throws InputError for an unsupported extension or an
// unwritable place.
void write_tables(const std::string& path, std::span<const FeatureTable> tables);

// The QGIS style (QML) shipped for an output layer name, or empty.
std::string_view qgis_style(std::string_view layer);

}  // namespace lightcone

namespace lightcone {
// Writes text to `path` atomically (temporary name, then rename).
void write_text_file(const std::string& path, const std::string& content);
// The name of a file written beside `out`: "dir/a.gpkg" + ".summary.json" →
// "dir/a.summary.json".
std::string sidecar_path(const std::string& out, const std::string& suffix);
}  // namespace lightcone

namespace lightcone {
// Checks that `path` can be written (known extension, existing directory) before any
// work is done; throws InputError otherwise.
void write_tables_check_path(const std::string& path);
}  // namespace lightcone
