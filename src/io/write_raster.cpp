#include <cpl_conv.h>
#include <gdal_priv.h>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_util.hpp"
#include "io/raster.hpp"

namespace lightcone {

void write_geotiff(const std::string& path, const LatencyGrid& grid) {
  ensure_gdal_registered();
  AtomicFile file(path);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  if (!drv) throw InputError("GDAL GTiff driver not available (" + path + ").");
  char** options = nullptr;
  options = CSLSetNameValue(options, "COMPRESS", "DEFLATE");
  options = CSLSetNameValue(options, "PREDICTOR", "3");
  options = CSLSetNameValue(options, "TILED", "YES");
  options = CSLSetNameValue(options, "BIGTIFF", "IF_SAFER");
  try {
    DatasetPtr ds(drv->Create(file.temp_path().c_str(), grid.width, grid.height, 1, GDT_Float32, options));
    CSLDestroy(options);
    options = nullptr;
    if (!ds) throw InputError("cannot create GeoTIFF (" + path + "): " + last_gdal_error() + ".");
    double gt[6] = {grid.x0, grid.cell, 0.0, grid.y0, 0.0, -grid.cell};
    OGRSpatialReference srs;
    // An EPSG code when the CRS has one (as before: the same GeoKeys), else the PROJ
    // string of a projection centred on the data.
    const OGRErr crs_err = grid.epsg ? srs.importFromEPSG(grid.epsg) : srs.SetFromUserInput(grid.crs.c_str());
    if (crs_err != OGRERR_NONE) {
      throw InputError("cannot georeference GeoTIFF (" + path + "): GDAL does not read the CRS '" + grid.crs + "'.");
    }
    if (ds->SetGeoTransform(gt) != CE_None || ds->SetSpatialRef(&srs) != CE_None) {
      throw InputError("cannot georeference GeoTIFF (" + path + "): " + last_gdal_error() + ".");
    }
    for (const auto& [k, v] : grid.metadata) ds->SetMetadataItem(k.c_str(), v.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(grid.nodata);
    band->SetDescription("latency_us");
    band->SetUnitType("us");
    if (band->RasterIO(GF_Write, 0, 0, grid.width, grid.height, const_cast<float*>(grid.values.data()), grid.width,
                       grid.height, GDT_Float32, 0, 0) != CE_None) {
      throw InputError("cannot write GeoTIFF (" + path + "): " + last_gdal_error() + ".");
    }
    CPLErrorReset();
    ds.reset();  // closes and flushes
    if (CPLGetLastErrorType() >= CE_Failure) {
      throw InputError("cannot finish GeoTIFF (" + path + "): " + last_gdal_error() + ".");
    }
  } catch (...) {
    CSLDestroy(options);
    throw;
  }
  file.commit();
}

}  // namespace lightcone
