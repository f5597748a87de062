#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_frmts.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>

#include "core/error.hpp"
#include "core/pg_source.hpp"
#include "io/gdal_util.hpp"
#include "io/paths.hpp"
#include "io/source.hpp"

namespace lightcone {

namespace {
std::atomic<bool> g_all_drivers{false};
}  // namespace

void ensure_gdal_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The drivers of the formats lightcone writes and of the inputs most runs read. All of
    // GDAL's 200-odd drivers (GDALAllRegister, about 2 ms of a tiny run) are registered only
    // when an input needs another one (ensure_all_gdal_drivers).
    RegisterOGRGeoPackage();
    RegisterOGRGeoJSON();
    RegisterOGRShape();
    RegisterOGRCSV();
    RegisterOGRFlatGeobuf();
    GDALRegister_MEM();
    GDALRegister_GTiff();
    GDALRegister_PNG();
    // Errors are turned into exceptions with their message; GDAL must not print.
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });
}

void ensure_all_gdal_drivers() {
  ensure_gdal_registered();
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();  // skips the drivers already registered
    g_all_drivers.store(true, std::memory_order_release);
  });
}

std::string last_gdal_error(const char* fallback) {
  const char* msg = CPLGetLastErrorMsg();
  std::string out = msg && *msg ? msg : fallback;
  // Messages are one line and end with our own '.', not GDAL's.
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  return out.empty() ? fallback : out;
}

std::string display_source(const std::string& path) { return is_pg_source(path) ? redact_pg_source(path) : path; }

std::string scrub_password(std::string message, const std::string& path) {
  const std::string password = pg_source_password(path);
  if (password.empty()) return message;
  for (std::size_t at; (at = message.find(password)) != std::string::npos;) message.replace(at, password.size(), "***");
  return message;
}

std::string pg_open_failure(const std::string& path) {
  std::string why = scrub_password(last_gdal_error("the server did not answer"), path);
  // GDAL words it "PQconnectdb failed. <libpq's reason>".
  for (const char* noise : {"PQconnectdb failed. ", "PQconnectdb failed.", "PQconnectdb failed"}) {
    if (why.rfind(noise, 0) == 0) why = why.substr(std::string(noise).size());
  }
  while (why.find("  ") != std::string::npos) why.replace(why.find("  "), 2, " ");
  return "cannot connect to PostgreSQL (" + pg_source_target(path) + "): " + why +
         ". A password is best given in PGPASSWORD or ~/.pgpass, not in the connection string.";
}

namespace {
// Rows of a PostGIS layer per FETCH: 70,000 lines in 7 round trips instead of 140.
constexpr const char* kPgCursorPage = "10000";

// Files that the drivers ensure_gdal_registered registers are the only ones to open (the
// full set has no other driver that takes these extensions).
bool has_core_extension(const std::string& path) {
  const std::string ext = extension_of(path);
  return ext == ".gpkg" || ext == ".geojson" || ext == ".json" || ext == ".shp" || ext == ".csv" || ext == ".fgb";
}

// The read-only PG datasets a PgReadSession keeps open on this thread (one reference each).
struct PgSessionState {
  int depth = 0;
  std::vector<GDALDataset*> held;
};
thread_local PgSessionState t_pg_session;
}  // namespace

PgReadSession::PgReadSession() { ++t_pg_session.depth; }

PgReadSession::~PgReadSession() {
  if (--t_pg_session.depth > 0) return;
  for (GDALDataset* ds : t_pg_session.held) GDALClose(ds);
  t_pg_session.held.clear();
}

DatasetPtr open_pg(const std::string& path, bool update) {
  ensure_all_gdal_drivers();
  // libpq waits for a server that does not answer as long as TCP does (minutes): give up
  // after 10 s unless the connection string or PGCONNECT_TIMEOUT says otherwise.
  std::string text = path;
  const std::string conn = path.substr(3);
  if (conn.find("://") == std::string::npos && conn.find("connect_timeout") == std::string::npos &&
      std::getenv("PGCONNECT_TIMEOUT") == nullptr)
    text += " connect_timeout=10";
  CPLErrorReset();
  const bool shared = !update && t_pg_session.depth > 0;
  const unsigned flags = GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY) | (shared ? GDAL_OF_SHARED : 0);
  const char* const drivers[] = {"PostgreSQL", nullptr};
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(text.c_str(), flags, drivers, nullptr, nullptr));
  if (ds && shared) {
    // The session holds one reference (taken once per dataset); the caller's DatasetPtr
    // another, which GDALClose gives back. A shared dataset's layers keep their state
    // between users: open_layer sets (or clears) the filter and ignored fields each time.
    if (std::find(t_pg_session.held.begin(), t_pg_session.held.end(), ds) == t_pg_session.held.end()) {
      ds->Reference();
      t_pg_session.held.push_back(ds);
    }
  }
  return DatasetPtr(ds);
}

