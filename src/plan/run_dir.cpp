// Writing a scenario run into a run directory and reading one back (plan/scenario_run.hpp).
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "geom/polygon_ops.hpp"
#include "io/postgis.hpp"
#include "io/raster.hpp"
#include "io/read_table.hpp"
#include "io/write.hpp"
#include "core/sha256.hpp"
#include "plan/run_directory.hpp"
#include "plan/scenario_run.hpp"
#include "report/html_report.hpp"
#include "report/markdown.hpp"
#include "report/run_info.hpp"
#include "report/json_text.hpp"

namespace lightcone {

using Json = nlohmann::ordered_json;

Progress::Progress(Observer on_phase) : m_on_phase(std::move(on_phase)) {}

void Progress::phase(const std::string& what) {
  const auto now = std::chrono::steady_clock::now();
  if (!m_phase.empty()) {
    m_seconds.emplace_back(m_phase, std::chrono::duration<double>(now - m_start).count());
    rusage usage{};
    m_peak_mib.push_back(getrusage(RUSAGE_SELF, &usage) == 0 ? static_cast<double>(usage.ru_maxrss) / 1024.0 : 0.0);
  }
  m_phase = what;
  m_start = now;
  if (m_on_phase && !what.empty()) m_on_phase(what);
}

void Progress::done() { phase(""); }

std::vector<NamedPath> scenario_input_paths(const Scenario& s) {
  std::vector<NamedPath> in{{"the scenario", s.file}};
  auto add = [&](const ScenarioLayer& L) {
    if (!L.path.empty()) in.push_back({"'path' in " + L.table, L.path});
  };
  if (s.coverage) add(s.coverage->source);
  add(s.network.source);
  add(s.sites.source);
  if (s.demand) add(s.demand->source);
  for (const BoundarySpec& b : s.boundaries) add(b.source);
  return in;
}

void check_run_outputs(const Scenario& s, const std::string& dir, std::span<const NamedPath> extra) {
  namespace fs = std::filesystem;
  std::vector<NamedPath> outputs(extra.begin(), extra.end());
  if (!dir.empty()) {
    const fs::path d(dir);
    for (const char* f : {kRunGpkg, kRunTif, kRunSummary, kRunReport, kRunTimings, kRunCheck})
      outputs.push_back({"--out", (d / f).string()});
    for (const char* f : {kZonesPng, kSurfacePng, kPlacementPng})
      outputs.push_back({"--out", (d / kRunMaps / f).string()});
  }
  check_outputs_are_not_inputs(outputs, scenario_input_paths(s));
}

namespace {

// SHA-256 of what GDAL reads for `path`: a file's bytes (a shapefile's with its .shx,
// .dbf, .prj and .cpg), a directory's files in name order (FileGDB, a shapefile folder),
// or the path itself when it is not on the local file system (/vsicurl/, PG:).
std::string input_sha256(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_regular_file(p, ec)) {
    std::string h = file_sha256(path);
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".shp") return h;
    Sha256 all;
    all.update(h);
    for (const char* side : {".shx", ".dbf", ".prj", ".cpg"}) {
      fs::path q = p;
      q.replace_extension(side);
      if (fs::is_regular_file(q, ec)) all.update(std::string(side) + ":" + file_sha256(q.string()));
    }
    return all.hex();
  }
  Sha256 all;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(p, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) all.update(fs::relative(f, p).generic_string() + ":" + file_sha256(f.string()) + "\n");
    return all.hex();
  }
  all.update("path:" + path);
  return all.hex();
}

}  // namespace

std::string scenario_digest(const Scenario& s) {
  // Roles and contents, not paths: the same files give the same digest wherever they lie.
  // A file in several roles (network, sites and demand layers of one GeoPackage) is read once.
  Sha256 all;
  std::map<std::string, std::string> seen;
  for (const NamedPath& in : scenario_input_paths(s)) {
    auto it = seen.find(in.path);
    if (it == seen.end()) it = seen.emplace(in.path, input_sha256(in.path)).first;
    all.update(in.role + "\t" + it->second + "\n");
  }
  return "sha256:" + all.hex();
}

