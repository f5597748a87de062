// libFuzzer target: bytes as a GIS file through the project's layer readers (io): the
// bytes become a file on GDAL's /vsimem/ (a GeoPackage when they start like SQLite, a
// GeoJSON file when like JSON, else CSV with an assumed CRS), then `info`'s dataset
// summary and every reader (lines, points, polygons) run on each layer. Unusable input
// must end in an InputError; any other exception, a crash or a sanitizer report is a
// finding. Built with -DLIGHTCONE_LIBFUZZER=ON under clang (tests/fuzz/CMakeLists.txt);
// run by `tests/run.sh --with-fuzz` on the seed corpus tests/fuzz/seeds/*.{geojson,gpkg}.
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/polygons.hpp"
#include "io/source.hpp"

namespace {

std::string file_name(const std::uint8_t* data, std::size_t size) {
  if (size >= 16 && std::memcmp(data, "SQLite format 3", 16) == 0) return "/vsimem/fuzz.gpkg";
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') continue;
    if (data[i] == '{') return "/vsimem/fuzz.geojson";
    break;
  }
  return "/vsimem/fuzz.csv";
}

template <class F>
void expect_input_error_only(F&& f) {
  try {
    f();
  } catch (const lightcone::InputError&) {
  }
}

}  // namespace

// Only the drivers of the seeds' formats: others (VRT, WFS, ...) may name other files or
// URLs, which the fuzzer learns to write; any HTTP request fails at once.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  lightcone::ensure_all_gdal_drivers();  // all drivers, once: an open that fails registers nothing more
  const std::vector<std::string> keep = {"GPKG", "SQLite", "GeoJSON", "GeoJSONSeq", "CSV"};
  for (int i = GDALGetDriverCount() - 1; i >= 0; --i) {
    GDALDriverH d = GDALGetDriver(i);
    if (std::find(keep.begin(), keep.end(), GDALGetDriverShortName(d)) == keep.end()) {
      GDALDeregisterDriver(d);
      GDALDestroyDriver(d);
    }
  }
  CPLSetConfigOption("GDAL_HTTP_PROXY", "127.0.0.1:9");
  CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = file_name(data, size);
  // GDAL takes the buffer as is (no copy, not freed by GDAL): keep ours alive meanwhile.
  std::vector<GByte> bytes(data, data + size);
  VSILFILE* f = VSIFileFromMemBuffer(path.c_str(), bytes.data(), bytes.size(), FALSE);
  if (!f) return 0;
  VSIFCloseL(f);
  std::vector<std::string> layers = {""};
  expect_input_error_only([&] {
    std::string driver;
    for (const auto& l : lightcone::describe_dataset(path, &driver)) layers.push_back(l.name);
  });
  lightcone::ReadOptions options;
  if (path.ends_with(".csv")) options.assume_crs = "EPSG:4326";
  for (const std::string& layer : layers) {
    const lightcone::LayerSpec spec{path, layer};
    expect_input_error_only([&] { lightcone::read_lines(spec, options, {}); });
    expect_input_error_only([&] { lightcone::read_points(spec, options, {}); });
    expect_input_error_only([&] {
      // The placement columns of the seeds' sites, and the demand weight.
      lightcone::PointFields fields;
      fields.status = "status";
      fields.capacity = "capacity";
      fields.cost = "cost";
      fields.weight = "pop";
      lightcone::read_points(spec, options, fields);
    });
    expect_input_error_only([&] { lightcone::read_polygons(spec, options); });
  }
  VSIUnlink(path.c_str());
  return 0;
}
