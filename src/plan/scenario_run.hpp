// Running a scenario (shared by `plan` and `check`): read its layers through io with
// messages that point at the scenario's lines, build the network, run the zones job,
// evaluate the targets, and write a run directory (run.gpkg, run.tif, summary.json,
// report.md; timings.json is the only file that differs between identical runs).
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "io/paths.hpp"
#include "io/polygons.hpp"
#include "io/postgis.hpp"
#include "io/source.hpp"
#include "latency/prepared.hpp"
#include "plan/place_job.hpp"
#include "plan/run_directory.hpp"
#include "plan/zones_job.hpp"
#include "report/html_report.hpp"
#include "report/run_maps.hpp"
#include "scenario/scenario.hpp"
#include "scenario/targets.hpp"

namespace lightcone {

// Files of a run directory.
inline constexpr const char* kRunGpkg = "run.gpkg";
inline constexpr const char* kRunTif = "run.tif";
inline constexpr const char* kRunSummary = "summary.json";
inline constexpr const char* kRunReport = "report.md";
inline constexpr const char* kRunTimings = "timings.json";
inline constexpr const char* kRunCheck = "check.json";
inline constexpr const char* kRunMaps = "maps";  // quick-look PNGs (report/run_maps.hpp)

// Wall time per phase of a run; tells `on_phase` (when given) each phase as it starts,
// e.g. for progress lines on a terminal. The library itself prints nothing.
class Progress {
 public:
  using Observer = std::function<void(const std::string& phase)>;
  explicit Progress(Observer on_phase = {});
  void phase(const std::string& what);  // ends the previous phase, starts this one
  void done();
  const std::vector<std::pair<std::string, double>>& seconds() const { return m_seconds; }
  // Per phase of seconds(): the process's peak resident memory (MiB) when it ended.
  const std::vector<double>& peak_mib() const { return m_peak_mib; }

