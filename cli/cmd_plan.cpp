// lightcone plan SCENARIO --out DIR|PG:...:SCHEMA: the main job. Runs the scenario (validation,
// placement, zones, demand evaluation, fibre-cut analysis, targets) and writes the run
// directory: run.gpkg, run.tif, maps/*.png, summary.json, report.md (+ timings.json). Exit 0 when the run completed, whatever the
// targets say: `lightcone check` is the gate.
#include <fmt/core.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "core/pg_source.hpp"
#include "report/check_report.hpp"
#include "plan/parts.hpp"
#include "plan/scenario_run.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct PlanArgs {
  std::string scenario;
  std::string out;
  unsigned threads = 0;
  bool json = false;
  unsigned parts = 0;  // --parts N (with --part I): one part, into a part directory
  unsigned part = 0;
  std::vector<std::string> part_dirs;  // merge: the parts' directories
  std::string open_dir;                // plan --parts --part --open SOLVEDIR: a demand part
  bool solve_only = false;             // merge --solve-only: only the open sites, into SOLVEDIR
};

// plan --parts N --part I --out PARTDIR: one part's coverage rows (plan/parts.hpp).
int run_part(const PlanArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  check_scenario_parts(s, a.parts, a.part);
  if (is_pg_source(a.out)) {
    throw InputError("--out of a part is a directory (PARTDIR), not PostGIS. Give a path all workers and the merge "
                     "can read.");
  }
  check_run_outputs(s, a.out);
  RunDirectory out(a.out, {}, {kRunTimings});
  const std::string digest = scenario_digest(s);
  RunOptions options;
  options.threads = a.threads;
  // Writes a computed part into PARTDIR (its files, timings.json, one swap); true when
  // --json printed its part.json.
  const auto finish = [&](Progress& progress, const auto& part, const auto& write) {
    progress.phase("writing the part");
    write(out, part);
    write_run_timings(out, progress, a.threads);
    out.commit(digest);
    if (a.json) fmt::print("{}\n", json_text(part.info));
    return a.json;
  };
  if (!a.open_dir.empty()) {  // round 2: the demand evaluation for the open sites
    const OpenSiteFile open = read_open_sites(a.open_dir, digest);
    Progress progress(progress_printer(fmt::format("plan demand part {}/{}", a.part, a.parts)));
    const DemandPart part = run_demand_part(s, a.parts, a.part, digest, open, options, progress);
    if (finish(progress, part, write_demand_part)) return 0;
    fmt::print("plan {} ({}), demand part {} of {}: {} of {} demand points evaluated ({} left to the merge); network "
               "features read {} (halo {:.0f} km)\n",
               s.name, s.file, a.part, a.parts, part.info["demand"]["resolved"].get<std::size_t>(), part.demand.size(),
               part.info["demand"]["left_to_the_merge"].get<std::size_t>(),
               part.info["halo"]["network_features_read"].get<std::size_t>(), part.info["halo"]["reach_km"].get<double>());
    if (part.zones) {
      fmt::print("zone pieces: {} tiles of {} ({} pieces)\n", part.info["zones"]["tiles"].get<std::size_t>(),
                 part.info["zones"]["tiles_total"].get<std::size_t>(), part.info["zones"]["pieces"].get<std::size_t>());
    }
    fmt::print("wrote {}/ (part.json, demand.bin{}{})\n", a.out, part.surface ? ", surface.bin" : "",
               part.zones ? ", zones.bin" : "");
    return 0;
  }
  Progress progress(progress_printer(fmt::format("plan part {}/{}", a.part, a.parts)));
  const PartRun part = run_scenario_part(s, a.parts, a.part, digest, options, progress);
  if (finish(progress, part, write_part)) return 0;
  fmt::print("plan {} ({}), part {} of {}: {} of {} demand points, {} coverage pairs; network features read {} "
             "(halo {:.0f} km)\n",
             s.name, s.file, a.part, a.parts, part.demand.size(), part.demand_total, part.rows.entries(),
             part.info["halo"]["network_features_read"].get<std::size_t>(),
             part.info["halo"]["reach_km"].get<double>());
  fmt::print("wrote {}/ (part.json, coverage.bin)\n", a.out);
  return 0;
}

