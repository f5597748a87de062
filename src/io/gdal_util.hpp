// GDAL plumbing shared by the readers and writers of this module (not installed).
#pragma once

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/table.hpp"
#include "io/source.hpp"

namespace lightcone {

struct GdalDatasetCloser {
  void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

// Gives a result set of ExecuteSQL back to its dataset.
struct ResultSetRelease {
  GDALDataset* dataset = nullptr;
  void operator()(OGRLayer* layer) const {
    if (dataset && layer) dataset->ReleaseResultSet(layer);
  }
};
using ResultSetPtr = std::unique_ptr<OGRLayer, ResultSetRelease>;

struct OpenLayer {
  DatasetPtr dataset;
  OGRLayer* layer = nullptr;
  // A PostGIS layer read through a SELECT of the columns used (read_fields): `layer`
  // points at it. Released before the dataset closes (declared after it).
  ResultSetPtr selected;
  std::string path;
  std::string layer_name;
  std::unique_ptr<OGRCoordinateTransformation> transform;  // null when already WGS 84
  LayerInfo info;
  std::string option;  // the option or table that named the source (Setting::source)
  bool filtered = false;  // a spatial filter is set (ReadOptions::within)

  // The fields of an InputError about this layer (InputErrorFields::key says which).
  InputErrorFields error(std::string key, std::optional<std::int64_t> fid = {}) const {
    InputErrorFields f = about_layer(path, layer_name, std::move(key));
    f.fid = fid;
    f.option = option;
    return f;
  }
};

// Registers the GDAL drivers of the formats lightcone writes and of the common inputs
// (GeoPackage, GeoJSON, Shapefile, CSV, FlatGeobuf, GeoTIFF, PNG, MEM) and GDAL's quiet
// error handler, once. open_vector registers the rest when an input needs them.
void ensure_gdal_registered();
// Registers all of GDAL's drivers (after ensure_gdal_registered's), once.
void ensure_all_gdal_drivers();
// A source as messages and outputs show it: a PG connection string without its password.
std::string display_source(const std::string& path);
// `message` with the password of the PG source `path` (if any) replaced by "***".
std::string scrub_password(std::string message, const std::string& path);
// "cannot connect to PostgreSQL (host=... dbname=...): <why>. <hint>" after a failed open of
// the PG source `path`; names the server and database, never the password.
std::string pg_open_failure(const std::string& path);

// Opens the PG source `path` with GDAL's PostgreSQL driver (a 10 s connect timeout unless
// it or PGCONNECT_TIMEOUT sets one); null on failure (then pg_open_failure says why).
DatasetPtr open_pg(const std::string& path, bool update);

// Sets a GDAL config option on this thread for the lifetime of the object.
class ScopedConfig {
 public:
  ScopedConfig(const char* key, const char* value) : m_key(key) {
    const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
    if (old) m_old = old;
    m_had = old != nullptr;
    CPLSetThreadLocalConfigOption(key, value);
  }
  ~ScopedConfig() { CPLSetThreadLocalConfigOption(m_key, m_had ? m_old.c_str() : nullptr); }
  ScopedConfig(const ScopedConfig&) = delete;
  ScopedConfig& operator=(const ScopedConfig&) = delete;

 private:
  const char* m_key;
  std::string m_old;
  bool m_had = false;
};
// Last GDAL error message on one line without its final '.', or `fallback` when none.
std::string last_gdal_error(const char* fallback = "unknown error");
// Opens a vector dataset read-only (CSV with geometry from WKT or lon/lat columns);
// null when GDAL cannot open it (see last_gdal_error()).
DatasetPtr open_vector(const std::string& path);
// Opens the layer, applies the attribute filter, sets up the transform to WGS 84.
// `option` names the CLI option the source came from, for messages.
OpenLayer open_layer(const LayerSpec& spec, const ReadOptions& options, const std::string& option);
std::string field_list(OGRLayer* layer);
// Reads only the geometry, the FID and the fields `used` points at (indexes into the
// layer's fields, -1 for none; rewritten to the indexes of the narrower layer):
// a PostGIS table is read through "SELECT fid, geom, <used> FROM table WHERE <where>"
// (GDAL's PostgreSQL driver sends every column of a table layer, ignored or not), a
// GeoPackage with the other fields ignored. Other drivers, and a PostGIS table without a
// FID column, are read whole. Call after open_layer, before reading.
void read_fields(OpenLayer& L, const ReadOptions& options, std::initializer_list<int*> used);

// Records the first GDAL failure raised on this thread while it lives (drivers that run
// the attribute filter in a database, like GPKG, only fail when features are fetched).
class GdalErrorCollector {
 public:
  GdalErrorCollector();
  ~GdalErrorCollector();
  GdalErrorCollector(const GdalErrorCollector&) = delete;
  GdalErrorCollector& operator=(const GdalErrorCollector&) = delete;
  bool failed() const { return m_failed; }
  const std::string& message() const { return m_message; }

 private:
  static void CPL_STDCALL handle(CPLErr type, CPLErrorNum num, const char* msg);
  bool m_failed = false;
  std::string m_message;
};

// Throws when GDAL failed while the features of `L` were read: an invalid filter when
// one was given and nothing was read, else a read error.
void check_read_errors(const OpenLayer& L, const ReadOptions& options, const GdalErrorCollector& errors,
                       std::size_t features_read);
// Writing a FeatureTable (write.cpp): its OGR geometry type, its layer (fields in column
// order; `lco` layer creation options) and its features (FIDs from t.fid when `set_fid`).
// `path` names the output in messages; failures throw InputError.
OGRwkbGeometryType table_geometry_type(const FeatureTable& t);
OGRLayer* create_table_layer(GDALDataset& ds, const FeatureTable& t, char** lco, const std::string& path);
void write_table_features(OGRLayer& layer, const FeatureTable& t, bool set_fid, const std::string& path);

// EPSG:4326 with longitude first.
OGRSpatialReference wgs84();
// Transforms `g` with L.transform (nothing to do when null): empty on success, else the
// reason to skip the feature. Coordinates that no CRS maps to the Earth (not finite, or
// beyond 1e12 in the layer's unit) are refused before GDAL sees them: its transformation
// wraps longitudes 360 degrees a step, so -1e308 never returns (found by tests/fuzz).
std::string transform_to_wgs84(const OpenLayer& L, OGRGeometry& g);

}  // namespace lightcone