DatasetPtr open_vector(const std::string& path) {
  ensure_gdal_registered();
  if (is_pg_source(path)) return open_pg(path, /*update=*/false);
  constexpr unsigned kFlags = GDAL_OF_VECTOR | GDAL_OF_READONLY;
  CPLErrorReset();
  // Opening a FIFO or a device would block or never end.
  if (const InputPathStatus status = input_path_status(path); status.state == InputPathStatus::State::unusable) {
    CPLError(CE_Failure, CPLE_OpenFailed, "%s", status.reason.c_str());
    return nullptr;
  }
  // A file of one of the first-registered formats (by its extension) is opened with
  // those drivers; any other input, or one they cannot open, with all of GDAL's, which then
  // decide as they always would (a .json that is Esri JSON, a .gdb directory, a .tab).
  if (!has_core_extension(path)) ensure_all_gdal_drivers();
  DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), kFlags, nullptr, nullptr, nullptr)));
  if (!ds && !g_all_drivers.load(std::memory_order_acquire)) {
    ensure_all_gdal_drivers();
    CPLErrorReset();
    ds.reset(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), kFlags, nullptr, nullptr, nullptr)));
  }
  if (ds && std::string(ds->GetDriverName()) == "CSV") {
    // The CSV driver only takes a column named WKT as geometry by default; also accept
    // the names QGIS and others write, and point coordinate columns.
    const char* const drivers[] = {"CSV", nullptr};
    const char* const csv_options[] = {"GEOM_POSSIBLE_NAMES=WKT,wkt_geom,geometry,geom",
                                       "X_POSSIBLE_NAMES=lon,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
                                       nullptr};
    ds.reset();
    CPLErrorReset();
    ds.reset(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), kFlags, drivers, csv_options, nullptr)));
  }
  return ds;
}

OGRSpatialReference wgs84() {
  OGRSpatialReference srs;
  srs.importFromEPSG(4326);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

namespace {
// True when `path` names an existing file or directory, also on GDAL's virtual file
// systems (/vsimem/, /vsizip/, ...).
bool path_exists(const std::string& path) {
  VSIStatBufL st;
  return VSIStatL(path.c_str(), &st) == 0;
}

// True when `path` names something, usable or not (a FIFO, a loop of links), so that
// "PATH:LAYER" is split where the user meant and the message names PATH.
bool names_something(const std::string& path) {
  return path_exists(path) || input_path_status(path).state == InputPathStatus::State::unusable;
}
}  // namespace

LayerSpec parse_layer_spec(std::string_view text) {
  std::string s(text);
  if (is_pg_source(s)) {
    const std::optional<PgSourceSplit> pg = split_pg_source(s);
    if (!pg) return {s, ""};  // unclosed quote: opening it says what is wrong
    return {pg->connection, pg->layer};
  }
  if (names_something(s)) return {s, ""};
  const auto colon = s.rfind(':');
  if (colon != std::string::npos && colon > 0 && names_something(s.substr(0, colon))) {
    return {s.substr(0, colon), s.substr(colon + 1)};
  }
  return {s, ""};
}

std::string field_list(OGRLayer* layer) {
  std::string out;
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    if (!out.empty()) out += ", ";
    out += defn->GetFieldDefn(i)->GetNameRef();
  }
  return out.empty() ? "(none)" : out;
}