// merge --solve-only --out SOLVEDIR: the placement from the parts' rows, its open sites
// into SOLVEDIR/open_sites.json for the demand parts (round 2).
int run_solve_only(const PlanArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  check_scenario_parts(s, 1, 1);
  if (is_pg_source(a.out)) {
    throw InputError("--out of `merge --solve-only` is a directory (SOLVEDIR), not PostGIS. Give a path every worker "
                     "can read.");
  }
  check_run_outputs(s, a.out);
  RunDirectory out(a.out, {}, {kRunTimings});
  const std::string digest = scenario_digest(s);
  const PartSet parts = read_part_set(a.part_dirs, digest);
  Progress progress(progress_printer("merge --solve-only"));
  RunOptions options;
  options.threads = a.threads;
  options.solve_only = true;
  options.coverage_from = [&parts](const ScenarioRun& run) { return merged_coverage(parts, run); };
  const ScenarioRun R = run_scenario(s, options, progress);
  progress.phase("writing the open sites");
  write_open_sites(out, s, digest, R, a.threads);
  progress.done();
  write_run_timings(out, progress, a.threads);
  out.commit(digest);
  std::size_t open = 0;
  for (char o : R.site_open) open += o != 0;
  const std::string status = R.placed ? std::string(to_string(R.placed->result.status)) : "none";
  if (a.json) {
    fmt::print("{}\n", json_text(nlohmann::ordered_json{{"open_sites", open}, {"sites", R.site_open.size()},
                                                        {"placement_status", status}}));
    return 0;
  }
  fmt::print("plan {} ({}), solve only: {} of {} sites open (placement {})\n", s.name, s.file, open,
             R.site_open.size(), status);
  fmt::print("wrote {}/ (open_sites.json): run the demand parts with --open {}, then merge every part\n", a.out, a.out);
  return 0;
}

int run_plan(const PlanArgs& a) {
  if (a.parts || a.part) return run_part(a);
  if (a.solve_only) return run_solve_only(a);
  const Scenario s = load_scenario(a.scenario);
  // --out DIR: the run directory; --out PG:...:SCHEMA: only the layers, into PostGIS.
  // [output] postgis in the scenario: the layers into PostGIS as well.
  const bool to_dir = !is_pg_source(a.out);
  std::vector<PostgisTarget> postgis;
  if (!to_dir) postgis.push_back(parse_postgis_target(a.out, "--out"));
  if (!s.output.postgis.empty()) postgis.push_back(scenario_postgis_target(s));
  std::optional<RunDirectory> out;
  if (to_dir) {
    check_run_outputs(s, a.out);
    out.emplace(a.out, run_files_of_earlier_versions(), std::vector<std::string>{kRunTimings});  // as open_run_directory
  }
  // Connect before the work: a wrong host or password fails at once.
  for (const PostgisTarget& t : postgis) check_postgis_target(t);
  const LeafletAssets leaflet = to_dir ? read_leaflet() : LeafletAssets{};
  const std::string digest = scenario_digest(s);
  // merge: the parts are checked before any work (one scenario, every part once).
  std::optional<PartSet> parts;
  if (!a.part_dirs.empty()) {
    check_scenario_parts(s, 1, 1);
    parts = read_part_set(a.part_dirs, digest);
  }
  Progress progress(progress_printer(parts ? "merge" : "plan"));
  RunOptions options;
  options.threads = a.threads;
  options.surface = to_dir;  // the GeoTIFF goes only into a run directory
  if (parts) options.coverage_from = [&parts](const ScenarioRun& run) { return merged_coverage(*parts, run); };
  if (parts && parts->demand_parts > 0) {
    options.demand_from = [&parts](const ScenarioRun& run, const std::vector<char>& open) {
      return merged_demand(*parts, run, open);
    };
    options.surface_from = [&parts](const LatencyGrid& grid) { return merged_surface(*parts, grid); };
    options.zones_from = [&parts](double budget_one_way_us) { return merged_zones(*parts, budget_one_way_us); };
  }
  ScenarioRun R = run_scenario(s, options, progress);
  progress.phase("writing outputs");
  if (out) write_run(*out, R, progress, digest, leaflet);
  // PostGIS after the run directory is staged and before it is swapped in: a failure of
  // either leaves both as they were.
  for (const PostgisTarget& t : postgis) {
    progress.phase("writing PostGIS schema " + t.schema);
    write_run_postgis(t, R, digest);
  }
  progress.done();
  if (out) {
    write_run_timings(*out, progress, a.threads);  // after PostGIS: its time is in timings.json
    out->commit(digest);
  }
  if (a.json) {
    fmt::print("{}\n", json_text(R.summary));
    return 0;
  }
  // The model as the run states it (a measured table has no fibre model).
  fmt::print("plan {} ({}): {}\n", s.name, s.file, R.summary["model"].value("description", s.model.describe()));
  print_zone_lines(R.summary);
  if (!R.targets.empty()) {
    const auto& ts = R.summary["targets_summary"];
    fmt::print("targets: {} of {} hold\n", ts["passed"].get<std::size_t>(), R.targets.size());
    fmt::print("{}", targets_table(R.targets));
  }
  for (const auto& w : R.summary["warnings"]) fmt::print("warning: {}\n", w.get<std::string>());
  if (out) {
    fmt::print("wrote {}/ (run.gpkg{}, summary.json, report.md, report.html{})\n", a.out, R.zones.surface ? ", run.tif" : "",
               R.summary["maps"].empty() ? "" : ", maps/");
  }
  for (const PostgisTarget& t : postgis) {
    std::string layers;
    for (const FeatureTable& table : R.zones.tables) layers += (layers.empty() ? "" : ", ") + table.name;
    fmt::print("wrote PostGIS schema {} ({})\n", t.display(), layers);
  }
  return 0;
}

}  // namespace

