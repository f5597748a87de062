// Reading fibre lines and site points through GDAL: every format gives the same
// coordinates, any CRS comes back as WGS 84 lon/lat, filters and field mappings apply,
// skippable data problems are listed with fid and reason, and unusable input throws an
// InputError whose wording is pinned here.
//
// The fixture, three lines near Qingdao (fids 11, 12, 15):
//
//        c (120.35, 36.15)
//        |
//        k (120.351, 36.125)
//        |
//   a----m----b          a (120.30, 36.10)  m (120.35, 36.10)  b (120.40, 36.10)
//
//   11: a-m (vertex 120.325, 36.10)   12: m-b   15: m-k-c
#include <cpl_vsi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/gdal_fixture.hpp"
#include "io/polygons.hpp"
#include "io/source.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {

using test::FeatureSpec;
using test::FieldSpec;
using test::LayerFixture;
using test::TempDir;
using test::write_fixture;

const std::vector<std::vector<LonLat>> kLines = {
    {{120.30, 36.10}, {120.325, 36.10}, {120.35, 36.10}},
    {{120.35, 36.10}, {120.40, 36.10}},
    {{120.35, 36.10}, {120.351, 36.125}, {120.35, 36.15}},
};
const std::vector<std::int64_t> kFids = {11, 12, 15};

std::string line_wkt(const std::vector<LonLat>& pts) {
  std::string s = "LINESTRING (";
  for (std::size_t i = 0; i < pts.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%.17g %.17g", i ? "," : "", pts[i].lon, pts[i].lat);
    s += buf;
  }
  return s + ")";
}

// The three lines with fields name, len_km, n, slack, delay_ms.
LayerFixture qingdao_lines(int epsg = 4326) {
  LayerFixture L;
  L.name = "net";
  L.epsg = epsg;
  L.fields = {{"name", OFTString}, {"len_km", OFTReal}, {"n", OFTReal}, {"slack", OFTReal}, {"delay_ms", OFTReal}};
  L.features = {
      {kFids[0], line_wkt(kLines[0]), {"a-m", "6", "1.47", "1.2", "0.5"}, nullptr},
      {kFids[1], line_wkt(kLines[1]), {"m-b", "5.5", std::nullopt, std::nullopt, std::nullopt}, nullptr},
      {kFids[2], line_wkt(kLines[2]), {"m-c", "7", "1.5", "1", "0"}, nullptr},
  };
  return L;
}

// Removes a /vsimem/ directory tree when the test ends.
class VsiDir {
 public:
  explicit VsiDir(std::string path) : m_path(std::move(path)) { VSIMkdir(m_path.c_str(), 0755); }
  ~VsiDir() { VSIRmdirRecursive(m_path.c_str()); }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

// Runs `f` and returns the InputError message ("" when nothing was thrown).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Runs `f` and returns the InputError it threw (nullopt when nothing was thrown).
template <class F>
std::optional<InputError> input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

ReadOptions assume(const std::string& crs) {
  ReadOptions o;
  o.assume_crs = crs;
  return o;
}

std::vector<LonLat> line_coords(const LineInput& in, std::size_t i) {
  return {in.coords.begin() + in.first[i], in.coords.begin() + in.first[i + 1]};
}

void expect_qingdao_coords(const LineInput& in, double tol) {
  ASSERT_EQ(in.lines(), kLines.size());
  for (std::size_t i = 0; i < kLines.size(); ++i) {
    const auto got = line_coords(in, i);
    ASSERT_EQ(got.size(), kLines[i].size()) << "line " << i;
    for (std::size_t k = 0; k < got.size(); ++k) {
      EXPECT_NEAR(got[k].lon, kLines[i][k].lon, tol) << "line " << i << " vertex " << k;
      EXPECT_NEAR(got[k].lat, kLines[i][k].lat, tol) << "line " << i << " vertex " << k;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Formats

struct Format {
  const char* driver;
  const char* file;
  std::vector<std::int64_t> fids;  // FIDs as the driver numbers the features
  std::vector<std::string> creation_options;
};

TEST(ReadFormats, SameLinesAndFieldsFromEveryFormat) {
  const VsiDir dir("/vsimem/lightcone-io-formats");
  // GeoPackage and GeoJSON keep the FIDs written; Shapefile and FlatGeobuf number
  // records from 0, CSV numbers data lines from 1. CSV cells are text: a blank cell
  // reads as NULL and numbers in text are accepted.
  const std::vector<Format> formats = {
      {"GPKG", "net.gpkg", kFids, {}},
      {"GeoJSON", "net.geojson", kFids, {}},
      {"ESRI Shapefile", "net.shp", {0, 1, 2}, {}},
      // FlatGeobuf's spatial index sorts the features along a Hilbert curve (and renumbers them).
      {"FlatGeobuf", "net.fgb", {0, 1, 2}, {"SPATIAL_INDEX=NO"}},
      {"CSV", "net.csv", {1, 2, 3}, {"GEOMETRY=AS_WKT"}},
  };
  for (const Format& f : formats) {
    SCOPED_TRACE(f.driver);
    const bool csv = std::string(f.driver) == "CSV";
    LayerFixture L = qingdao_lines(csv ? 0 : 4326);
    L.creation_options = f.creation_options;
    const std::string path = dir.file(f.file);
    write_fixture(path, f.driver, {L});
    LineFields fields;
    fields.length = "len_km";
    fields.length_unit = "km";
    fields.group_index = "n";
    fields.slack = "slack";
    fields.delay = "delay_ms";
    fields.delay_unit = "ms";
    const LineLayer got = read_lines(parse_layer_spec(path), csv ? assume("EPSG:4326") : ReadOptions{}, fields);
    EXPECT_EQ(got.info.path, path);
    EXPECT_EQ(got.info.layer, "net");
    EXPECT_EQ(got.info.driver, f.driver);
    EXPECT_EQ(got.info.features_read, 3u);
    EXPECT_TRUE(got.info.skipped.empty());
    EXPECT_EQ(got.lines.fid, f.fids);
    expect_qingdao_coords(got.lines, 1e-12);
    ASSERT_EQ(got.lines.lines(), 3u);
    EXPECT_DOUBLE_EQ(got.lines.length_m[0], 6000.0);
    EXPECT_DOUBLE_EQ(got.lines.length_m[1], 5500.0);
    EXPECT_DOUBLE_EQ(got.lines.group_index[0], 1.47);
    EXPECT_DOUBLE_EQ(got.lines.slack[0], 1.2);
    EXPECT_DOUBLE_EQ(got.lines.delay_us[0], 500.0);
    EXPECT_TRUE(std::isnan(got.lines.group_index[1]));  // NULL: the model's default
    EXPECT_TRUE(std::isnan(got.lines.slack[1]));
    EXPECT_TRUE(std::isnan(got.lines.delay_us[1]));
    EXPECT_DOUBLE_EQ(got.lines.delay_us[2], 0.0);
  }
}

TEST(ReadFormats, SamePointsFromEveryFormat) {
  const VsiDir dir("/vsimem/lightcone-io-point-formats");
  const std::vector<LonLat> pos = {{120.30, 36.101}, {121.50, 36.10}, {120.35, 36.15}};
  const std::vector<Format> formats = {
      {"GPKG", "sites.gpkg", {4, 8, 9}, {}},
      {"GeoJSON", "sites.geojson", {4, 8, 9}, {}},
      {"ESRI Shapefile", "sites.shp", {0, 1, 2}, {}},
      {"FlatGeobuf", "sites.fgb", {0, 1, 2}, {"SPATIAL_INDEX=NO"}},
      {"CSV", "sites.csv", {1, 2, 3}, {"GEOMETRY=AS_XY"}},  // columns X, Y
  };
  for (const Format& f : formats) {
    SCOPED_TRACE(f.driver);
    const bool csv = std::string(f.driver) == "CSV";
    LayerFixture L;
    L.name = "sites";
    L.epsg = csv ? 0 : 4326;
    L.type = wkbPoint;
    L.fields = {{"site_id", OFTString}, {"weight", OFTReal}};
    L.creation_options = f.creation_options;
    const std::vector<std::int64_t> fids = {4, 8, 9};
    for (std::size_t i = 0; i < pos.size(); ++i) {
      char wkt[64];
      std::snprintf(wkt, sizeof wkt, "POINT (%.17g %.17g)", pos[i].lon, pos[i].lat);
      L.features.push_back({fids[i], wkt, {"s" + std::to_string(i), std::to_string(i + 1)}, nullptr});
    }
    const std::string path = dir.file(f.file);
    write_fixture(path, f.driver, {L});
    PointFields fields;
    fields.weight = "weight";
    const PointLayer got = read_points(parse_layer_spec(path), csv ? assume("EPSG:4326") : ReadOptions{}, fields);
    EXPECT_EQ(got.info.features_read, 3u);
    EXPECT_EQ(got.fid, f.fids);
    EXPECT_EQ(got.id, (std::vector<std::string>{"s0", "s1", "s2"}));
    EXPECT_EQ(got.weight, (std::vector<double>{1.0, 2.0, 3.0}));
    ASSERT_EQ(got.pos.size(), pos.size());
    for (std::size_t i = 0; i < pos.size(); ++i) {
      EXPECT_NEAR(got.pos[i].lon, pos[i].lon, 1e-12);
      EXPECT_NEAR(got.pos[i].lat, pos[i].lat, 1e-12);
    }
  }
}

TEST(ReadFormats, CsvWithWktColumnHasNoCrsUntilOneIsAssumed) {
  const TempDir dir;
  const std::string path = dir.file("net.csv");
  test::write_text(path,
                   "id,name,WKT\n"
                   "1,a-m,\"LINESTRING (120.30 36.10,120.325 36.10,120.35 36.10)\"\n"
                   "2,m-b,\"LINESTRING (120.35 36.10,120.40 36.10)\"\n");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{}); }),
            "layer has no CRS (" + path + ":net). Say which one it uses, e.g. --assume-crs EPSG:4326.");
  const LineLayer got = read_lines(parse_layer_spec(path), assume("EPSG:4326"), LineFields{});
  EXPECT_EQ(got.info.crs, "assumed EPSG:4326");
  EXPECT_EQ(got.lines.fid, (std::vector<std::int64_t>{1, 2}));
  ASSERT_EQ(got.lines.lines(), 2u);
  EXPECT_DOUBLE_EQ(line_coords(got.lines, 0)[1].lon, 120.325);
  EXPECT_DOUBLE_EQ(line_coords(got.lines, 0)[1].lat, 36.10);
}