 private:
  Observer m_on_phase;
  std::string m_phase;
  std::chrono::steady_clock::time_point m_start;
  std::vector<std::pair<std::string, double>> m_seconds;
  std::vector<double> m_peak_mib;
};

struct BoundaryRead {
  std::string name;
  std::string label;   // [boundaries.NAME] label (DEFAULT: name)
  PolygonLayer layer;  // as read (info.path as written in the scenario)
};

// Reads every boundary of the scenario; the union of each boundary's polygons goes to
// `out`. Messages point at the scenario's lines.
std::vector<BoundaryRead> read_boundaries(const Scenario& s, Boundaries& out);

struct ScenarioRun;

struct RunOptions {
  unsigned threads = 0;   // 0 = all cores
  bool surface = true;    // as the scenario says, unless false
  // `lightcone merge`: the placement's coverage (PlaceJobOptions::given_coverage) made
  // from the run as read (its demand and sites), instead of the searches. DEFAULT: none.
  std::function<Coverage(const ScenarioRun&)> coverage_from;
  // `lightcone merge` with demand parts: the demand evaluation (ZonesJobOptions::
  // given_demand) of the run as read, for the sites it opens (per site, 1 when open).
  // DEFAULT: none.
  std::function<ZonesJobOptions::GivenDemand(const ScenarioRun&, const std::vector<char>& open)> demand_from;
  // ... and their surface cells (ZonesJobOptions::surface_from) for the grid the run makes.
  // DEFAULT: none.
  std::function<ZonesJobOptions::GivenSurface(const LatencyGrid& grid)> surface_from;
  // ... and their zone pieces (ZonesJobOptions::zones_from) for each one-way budget.
  // DEFAULT: none.
  std::function<std::vector<ZonePiece>(double budget_one_way_us)> zones_from;
  // `lightcone merge --solve-only`: stop after the placement (ScenarioRun::site_open
  // set; no zones, targets or summary). DEFAULT: false.
  bool solve_only = false;
};

// Everything a scenario run produced, before it is written.
struct ScenarioRun {
  LineLayer lines;
  PointLayer sites;
  std::optional<PointLayer> demand;
  std::vector<BoundaryRead> boundary_layers;
  Boundaries boundaries;
  PreparedNetwork prepared;
  PlaceJobOptions place_options;   // when the scenario has [placement]
  std::optional<PlaceJobResult> placed;
  std::vector<char> site_open;     // per site: 1 when the zones see it (the placement's open sites)
  ZonesJobResult zones;            // tables, grid, summary of the zones job
  std::vector<TargetResult> targets;
  nlohmann::ordered_json summary;  // the run's summary.json
  RunMapOptions maps;              // the maps' options ([maps] extent)
};

// Reads, builds, runs the zones job and evaluates the targets.
ScenarioRun run_scenario(const Scenario& s, const RunOptions& options, Progress& progress);

// The files a scenario reads: the scenario itself and every layer's file.
std::vector<NamedPath> scenario_input_paths(const Scenario& s);
// Refuses (InputError) a run directory `dir` whose files (run.gpkg, run.tif, summary.json,
// report.md, timings.json, check.json, maps/*.png) would overwrite one of the scenario's
// inputs, or `extra` outputs (e.g. --junit) that are inputs.
void check_run_outputs(const Scenario& s, const std::string& dir, std::span<const NamedPath> extra = {});

// "sha256:..." of the scenario file and every layer it reads (their bytes, not their
// paths), stored in a run (run_info, summary.json, manifest.json) so that `check --run`
// can tell whether a run was made from this scenario and these inputs.
std::string scenario_digest(const Scenario& s);

// Opens `dir` as the run directory of a new run (plan/run_directory.hpp: created when
// missing, locked, staged beside it). Call before any work, so that a second run into the
// same directory is refused at once.
RunDirectory open_run_directory(const std::string& dir);
// The files an earlier version wrote into a run directory (lightcone's, when it has no manifest).
std::vector<std::string> run_files_of_earlier_versions();

// Writes run.gpkg (+ run.tif), maps/*.png, summary.json, report.md and report.html into the staging
// directory of `out`. The caller may add files (check.json) and write other outputs (the
// PostGIS schema), then calls write_run_timings and out.commit(digest) to swap the run in.
// `leaflet` (report/html_report.hpp: read_leaflet) goes into report.html; read it before
// the run, so that a missing package fails at once.
void write_run(RunDirectory& out, ScenarioRun& run, Progress& progress, const std::string& digest,
               const LeafletAssets& leaflet);
// Ends the progress and writes timings.json (every phase, the PostGIS write included) into
// the staging directory of `out`.
void write_run_timings(RunDirectory& out, Progress& progress, unsigned threads);

// Appends the boundaries and run_info tables to run.zones.tables (once) and puts the
// digest into the summary: the run's tables are then the layers of run.gpkg. write_run
// and write_run_postgis call it.
void add_run_tables(ScenarioRun& run, const std::string& digest);

// The PostGIS target of the scenario's [output] postgis (REQUIRES: not empty); its
// errors point at the scenario's line.
PostgisTarget scenario_postgis_target(const Scenario& s);

// Writes the run's layers (the layers of run.gpkg: zones, network, sites, demand, ...,
// boundaries and run_info) into the PostGIS schema of `target` in one transaction,
// replacing an earlier run there (io/postgis.hpp). Call check_postgis_target before the run.
void write_run_postgis(const PostgisTarget& target, ScenarioRun& run, const std::string& digest);

// A run read back from disk: a run directory (its run.gpkg) or a GeoPackage written
// by plan or zones. A plan on a measured latency table ([coverage]) has no zones, only
// its sites and demand tables (without geometry).
struct StoredRun {
  std::string gpkg;
  Metric metric = Metric::rtt;
  std::optional<FeatureTable> zones;  // none: a run on a measured table
  std::string measured_table;         // [coverage] path as written (run_info "coverage"); empty: a network run
  std::optional<FeatureTable> demand;
  std::optional<FeatureTable> sites;
  std::string scenario_digest;  // empty when the run does not state one (zones, older versions)
};
StoredRun read_run(const std::string& dir_or_gpkg);
// `lightcone report RUN`: writes report.html for a plan directory or a run GeoPackage
// (plan, zones or place; its summary from <stem>.summary.json when present, its surface
// from <stem>.tif). `out` DEFAULT: <stem>.html beside a GeoPackage; a plan directory has
// report.html already, so another copy needs `out`. Returns the path written.
std::string write_report_html(const std::string& run, const std::string& out, const LeafletAssets& leaflet);

// Refuses (InputError) a stored run that was not made from `s` and its inputs as they
// are now (its scenario digest differs, or it states none); `label` names the run.
void check_run_is_of(const StoredRun& run, const std::string& label, const Scenario& s);

}  // namespace lightcone
