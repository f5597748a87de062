// Inputs in every GDAL vector format (issue 17 item 3): the CLI registers only the drivers
// of its common formats at start and the rest when an input needs them
// (src/io/source.cpp). The same network written by GDAL in formats outside that first set
// (MapInfo, a file geodatabase directory, SpatiaLite, GeoJSON sequences, KML, a directory
// of shapefiles) and in one of them must validate to the same graph as the GeoPackage.
// Oracle: the GeoPackage run's graph line; the files are written by GDAL itself.
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

// ogr2ogr kSample's `fibre` layer into `out` with `format`, the layer named `fibre`.
void translate(const std::string& out, const std::string& format) {
  GDALAllRegister();
  GDALDatasetH src = GDALOpenEx(kSample.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  ASSERT_NE(src, nullptr);
  std::vector<std::string> args = {"-f", format, "-nln", "fibre", "fibre"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALVectorTranslateOptions* opts = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
  ASSERT_NE(opts, nullptr);
  int usage_error = 0;
  GDALDatasetH dst = GDALVectorTranslate(out.c_str(), nullptr, 1, &src, opts, &usage_error);
  GDALVectorTranslateOptionsFree(opts);
  ASSERT_NE(dst, nullptr) << format << ": " << CPLGetLastErrorMsg();
  GDALClose(dst);
  GDALClose(src);
}

// The "graph ..." line of `lightcone validate` on `network`.
std::string graph_line(const std::string& network) {
  const CliResult r = run_lightcone({"validate", "--network", network});
  EXPECT_EQ(r.code, 0) << network << "\n" << r.out << r.err;
  const std::size_t at = r.out.find("\ngraph ");
  if (at == std::string::npos) return "no graph line: " + r.out + r.err;
  return r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
}

TEST(InputFormats, FormatsOutsideTheFirstRegisteredDriversReadTheSameNetwork) {
  ScratchDir dir;
  const std::string expected = graph_line(kSample + ":fibre");
  ASSERT_NE(expected.find("633 nodes, 1093 edges"), std::string::npos) << expected;
  struct Case {
    std::string format, name, layer;  // single-layer files name their layer after the file
  };
  const std::vector<Case> cases = {
      {"MapInfo File", "net.tab", "net"},        {"OpenFileGDB", "net.gdb", "fibre"},
      {"SQLite", "net.sqlite", "fibre"},         {"GeoJSONSeq", "net.geojsonl", "net"},
      {"FlatGeobuf", "net.fgb", "fibre"},        {"ESRI Shapefile", "shapes", "fibre"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.format);
    const std::string path = dir.file(c.name);
    translate(path, c.format);
    EXPECT_EQ(graph_line(path + ":" + c.layer), expected);
  }
}

TEST(InputFormats, AJsonFileTheFirstDriversCannotOpenIsOpenedByTheDriverThatCan) {
  // Esri JSON: the GeoJSON driver (first set, by the .json extension) declines it; the
  // retry with all drivers opens it with ESRIJSON, as GDAL alone would.
  ScratchDir dir;
  const std::string path = dir.file("esri.json");
  test::write_file(path, R"({"geometryType":"esriGeometryPolyline","spatialReference":{"wkid":4326},)"
                         R"("fields":[{"name":"id","type":"esriFieldTypeInteger"}],"features":[)"
                         R"({"attributes":{"id":1},"geometry":{"paths":[[[117.0,36.6],[117.1,36.6]]]}},)"
                         R"({"attributes":{"id":2},"geometry":{"paths":[[[117.1,36.6],[117.1,36.7]]]}}]})");
  const CliResult r = run_lightcone({"validate", "--network", path});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(ESRIJSON, CRS WGS 84 (EPSG:4326))"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("graph     3 nodes, 2 edges"), std::string::npos) << r.out;
}

TEST(InputFormats, AFileNoDriverReadsStillSaysSoAfterAllDriversTried) {
  ScratchDir dir;
  const std::string path = dir.file("net.json");  // a first-set extension, not a dataset
  test::write_file(path, "this is not JSON at all\n");
  const CliResult r = run_lightcone({"validate", "--network", path});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lightcone