TEST(ReadFormats, CsvGeometryColumnNamesAndLonLatColumns) {
  const TempDir dir;
  // QGIS writes the geometry column as wkt_geom.
  const std::string wkt_geom = dir.file("lines.csv");
  test::write_text(wkt_geom, "wkt_geom,name\n\"LINESTRING (120.3 36.1,120.4 36.1)\",x\n");
  const LineLayer lines = read_lines(parse_layer_spec(wkt_geom), assume("EPSG:4326"), LineFields{});
  ASSERT_EQ(lines.lines.lines(), 1u);
  EXPECT_DOUBLE_EQ(lines.lines.coords[1].lon, 120.4);

  // The Qingdao sites (tests/data): coordinate columns lon, lat and a site_id column.
  const PointLayer sites = read_points(
      parse_layer_spec(test::test_data("qingdao-compute-sites/sites.csv")), assume("EPSG:4326"),
      PointFields{});
  EXPECT_EQ(sites.info.features_read, 9u);
  EXPECT_TRUE(sites.info.skipped.empty());
  EXPECT_EQ(sites.id_field, "site_id");
  ASSERT_EQ(sites.pos.size(), 9u);
  EXPECT_EQ(sites.id[0], "qd-ai-cc");
  EXPECT_DOUBLE_EQ(sites.pos[0].lon, 120.47);
  EXPECT_DOUBLE_EQ(sites.pos[0].lat, 36.11);

  // A CSV without any geometry column.
  const std::string plain = dir.file("plain.csv");
  test::write_text(plain, "site_id,name\nA,x\n");
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(plain), assume("EPSG:4326"), PointFields{}); }),
            "layer has no geometry (" + plain +
                ":plain). Give --sites a layer with geometries; in a CSV, name the geometry column WKT or the "
                "coordinate columns lon and lat.");
}

TEST(ReadFormats, OsmPbfReadsTheLinesLayerByDefault) {
  const std::string path = test::test_data("osm-monaco/monaco.osm.pbf");
  const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{});
  EXPECT_EQ(got.info.driver, "OSM");
  EXPECT_EQ(got.info.layer, "lines");
  // Oracle: GDAL's own reading of the same layer.
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  ASSERT_TRUE(ds);
  OGRLayer* layer = ds->GetLayerByName("lines");
  ASSERT_NE(layer, nullptr);
  std::vector<std::int64_t> fids;
  std::vector<LonLat> first_line;
  for (auto& f : *layer) {
    if (fids.empty()) {
      const OGRLineString* ls = f->GetGeometryRef()->toLineString();
      for (int i = 0; i < ls->getNumPoints(); ++i) first_line.push_back({ls->getX(i), ls->getY(i)});
    }
    fids.push_back(f->GetFID());
  }
  ds.reset();
  EXPECT_EQ(fids.size(), 1003u);  // tests/data/README.md: the centre of Monaco, 1,003 lines
  EXPECT_EQ(got.info.features_read, fids.size());
  EXPECT_TRUE(got.info.skipped.empty());
  EXPECT_EQ(got.lines.fid, fids);  // FIDs are the OSM way ids
  const auto line0 = line_coords(got.lines, 0);
  ASSERT_EQ(line0.size(), first_line.size());
  for (std::size_t i = 0; i < line0.size(); ++i) {
    EXPECT_EQ(line0[i].lon, first_line[i].lon);
    EXPECT_EQ(line0[i].lat, first_line[i].lat);
  }
  // Lon first: Monaco is at lon 7.3..7.5, lat 43.7..43.8.
  for (const LonLat& p : got.lines.coords) {
    ASSERT_GT(p.lon, 7.0);
    ASSERT_LT(p.lon, 8.0);
    ASSERT_GT(p.lat, 43.5);
    ASSERT_LT(p.lat, 44.0);
  }
}

// ---------------------------------------------------------------------------------------
// CRS

// EPSG:3857 forward projection in closed form (independent of PROJ).
LonLat to_web_mercator(LonLat p) {
  constexpr double kR = 6378137.0;
  const double deg = std::numbers::pi / 180.0;
  return {kR * p.lon * deg, kR * std::log(std::tan(std::numbers::pi / 4 + p.lat * deg / 2))};
}

