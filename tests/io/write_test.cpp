// Writing result tables: GeoPackage (several layers), CSV and GeoJSON (one layer each),
// read back with GDAL; identical input gives a byte-identical GeoPackage; a failed write
// leaves neither the target nor a temporary file behind (and an old target untouched).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_fixture.hpp"
#include "io/write.hpp"

namespace lightcone {
namespace {

using test::TempDir;

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

// Three points (output FIDs 3, 7, 12) with a NULL in every column type.
FeatureTable points_table() {
  FeatureTable t;
  t.name = "latency";
  t.geometry = FeatureTable::Geometry::point;
  t.coords = {{120.30, 36.10}, {120.35, 36.15}, {122.0, 30.0}};
  t.fid = {3, 7, 12};
  t.columns.push_back(Column::integers("source_fid", {3, 7, 12}));
  t.columns.push_back(Column::reals("latency_us", {91.25, 100.5, kNull}));
  t.columns.push_back(Column::texts("site_id", {"A", "A", ""}, {false, false, true}));
  return t;
}

FeatureTable lines_table() {
  FeatureTable t;
  t.name = "network";
  t.geometry = FeatureTable::Geometry::line;
  t.coords = {{120.30, 36.10}, {120.35, 36.10}, {120.35, 36.10}, {120.35, 36.12}, {120.35, 36.15}};
  t.first = {0, 2, 5};
  t.columns.push_back(Column::integers("edge_id", {0, 1}, {false, true}));
  t.columns.push_back(Column::reals("length_m", {4500.0, 5560.25}));
  return t;
}

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

Dataset open(const std::string& path) {
  return Dataset(static_cast<GDALDataset*>(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(WriteTables, GeoPackageWithPointAndLineLayers) {
  const TempDir dir;
  const std::string path = dir.file("run.gpkg");
  const std::vector<FeatureTable> tables = {points_table(), lines_table()};
  write_tables(path, tables);
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"run.gpkg"}));

  Dataset ds = open(path);
  ASSERT_TRUE(ds);
  std::vector<std::string> names;
  for (int i = 0; i < ds->GetLayerCount(); ++i)
    if (std::string(ds->GetLayer(i)->GetName()) != "layer_styles") names.push_back(ds->GetLayer(i)->GetName());
  EXPECT_EQ(names, (std::vector<std::string>{"latency", "network"}));  // plus QGIS styles
  OGRLayer* pts = ds->GetLayerByName("latency");
  ASSERT_NE(pts, nullptr);
  EXPECT_EQ(wkbFlatten(pts->GetGeomType()), wkbPoint);
  ASSERT_NE(pts->GetSpatialRef(), nullptr);
  EXPECT_STREQ(pts->GetSpatialRef()->GetAuthorityCode(nullptr), "4326");
  OGRFeatureDefn* defn = pts->GetLayerDefn();
  ASSERT_EQ(defn->GetFieldCount(), 3);
  EXPECT_STREQ(defn->GetFieldDefn(0)->GetNameRef(), "source_fid");
  EXPECT_EQ(defn->GetFieldDefn(0)->GetType(), OFTInteger64);
  EXPECT_STREQ(defn->GetFieldDefn(1)->GetNameRef(), "latency_us");
  EXPECT_EQ(defn->GetFieldDefn(1)->GetType(), OFTReal);
  EXPECT_STREQ(defn->GetFieldDefn(2)->GetNameRef(), "site_id");
  EXPECT_EQ(defn->GetFieldDefn(2)->GetType(), OFTString);
  std::vector<std::int64_t> fids;
  for (auto& f : *pts) {
    const std::size_t i = fids.size();
    fids.push_back(f->GetFID());
    const OGRPoint* p = f->GetGeometryRef()->toPoint();
    EXPECT_EQ(p->getX(), points_table().coords[i].lon);  // stored lon, lat
    EXPECT_EQ(p->getY(), points_table().coords[i].lat);
    EXPECT_EQ(f->GetFieldAsInteger64(0), fids.back());
    if (i < 2) {
      EXPECT_TRUE(f->IsFieldSetAndNotNull(1));
      EXPECT_EQ(std::string(f->GetFieldAsString(2)), "A");
    } else {
      EXPECT_TRUE(f->IsFieldNull(1));
      EXPECT_TRUE(f->IsFieldNull(2));
    }
  }
  EXPECT_EQ(fids, (std::vector<std::int64_t>{3, 7, 12}));

  OGRLayer* net = ds->GetLayerByName("network");
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(wkbFlatten(net->GetGeomType()), wkbLineString);
  std::vector<int> vertices;
  for (auto& f : *net) {
    vertices.push_back(f->GetGeometryRef()->toLineString()->getNumPoints());
    EXPECT_EQ(f->GetFID(), static_cast<GIntBig>(vertices.size()));  // 1..n without explicit FIDs
  }
  EXPECT_EQ(vertices, (std::vector<int>{2, 3}));
}

TEST(WriteTables, CsvAndGeoJsonHoldOneTable) {
  const TempDir dir;
  const FeatureTable pts = points_table();
  write_tables(dir.file("points.csv"), std::span(&pts, 1));
  EXPECT_EQ(test::read_text(dir.file("points.csv")),
            "X,Y,source_fid,latency_us,site_id\n"
            "120.3,36.1,3,91.25,A\n"
            "120.35,36.15,7,100.5,A\n"
            "122,30,12,,\n");
  const FeatureTable lines = lines_table();
  write_tables(dir.file("lines.csv"), std::span(&lines, 1));
  EXPECT_EQ(test::read_text(dir.file("lines.csv")),
            "WKT,edge_id,length_m\n"
            "\"LINESTRING (120.3 36.1,120.35 36.1)\",0,4500\n"
            "\"LINESTRING (120.35 36.1,120.35 36.12,120.35 36.15)\",,5560.25\n");

  write_tables(dir.file("points.geojson"), std::span(&pts, 1));
  Dataset ds = open(dir.file("points.geojson"));
  ASSERT_TRUE(ds);
  OGRLayer* layer = ds->GetLayer(0);
  std::vector<std::string> rows;
  for (auto& f : *layer) {
    const OGRPoint* p = f->GetGeometryRef()->toPoint();
    std::string row = std::to_string(p->getX()) + " " + std::to_string(p->getY());
    // One field at a time: GetFieldAsString reuses its buffer.
    for (int k = 0; k < 3; ++k) row += " " + (f->IsFieldNull(k) ? std::string("NULL") : f->GetFieldAsString(k));
    rows.push_back(row);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"120.300000 36.100000 3 91.25 A", "120.350000 36.150000 7 100.5 A",
                                            "122.000000 30.000000 12 NULL NULL"}));
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"lines.csv", "points.csv", "points.geojson"}));

  const std::vector<FeatureTable> two = {pts, lines};
  const std::string csv = dir.file("two.csv");
  EXPECT_EQ(error_of([&] { write_tables(csv, two); }),
            "a .csv file holds one layer (" + csv + "). Use a .gpkg file for --out.");
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"lines.csv", "points.csv", "points.geojson"}));
}

