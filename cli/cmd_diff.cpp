// lightcone diff RUN_A RUN_B: what changed between two runs (run directories or their
// GeoPackages): demand whose coverage changed per budget (by source_fid), zone area
// and demand weight gained and lost per budget, sites added and removed.
// Exit 0; with --fail-on-loss, 1 when any coverage was lost; 2 on bad input.
#include <fmt/core.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "report/diff.hpp"
#include "plan/scenario_run.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct DiffArgs {
  std::string a;
  std::string b;
  bool json = false;
  bool fail_on_loss = false;
};

int run_diff(const DiffArgs& args) {
  const StoredRun a = read_run(args.a);
  const StoredRun b = read_run(args.b);
  auto view = [](const StoredRun& r, const std::string& label) {
    if (!r.zones) {
      throw InputError(label + " is a placement on a measured latency table (" + r.measured_table +
                       "): it has no zones, and diff compares the zones and demand latencies of runs over a network. "
                       "Compare its summary.json (placement) instead, or give two runs made with [network].");
    }
    RunForDiff v;
    v.label = label;
    v.metric = r.metric;
    v.zones = &*r.zones;
    v.demand = r.demand ? &*r.demand : nullptr;
    v.sites = r.sites ? &*r.sites : nullptr;
    return v;
  };
  const nlohmann::ordered_json d = diff_runs(view(a, args.a), view(b, args.b));
  if (args.json) fmt::print("{}\n", json_text(d));
  else fmt::print("{}", diff_text(d));
  return args.fail_on_loss && d["coverage_lost"].get<bool>() ? 1 : 0;
}

}  // namespace

void register_diff(CLI::App& app, Runner& run) {
  auto a = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand("diff", "What coverage changed between two runs (plan directories or GeoPackages)");
  cmd->add_option("run_a", a->a, "The earlier run: a plan --out directory or a run GeoPackage")->required();
  cmd->add_option("run_b", a->b, "The later run")->required();
  cmd->add_flag("--json", a->json, "Print the differences as JSON on stdout");
  cmd->add_flag("--fail-on-loss", a->fail_on_loss, "Exit 1 when any demand lost coverage or any zone lost area");
  cmd->callback([a, &run] { run = [a] { return run_diff(*a); }; });
}

}  // namespace lightcone::cli
