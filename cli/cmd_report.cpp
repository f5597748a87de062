// lightcone report RUN [--out FILE.html]: report.html of a run (report/html_report.hpp):
// one self-contained offline file with the map (Leaflet), the targets and the model.
// RUN is a plan --out directory (which has report.html already: --out for another copy)
// or a run GeoPackage of plan, zones or place (DEFAULT --out: <stem>.html beside it).
// Prints the file written. Exit 0 ok, 2 bad input (nothing written).
#include <fmt/core.h>

#include "commands.hpp"
#include "plan/scenario_run.hpp"

namespace lightcone::cli {
namespace {

struct ReportArgs {
  std::string run;
  std::string out;
};

int run_report(const ReportArgs& a) {
  fmt::print("{}\n", write_report_html(a.run, a.out, read_leaflet()));
  return 0;
}

}  // namespace

void register_report(CLI::App& app, Runner& run) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "report.html of a run: an offline map with the targets, to share");
  cmd->add_option("run", a->run, "A plan --out directory or a run GeoPackage (plan, zones or place)")->required();
  cmd->add_option("--out", a->out, "The HTML file. DEFAULT: <run>.html beside a GeoPackage (a plan directory has one)");
  cmd->callback([a, &run] { run = [a] { return run_report(*a); }; });
}

}  // namespace lightcone::cli