// Any projected or geographic CRS: written in it, read back as WGS 84 lon/lat.
TEST(ReadCrs, ProjectedCrsReadBackAsLonLat) {
  const VsiDir dir("/vsimem/lightcone-io-crs");
  // UTM 50N forward with PROJ through OGR (the reader must undo it and keep lon first).
  OGRSpatialReference wgs, utm;
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  utm.importFromEPSG(32650);
  utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> fwd(OGRCreateCoordinateTransformation(&wgs, &utm));
  ASSERT_TRUE(fwd);
  auto projected = [&](int epsg) {
    LayerFixture L = qingdao_lines(epsg);
    for (std::size_t i = 0; i < kLines.size(); ++i) {
      std::vector<LonLat> pts = kLines[i];
      for (LonLat& p : pts) {
        if (epsg == 3857) {
          p = to_web_mercator(p);
        } else {
          double x = p.lon, y = p.lat;
          EXPECT_TRUE(fwd->Transform(1, &x, &y));
          p = {x, y};
        }
      }
      L.features[i].wkt = line_wkt(pts);
    }
    return L;
  };
  for (const int epsg : {32650, 3857}) {
    SCOPED_TRACE(epsg);
    const LayerFixture L = projected(epsg);
    // Sanity: really projected (metres, not degrees).
    EXPECT_EQ(L.features[0].wkt.find("LINESTRING (120"), std::string::npos);
    const std::string path = dir.file("net" + std::to_string(epsg) + ".gpkg");
    write_fixture(path, "GPKG", {L});
    const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{});
    EXPECT_NE(got.info.crs.find("EPSG:" + std::to_string(epsg)), std::string::npos) << got.info.crs;
    expect_qingdao_coords(got.lines, 1e-7);

    // Points in the same CRS.
    LayerFixture P;
    P.name = "sites";
    P.epsg = epsg;
    P.type = wkbPoint;
    for (const auto& line : L.features) {
      OGRGeometry* g = nullptr;
      ASSERT_EQ(OGRGeometryFactory::createFromWkt(line.wkt.c_str(), nullptr, &g), OGRERR_NONE);
      OGRPoint first;
      g->toLineString()->StartPoint(&first);
      OGRGeometryFactory::destroyGeometry(g);
      P.features.push_back({OGRNullFID, first.exportToWkt(), {}, nullptr});
    }
    const std::string ppath = dir.file("sites" + std::to_string(epsg) + ".gpkg");
    write_fixture(ppath, "GPKG", {P});
    const PointLayer pts = read_points(parse_layer_spec(ppath), ReadOptions{}, PointFields{});
    ASSERT_EQ(pts.pos.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(pts.pos[i].lon, kLines[i][0].lon, 1e-7);
      EXPECT_NEAR(pts.pos[i].lat, kLines[i][0].lat, 1e-7);
    }
  }
}

// EPSG:4326 and EPSG:4490 (CGCS2000) declare latitude first; GIS files store lon, lat.
// The reader must not swap them.
TEST(ReadCrs, GeographicCrsStayLonLat) {
  const VsiDir dir("/vsimem/lightcone-io-geographic");
  for (const int epsg : {4326, 4490}) {
    SCOPED_TRACE(epsg);
    const std::string path = dir.file("net" + std::to_string(epsg) + ".gpkg");
    write_fixture(path, "GPKG", {qingdao_lines(epsg)});
    const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{});
    expect_qingdao_coords(got.lines, 1e-7);
  }
  // GeoJSON is always CRS84 (lon, lat); a CSV with EPSG:4326 assumed is checked above.
  const std::string geojson = dir.file("net.geojson");
  write_fixture(geojson, "GeoJSON", {qingdao_lines()});
  expect_qingdao_coords(read_lines(parse_layer_spec(geojson), ReadOptions{}, LineFields{}).lines, 0.0);
}

TEST(ReadCrs, AssumedCrsForCsvMayBeProjected) {
  const TempDir dir;
  OGRSpatialReference wgs, utm;
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  utm.importFromEPSG(32650);
  utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> fwd(OGRCreateCoordinateTransformation(&wgs, &utm));
  double x = 120.30, y = 36.10;
  ASSERT_TRUE(fwd->Transform(1, &x, &y));
  const std::string path = dir.file("sites.csv");
  char row[128];
  std::snprintf(row, sizeof row, "site_id,x,y\nA,%.6f,%.6f\n", x, y);
  test::write_text(path, row);
  const PointLayer got = read_points(parse_layer_spec(path), assume("EPSG:32650"), PointFields{});
  ASSERT_EQ(got.pos.size(), 1u);
  EXPECT_NEAR(got.pos[0].lon, 120.30, 1e-7);
  EXPECT_NEAR(got.pos[0].lat, 36.10, 1e-7);
  EXPECT_EQ(got.info.crs, "assumed EPSG:32650");

  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(path), assume("EPSG:99999"), PointFields{}); }),
            "unknown CRS 'EPSG:99999' for --assume-crs. Use e.g. EPSG:4326.");
}

// ---------------------------------------------------------------------------------------
// Layer specs, filters

TEST(ReadSpec, ParsesPathAndLayer) {
  const TempDir dir;
  const std::string gpkg = dir.file("net.gpkg");
  write_fixture(gpkg, "GPKG", {qingdao_lines()});
  EXPECT_EQ(parse_layer_spec(gpkg).path, gpkg);
  EXPECT_EQ(parse_layer_spec(gpkg).layer, "");
  EXPECT_EQ(parse_layer_spec(gpkg + ":net").path, gpkg);
  EXPECT_EQ(parse_layer_spec(gpkg + ":net").layer, "net");
  // A ':' in the file name: the existing file wins; a layer can still be named.
  const std::string colon = dir.file("a:b.gpkg");
  write_fixture(colon, "GPKG", {qingdao_lines()});
  EXPECT_EQ(parse_layer_spec(colon).path, colon);
  EXPECT_EQ(parse_layer_spec(colon).layer, "");
  EXPECT_EQ(parse_layer_spec(colon + ":net").path, colon);
  EXPECT_EQ(parse_layer_spec(colon + ":net").layer, "net");
  EXPECT_EQ(read_lines(parse_layer_spec(colon), ReadOptions{}, LineFields{}).lines.lines(), 3u);
  // Neither the whole text nor the part before ':' exists: kept whole for the message.
  const std::string missing = dir.file("missing.gpkg:net");
  EXPECT_EQ(parse_layer_spec(missing).path, missing);
  EXPECT_EQ(parse_layer_spec(missing).layer, "");
  // Connection strings: whole, or with a layer after the (quoted) string (core/pg_source.hpp).
  EXPECT_EQ(parse_layer_spec("PG:dbname=gis host=localhost").path, "PG:dbname=gis host=localhost");
  EXPECT_EQ(parse_layer_spec("PG:dbname=gis host=localhost").layer, "");
  EXPECT_EQ(parse_layer_spec(R"(PG:"dbname=gis host=localhost" :src.fibre)").path, "PG:dbname=gis host=localhost");
  EXPECT_EQ(parse_layer_spec(R"(PG:"dbname=gis host=localhost" :src.fibre)").layer, "src.fibre");
  EXPECT_EQ(parse_layer_spec("PG:dbname=gis host=::1:fibre").layer, "fibre");
  // /vsimem/ files with a layer.
  const VsiDir vsi("/vsimem/lightcone-io-spec");
  const std::string mem = vsi.file("net.gpkg");
  write_fixture(mem, "GPKG", {qingdao_lines()});
  EXPECT_EQ(parse_layer_spec(mem + ":net").path, mem);
  EXPECT_EQ(parse_layer_spec(mem + ":net").layer, "net");
  EXPECT_EQ(read_lines(parse_layer_spec(mem + ":net"), ReadOptions{}, LineFields{}).lines.lines(), 3u);
}