namespace {
constexpr const char* kNotRecognised = "not a format GDAL recognises";

[[noreturn]] void throw_invalid_filter(const OpenLayer& L, const std::string& where, std::string why) {
  // Database drivers report the whole generated statement; say it in a word instead.
  if (why.find("SQL") != std::string::npos) why = "the data source rejected it";
  InputMessage message{"invalid ", Setting::where,
                       " \"" + where + "\" (" + L.path + ":" + L.layer_name + "): " + why + ". "};
  if (L.layer->GetLayerDefn()->GetFieldCount() == 0) {
    message += {"The layer has no attribute fields; drop ", Setting::where, "."};
  } else {
    message += {"Write an OGR SQL WHERE clause on the fields " + field_list(L.layer) + ", e.g. \"kind = 'trunk'\"."};
  }
  throw InputError(L.error("where"), std::move(message));
}

std::string layer_names(GDALDataset& ds) {
  std::string out;
  for (int i = 0; i < ds.GetLayerCount(); ++i) {
    if (!out.empty()) out += ", ";
    out += ds.GetLayer(i)->GetName();
  }
  return out;
}
}  // namespace

GdalErrorCollector::GdalErrorCollector() { CPLPushErrorHandlerEx(&GdalErrorCollector::handle, this); }
GdalErrorCollector::~GdalErrorCollector() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorCollector::handle(CPLErr type, CPLErrorNum, const char* msg) {
  auto* self = static_cast<GdalErrorCollector*>(CPLGetErrorHandlerUserData());
  if (self == nullptr || type < CE_Failure || self->m_failed) return;
  self->m_failed = true;
  self->m_message = msg && *msg ? msg : "unknown error";
  for (char& c : self->m_message)
    if (c == '\n' || c == '\r') c = ' ';
  while (!self->m_message.empty() && (self->m_message.back() == '.' || self->m_message.back() == ' '))
    self->m_message.pop_back();
}

void check_read_errors(const OpenLayer& L, const ReadOptions& options, const GdalErrorCollector& errors,
                       std::size_t features_read) {
  if (!errors.failed()) return;
  if (!options.where.empty() && features_read == 0) throw_invalid_filter(L, options.where, errors.message());
  throw InputError(L.error("path"), {"cannot read the features (" + L.path + ":" + L.layer_name + "): " +
                                         errors.message() + ". Check that the file is complete and not corrupt."});
}

namespace {
std::string sql_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace

void read_fields(OpenLayer& L, const ReadOptions& options, std::initializer_list<int*> used) {
  OGRFeatureDefn* defn = L.layer->GetLayerDefn();
  auto is_used = [&](int i) {
    return std::any_of(used.begin(), used.end(), [i](const int* u) { return *u == i; });
  };
  if (L.info.driver == "GPKG") {
    // The attribute filter runs in SQLite: fields it names need not be read.
    CPLStringList ignored;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
      if (!is_used(i)) ignored.AddString(defn->GetFieldDefn(i)->GetNameRef());
    ignored.AddString("OGR_STYLE");
    L.layer->SetIgnoredFields(const_cast<const char**>(ignored.List()));
    return;
  }
  // A spatial filter is the table layer's (GDAL adds it to its own SELECT).
  if (L.info.driver != "PostgreSQL" || L.selected || L.filtered) return;
  const std::string fid = L.layer->GetFIDColumn();
  const std::string geom = L.layer->GetGeometryColumn();
  const std::string name = L.layer->GetName();
  // GDAL names a table "schema.table", or "table" in the search path's first schema.
  const std::size_t dot = name.find('.');
  if (fid.empty() || geom.empty() || name.find('.', dot == std::string::npos ? 0 : dot + 1) != std::string::npos) return;
  const std::string table = dot == std::string::npos
                                ? sql_identifier(name)
                                : sql_identifier(name.substr(0, dot)) + "." + sql_identifier(name.substr(dot + 1));
  // The driver takes a column named ogc_fid as the FID of a result set.
  std::string sql = "SELECT " + sql_identifier(fid) + " AS ogc_fid, " + sql_identifier(geom);
  std::vector<int> fields;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    if (!is_used(i)) continue;
    sql += ", " + sql_identifier(defn->GetFieldDefn(i)->GetNameRef());
    fields.push_back(i);
  }
  sql += " FROM " + table;
  if (!options.where.empty()) sql += " WHERE " + options.where;
  // In the table's order, as the table layer reads it (no ORDER BY: a sort of a
  // province's fibre would spill to disk).
  CPLErrorReset();
  OGRLayer* result = nullptr;
  {
    const ScopedConfig page("OGR_PG_CURSOR_PAGE", kPgCursorPage);
    result = L.dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  }
  // Anything unexpected (a filter the server rejects): read the table layer, whose
  // errors say what is wrong.
  if (result == nullptr || result->GetLayerDefn()->GetFieldCount() != static_cast<int>(fields.size())) {
    if (result) L.dataset->ReleaseResultSet(result);
    CPLErrorReset();
    return;
  }
  L.selected = ResultSetPtr(result, ResultSetRelease{L.dataset.get()});
  L.layer = result;
  for (int* u : used) {
    if (*u < 0) continue;
    *u = static_cast<int>(std::find(fields.begin(), fields.end(), *u) - fields.begin());
  }
}

