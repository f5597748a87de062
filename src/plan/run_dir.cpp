// Writing a scenario run into a run directory and reading one back (plan/scenario_run.hpp).
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "geom/polygon_ops.hpp"
#include "io/raster.hpp"
#include "io/read_table.hpp"
#include "io/write.hpp"
#include "plan/scenario_run.hpp"
#include "report/markdown.hpp"
#include "report/run_info.hpp"
#include "report/json_text.hpp"

namespace lightcone {

using Json = nlohmann::ordered_json;

Progress::Progress(Observer on_phase) : m_on_phase(std::move(on_phase)) {}

void Progress::phase(const std::string& what) {
  const auto now = std::chrono::steady_clock::now();
  if (!m_phase.empty()) m_seconds.emplace_back(m_phase, std::chrono::duration<double>(now - m_start).count());
  m_phase = what;
  m_start = now;
  if (m_on_phase && !what.empty()) m_on_phase(what);
}

void Progress::done() { phase(""); }

std::vector<NamedPath> scenario_input_paths(const Scenario& s) {
  std::vector<NamedPath> in{{"the scenario", s.file}};
  auto add = [&](const ScenarioLayer& L) { in.push_back({"'path' in " + L.table, L.path}); };
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

void check_out_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw InputError("--out needs a directory name.");
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError("--out names a file, not a directory (" + dir + ").");
    return;
  }
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw InputError("the parent of --out does not exist (" + parent.string() + "). Create it or change --out.");
  }
}

void write_run(const std::string& dir, ScenarioRun& R, Progress& progress, unsigned threads) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::is_directory(d, ec) && !fs::create_directory(d, ec)) {
    throw InputError("cannot create the output directory (" + dir + "): " + ec.message() + ".");
  }
  std::vector<FeatureTable> tables = std::move(R.zones.tables);
  if (!R.boundaries.empty()) {
    FeatureTable b;
    b.name = kBoundariesLayer;
    b.geometry = FeatureTable::Geometry::polygon;
    std::vector<std::string> names;
    std::vector<double> area;
    for (const auto& br : R.boundary_layers) {
      names.push_back(br.name);
      area.push_back(area_m2(R.boundaries.at(br.name)) / 1e6);
      b.polygons.push_back(R.boundaries.at(br.name));
    }
    b.columns.push_back(Column::texts("name", names));
    b.columns.push_back(Column::reals("area_km2", area));
    tables.push_back(std::move(b));
  }
  std::string budgets;
  for (const auto& b : R.zones.budgets) budgets += (budgets.empty() ? "" : ",") + format_duration(b);
  tables.push_back(run_info_table(R.prepared.model, {{"command", "plan"},
                                                     {"scenario", R.summary["scenario"]["name"].get<std::string>()},
                                                     {"scenario_file", R.summary["scenario"]["file"].get<std::string>()},
                                                     {"budgets", budgets}}));
  // A run directory holds one run: files of an earlier run that this one does not
  // write would describe something else.
  if (!R.zones.surface) fs::remove(d / kRunTif, ec);
  fs::remove(d / kRunCheck, ec);
  if (R.zones.surface) write_geotiff((d / kRunTif).string(), *R.zones.surface);
  write_tables((d / kRunGpkg).string(), tables);
  R.zones.tables = std::move(tables);  // kept for callers that evaluate again
  // Quick-look maps for the report, drawn from the tables just written (and the GeoTIFF).
  progress.phase("maps");
  fs::remove_all(d / kRunMaps, ec);
  const std::vector<std::string> maps = render_run_maps(kRunGpkg, R.zones.tables,
                                                        R.zones.surface ? (d / kRunTif).string() : std::string(),
                                                        (d / kRunMaps).string());
  R.summary["maps"] = Json::array();
  for (const std::string& m : maps)
    R.summary["maps"].push_back((fs::path(kRunMaps) / fs::path(m).filename()).generic_string());
  write_text_file((d / kRunSummary).string(), json_text(R.summary) + "\n");
  write_text_file((d / kRunReport).string(), plan_report_markdown(R.summary));
  progress.done();
  Json t;
  t["command"] = "plan";
  t["threads"] = threads == 0 ? std::thread::hardware_concurrency() : threads;
  t["hardware_threads"] = std::thread::hardware_concurrency();
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) t["host"] = host;
  double total = 0.0;
  t["phases"] = Json::array();
  for (const auto& [phase, sec] : progress.seconds()) {
    t["phases"].push_back({{"phase", phase}, {"seconds", sec}});
    total += sec;
  }
  t["total_seconds"] = total;
  write_text_file((d / kRunTimings).string(), json_text(t) + "\n");
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
  if (!has(kZonesLayer) || !has(kRunInfoLayer)) {
    throw InputError(r.gpkg + " is not a lightcone run: it lacks the layers zones and run_info. Give a directory "
                     "written by lightcone plan, or a GeoPackage written by plan or zones.");
  }
  const FeatureTable info = read_table(r.gpkg, kRunInfoLayer);
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
    }
  }
  if (!found) throw InputError(r.gpkg + ": run_info does not state the metric. Run it again with this version.");
  r.zones = read_table(r.gpkg, kZonesLayer);
  if (has(kDemandLayer)) r.demand = read_table(r.gpkg, kDemandLayer);
  if (has(kSitesLayer)) r.sites = read_table(r.gpkg, kSitesLayer);
  return r;
}

}  // namespace lightcone