TEST(ReadSpec, MissingFileLayerAndAmbiguousDataset) {
  const TempDir dir;
  const std::string gpkg = dir.file("two.gpkg");
  LayerFixture sites;
  sites.name = "sites";
  sites.type = wkbPoint;
  sites.features = {{1, "POINT (120.3 36.1)", {}, nullptr}};
  write_fixture(gpkg, "GPKG", {qingdao_lines(), sites});
  const std::string missing = dir.file("missing.gpkg");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(missing), ReadOptions{}, LineFields{}); }),
            "file not found (" + missing + "). Check the path given to --network.");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(gpkg + ":nope"), ReadOptions{}, LineFields{}); }),
            "layer 'nope' not found (" + gpkg + "). Layers: net, sites. Use --network PATH:LAYER.");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(gpkg), ReadOptions{}, LineFields{}); }),
            "dataset has 2 layers (" + gpkg + "); say which one: net, sites. Use --network PATH:LAYER.");
  ReadOptions to;
  to.option = "--to";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(gpkg + ":net"), to, PointFields{}); }),
            "layer has LineString geometry but points are expected (" + gpkg +
                ":net). Give a Point or Polygon layer with --to PATH:LAYER.");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(gpkg + ":sites"), ReadOptions{}, LineFields{}); }),
            "layer has Point geometry but fibre lines are expected (" + gpkg +
                ":sites). Give a LineString layer with --network PATH:LAYER.");
  const std::string text = dir.file("notes.txt");
  test::write_text(text, "not GIS data\n");
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(text), ReadOptions{}, LineFields{}); }),
            "cannot open as a vector dataset (" + text +
                "): not a format GDAL recognises. Give a GeoPackage, GeoJSON, Shapefile, FlatGeobuf, CSV or OSM "
                "file to --network.");
}

TEST(ReadFilter, WhereSelectsFeatures) {
  const VsiDir dir("/vsimem/lightcone-io-filter");
  const std::string path = dir.file("net.gpkg");
  write_fixture(path, "GPKG", {qingdao_lines()});
  ReadOptions o;
  o.where = "name <> 'm-b'";
  const LineLayer got = read_lines(parse_layer_spec(path), o, LineFields{});
  EXPECT_EQ(got.info.features_read, 2u);
  EXPECT_EQ(got.lines.fid, (std::vector<std::int64_t>{11, 15}));

  o.where = "name = 'M-B'";
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), o, LineFields{}); }),
            "no feature matches --network-where \"name = 'M-B'\" (" + path +
                ":net). Check the values it compares with (lightcone info lists the fields) or drop it.");
  o.option = "--sites";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(path), o, PointFields{}); }),
            "layer has LineString geometry but points are expected (" + path +
                ":net). Give a Point or Polygon layer with --sites PATH:LAYER.");
  o.option.clear();
  o.where = "kind = 'trunk'";
  // GeoPackage runs the filter in SQLite and only fails when features are fetched.
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), o, LineFields{}); }),
            "invalid --network-where \"kind = 'trunk'\" (" + path +
                ":net): the data source rejected it. Write an OGR SQL WHERE clause on the "
                "fields name, len_km, n, slack, delay_ms, e.g. \"kind = 'trunk'\".");
  // GeoJSON is filtered by OGR itself, which checks the field names up front.
  const std::string geojson = dir.file("net.geojson");
  write_fixture(geojson, "GeoJSON", {qingdao_lines()});
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(geojson), o, LineFields{}); }),
            "invalid --network-where \"kind = 'trunk'\" (" + geojson +
                ":net): \"kind\" not recognised as an available field. Write an OGR SQL WHERE clause on the "
                "fields name, len_km, n, slack, delay_ms, e.g. \"kind = 'trunk'\".");
  o.where = "name = 'm-b'";
  EXPECT_EQ(read_lines(parse_layer_spec(geojson), o, LineFields{}).lines.fid, (std::vector<std::int64_t>{12}));
}

TEST(ReadFilter, EmptyLayer) {
  const VsiDir dir("/vsimem/lightcone-io-empty");
  const std::string path = dir.file("empty.gpkg");
  LayerFixture L = qingdao_lines();
  L.features.clear();
  write_fixture(path, "GPKG", {L});
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{}); }),
            "layer is empty (" + path + ":net). Give --network a layer with fibre lines.");
  L.name = "sites";
  L.type = wkbPoint;
  const std::string pts = dir.file("sites.gpkg");
  write_fixture(pts, "GPKG", {L});
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(pts), ReadOptions{}, PointFields{}); }),
            "layer is empty (" + pts + ":sites). Give --sites a layer with points.");
}

// ---------------------------------------------------------------------------------------
// Field mapping

TEST(ReadFields, LengthUnitsAndOverrides) {
  const VsiDir dir("/vsimem/lightcone-io-fields");
  const std::string path = dir.file("net.gpkg");
  write_fixture(path, "GPKG", {qingdao_lines()});
  LineFields km;
  km.length = "len_km";
  km.length_unit = "km";
  EXPECT_EQ(read_lines(parse_layer_spec(path), ReadOptions{}, km).lines.length_m,
            (std::vector<double>{6000.0, 5500.0, 7000.0}));
  LineFields m = km;
  m.length_unit = "m";
  EXPECT_EQ(read_lines(parse_layer_spec(path), ReadOptions{}, m).lines.length_m, (std::vector<double>{6.0, 5.5, 7.0}));
  // No length field: NaN, the builder measures the geometry.
  for (double len : read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{}).lines.length_m)
    EXPECT_TRUE(std::isnan(len));
  LineFields delay_us;
  delay_us.delay = "delay_ms";
  delay_us.delay_unit = "us";
  EXPECT_DOUBLE_EQ(read_lines(parse_layer_spec(path), ReadOptions{}, delay_us).lines.delay_us[0], 0.5);
}

TEST(ReadFields, MultiPartLineSharesItsLengthByDrawnLength) {
  const VsiDir dir("/vsimem/lightcone-io-multi");
  const std::string path = dir.file("multi.gpkg");
  LayerFixture L;
  L.name = "net";
  L.type = wkbMultiLineString;
  L.fields = {{"len_km", OFTReal}};
  // Two parts; the second is drawn twice as long as the first.
  L.features = {{1, "MULTILINESTRING ((120.30 36.10,120.31 36.10),(120.40 36.10,120.42 36.10))", {"9"}, nullptr}};
  write_fixture(path, "GPKG", {L});
  LineFields f;
  f.length = "len_km";
  f.length_unit = "km";
  const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, f);
  ASSERT_EQ(got.lines.lines(), 2u);
  EXPECT_EQ(got.lines.fid, (std::vector<std::int64_t>{1, 1}));
  EXPECT_NEAR(got.lines.length_m[0], 3000.0, 1e-3);
  EXPECT_NEAR(got.lines.length_m[1], 6000.0, 1e-3);
  EXPECT_DOUBLE_EQ(got.lines.length_m[0] + got.lines.length_m[1], 9000.0);
}

TEST(ReadFields, NumbersInTextFieldsAreAccepted) {
  const VsiDir dir("/vsimem/lightcone-io-textnum");
  const std::string path = dir.file("net.gpkg");
  LayerFixture L = qingdao_lines();
  L.fields.push_back({"len_text", OFTString});
  L.features[0].values.push_back("6");
  L.features[1].values.push_back(" 5.5 ");
  L.features[2].values.push_back(std::nullopt);
  write_fixture(path, "GPKG", {L});
  LineFields f;
  f.length = "len_text";
  f.length_unit = "km";
  const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, f);
  EXPECT_DOUBLE_EQ(got.lines.length_m[0], 6000.0);
  EXPECT_DOUBLE_EQ(got.lines.length_m[1], 5500.0);
  EXPECT_TRUE(std::isnan(got.lines.length_m[2]));
}