namespace {
// ReadOptions::within as the layer's spatial filter: one rectangle, or two across ±180,
// each taken to the layer's CRS (OCTTransformBounds, 21 points per edge).
void set_spatial_filter(OpenLayer& L, ReadOptions::Box box, const OGRSpatialReference& layer_srs,
                        const OGRSpatialReference& wgs84_srs) {
  box.south = std::max(box.south, -90.0);
  box.north = std::min(box.north, 90.0);
  if (box.west < -180.0) {
    box.west += 360.0;
    box.east += 360.0;
  }
  std::vector<ReadOptions::Box> parts;
  if (box.east - box.west >= 360.0) parts.push_back({-180.0, box.south, 180.0, box.north});
  else if (box.east > 180.0) {
    parts.push_back({box.west, box.south, 180.0, box.north});
    parts.push_back({-180.0, box.south, box.east - 360.0, box.north});
  } else {
    parts.push_back(box);
  }
  std::unique_ptr<OGRCoordinateTransformation> to_layer;
  if (L.transform) to_layer.reset(OGRCreateCoordinateTransformation(&wgs84_srs, &layer_srs));
  OGRMultiPolygon filter;
  for (ReadOptions::Box& b : parts) {
    if (to_layer) {
      double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      if (!to_layer->TransformBounds(b.west, b.south, b.east, b.north, &x0, &y0, &x1, &y1, 21)) {
        L.layer->SetSpatialFilter(nullptr);  // no filter: every feature, still correct
        return;
      }
      b = {x0, y0, x1, y1};
    }
    OGRLinearRing ring;
    ring.addPoint(b.west, b.south);
    ring.addPoint(b.east, b.south);
    ring.addPoint(b.east, b.north);
    ring.addPoint(b.west, b.north);
    ring.addPoint(b.west, b.south);
    OGRPolygon poly;
    poly.addRing(&ring);
    filter.addGeometry(&poly);
  }
  if (parts.size() == 1) L.layer->SetSpatialFilterRect(parts[0].west, parts[0].south, parts[0].east, parts[0].north);
  else L.layer->SetSpatialFilter(&filter);
  L.filtered = true;
}
}  // namespace

