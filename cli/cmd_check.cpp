// lightcone check SCENARIO: the CI gate. Runs the scenario (or reads a run with
// --run DIR) and evaluates its targets: a table on stdout (or --json), check.json in
// the run directory when it wrote one (--out), JUnit XML with --junit. Exit 0 when every
// target holds, 1 when one fails (or cannot be evaluated), 2 on bad input.
#include <fmt/core.h>

#include <filesystem>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/write.hpp"
#include "report/check_report.hpp"
#include "plan/scenario_run.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct CheckArgs {
  std::string scenario;
  std::string run;
  std::string out;
  std::string junit;
  unsigned threads = 0;
  bool json = false;
};

int run_check(const CheckArgs& a) {
  if (!a.run.empty() && !a.out.empty()) {
    throw InputError("--run reads an existing run and --out writes a new one: give one of them.");
  }
  const Scenario s = load_scenario(a.scenario);
  if (!a.junit.empty()) {
    const std::filesystem::path parent = std::filesystem::path(a.junit).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      throw InputError("the directory of --junit does not exist (" + parent.string() + "). Create it or change --junit.");
    }
    check_output_directory(a.junit);  // not a directory, FIFO or device: refused before the run
  }
  const std::vector<NamedPath> junit{{"--junit", a.junit}};
  check_run_outputs(s, a.out, a.junit.empty() ? std::span<const NamedPath>() : std::span<const NamedPath>(junit));
  std::optional<RunDirectory> out;
  LeafletAssets leaflet;
  if (!a.out.empty()) {
    out.emplace(a.out, run_files_of_earlier_versions(), std::vector<std::string>{kRunTimings});
    leaflet = read_leaflet();
  }
  Progress progress(progress_printer("check"));
  std::vector<TargetResult> results;
  std::string run_label;
  std::string digest;
  if (!a.run.empty()) {
    progress.phase("reading the run");
    const StoredRun stored = read_run(a.run);
    check_run_is_of(stored, a.run, s);
    Boundaries boundaries;
    read_boundaries(s, boundaries);
    progress.phase("targets");
    RunTables tables;
    tables.metric = stored.metric;
    tables.zones = stored.zones ? &*stored.zones : nullptr;
    tables.demand = stored.demand ? &*stored.demand : nullptr;
    tables.sites = stored.sites ? &*stored.sites : nullptr;
    results = evaluate_targets(s, tables, boundaries);
    run_label = a.run;
  } else {
    RunOptions options;
    options.threads = a.threads;
    options.surface = !a.out.empty();  // targets do not need the surface
    ScenarioRun R = run_scenario(s, options, progress);
    results = std::move(R.targets);
    if (!a.out.empty()) {
      progress.phase("writing outputs");
      digest = scenario_digest(s);
      write_run(*out, R, progress, digest, leaflet);
      run_label = a.out;
    }
  }
  progress.done();
  const nlohmann::ordered_json j = check_json(s.name, s.file, run_label, results);
  if (out) {
    write_run_timings(*out, progress, a.threads);
    write_text_file(out->staged(kRunCheck), json_text(j) + "\n");
    out->commit(digest);
  }
  if (!a.junit.empty()) write_text_file(a.junit, junit_xml(s.name, results));
  const bool hold = all_hold(results);
  if (a.json) {
    fmt::print("{}\n", json_text(j));
  } else if (results.empty()) {
    fmt::print("check {} ({}): the scenario names no targets\n", s.name, s.file);
  } else {
    fmt::print("check {} ({}):\n{}", s.name, s.file, targets_table(results));
    fmt::print("{} of {} targets hold{}\n", j["passed"].get<std::size_t>(), results.size(),
               hold ? "" : fmt::format(": {} failed, {} not evaluated", j["failed"].get<std::size_t>(),
                                       j["not_evaluated"].get<std::size_t>()));
  }
  return hold ? 0 : 1;
}

}  // namespace

void register_check(CLI::App& app, Runner& run) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Evaluate a scenario's targets: exit 0 all hold, 1 one fails, 2 bad input");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required();
  cmd->add_option("--run", a->run, "Evaluate an existing run (a plan --out directory or its run.gpkg) instead of running");
  cmd->add_option("--out", a->out, "Also write the run (as plan does) and check.json into this directory");
  cmd->add_option("--junit", a->junit, "Write JUnit XML: one testcase per target");
  cmd->add_option("--threads", a->threads, "Worker threads (DEFAULT: all cores)");
  cmd->add_flag("--json", a->json, "Print the verdicts as JSON on stdout");
  cmd->callback([a, &run] { run = [a] { return run_check(*a); }; });
}

}  // namespace lightcone::cli