std::vector<std::string> run_files_of_earlier_versions() {
  return {kRunGpkg,
          kRunTif,
          kRunSummary,
          kRunReport,
          kRunTimings,
          kRunCheck,
          std::string(kRunMaps) + "/" + kZonesPng,
          std::string(kRunMaps) + "/" + kSurfacePng,
          std::string(kRunMaps) + "/" + kPlacementPng};
}

RunDirectory open_run_directory(const std::string& dir) {
  return RunDirectory(dir, run_files_of_earlier_versions(), {kRunTimings});
}

namespace {

void write_run_files(RunDirectory& out, ScenarioRun& R, Progress& progress, const std::string& digest,
                     const LeafletAssets& leaflet) {
  namespace fs = std::filesystem;
  const fs::path d(out.staging());
  add_run_tables(R, digest);
  if (R.zones.surface) write_geotiff((d / kRunTif).string(), *R.zones.surface);
  write_tables((d / kRunGpkg).string(), R.zones.tables);
  // Quick-look maps for the report, drawn from the tables just written (and the GeoTIFF).
  // A placement on a measured table ([coverage]) has no geometry to draw.
  std::vector<std::string> maps;
  if (!R.summary.contains("coverage")) {
    progress.phase("maps");
    maps = render_run_maps(kRunGpkg, R.zones.tables, R.zones.surface ? (d / kRunTif).string() : std::string(),
                           (d / kRunMaps).string(), R.maps);
  }
  R.summary["maps"] = Json::array();
  for (const std::string& m : maps)
    R.summary["maps"].push_back((fs::path(kRunMaps) / fs::path(m).filename()).generic_string());
  write_text_file((d / kRunSummary).string(), json_text(R.summary) + "\n");
  write_text_file((d / kRunReport).string(), plan_report_markdown(R.summary));
  progress.phase("report.html");
  write_text_file((d / kRunHtml).string(),
                  html_report(R.summary, R.zones.tables, R.zones.surface ? (d / kRunTif).string() : std::string(), leaflet));
}

}  // namespace

void write_run_timings(RunDirectory& out, Progress& progress, unsigned threads) {
  namespace fs = std::filesystem;
  progress.done();
  Json t;
  t["command"] = "plan";
  t["threads"] = threads == 0 ? std::thread::hardware_concurrency() : threads;
  t["hardware_threads"] = std::thread::hardware_concurrency();
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) t["host"] = host;
  double total = 0.0;
  t["phases"] = Json::array();
  for (std::size_t k = 0; k < progress.seconds().size(); ++k) {
    const auto& [phase, sec] = progress.seconds()[k];
    // The process's peak resident memory at the end of the phase: the phase where it
    // rises is the one that needed the memory.
    t["phases"].push_back({{"phase", phase}, {"seconds", sec}, {"peak_rss_mib", progress.peak_mib()[k]}});
    total += sec;
  }
  t["total_seconds"] = total;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    t["peak_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;  // the process's peak resident memory
    t["cpu_seconds"] = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  }
  write_text_file((fs::path(out.staging()) / kRunTimings).string(), json_text(t) + "\n");
}