TEST(WriteTables, TwoWritesGiveByteIdenticalGeoPackages) {
  const TempDir dir;
  const std::vector<FeatureTable> tables = {points_table(), lines_table()};
  write_tables(dir.file("a.gpkg"), tables);
  write_tables(dir.file("b.gpkg"), tables);
  const std::string a = test::read_text(dir.file("a.gpkg"));
  const std::string b = test::read_text(dir.file("b.gpkg"));
  ASSERT_GT(a.size(), 0u);
  EXPECT_TRUE(a == b) << "GeoPackages differ";
  // Overwriting an existing file gives the same bytes again.
  write_tables(dir.file("a.gpkg"), tables);
  EXPECT_TRUE(test::read_text(dir.file("a.gpkg")) == b);
}

TEST(WriteTables, FailedWritesLeaveNothingBehind) {
  const TempDir dir;
  const FeatureTable pts = points_table();
  const std::string shp = dir.file("out.shp");
  EXPECT_EQ(error_of([&] { write_tables(shp, std::span(&pts, 1)); }),
            "unsupported output format '.shp' (" + shp + "). Use a .gpkg, .csv or .geojson file name for --out.");
  EXPECT_EQ(error_of([&] { write_tables_check_path(shp); }),
            "unsupported output format '.shp' (" + shp + "). Use a .gpkg, .csv or .geojson file name for --out.");
  const std::string none = dir.file("out");
  EXPECT_EQ(error_of([&] { write_tables(none, std::span(&pts, 1)); }),
            "unsupported output format '' (" + none + "). Use a .gpkg, .csv or .geojson file name for --out.");
  const std::string missing_dir = dir.file("no/such/dir");
  const std::string nested = missing_dir + "/out.gpkg";
  EXPECT_EQ(error_of([&] { write_tables(nested, std::span(&pts, 1)); }),
            "output directory does not exist (" + missing_dir + "). Create it or change --out.");
  EXPECT_EQ(error_of([&] { write_tables_check_path(nested); }),
            "output directory does not exist (" + missing_dir + "). Create it or change --out.");
  EXPECT_EQ(error_of([&] { write_text_file(missing_dir + "/out.summary.json", "{}"); }),
            "output directory does not exist (" + missing_dir + "). Create it or change --out.");
  EXPECT_TRUE(dir.list().empty());

  // A failure after the temporary file was created (GeoPackage and CSV refuse a
  // duplicate field name; GeoJSON silently drops it): the temporary file is removed and
  // an existing target keeps its old content.
  FeatureTable dup = points_table();
  dup.columns.push_back(Column::reals("latency_us", {1.0, 2.0, 3.0}));
  for (const char* name : {"out.gpkg", "out.csv"}) {
    SCOPED_TRACE(name);
    const std::string path = dir.file(name);
    test::write_text(path, "old");
    EXPECT_THROW(write_tables(path, std::span(&dup, 1)), InputError);
    EXPECT_EQ(dir.list(), std::vector<std::string>{name});
    EXPECT_EQ(test::read_text(path), "old");
    std::filesystem::remove(path);
  }
}

