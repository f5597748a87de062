#include "io/png.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <cmath>
#include <atomic>
#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_util.hpp"

namespace lightcone {
namespace {

DatasetPtr mem_dataset(int width, int height, int bands, GDALDataType type) {
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  if (!mem) throw InputError("GDAL MEM driver not available.");
  return DatasetPtr(mem->Create("", width, height, bands, type, nullptr));
}

}  // namespace

namespace {

// Encodes `rgba` as a PNG into `path` (a file or a /vsimem/ name); the error names `label`.
void png_to(const std::string& path, const std::string& label, std::span<const std::uint8_t> rgba, int width, int height) {
  GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
  if (!png) throw InputError("GDAL PNG driver not available (" + label + ").");
  // No .aux.xml sidecar (PAM): the PNG holds only pixels, so two writes are identical.
  const ScopedConfig no_pam("GDAL_PAM_ENABLED", "NO");
  DatasetPtr src = mem_dataset(width, height, 4, GDT_Byte);
  if (!src) throw InputError("cannot create image in memory (" + label + "): " + last_gdal_error() + ".");
  // Pixel-interleaved source buffer: band k starts at byte k, pixel stride 4.
  if (src->RasterIO(GF_Write, 0, 0, width, height, const_cast<std::uint8_t*>(rgba.data()), width, height, GDT_Byte, 4,
                    nullptr, 4, static_cast<GSpacing>(width) * 4, 1) != CE_None) {
    throw InputError("cannot fill image (" + label + "): " + last_gdal_error() + ".");
  }
  for (int b = 1; b <= 4; ++b)
    src->GetRasterBand(b)->SetColorInterpretation(b == 1 ? GCI_RedBand : b == 2 ? GCI_GreenBand : b == 3 ? GCI_BlueBand : GCI_AlphaBand);
  char** options = CSLSetNameValue(nullptr, "ZLEVEL", "6");
  DatasetPtr out(png->CreateCopy(path.c_str(), src.get(), FALSE, options, nullptr, nullptr));
  CSLDestroy(options);
  if (!out) throw InputError("cannot write PNG (" + label + "): " + last_gdal_error() + ".");
  CPLErrorReset();
  out.reset();
  if (CPLGetLastErrorType() >= CE_Failure) throw InputError("cannot finish PNG (" + label + "): " + last_gdal_error() + ".");
}

void check_size(const std::string& label, std::span<const std::uint8_t> rgba, int width, int height) {
  if (width <= 0 || height <= 0 || rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
    throw InputError("cannot write PNG (" + label + "): image size does not match its pixels.");
  }
}

}  // namespace

void write_png(const std::string& path, std::span<const std::uint8_t> rgba, int width, int height) {
  ensure_gdal_registered();
  check_size(path, rgba, width, height);
  AtomicFile file(path);
  png_to(file.temp_path(), path, rgba, width, height);
  file.commit();
}

std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> rgba, int width, int height) {
  ensure_gdal_registered();
  check_size("in memory", rgba, width, height);
  static std::atomic<unsigned> counter{0};
  const std::string name = "/vsimem/lightcone_png_" + std::to_string(counter.fetch_add(1)) + ".png";
  png_to(name, "in memory", rgba, width, height);
  vsi_l_offset size = 0;
  GByte* data = VSIGetMemFileBuffer(name.c_str(), &size, /*bUnlinkAndSeize=*/TRUE);
  std::vector<std::uint8_t> out(data, data + size);
  CPLFree(data);
  return out;
}