void register_plan(CLI::App& app, Runner& run) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* cmd = app.add_subcommand("plan", "Run a scenario file: placement, zones, demand coverage, targets; write a run directory");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML); paths in it are relative to it")->required();
  cmd->add_option("--out", a->out,
                  "Output directory (created if missing): run.gpkg, run.tif, summary.json, report.md, report.html; or "
                  "PG:\"CONNECTION\":SCHEMA to write only the run's layers into that PostGIS schema")
      ->required();
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores); outputs do not depend on it");
  cmd->add_flag("--json", a->json, "Print the summary JSON on stdout");
  cmd->add_option("--parts", a->parts,
                  "Plan in N parts (with --part): compute one part's coverage rows into --out PARTDIR, then "
                  "`lightcone merge`; see cli/SCALE.md");
  cmd->add_option("--part", a->part, "Which part to compute, 1..N (with --parts N)");
  cmd->add_option("--open", a->open_dir,
                  "With --parts N --part I: a demand part instead (round 2), the demand evaluation of part I for the "
                  "sites a `merge --solve-only --out SOLVEDIR` opened; give it SOLVEDIR");
  cmd->callback([a, &run] {
    if ((a->parts == 0) != (a->part == 0)) throw CLI::ValidationError("--parts and --part go together: --parts N --part I");
    if (!a->open_dir.empty() && a->parts == 0)
      throw CLI::ValidationError("--open goes with --parts N --part I: --parts N --part I --open SOLVEDIR");
    run = [a] { return run_plan(*a); };
  });
}

void register_merge(CLI::App& app, Runner& run) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the parts of `plan --parts N` into the run directory `plan` would write (byte for byte)");
  cmd->add_option("scenario", a->scenario, "The scenario file the parts were made from")->required();
  cmd->add_option("parts", a->part_dirs,
                  "Every part directory (PARTDIR of each --part I), any order; with the demand parts (--open) too when "
                  "they were run")
      ->required();
  cmd->add_flag("--solve-only", a->solve_only,
                "Only solve the placement from the coverage parts and write its open sites into --out SOLVEDIR, for "
                "the demand parts (`plan --parts N --part I --open SOLVEDIR`); see cli/SCALE.md");
  cmd->add_option("--out", a->out, "Output run directory, as for `lightcone plan` (or PG:\"CONNECTION\":SCHEMA)")
      ->required();
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores); outputs do not depend on it");
  cmd->add_flag("--json", a->json, "Print the summary JSON on stdout");
  cmd->callback([a, &run] { run = [a] { return run_plan(*a); }; });
}

}  // namespace lightcone::cli