TEST(WriteTables, TextFilesAreWrittenWhole) {
  const TempDir dir;
  const std::string path = dir.file("run.summary.json");
  write_text_file(path, "{\"metric\": \"rtt\"}\n");
  write_text_file(path, "{\"metric\": \"one-way\"}\n");
  EXPECT_EQ(test::read_text(path), "{\"metric\": \"one-way\"}\n");
  EXPECT_EQ(dir.list(), std::vector<std::string>{"run.summary.json"});
}

TEST(AtomicFile, TemporaryNamesAreUniqueAndBesideTheTarget) {
  const TempDir dir;
  const std::string target = dir.file("out.csv");
  const AtomicFile a(target, /*keep_extension=*/true);
  const AtomicFile b(target);
  EXPECT_NE(a.temp_path(), b.temp_path());
  EXPECT_EQ(std::filesystem::path(a.temp_path()).parent_path(), std::filesystem::path(target).parent_path());
  EXPECT_EQ(std::filesystem::path(a.temp_path()).extension(), ".csv");
  EXPECT_EQ(std::filesystem::path(b.temp_path()).filename().string().rfind(".out.csv.tmp", 0), 0u);
}

TEST(AtomicFile, AFailedWriteLeavesNoTemporaryFileAndTheTargetUntouched) {
  const TempDir dir;
  const std::string target = dir.file("out.txt");
  test::write_text(target, "old");
  // An exception before commit: the written temporary file goes away.
  try {
    AtomicFile file(target);
    test::write_text(file.temp_path(), "half");
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{"out.txt"});
  EXPECT_EQ(test::read_text(target), "old");

  // The target is a directory: refused before anything is written (issue 12, item 7).
  const std::string busy = dir.file("busy");
  std::filesystem::create_directory(busy);
  test::write_text(busy + "/keep", "x");
  std::optional<InputError> e;
  try {
    write_text_file(busy, "new");
  } catch (const InputError& caught) {
    e = caught;
  }
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), busy);
  EXPECT_EQ(e->key(), "path");
  EXPECT_STREQ(e->what(), ("cannot write " + busy + ": it is a directory. Give the name of a file to write.").c_str());
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"busy", "out.txt"}));
  EXPECT_EQ(test::read_text(busy + "/keep"), "x");

  // The rename fails (the target became a non-empty directory while the file was
  // written): an InputError naming the path, and no temporary file left.
  const std::string late = dir.file("late");
  e.reset();
  try {
    AtomicFile file(late);
    test::write_text(file.temp_path(), "new");
    std::filesystem::create_directory(late);
    test::write_text(late + "/keep", "x");
    file.commit();
  } catch (const InputError& caught) {
    e = caught;
  }
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), late);
  EXPECT_EQ(std::string(e->what()).rfind("cannot write (" + late + "): ", 0), 0u) << e->what();
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"busy", "late", "out.txt"}));
  EXPECT_EQ(test::read_text(late + "/keep"), "x");

  // Committed: the target has the new content, nothing else is left.
  {
    AtomicFile file(target);
    test::write_text(file.temp_path(), "new");
    file.commit();
  }
  EXPECT_EQ(test::read_text(target), "new");
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"busy", "late", "out.txt"}));
}

}  // namespace
}  // namespace lightcone