void add_run_tables(ScenarioRun& R, const std::string& digest) {
  R.summary["scenario"]["digest"] = digest;
  if (!R.zones.tables.empty() && R.zones.tables.back().name == kRunInfoLayer) return;  // added already
  std::vector<FeatureTable>& tables = R.zones.tables;
  if (!R.boundaries.empty()) {
    FeatureTable b;
    b.name = kBoundariesLayer;
    b.geometry = FeatureTable::Geometry::polygon;
    std::vector<std::string> names, labels;
    std::vector<double> area;
    for (const auto& br : R.boundary_layers) {
      names.push_back(br.name);
      labels.push_back(br.label);
      area.push_back(area_m2(R.boundaries.at(br.name)) / 1e6);
      b.polygons.push_back(R.boundaries.at(br.name));
    }
    b.columns.push_back(Column::texts("name", names));
    b.columns.push_back(Column::texts("label", labels));
    b.columns.push_back(Column::reals("area_km2", area));
    tables.push_back(std::move(b));
  }
  std::string budgets;
  for (const auto& b : R.zones.budgets) budgets += (budgets.empty() ? "" : ",") + format_duration(b);
  std::vector<std::pair<std::string, std::string>> info = {
      {"command", "plan"},
      {"scenario", R.summary["scenario"]["name"].get<std::string>()},
      {"scenario_file", R.summary["scenario"]["file"].get<std::string>()},
      {"budgets", budgets},
      {"scenario_digest", digest}};
  if (R.zones.surface) info.emplace_back("surface", surface_text(*R.zones.surface));
  if (R.summary.contains("coverage")) {
    info.emplace_back("coverage", R.summary["coverage"]["path"].get<std::string>());
    info.emplace_back("problem", R.summary["placement"].value("problem", std::string()));
  }
  tables.push_back(run_info_table(R.prepared.model, info));
}

PostgisTarget scenario_postgis_target(const Scenario& s) {
  try {
    return parse_postgis_target(s.output.postgis, "'postgis' in [output] of " + s.file);
  } catch (const InputError& e) {
    throw InputError(scenario_where(s, s.output.postgis_line) + e.what());
  }
}

void write_run_postgis(const PostgisTarget& target, ScenarioRun& R, const std::string& digest) {
  add_run_tables(R, digest);
  write_postgis_tables(target, R.zones.tables);
}

void write_run(RunDirectory& out, ScenarioRun& R, Progress& progress, const std::string& digest,
               const LeafletAssets& leaflet) {
  try {
    write_run_files(out, R, progress, digest, leaflet);
  } catch (const InputError& e) {
    // Name the file where it would have gone, not its staging copy.
    std::string m = e.what();
    for (std::size_t at; (at = m.find(out.staging())) != std::string::npos;) m.replace(at, out.staging().size(), out.dir());
    throw InputError(m + " " + out.dir() + " keeps its previous run, if it had one.");
  }
}

StoredRun read_run(const std::string& dir_or_gpkg) {
  namespace fs = std::filesystem;
  StoredRun r;
  std::error_code ec;
  r.gpkg = fs::is_directory(dir_or_gpkg, ec) ? (fs::path(dir_or_gpkg) / kRunGpkg).string() : dir_or_gpkg;
  if (!fs::is_regular_file(r.gpkg, ec)) {
    throw InputError("no run found at " + dir_or_gpkg + " (" + r.gpkg +
                     " does not exist). Give a directory written by lightcone plan, or its run.gpkg.");
  }
  const std::vector<std::string> layers = layer_names(r.gpkg);
  auto has = [&](const char* name) { return std::find(layers.begin(), layers.end(), name) != layers.end(); };
  // A run on a measured latency table ([coverage]) has no zones: run_info names its table.
  const FeatureTable info = has(kRunInfoLayer) ? read_table(r.gpkg, kRunInfoLayer) : FeatureTable{};
  bool found = false;
  for (const Column& key : info.columns) {
    if (key.name != "key") continue;
    for (const Column& value : info.columns) {
      if (value.name != "value") continue;
      for (std::size_t i = 0; i < key.texts().size(); ++i) {
        if (key.texts()[i] != "metric") continue;
        r.metric = parse_metric(value.texts()[i], "run_info metric of " + r.gpkg);
        found = true;
      }
      for (std::size_t i = 0; i < key.texts().size(); ++i) {
        if (key.texts()[i] == "scenario_digest") r.scenario_digest = value.texts()[i];
        if (key.texts()[i] == "coverage") r.measured_table = value.texts()[i];
      }
    }
  }
  if (!has(kRunInfoLayer) || (!has(kZonesLayer) && r.measured_table.empty())) {
    throw InputError(r.gpkg + " is not a lightcone run: it lacks the layers zones and run_info. Give a directory "
                     "written by lightcone plan, or a GeoPackage written by plan or zones.");
  }
  if (!found) throw InputError(r.gpkg + ": run_info does not state the metric. Run it again with this version.");
  if (has(kZonesLayer)) r.zones = read_table(r.gpkg, kZonesLayer);
  if (has(kDemandLayer)) r.demand = read_table(r.gpkg, kDemandLayer);
  if (has(kSitesLayer)) r.sites = read_table(r.gpkg, kSitesLayer);
  return r;
}

