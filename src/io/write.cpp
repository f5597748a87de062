#include <cpl_conv.h>

#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_util.hpp"
#include "io/paths.hpp"
#include "io/write.hpp"

namespace lightcone {
namespace {

struct DriverChoice {
  const char* driver;
  bool multi_layer;
};

DriverChoice driver_for(const std::string& path) {
  const std::string ext = extension_of(path);
  if (ext == ".gpkg") return {"GPKG", true};
  if (ext == ".csv") return {"CSV", false};
  if (ext == ".geojson" || ext == ".json") return {"GeoJSON", false};
  throw InputError(about_file(path), {"unsupported output format '" + ext + "' (" + path +
                                      "). Use a .gpkg, .csv or .geojson file name for --out."});
}

void check(bool ok, const std::string& what, const std::string& path) {
  if (!ok) throw InputError(about_file(path), {what + " (" + path + "): " + last_gdal_error() + "."});
}

// Stores each layer's QGIS style in the GeoPackage's `layer_styles` table (the table
// QGIS reads default styles from), with a fixed update_time so files stay identical.
// Styles of layers with geometry (the map styles mean nothing to an attribute table, e.g.
// the sites of a run on measured latencies).
void write_layer_styles(GDALDataset& ds, std::span<const FeatureTable> tables, const std::string& path) {
  std::vector<const FeatureTable*> styled;
  for (const FeatureTable& t : tables)
    if (t.geometry != FeatureTable::Geometry::none && !qgis_style(t.name).empty()) styled.push_back(&t);
  if (styled.empty()) return;
  OGRLayer* layer = ds.CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
  check(layer != nullptr, "cannot create layer_styles", path);
  const std::pair<const char*, OGRFieldType> fields[] = {
      {"f_table_catalog", OFTString}, {"f_table_schema", OFTString}, {"f_table_name", OFTString},
      {"f_geometry_column", OFTString}, {"styleName", OFTString},    {"styleQML", OFTString},
      {"styleSLD", OFTString},        {"useAsDefault", OFTInteger},  {"description", OFTString},
      {"owner", OFTString},           {"ui", OFTString},             {"update_time", OFTDateTime}};
  for (const auto& [name, type] : fields) {
    OGRFieldDefn fd(name, type);
    if (std::string(name) == "useAsDefault") fd.SetSubType(OFSTBoolean);
    check(layer->CreateField(&fd) == OGRERR_NONE, std::string("cannot create field ") + name, path);
  }
  for (const FeatureTable* t : styled) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("f_table_catalog", "");
    f.SetField("f_table_schema", "");
    f.SetField("f_table_name", t->name.c_str());
    f.SetField("f_geometry_column", "geom");
    f.SetField("styleName", t->name.c_str());
    f.SetField("styleQML", std::string(qgis_style(t->name)).c_str());
    f.SetField("styleSLD", "");
    f.SetField("useAsDefault", 1);
    f.SetField("description", "lightcone default style");
    f.SetField("owner", "");
    f.SetField("ui", "");
    f.SetField("update_time", 2000, 1, 1, 0, 0, 0.0f, 100);
    check(layer->CreateFeature(&f) == OGRERR_NONE, "cannot write layer_styles", path);
  }
}

}  // namespace

OGRwkbGeometryType table_geometry_type(const FeatureTable& t) {
  return t.geometry == FeatureTable::Geometry::point     ? wkbPoint
         : t.geometry == FeatureTable::Geometry::line    ? wkbLineString
         : t.geometry == FeatureTable::Geometry::polygon ? wkbMultiPolygon
                                                         : wkbNone;
}

OGRLayer* create_table_layer(GDALDataset& ds, const FeatureTable& t, char** lco, const std::string& path) {
  const OGRwkbGeometryType gt = table_geometry_type(t);
  OGRSpatialReference srs = wgs84();
  OGRLayer* layer = ds.CreateLayer(t.name.c_str(), gt == wkbNone ? nullptr : &srs, gt, lco);
  check(layer != nullptr, "cannot create layer " + t.name, path);
  for (const Column& c : t.columns) {
    const OGRFieldType ft = c.type() == Column::Type::real      ? OFTReal
                            : c.type() == Column::Type::integer ? OFTInteger64
                                                                : OFTString;
    OGRFieldDefn fd(c.name.c_str(), ft);
    check(layer->CreateField(&fd) == OGRERR_NONE, "cannot create field " + c.name, path);
  }
  return layer;
}