// The three lines with two more fields, bad at fid 12: len_text "6 km", neg -1.5.
LayerFixture qingdao_lines_with_bad_values() {
  LayerFixture L = qingdao_lines();
  L.fields.push_back({"len_text", OFTString});
  L.fields.push_back({"neg", OFTReal});
  L.features[0].values.insert(L.features[0].values.end(), {"6", "1"});
  L.features[1].values.insert(L.features[1].values.end(), {"6 km", "-1.5"});
  L.features[2].values.insert(L.features[2].values.end(), {"7", "0.5"});
  return L;
}

TEST(ReadFields, BadFieldValuesAreErrorsNamingTheFeature) {
  const VsiDir dir("/vsimem/lightcone-io-badfields");
  const std::string path = dir.file("net.gpkg");
  write_fixture(path, "GPKG", {qingdao_lines_with_bad_values()});
  const auto read = [&](const LineFields& f) {
    return error_of([&] { read_lines(parse_layer_spec(path), ReadOptions{}, f); });
  };
  const std::string at12 = " (" + path + ":net:fid=12). ";
  LineFields f;
  f.length = "nope";
  f.length_unit = "km";
  EXPECT_EQ(read(f), "field 'nope' not found (" + path +
                         ":net). Available fields: name, len_km, n, slack, delay_ms, len_text, neg. "
                         "Fix --length-field.");
  f.length = "neg";
  EXPECT_EQ(read(f), "negative length -1.5 in field 'neg'" + at12 +
                         "Lengths must be >= 0; fix the data or drop --length-field.");
  f.length = "len_text";
  EXPECT_EQ(read(f), "non-numeric value '6 km' in field 'len_text'" + at12 +
                         "Fix the data or choose another field with --length-field.");
  f.length = "len_km";
  f.length_unit = "miles";
  EXPECT_EQ(read(f), "unknown length unit 'miles' for --length-unit. Use 'm' or 'km'.");
  LineFields n;
  n.group_index = "neg";
  EXPECT_EQ(read(n), "group index -1.5 out of range [1, 10] in field 'neg'" + at12 +
                         "Fix the data or drop --group-index-field (single-mode fibre is about 1.468).");
  LineFields slack;
  slack.slack = "neg";
  EXPECT_EQ(read(slack), "slack -1.5 below 1 in field 'neg'" + at12 +
                             "Slack is route length / drawn length, at least 1: fix the data or drop --slack-field.");
  LineFields delay;
  delay.delay = "neg";
  delay.delay_unit = "us";
  EXPECT_EQ(read(delay), "negative delay -1.5 in field 'neg'" + at12 +
                             "Delays must be >= 0; fix the data or drop --delay-field.");
  delay.delay_unit = "min";
  EXPECT_EQ(read(delay), "unknown time unit 'min' for --delay-unit. Use 'us' or 'ms'.");
}

// ---------------------------------------------------------------------------------------
// Points

LayerFixture qingdao_sites(bool with_site_id) {
  LayerFixture L;
  L.name = "sites";
  L.type = wkbUnknown;  // points and polygons
  L.fields = {{"name", OFTString}, {"pop", OFTInteger}, {"entry_ms", OFTReal}};
  if (with_site_id) L.fields.push_back({"site_id", OFTString});
  L.features = {
      {3, "POINT (120.30 36.10)", {"dc", "120", "0.01", "qd-1"}, nullptr},
      {7, "POLYGON ((120.0 36.0,120.2 36.0,120.2 36.2,120.0 36.2,120.0 36.0))", {"town", "80", std::nullopt, "qd-2"},
       nullptr},
      {9, "MULTIPOINT ((120.4 36.1),(120.6 36.3))", {"pair", "0", "0", "qd-3"}, nullptr},
  };
  if (!with_site_id)
    for (auto& f : L.features) f.values.pop_back();
  return L;
}

TEST(ReadPoints, SiteIdWeightDelayAndCentroids) {
  const VsiDir dir("/vsimem/lightcone-io-points");
  const std::string with_id = dir.file("with_id.gpkg");
  const std::string without_id = dir.file("without_id.gpkg");
  write_fixture(with_id, "GPKG", {qingdao_sites(true)});
  write_fixture(without_id, "GPKG", {qingdao_sites(false)});

  // Default id: the site_id field when the layer has one ...
  const PointLayer a = read_points(parse_layer_spec(with_id), ReadOptions{}, PointFields{});
  EXPECT_EQ(a.id_field, "site_id");
  EXPECT_EQ(a.id, (std::vector<std::string>{"qd-1", "qd-2", "qd-3"}));
  EXPECT_EQ(a.fid, (std::vector<std::int64_t>{3, 7, 9}));
  EXPECT_EQ(a.weight, (std::vector<double>{1.0, 1.0, 1.0}));
  // ... else the FID.
  const PointLayer b = read_points(parse_layer_spec(without_id), ReadOptions{}, PointFields{});
  EXPECT_EQ(b.id_field, "fid");
  EXPECT_EQ(b.id, (std::vector<std::string>{"3", "7", "9"}));
  // Polygons and multipoints are taken at their centroid.
  ASSERT_EQ(b.pos.size(), 3u);
  EXPECT_DOUBLE_EQ(b.pos[0].lon, 120.30);
  EXPECT_DOUBLE_EQ(b.pos[0].lat, 36.10);
  EXPECT_NEAR(b.pos[1].lon, 120.1, 1e-12);
  EXPECT_NEAR(b.pos[1].lat, 36.1, 1e-12);
  EXPECT_NEAR(b.pos[2].lon, 120.5, 1e-12);
  EXPECT_NEAR(b.pos[2].lat, 36.2, 1e-12);

  // Explicit id, weight and entry delay fields.
  PointFields f;
  f.id = "name";
  f.weight = "pop";
  f.entry_delay = "entry_ms";
  f.delay_unit = "ms";
  const PointLayer c = read_points(parse_layer_spec(with_id), ReadOptions{}, f);
  EXPECT_EQ(c.id_field, "name");
  EXPECT_EQ(c.id, (std::vector<std::string>{"dc", "town", "pair"}));
  EXPECT_EQ(c.weight, (std::vector<double>{120.0, 80.0, 0.0}));
  ASSERT_EQ(c.entry_delay_us.size(), 3u);
  EXPECT_DOUBLE_EQ(c.entry_delay_us[0], 10.0);
  EXPECT_TRUE(std::isnan(c.entry_delay_us[1]));
  EXPECT_DOUBLE_EQ(c.entry_delay_us[2], 0.0);

  PointFields missing;
  missing.weight = "population";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(with_id), ReadOptions{}, missing); }),
            "field 'population' not found (" + with_id +
                ":sites). Available fields: name, pop, entry_ms, site_id. Fix --weight.");
  PointFields text_weight;
  text_weight.weight = "name";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(with_id), ReadOptions{}, text_weight); }),
            "non-numeric value 'dc' in field 'name' (" + with_id +
                ":sites:fid=3). Fix the data or choose another field with --weight.");
}

TEST(ReadPoints, LinesInAPointLayerOfUnknownType) {
  const VsiDir dir("/vsimem/lightcone-io-mixed");
  const std::string path = dir.file("mixed.gpkg");
  LayerFixture L;
  L.name = "mixed";
  L.type = wkbUnknown;
  L.features = {{4, "LINESTRING (120.3 36.1,120.4 36.1)", {}, nullptr}, {5, "POINT (120.3 36.1)", {}, nullptr}};
  write_fixture(path, "GPKG", {L});
  // One point is enough; the line is skipped with its reason.
  const PointLayer got = read_points(parse_layer_spec(path), ReadOptions{}, PointFields{});
  EXPECT_EQ(got.fid, (std::vector<std::int64_t>{5}));
  ASSERT_EQ(got.info.skipped.size(), 1u);
  EXPECT_EQ(got.info.skipped[0].fid, 4);
  EXPECT_EQ(got.info.skipped[0].reason, "a line where a point is expected");
  // Only lines: an error naming the first.
  ReadOptions o;
  o.where = "fid = 4";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(path), o, PointFields{}); }),
            "layer has line features but points are expected (" + path +
                ":mixed:fid=4). Give a Point or Polygon layer with --sites PATH:LAYER.");
  // And the other way round for lines.
  o.where = "fid = 5";
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), o, LineFields{}); }),
            "layer has Point features but fibre lines are expected (" + path +
                ":mixed:fid=5). Give a LineString layer with --network PATH:LAYER.");
}