void check_run_is_of(const StoredRun& run, const std::string& label, const Scenario& s) {
  if (run.scenario_digest.empty()) {
    throw InputError(label + " does not say which scenario it was made from (it was written by lightcone zones, or by "
                     "an older version). Run lightcone plan " + s.file + " --out DIR and give that DIR to --run.");
  }
  const std::string now = scenario_digest(s);
  if (run.scenario_digest != now) {
    auto shorten = [](const std::string& d) { return d.substr(0, std::min<std::size_t>(d.size(), 19)); };
    throw InputError(label + " was not made from " + s.file + " and its inputs as they are now (the run's digest " +
                     shorten(run.scenario_digest) + "... differs from " + shorten(now) +
                     "...): the scenario or one of its layers changed since, or the run is another scenario's. Run "
                     "lightcone plan " + s.file + " --out " + label + " again, or give the run made from it.");
  }
}

std::string write_report_html(const std::string& run, const std::string& out, const LeafletAssets& leaflet) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool is_dir = fs::is_directory(run, ec);
  const fs::path gpkg = is_dir ? fs::path(run) / kRunGpkg : fs::path(run);
  if (!fs::is_regular_file(gpkg, ec)) {
    throw InputError("no run found at " + run + " (" + gpkg.string() +
                     " does not exist). Give a directory written by lightcone plan, or a run GeoPackage.");
  }
  const fs::path tif = is_dir ? fs::path(run) / kRunTif : fs::path(gpkg).replace_extension(".tif");
  const fs::path summary_file = is_dir ? fs::path(run) / kRunSummary : fs::path(sidecar_path(gpkg.string(), ".summary.json"));
  if (is_dir && out.empty()) {
    throw InputError(run + " is a plan directory: plan wrote its report.html already. Give --out FILE.html for "
                     "another copy.");
  }
  const std::string target = out.empty() ? fs::path(gpkg).replace_extension(".html").string() : out;
  check_outputs_are_not_inputs(std::vector<NamedPath>{{"--out", target}},
                               std::vector<NamedPath>{{"the run", gpkg.string()}, {"its summary", summary_file.string()}});
  const std::vector<std::string> layers = layer_names(gpkg.string());
  if (std::find(layers.begin(), layers.end(), kRunInfoLayer) == layers.end()) {
    throw InputError(gpkg.string() + " is not a lightcone run: it has no run_info layer. Give a directory written by "
                     "lightcone plan, or a GeoPackage written by plan, zones or place.");
  }
  std::vector<FeatureTable> tables;
  for (const char* name : {kZonesLayer, kZonesSplitLayer, kNetworkLayer, kSitesLayer, kUncoveredLayer, kBoundariesLayer,
                           kRunInfoLayer})
    if (std::find(layers.begin(), layers.end(), name) != layers.end()) tables.push_back(read_table(gpkg.string(), name));
  Json summary;
  if (fs::is_regular_file(summary_file, ec)) {
    std::ifstream in(summary_file);
    summary = Json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (summary.is_discarded()) throw InputError(summary_file.string() + " is not valid JSON. Write the run again.");
  } else {
    // A run without its summary: the model from run_info.
    summary["scenario"]["name"] = gpkg.stem().string();
    summary["model"] = Json::object();
    const FeatureTable& info = tables.back();
    for (std::size_t i = 0; i < info.features() && info.columns.size() >= 2; ++i)
      summary["model"][info.columns[0].texts()[i]] = info.columns[1].texts()[i];
  }
  write_text_file(target, html_report(summary, tables, fs::is_regular_file(tif, ec) ? tif.string() : std::string(), leaflet));
  return target;
}

}  // namespace lightcone