OpenLayer open_layer(const LayerSpec& spec, const ReadOptions& options, const std::string& option) {
  ensure_gdal_registered();
  OpenLayer L;
  L.path = display_source(spec.path);
  L.option = option;
  const bool is_file_path = spec.path.rfind("PG:", 0) != 0;
  // A FIFO or a device exists, but opening it would block or never end.
  if (const InputPathStatus status = input_path_status(spec.path); status.state == InputPathStatus::State::unusable) {
    throw InputError(L.error("path"), {"cannot read " + L.path + ": " + status.reason + ". Give ", Setting::source,
                                       " a data file or a dataset directory."});
  }
  if (is_file_path && !path_exists(spec.path)) {
    throw InputError(L.error("path"),
                     {"file not found (" + L.path + "). Check the path given to ", Setting::source, "."});
  }
  L.dataset = open_vector(spec.path);
  if (!L.dataset && is_pg_source(spec.path)) {
    throw InputError(L.error("path"), {pg_open_failure(spec.path) + " Check the connection string given to ",
                                       Setting::source, "."});
  }
  if (!L.dataset) {
    throw InputError(L.error("path"),
                     {"cannot open as a vector dataset (" + L.path + "): " + last_gdal_error(kNotRecognised) +
                          ". Give a GeoPackage, GeoJSON, Shapefile, FlatGeobuf, CSV or OSM file to ",
                      Setting::source, "."});
  }
  GDALDataset& ds = *L.dataset;
  L.info.driver = ds.GetDriverName();
  if (!spec.layer.empty()) {
    // A PostGIS layer fetches kPgCursorPage rows per round trip (GDAL's default: 500).
    const ScopedConfig page("OGR_PG_CURSOR_PAGE", kPgCursorPage);
    L.layer = ds.GetLayerByName(spec.layer.c_str());
    // GDAL names the tables of the search path's first schema without it.
    if (!L.layer && is_pg_source(spec.path) && spec.layer.rfind("public.", 0) == 0)
      L.layer = ds.GetLayerByName(spec.layer.substr(7).c_str());
    if (!L.layer) {
      InputErrorFields fields = L.error("layer");
      fields.layer = spec.layer;
      throw InputError(std::move(fields), {"layer '" + spec.layer + "' not found (" + L.path +
                                               "). Layers: " + layer_names(ds) + ". Use ",
                                           Setting::path_and_layer, "."});
    }
  } else if (L.info.driver == "OSM") {
    L.layer = ds.GetLayerByName("lines");
  } else if (ds.GetLayerCount() == 1) {
    L.layer = ds.GetLayer(0);
  } else {
    throw InputError(L.error("layer"), {"dataset has " + std::to_string(ds.GetLayerCount()) + " layers (" +
                                            L.path + "); say which one: " + layer_names(ds) + ". Use ",
                                        Setting::path_and_layer, "."});
  }
  if (!L.layer) {
    throw InputError(L.error("path"), {"dataset has no layer (" + L.path + "). Check ", Setting::source, "."});
  }
  L.layer_name = L.layer->GetName();
  L.info.path = L.path;
  L.info.layer = L.layer_name;
  if (L.layer->GetLayerDefn()->GetGeomFieldCount() == 0) {
    throw InputError(L.error("layer"), {"layer has no geometry (" + L.path + ":" + L.layer_name + "). Give ",
                                        Setting::source,
                                        " a layer with geometries; in a CSV, name the geometry column WKT or the "
                                        "coordinate columns lon and lat."});
  }
  // A shared PostGIS dataset (PgReadSession) keeps a layer's filter and ignored fields
  // from its last user: set both every time.
  L.layer->SetIgnoredFields(nullptr);
  L.layer->SetSpatialFilter(nullptr);
  CPLErrorReset();
  if (L.layer->SetAttributeFilter(options.where.empty() ? nullptr : options.where.c_str()) != OGRERR_NONE) {
    throw_invalid_filter(L, options.where, last_gdal_error());
  }
  const OGRSpatialReference* src = L.layer->GetSpatialRef();
  OGRSpatialReference assumed;
  if (src == nullptr) {
    if (!options.assume_crs) {
      // The layer is at fault (no CRS); --assume-crs, not given, is the remedy.
      throw InputError(L.error("layer"), {"layer has no CRS (" + L.path + ":" + L.layer_name +
                                          "). Say which one it uses, e.g. --assume-crs EPSG:4326."});
    }
    if (assumed.SetFromUserInput(options.assume_crs->c_str()) != OGRERR_NONE) {
      throw InputError(L.error("assume_crs"),
                       {"unknown CRS '" + *options.assume_crs + "' for --assume-crs. Use e.g. EPSG:4326."});
    }
    src = &assumed;
    L.info.crs = "assumed " + *options.assume_crs;
  } else {
    const char* name = src->GetName();
    const char* auth = src->GetAuthorityName(nullptr);
    const char* code = src->GetAuthorityCode(nullptr);
    L.info.crs = std::string(name ? name : "unnamed") +
                 (auth && code ? std::string(" (") + auth + ":" + code + ")" : std::string());
  }
  OGRSpatialReference source_srs(*src);
  source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const OGRSpatialReference target = wgs84();
  const char* auth = source_srs.GetAuthorityName(nullptr);
  const char* code = source_srs.GetAuthorityCode(nullptr);
  const bool is_wgs84 = auth && code && std::string(auth) == "EPSG" && std::string(code) == "4326";
  if (!is_wgs84 && !source_srs.IsSame(&target)) {
    L.transform.reset(OGRCreateCoordinateTransformation(&source_srs, &target));
    if (!L.transform) {
      throw InputError(L.error(options.assume_crs ? "assume_crs" : ""),
                       {"cannot transform from the layer's CRS to WGS 84 (" + L.path + ":" + L.layer_name +
                        "): " + last_gdal_error() + "."});
    }
  }
  if (options.within) set_spatial_filter(L, *options.within, source_srs, target);
  return L;
}