// Site ids name the sites in every output (zones, assignments, nearest site), so ids from
// a field must be unique and present (issue 12, item 15). Seven points as `zones_split`
// gives them back, with the id in field `id_name`:
//   fid  1   2   3   4   5   6     7
//   id   s1  s1  s2  s1  s2  NULL  "  "
LayerFixture repeated_ids(const std::string& id_name) {
  LayerFixture L;
  L.name = "zones_split";
  L.type = wkbPoint;
  L.fields = {{id_name, OFTString}};
  const std::vector<std::optional<std::string>> ids = {"s1", "s1", "s2", "s1", "s2", std::nullopt, "  "};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    char wkt[64];
    std::snprintf(wkt, sizeof wkt, "POINT (%.2f 36.10)", 120.30 + 0.01 * static_cast<double>(i));
    L.features.push_back({static_cast<std::int64_t>(i + 1), wkt, {ids[i]}, nullptr});
  }
  return L;
}

TEST(ReadPoints, RepeatedSiteIdsAreAnErrorNamingThemAndTheirFids) {
  const VsiDir dir("/vsimem/lightcone-io-repeated-ids");
  const std::string path = dir.file("split.gpkg");
  write_fixture(path, "GPKG", {repeated_ids("site_id")});
  const LayerSpec spec = parse_layer_spec(path);
  // The default id field (site_id, because the layer has it): leaving --site-id out
  // would give the same ids, so the hint does not suggest it.
  auto e = input_error_of([&] { read_points(spec, ReadOptions{}, PointFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()), "site ids in field 'site_id' are not unique: 's1' at fid=1, 2, 4; 's2' at fid=3, "
                                    "5 (" + path + ":zones_split:fid=2). Give --site-id a field with unique values, "
                                    "or make the ids unique in the data.");
  EXPECT_EQ(e->key(), "id");
  EXPECT_EQ(e->fid(), std::optional<std::int64_t>(2));  // the first feature that repeats an id
  EXPECT_EQ(e->layer(), "zones_split");
  EXPECT_TRUE(e->message().names(Setting::id_field));
  const SourceNames scenario{"[sites]", "'where' in [sites]", "'path' and 'layer' in [sites]",
                             "'id_field' in [sites]"};
  EXPECT_EQ(e->text(scenario).substr(e->text(scenario).find(" Give ")),
            " Give 'id_field' in [sites] a field with unique values, or make the ids unique in the data.");

  // A field named with --site-id on a layer without site_id: leaving it out gives FIDs.
  const std::string coded = dir.file("coded.gpkg");
  write_fixture(coded, "GPKG", {repeated_ids("code")});
  PointFields by_code;
  by_code.id = "code";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(coded), ReadOptions{}, by_code); }),
            "site ids in field 'code' are not unique: 's1' at fid=1, 2, 4; 's2' at fid=3, 5 (" + coded +
                ":zones_split:fid=2). Give --site-id a field with unique values, or leave it out to use the FID.");
  // Ids from the FID are unique; the code field is not read at all.
  const PointLayer by_fid = read_points(parse_layer_spec(coded), ReadOptions{}, PointFields{});
  EXPECT_EQ(by_fid.id_field, "fid");
  EXPECT_EQ(by_fid.id, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}));
  EXPECT_TRUE(by_fid.info.skipped.empty());

  // Many repeated ids: the first five are named, with at most five fids each.
  LayerFixture many;
  many.name = "many";
  many.type = wkbPoint;
  many.fields = {{"site_id", OFTString}};
  for (int i = 0; i < 28; ++i)
    many.features.push_back({i + 1, "POINT (120.30 36.10)", {i < 7 ? std::string("x") : "y" + std::to_string(i % 7)},
                             nullptr});
  const std::string many_path = dir.file("many.gpkg");
  write_fixture(many_path, "GPKG", {many});
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(many_path), ReadOptions{}, PointFields{}); }),
            "site ids in field 'site_id' are not unique: 'x' at fid=1, 2, 3, 4, 5 and 2 more; 'y0' at fid=8, 15, 22; "
            "'y1' at fid=9, 16, 23; 'y2' at fid=10, 17, 24; 'y3' at fid=11, 18, 25; and 3 more ids (" + many_path +
                ":many:fid=2). Give --site-id a field with unique values, or make the ids unique in the data.");
}

TEST(ReadPoints, NullOrBlankSiteIdsAreSkippedSites) {
  const VsiDir dir("/vsimem/lightcone-io-null-ids");
  const std::string path = dir.file("split.gpkg");
  write_fixture(path, "GPKG", {repeated_ids("site_id")});
  ReadOptions o;
  o.where = "fid IN (1, 3, 6, 7)";  // unique ids, a NULL and a blank one
  const PointLayer got = read_points(parse_layer_spec(path), o, PointFields{});
  EXPECT_EQ(got.id, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(got.fid, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(got.info.features_read, 4u);
  ASSERT_EQ(got.info.skipped.size(), 2u);
  EXPECT_EQ(got.info.skipped[0].fid, 6);
  EXPECT_EQ(got.info.skipped[0].reason, "NULL site id in field 'site_id'");
  EXPECT_EQ(got.info.skipped[1].fid, 7);
  EXPECT_EQ(got.info.skipped[1].reason, "empty site id in field 'site_id'");
  // Only sites without an id: the layer has no usable site.
  o.where = "fid IN (6, 7)";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(path), o, PointFields{}); }),
            "no usable point in 2 features (" + path +
                ":zones_split:fid=6): NULL site id in field 'site_id'. Fix the geometries or give another layer with "
                "--sites PATH:LAYER.");
}

// Demand points (--demand, --to) are named by their FID in every output (source_fid):
// no id field is read for them, so a site_id column with repeats or NULLs is no problem.
TEST(ReadPoints, DemandPointsAreNamedByTheirFid) {
  const VsiDir dir("/vsimem/lightcone-io-demand-ids");
  const std::string path = dir.file("split.gpkg");
  write_fixture(path, "GPKG", {repeated_ids("site_id")});
  PointFields demand;
  demand.fid_ids = true;
  const PointLayer got = read_points(parse_layer_spec(path), ReadOptions{}, demand);
  EXPECT_EQ(got.id_field, "fid");
  EXPECT_EQ(got.fid, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(got.id, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}));
  EXPECT_TRUE(got.info.skipped.empty());
}

// ---------------------------------------------------------------------------------------
// Data problems: skipped with fid and reason, the rest is read.

std::shared_ptr<OGRGeometry> nan_line() {
  auto ls = std::make_shared<OGRLineString>();
  ls->addPoint(120.30, 36.10);
  ls->addPoint(std::numeric_limits<double>::quiet_NaN(), 36.12);
  return ls;
}

// A polygon with a NaN vertex (its centroid is NaN).
std::shared_ptr<OGRGeometry> nan_polygon() {
  auto ring = std::make_unique<OGRLinearRing>();
  ring->addPoint(120.30, 36.10);
  ring->addPoint(std::numeric_limits<double>::quiet_NaN(), 36.10);
  ring->addPoint(120.31, 36.11);
  ring->addPoint(120.30, 36.10);
  auto poly = std::make_shared<OGRPolygon>();
  poly->addRingDirectly(ring.release());
  return poly;
}

