// GDAL plumbing shared by the readers and writers of this module (not installed).
#pragma once

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

#include "io/source.hpp"

namespace lightcone {

struct GdalDatasetCloser {
  void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

struct OpenLayer {
  DatasetPtr dataset;
  OGRLayer* layer = nullptr;
  std::string path;
  std::string layer_name;
  std::unique_ptr<OGRCoordinateTransformation> transform;  // null when already WGS 84
  LayerInfo info;
};

void ensure_gdal_registered();
// Last GDAL error message, or "unknown error".
std::string last_gdal_error();
// Opens the layer, applies the attribute filter, sets up the transform to WGS 84.
// `option` names the CLI option the source came from, for messages.
OpenLayer open_layer(const LayerSpec& spec, const ReadOptions& options, const std::string& option);
std::string field_list(OGRLayer* layer);
// EPSG:4326 with longitude first.
OGRSpatialReference wgs84();

}  // namespace lightcone