namespace {
// The first vertex no CRS can mean, as a skip reason (empty when all are usable).
class SourceCoordinateCheck : public OGRDefaultConstGeometryVisitor {
 public:
  using OGRDefaultConstGeometryVisitor::visit;
  void visit(const OGRPoint* p) override {
    constexpr double kMaxSourceCoordinate = 1e12;
    if (!problem.empty()) return;
    const double x = p->getX();
    const double y = p->getY();
    if (!std::isfinite(x) || !std::isfinite(y)) problem = "NaN or infinite coordinate";
    else if (std::fabs(x) > kMaxSourceCoordinate || std::fabs(y) > kMaxSourceCoordinate)
      problem = "coordinate out of range";
  }
  std::string problem;
};
}  // namespace

std::string transform_to_wgs84(const OpenLayer& L, OGRGeometry& g) {
  if (!L.transform) return {};
  SourceCoordinateCheck check;
  g.accept(&check);
  if (!check.problem.empty()) return check.problem;
  if (g.transform(L.transform.get()) != OGRERR_NONE) return "coordinate transformation failed";
  return {};
}

std::vector<DatasetLayerSummary> describe_dataset(const std::string& path, std::string* driver, bool count_features,
                                                  const std::string& only_layer) {
  ensure_gdal_registered();
  if (const InputPathStatus status = input_path_status(path); status.state == InputPathStatus::State::unusable) {
    throw InputError(about_file(path), {"cannot read " + path + ": " + status.reason +
                                        ". Give a data file or a dataset directory."});
  }
  if (path.rfind("PG:", 0) != 0 && !path_exists(path)) {
    throw InputError(about_file(path), {"file not found (" + path + "). Check the path."});
  }
  DatasetPtr ds = open_vector(path);
  if (!ds && is_pg_source(path)) throw InputError(about_file(display_source(path)), {pg_open_failure(path)});
  if (!ds) {
    throw InputError(about_file(path),
                     {"cannot open as a vector dataset (" + path + "): " + last_gdal_error(kNotRecognised) +
                      ". Give a GeoPackage, GeoJSON, Shapefile, FlatGeobuf, CSV or OSM file."});
  }
  if (driver) *driver = ds->GetDriverName();
  std::vector<DatasetLayerSummary> out;
  auto describe = [&](OGRLayer* layer, const std::string& name) {
    DatasetLayerSummary s;
    s.name = name;
    s.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());
    s.features = count_features ? layer->GetFeatureCount(TRUE) : -1;
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    s.crs = srs ? (srs->GetName() ? srs->GetName() : "unnamed") : "none";
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int k = 0; k < defn->GetFieldCount(); ++k) s.fields.emplace_back(defn->GetFieldDefn(k)->GetNameRef());
    // The extent in the layer's CRS (exact: computed from the features when the driver
    // keeps none); none for a layer without geometry or features.
    OGREnvelope env;
    if (layer->GetGeomType() != wkbNone && s.features > 0 && layer->GetExtent(&env, TRUE) == OGRERR_NONE &&
        std::isfinite(env.MinX) && std::isfinite(env.MaxX) && std::isfinite(env.MinY) && std::isfinite(env.MaxY)) {
      s.extent = {env.MinX, env.MinY, env.MaxX, env.MaxY};
    }
    out.push_back(std::move(s));
  };
  if (!only_layer.empty()) {
    // A database may hold hundreds of tables: describe the one asked for.
    const ScopedConfig page("OGR_PG_CURSOR_PAGE", kPgCursorPage);
    OGRLayer* layer = ds->GetLayerByName(only_layer.c_str());
    if (!layer && is_pg_source(path) && only_layer.rfind("public.", 0) == 0) layer = ds->GetLayerByName(only_layer.substr(7).c_str());
    if (layer) {
      describe(layer, only_layer);
      return out;
    }
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
      DatasetLayerSummary s;
      s.name = ds->GetLayer(i)->GetName();
      out.push_back(std::move(s));
    }
    return out;
  }
  for (int i = 0; i < ds->GetLayerCount(); ++i) describe(ds->GetLayer(i), ds->GetLayer(i)->GetName());
  return out;
}

}  // namespace lightcone