TEST(ReadProblems, BadGeometriesAreSkippedWithReasons) {
  const VsiDir dir("/vsimem/lightcone-io-problems");
  const std::string path = dir.file("bad.gpkg");
  LayerFixture L;
  L.name = "net";
  L.creation_options = {"SPATIAL_INDEX=NO"};  // the R-tree cannot hold a NaN envelope
  L.features = {
      {1, "LINESTRING (120.30 36.10,120.35 36.10)", {}, nullptr},
      {2, "", {}, nullptr},
      {3, "LINESTRING EMPTY", {}, nullptr},
      {4, "", {}, nan_line()},
      {5, "LINESTRING (120.30 36.10,200 36.10)", {}, nullptr},
      {6, "LINESTRING (120.35 36.10,120.40 36.10)", {}, nullptr},
      {7, "LINESTRING (120.35 36.10)", {}, nullptr},
  };
  write_fixture(path, "GPKG", {L});
  const LineLayer got = read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{});
  EXPECT_EQ(got.info.features_read, 7u);
  EXPECT_EQ(got.lines.fid, (std::vector<std::int64_t>{1, 6}));
  ASSERT_EQ(got.info.skipped.size(), 5u);
  // A one-vertex line is a skipped feature with its fid and reason (issue 12, item 14).
  const std::vector<std::pair<std::int64_t, std::string>> expected = {{2, "null geometry"},
                                                                      {3, "empty geometry"},
                                                                      {4, "NaN or infinite coordinate"},
                                                                      {5, "coordinate out of range"},
                                                                      {7, "fewer than two vertices"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(got.info.skipped[i].fid, expected[i].first);
    EXPECT_EQ(got.info.skipped[i].reason, expected[i].second);
  }
  // Nothing usable at all: an error naming the first problem.
  ReadOptions only_bad;
  only_bad.where = "fid IN (2, 3, 5)";
  EXPECT_EQ(error_of([&] { read_lines(parse_layer_spec(path), only_bad, LineFields{}); }),
            "no usable line in 3 features (" + path +
                ":net:fid=2): null geometry. Fix the geometries or give another layer with --network PATH:LAYER.");
}

TEST(ReadProblems, BadPointsAreSkippedWithReasons) {
  const VsiDir dir("/vsimem/lightcone-io-point-problems");
  const std::string path = dir.file("bad.gpkg");
  LayerFixture L;
  L.name = "sites";
  L.type = wkbUnknown;
  L.creation_options = {"SPATIAL_INDEX=NO"};
  L.features = {
      {1, "POINT (120.30 36.10)", {}, nullptr},
      {2, "", {}, nullptr},
      {3, "POINT EMPTY", {}, nullptr},
      {4, "", {}, nan_polygon()},
      {5, "POINT (200 36.10)", {}, nullptr},
      {6, "POINT (120.40 36.10)", {}, nullptr},
      // GeoPackage stores a point with a NaN coordinate as POINT EMPTY (its encoding of
      // empty points), so a NaN point reads back as empty; the NaN polygon above is how
      // a NaN coordinate reaches the point reader.
      {7, "", {}, std::make_shared<OGRPoint>(std::numeric_limits<double>::quiet_NaN(), 36.1)},
  };
  write_fixture(path, "GPKG", {L});
  const PointLayer got = read_points(parse_layer_spec(path), ReadOptions{}, PointFields{});
  EXPECT_EQ(got.info.features_read, 7u);
  EXPECT_EQ(got.fid, (std::vector<std::int64_t>{1, 6}));
  ASSERT_EQ(got.info.skipped.size(), 5u);
  const std::vector<std::pair<std::int64_t, std::string>> expected = {{2, "null geometry"},
                                                                      {3, "empty geometry"},
                                                                      {4, "NaN or infinite coordinate"},
                                                                      {5, "coordinate out of range"},
                                                                      {7, "empty geometry"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(got.info.skipped[i].fid, expected[i].first);
    EXPECT_EQ(got.info.skipped[i].reason, expected[i].second);
  }
  ReadOptions only_bad;
  only_bad.where = "fid >= 2 AND fid <= 5";
  EXPECT_EQ(error_of([&] { read_points(parse_layer_spec(path), only_bad, PointFields{}); }),
            "no usable point in 4 features (" + path +
                ":sites:fid=2): null geometry. Fix the geometries or give another layer with --sites PATH:LAYER.");
}

// A projected layer with a coordinate near the largest double: GDAL's transformation
// wraps longitudes 360 degrees a step and never returned (found by tests/fuzz, mutant
// geojson-80). Such a feature is skipped with its reason, in all three readers.
TEST(ReadProblems, HugeProjectedCoordinatesAreSkippedNotTransformed) {
  const VsiDir dir("/vsimem/lightcone-io-huge");
  const LonLat a = to_web_mercator({120.30, 36.10});
  const LonLat b = to_web_mercator({120.35, 36.10});
  auto xy = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
  LayerFixture lines;
  lines.name = "net";
  lines.epsg = 3857;
  lines.creation_options = {"SPATIAL_INDEX=NO"};
  lines.features = {{1, "LINESTRING (" + xy(a.lon, a.lat) + "," + xy(b.lon, b.lat) + ")", {}, nullptr},
                    {2, "LINESTRING (" + xy(a.lon, a.lat) + ",-1e308 " + std::to_string(a.lat) + ")", {}, nullptr},
                    {3, "LINESTRING (" + xy(a.lon, a.lat) + "," + std::to_string(a.lon) + " 1e13)", {}, nullptr}};
  LayerFixture points = lines;
  points.name = "sites";
  points.type = wkbPoint;
  points.features = {{1, "POINT (" + xy(a.lon, a.lat) + ")", {}, nullptr},
                     {2, "POINT (-1e308 " + std::to_string(a.lat) + ")", {}, nullptr}};
  LayerFixture polygons = lines;
  polygons.name = "area";
  polygons.type = wkbPolygon;
  polygons.features = {
      {1, "POLYGON ((" + xy(a.lon, a.lat) + "," + xy(b.lon, a.lat) + "," + xy(b.lon, b.lat + 5000) + "," +
              xy(a.lon, a.lat) + "))", {}, nullptr},
      {2, "POLYGON ((" + xy(a.lon, a.lat) + ",1e308 " + std::to_string(a.lat) + "," + xy(b.lon, b.lat + 5000) + "," +
              xy(a.lon, a.lat) + "))", {}, nullptr}};
  const std::string path = dir.file("huge.gpkg");
  write_fixture(path, "GPKG", {lines, points, polygons});

  const LineLayer got = read_lines(parse_layer_spec(path + ":net"), ReadOptions{}, LineFields{});
  EXPECT_EQ(got.lines.fid, (std::vector<std::int64_t>{1}));
  ASSERT_EQ(got.info.skipped.size(), 2u);
  EXPECT_EQ(got.info.skipped[0].reason, "coordinate out of range");
  EXPECT_EQ(got.info.skipped[1].reason, "coordinate out of range");
  const PointLayer pts = read_points(parse_layer_spec(path + ":sites"), ReadOptions{}, PointFields{});
  EXPECT_EQ(pts.fid, (std::vector<std::int64_t>{1}));
  ASSERT_EQ(pts.info.skipped.size(), 1u);
  EXPECT_EQ(pts.info.skipped[0].reason, "coordinate out of range");
  const PolygonLayer polys = read_polygons(parse_layer_spec(path + ":area"), ReadOptions{});
  EXPECT_EQ(polys.fid, (std::vector<std::int64_t>{1}));
  ASSERT_EQ(polys.info.skipped.size(), 1u);
  EXPECT_EQ(polys.info.skipped[0].reason, "coordinate out of range");
}

// ---------------------------------------------------------------------------------------
// Dataset summary

TEST(DescribeDataset, LayersCountsTypesCrsFields) {
  const VsiDir dir("/vsimem/lightcone-io-describe");
  const std::string path = dir.file("two.gpkg");
  LayerFixture sites;
  sites.name = "sites";
  sites.type = wkbPoint;
  sites.epsg = 32650;
  sites.fields = {{"site_id", OFTString}};
  sites.features = {{1, "POINT (500000 4000000)", {"A"}, nullptr}};
  write_fixture(path, "GPKG", {qingdao_lines(), sites});
  std::string driver;
  const auto layers = describe_dataset(path, &driver);
  EXPECT_EQ(driver, "GPKG");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].name, "net");
  EXPECT_EQ(layers[0].geometry_type, "Line String");
  EXPECT_EQ(layers[0].features, 3);
  EXPECT_EQ(layers[0].crs, "WGS 84");
  EXPECT_EQ(layers[0].fields, (std::vector<std::string>{"name", "len_km", "n", "slack", "delay_ms"}));
  EXPECT_EQ(layers[1].name, "sites");
  EXPECT_EQ(layers[1].geometry_type, "Point");
  EXPECT_EQ(layers[1].features, 1);
  EXPECT_EQ(layers[1].crs, "WGS 84 / UTM zone 50N");
  const std::string missing = dir.file("missing.gpkg");
  EXPECT_EQ(error_of([&] { describe_dataset(missing, &driver); }), "file not found (" + missing + "). Check the path.");
}

