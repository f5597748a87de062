// Feature tables: the plain data lightcone's jobs produce and io writes (GeoPackage, CSV,
// GeoJSON) or reads back (io/read_table.hpp). A table is geometry (points, lines or
// multipolygons in WGS 84 lon/lat, or none) plus attribute columns; feature i is row i of
// every column. A Column holds one type of value (real, 64-bit integer or text) with
// NULLs: a real is NULL when NaN, an integer or text when its null flag is set.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/geometry.hpp"
#include "core/ids.hpp"

namespace lightcone {

class Column {
 public:
  enum class Type { real, integer, text };  // the order of the variant's alternatives

  std::string name;

  // REQUIRES: nulls empty (none NULL) or one flag per value.
  static Column reals(std::string name, std::vector<double> values);  // NaN = NULL
  static Column integers(std::string name, std::vector<std::int64_t> values, std::vector<bool> nulls = {});
  static Column texts(std::string name, std::vector<std::string> values, std::vector<bool> nulls = {});

  Type type() const { return static_cast<Type>(m_values.index()); }
  std::size_t size() const;
  bool is_null(std::size_t i) const;

  // The values; REQUIRES: the column has that type (else std::bad_variant_access).
  // NULL rows hold NaN (reals), 0 (integers) or "" (texts).
  const std::vector<double>& reals() const { return std::get<std::vector<double>>(m_values); }
  const std::vector<std::int64_t>& integers() const { return std::get<std::vector<std::int64_t>>(m_values); }
  const std::vector<std::string>& texts() const { return std::get<std::vector<std::string>>(m_values); }
  std::vector<double>& reals() { return std::get<std::vector<double>>(m_values); }
  std::vector<std::int64_t>& integers() { return std::get<std::vector<std::int64_t>>(m_values); }
  std::vector<std::string>& texts() { return std::get<std::vector<std::string>>(m_values); }

  // Appends a NULL row (NaN, 0 or "" with its null flag set).
  void push_null();

 private:
  using Values = std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>>;
  static Column make(std::string name, Values values, std::vector<bool> nulls);
  Values m_values;
  std::vector<bool> m_null;  // integers and texts: row i is NULL when i < size() and m_null[i]
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
  // A point table named `name` with these points and output FIDs, no columns yet.
  static FeatureTable points(std::string name, std::vector<LonLat> coords, std::vector<std::int64_t> fid);
};

}  // namespace lightcone