void write_table_features(OGRLayer& layer, const FeatureTable& t, bool set_fid, const std::string& path) {
  const std::size_t n = t.features();
  for (std::size_t i = 0; i < n; ++i) {
    OGRFeature f(layer.GetLayerDefn());
    if (set_fid) f.SetFID(t.fid[i]);
    if (t.geometry == FeatureTable::Geometry::point) {
      f.SetGeometryDirectly(new OGRPoint(t.coords[i].lon, t.coords[i].lat));
    } else if (t.geometry == FeatureTable::Geometry::line) {
      auto* ls = new OGRLineString();
      for (std::uint32_t k = t.first[i]; k < t.first[i + 1]; ++k) ls->addPoint(t.coords[k].lon, t.coords[k].lat);
      f.SetGeometryDirectly(ls);
    } else if (t.geometry == FeatureTable::Geometry::polygon) {
      const MultiPolygon& m = t.polygons[i];
      auto* mp = new OGRMultiPolygon();
      for (std::size_t k = 0; k < m.polygons(); ++k) {
        OGRPolygon poly;
        for (std::uint32_t r = m.polygon_first[k]; r < m.polygon_first[k + 1]; ++r) {
          auto* ring = new OGRLinearRing();
          for (const LonLat& c : m.ring(r)) ring->addPoint(c.lon, c.lat);
          poly.addRingDirectly(ring);
        }
        mp->addGeometry(&poly);
      }
      f.SetGeometryDirectly(mp);
    }
    for (int k = 0; k < static_cast<int>(t.columns.size()); ++k) {
      const Column& c = t.columns[static_cast<std::size_t>(k)];
      if (c.is_null(i)) {
        f.SetFieldNull(k);
        continue;
      }
      switch (c.type()) {
        case Column::Type::real: f.SetField(k, c.reals()[i]); break;
        case Column::Type::integer: f.SetField(k, static_cast<GIntBig>(c.integers()[i])); break;
        case Column::Type::text: f.SetField(k, c.texts()[i].c_str()); break;
      }
    }
    check(layer.CreateFeature(&f) == OGRERR_NONE, "cannot write feature to " + t.name, path);
  }
}

void write_tables(const std::string& path, std::span<const FeatureTable> tables) {
  ensure_gdal_registered();
  const DriverChoice choice = driver_for(path);
  if (!choice.multi_layer && tables.size() != 1) {
    throw InputError(about_file(path),
                     {"a " + extension_of(path) + " file holds one layer (" + path + "). Use a .gpkg file for --out."});
  }
  // The temporary name keeps the extension: the CSV driver writes a directory otherwise.
  AtomicFile file(path, /*keep_extension=*/true);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(choice.driver);
  check(drv != nullptr, std::string("GDAL driver ") + choice.driver + " not available", path);
  // Fixed timestamps so identical runs give identical files.
  ScopedConfig date("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
  // SQLite's rollback journal on disk and its per-transaction syncs (GeoPackage) guard
  // nothing here: the file is a temporary one, made durable by one fsync and put in place by
  // a rename (AtomicFile), and a failed write discards it. The journal is kept in memory
  // (rollbacks still work) and a small GeoPackage is written without its 30-odd journal
  // files and syncs (on the 6-layer zones output: 37 unlink calls to 2, 578 writes to 186).
  ScopedConfig journal("OGR_SQLITE_JOURNAL", "MEMORY");
  ScopedConfig synchronous("OGR_SQLITE_SYNCHRONOUS", "OFF");
  // The dataset is created without options, so there is nothing to validate; validating
  // would build the GeoPackage driver's option list, which parses GDAL's tile-matrix-set
  // JSON files (about 1 ms of a tiny run's start-up).
  ScopedConfig validate("GDAL_VALIDATE_CREATION_OPTIONS", "NO");
  // Nor does writing use SpatiaLite's SQL functions (GDAL's GeoPackage driver has its own
  // ST_* functions for the R-tree triggers); loading it into the new database would create
  // a PROJ context and register some 1,000 functions (about 2 ms of a tiny run).
  ScopedConfig spatialite("SPATIALITE_LOAD", "NO");
  {
    // Any GDAL failure, also one that only surfaces when the file is closed (a full disk
    // while the GeoPackage builds its R-tree indexes), fails the write.
    GdalErrorCollector errors;
    DatasetPtr ds(drv->Create(file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    check(ds != nullptr, "cannot create output", path);
    for (const FeatureTable& t : tables) {
      const OGRwkbGeometryType gt = table_geometry_type(t);
      char** lco = nullptr;
      if (choice.driver == std::string("CSV") && gt == wkbPoint) lco = CSLSetNameValue(lco, "GEOMETRY", "AS_XY");
      if (choice.driver == std::string("CSV") && gt == wkbLineString) lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
      // Quote text only where needed; by default GDAL also quotes 64-bit integers ("3").
      if (choice.driver == std::string("CSV")) lco = CSLSetNameValue(lco, "STRING_QUOTING", "IF_NEEDED");
      if (choice.driver == std::string("GeoJSON")) lco = CSLSetNameValue(lco, "RFC7946", "YES");
      if (choice.driver == std::string("GPKG")) lco = CSLSetNameValue(lco, "FID", "fid");
      OGRLayer* layer = create_table_layer(*ds, t, lco, path);
      CSLDestroy(lco);
      const bool in_transaction = ds->StartTransaction() == OGRERR_NONE;
      write_table_features(*layer, t, !t.fid.empty() && choice.driver == std::string("GPKG"), path);
      if (in_transaction) check(ds->CommitTransaction() == OGRERR_NONE, "cannot commit " + t.name, path);
    }
    if (choice.multi_layer) write_layer_styles(*ds, tables, path);
    ds.reset();  // flush and close before renaming
    if (errors.failed()) throw InputError(about_file(path), {"cannot write (" + path + "): " + errors.message() + "."});
  }
  file.commit();
}

}  // namespace lightcone

#include <fstream>

namespace lightcone {

std::string sidecar_path(const std::string& out, const std::string& suffix) {
  const std::filesystem::path p(out);
  return (p.parent_path() / (p.stem().string() + suffix)).string();
}

void write_text_file(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw InputError(about_file(path), {"cannot write (" + path + "). Check the directory is writable."});
  }
  file.commit();
}

}  // namespace lightcone

namespace lightcone {

void write_tables_check_path(const std::string& path) {
  driver_for(path);
  check_output_directory(path);
}

}  // namespace lightcone