// ---------------------------------------------------------------------------------------
// Typed errors: callers read file, layer, fid, key and kind, not the message

TEST(ReadErrors, FieldsNameFileLayerFeatureAndKey) {
  const VsiDir dir("/vsimem/lightcone-io-typed");
  const std::string path = dir.file("net.gpkg");
  write_fixture(path, "GPKG", {qingdao_lines_with_bad_values()});
  const LayerSpec spec = parse_layer_spec(path);

  const std::string missing = dir.file("missing.gpkg");
  auto e = input_error_of([&] { read_lines(parse_layer_spec(missing), ReadOptions{}, LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), missing);
  EXPECT_EQ(e->layer(), "");
  EXPECT_EQ(e->key(), "path");
  EXPECT_FALSE(e->fid());

  e = input_error_of([&] { read_lines(parse_layer_spec(path + ":nope"), ReadOptions{}, LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), path);
  EXPECT_EQ(e->layer(), "nope");  // the layer asked for
  EXPECT_EQ(e->key(), "layer");

  LineFields f;
  f.length = "neg";
  f.length_unit = "km";
  e = input_error_of([&] { read_lines(spec, ReadOptions{}, f); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), path);
  EXPECT_EQ(e->layer(), "net");
  EXPECT_EQ(e->fid(), std::optional<std::int64_t>(12));
  EXPECT_EQ(e->key(), "length");
  EXPECT_EQ(e->kind(), InputErrorKind::other);
  f.length_unit = "miles";
  f.length = "len_km";
  e = input_error_of([&] { read_lines(spec, ReadOptions{}, f); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "length_unit");
  EXPECT_FALSE(e->fid());

  PointFields w;
  w.weight = "neg";
  ReadOptions as_sites;
  as_sites.option = "--demand";
  e = input_error_of([&] { read_points(spec, as_sites, w); });
  ASSERT_TRUE(e);  // a line layer read as points: the layer is at fault, before any weight
  EXPECT_EQ(e->key(), "layer");
  EXPECT_EQ(e->fields().option, "--demand");
  EXPECT_EQ(std::string(e->what()), e->text(SourceNames::command_line("--demand")));
  LineFields slack;
  slack.slack = "nope";
  e = input_error_of([&] { read_lines(spec, ReadOptions{}, slack); });
  ASSERT_TRUE(e);  // field not found
  EXPECT_EQ(e->key(), "slack");
  EXPECT_EQ(e->layer(), "net");

  const std::string sites = dir.file("sites.gpkg");
  write_fixture(sites, "GPKG", {qingdao_sites(false)});
  w.weight = "name";
  e = input_error_of([&] { read_points(parse_layer_spec(sites), ReadOptions{}, w); });
  ASSERT_TRUE(e);  // non-numeric 'dc'
  EXPECT_EQ(e->file(), sites);
  EXPECT_EQ(e->layer(), "sites");
  EXPECT_EQ(e->fid(), std::optional<std::int64_t>(3));
  EXPECT_EQ(e->key(), "weight");
}

TEST(ReadErrors, FilterErrorsAreTypedAndWordedByTheCaller) {
  const VsiDir dir("/vsimem/lightcone-io-typed-filter");
  const std::string path = dir.file("net.gpkg");
  write_fixture(path, "GPKG", {qingdao_lines()});
  const LayerSpec spec = parse_layer_spec(path);
  const SourceNames scenario{"[network]", "'where' in [network]", "'path' and 'layer' in [network]",
                             "'id_field' in [network]"};
  ReadOptions o;
  o.where = "name = 'M-B'";
  auto e = input_error_of([&] { read_lines(spec, o, LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), InputErrorKind::no_feature_matches);
  EXPECT_EQ(e->key(), "where");
  EXPECT_EQ(e->layer(), "net");
  EXPECT_TRUE(e->message().names(Setting::where));
  EXPECT_EQ(e->text(scenario), "no feature matches 'where' in [network] \"name = 'M-B'\" (" + path +
                                   ":net). Check the values it compares with (lightcone info lists the fields) or "
                                   "drop it.");
  o.where = "kind = 'trunk'";
  e = input_error_of([&] { read_lines(spec, o, LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), InputErrorKind::other);
  EXPECT_EQ(e->key(), "where");
  EXPECT_EQ(e->text(scenario).rfind("invalid 'where' in [network] \"kind = 'trunk'\" (", 0), 0u) << e->text(scenario);

  // Polygons: the message says "the filter" and names no setting.
  LayerFixture P;
  P.name = "zones";
  P.type = wkbPolygon;
  P.fields = {{"code", OFTInteger}};
  P.features = {{1, "POLYGON ((120.0 36.0,120.2 36.0,120.2 36.2,120.0 36.2,120.0 36.0))", {"1"}, nullptr}};
  const std::string polys = dir.file("zones.gpkg");
  write_fixture(polys, "GPKG", {P});
  o.where = "code = 2";
  e = input_error_of([&] { read_polygons(parse_layer_spec(polys), o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), InputErrorKind::no_feature_matches);
  EXPECT_EQ(e->key(), "where");
  EXPECT_FALSE(e->message().names(Setting::where));
  EXPECT_EQ(e->text(scenario), e->what());
}

TEST(ReadErrors, UnknownAssumedCrsNamesTheSetting) {
  const TempDir dir;
  const std::string path = dir.file("net.csv");
  test::write_text(path, "id,WKT\n1,\"LINESTRING (120.30 36.10,120.35 36.10)\"\n");
  auto e = input_error_of([&] { read_lines(parse_layer_spec(path), assume("EPSG:nope"), LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "assume_crs");
  EXPECT_EQ(e->file(), path);
  EXPECT_EQ(e->layer(), "net");
  // No CRS and none assumed: the layer is at fault.
  e = input_error_of([&] { read_lines(parse_layer_spec(path), ReadOptions{}, LineFields{}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "layer");
}

}  // namespace
}  // namespace lightcone
