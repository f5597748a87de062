// Test fixtures written through GDAL: small layers given as WKT plus field values, in
// any OGR driver (GPKG, GeoJSON, Shapefile, FlatGeobuf, CSV), on disk or in /vsimem/;
// a fresh temporary directory that removes itself. Used by io_test and cli_test.
#pragma once

#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightcone::test {

// A fresh directory under $TMPDIR (mkdtemp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/lightcone-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }
  // File names in the directory (hidden ones too), sorted.
  std::vector<std::string> list() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(m_path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::filesystem::path m_path;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

struct FieldSpec {
  std::string name;
  OGRFieldType type = OFTString;
};

struct FeatureSpec {
  std::int64_t fid = OGRNullFID;              // kept by drivers that store FIDs (GPKG, GeoJSON)
  std::string wkt;                            // empty: null geometry
  std::vector<std::optional<std::string>> values;  // one per field; nullopt = NULL
  std::shared_ptr<OGRGeometry> geometry;      // used instead of wkt when set (NaN coordinates)
};

struct LayerFixture {
  std::string name;
  int epsg = 4326;  // 0: no CRS
  OGRwkbGeometryType type = wkbLineString;
  std::vector<FieldSpec> fields;
  std::vector<FeatureSpec> features;
  std::vector<std::string> creation_options;  // layer creation options, "KEY=VALUE"
};

// Writes the layers into a new dataset at `path` with the named OGR driver.
inline void write_fixture(const std::string& path, const std::string& driver_name,
                          const std::vector<LayerFixture>& layers) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
  if (!driver) throw std::runtime_error("no GDAL driver " + driver_name);
  struct Closer {
    void operator()(GDALDataset* d) const { GDALClose(d); }
  };
  std::unique_ptr<GDALDataset, Closer> ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
  for (const LayerFixture& lf : layers) {
    OGRSpatialReference srs;
    if (lf.epsg != 0) {
      srs.importFromEPSG(lf.epsg);
      srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    char** lco = nullptr;
    for (const auto& o : lf.creation_options) lco = CSLAddString(lco, o.c_str());
    OGRLayer* layer = ds->CreateLayer(lf.name.c_str(), lf.epsg != 0 ? &srs : nullptr, lf.type, lco);
    CSLDestroy(lco);
    if (!layer) throw std::runtime_error("cannot create layer " + lf.name + " in " + path);
    for (const FieldSpec& f : lf.fields) {
      OGRFieldDefn defn(f.name.c_str(), f.type);
      if (layer->CreateField(&defn) != OGRERR_NONE) throw std::runtime_error("cannot create field " + f.name);
    }
    for (const FeatureSpec& fs : lf.features) {
      OGRFeature feature(layer->GetLayerDefn());
      if (fs.fid != OGRNullFID) feature.SetFID(fs.fid);
      if (fs.geometry) {
        feature.SetGeometry(fs.geometry.get());
      } else if (!fs.wkt.empty()) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkt(fs.wkt.c_str(), nullptr, &g) != OGRERR_NONE) {
          throw std::runtime_error("bad WKT: " + fs.wkt);
        }
        feature.SetGeometryDirectly(g);
      }
      for (std::size_t i = 0; i < fs.values.size(); ++i) {
        if (fs.values[i]) feature.SetField(static_cast<int>(i), fs.values[i]->c_str());
        else feature.SetFieldNull(static_cast<int>(i));
      }
      if (layer->CreateFeature(&feature) != OGRERR_NONE) {
        throw std::runtime_error("cannot write a feature to " + path + ": " + CPLGetLastErrorMsg());
      }
    }
  }
}

// fid (the `source_fid` field) → the text of `field`, for every feature of a layer of an
// output GeoPackage; empty when the file or layer is missing.
inline std::map<std::int64_t, std::string> texts_by_source_fid(const std::string& path, const std::string& layer,
                                                              const std::string& field) {
  GDALAllRegister();
  std::map<std::int64_t, std::string> out;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  if (!ds) return out;
  if (OGRLayer* l = ds->GetLayerByName(layer.c_str())) {
    l->ResetReading();
    while (OGRFeature* f = l->GetNextFeature()) {
      out[f->GetFieldAsInteger64("source_fid")] = f->GetFieldAsString(field.c_str());
      OGRFeature::DestroyFeature(f);
    }
  }
  GDALClose(ds);
  return out;
}

}  // namespace lightcone::test