RgbaImage read_image(const std::string& path) {
  ensure_gdal_registered();
  if (!std::filesystem::is_regular_file(path)) throw InputError("file not found (" + path + ").");
  const ScopedConfig no_pam("GDAL_PAM_ENABLED", "NO");
  DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) throw InputError("cannot open as an image (" + path + "): " + last_gdal_error() + ".");
  const int bands = ds->GetRasterCount();
  if (bands < 1 || bands > 4) throw InputError("not a 1- to 4-band image (" + path + ").");
  RgbaImage img;
  img.width = ds->GetRasterXSize();
  img.height = ds->GetRasterYSize();
  img.rgba.assign(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 4, 255);
  // Gray → r = g = b; gray+alpha → alpha in band 2; RGB(A) as is.
  const int map_gray[4] = {1, 1, 1, 0};
  const int map_ga[4] = {1, 1, 1, 2};
  const int map_rgb[4] = {1, 2, 3, bands == 4 ? 4 : 0};
  const int* map = bands == 1 ? map_gray : bands == 2 ? map_ga : map_rgb;
  for (int k = 0; k < 4; ++k) {
    if (map[k] == 0) continue;
    if (ds->GetRasterBand(map[k])->RasterIO(GF_Read, 0, 0, img.width, img.height, img.rgba.data() + k, img.width,
                                            img.height, GDT_Byte, 4, static_cast<GSpacing>(img.width) * 4) != CE_None) {
      throw InputError("cannot read image (" + path + "): " + last_gdal_error() + ".");
    }
  }
  return img;
}

ResampledRaster read_raster_on_grid(const std::string& path, const LonLatPixelGrid& grid) {
  ensure_gdal_registered();
  if (!std::filesystem::is_regular_file(path)) throw InputError("file not found (" + path + ").");
  const ScopedConfig no_pam("GDAL_PAM_ENABLED", "NO");
  DatasetPtr src(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!src || src->GetRasterCount() < 1) throw InputError("cannot open as a raster (" + path + "): " + last_gdal_error() + ".");
  if (!src->GetSpatialRef()) throw InputError("raster has no CRS (" + path + "). Write it again with lightcone.");
  ResampledRaster out;
  out.width = grid.width;
  out.height = grid.height;
  if (char** md = src->GetMetadata()) {
    for (char** p = md; *p; ++p) {
      char* key = nullptr;
      const char* value = CPLParseNameValue(*p, &key);
      if (key && value) out.metadata.emplace_back(key, value);
      CPLFree(key);
    }
  }
  if (grid.width <= 0 || grid.height <= 0) return out;
  constexpr float kNoData = -3.0e38f;
  DatasetPtr dst = mem_dataset(grid.width, grid.height, 1, GDT_Float32);
  if (!dst) throw InputError("cannot create raster in memory (" + path + "): " + last_gdal_error() + ".");
  double gt[6] = {grid.west, grid.dlon, 0.0, grid.north, 0.0, -grid.dlat};
  const OGRSpatialReference srs = wgs84();
  if (dst->SetGeoTransform(gt) != CE_None || dst->SetSpatialRef(&srs) != CE_None) {
    throw InputError("cannot georeference raster in memory (" + path + "): " + last_gdal_error() + ".");
  }
  dst->GetRasterBand(1)->SetNoDataValue(kNoData);
  const std::string nd = std::to_string(kNoData);
  const char* argv[] = {"-r", "near", "-dstnodata", nd.c_str(), "-wo", "INIT_DEST=NO_DATA", "-q", nullptr};
  GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(const_cast<char**>(argv), nullptr);
  if (!opts) throw InputError("cannot set up resampling (" + path + "): " + last_gdal_error() + ".");
  GDALDatasetH src_h = GDALDataset::ToHandle(src.get());
  int usage_error = 0;
  GDALDatasetH res = GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), 1, &src_h, opts, &usage_error);
  GDALWarpAppOptionsFree(opts);
  if (!res || usage_error) throw InputError("cannot resample raster (" + path + "): " + last_gdal_error() + ".");
  out.values.resize(static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height));
  if (dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.width, grid.height, out.values.data(), grid.width, grid.height,
                                      GDT_Float32, 0, 0) != CE_None) {
    throw InputError("cannot read resampled raster (" + path + "): " + last_gdal_error() + ".");
  }
  int has_nd = 0;
  const double src_nd = src->GetRasterBand(1)->GetNoDataValue(&has_nd);
  for (float& v : out.values)
    if (v == kNoData || (has_nd && static_cast<double>(v) == src_nd) || !std::isfinite(v)) v = std::nanf("");
  return out;
}

}  // namespace lightcone
