// lightcone render RUN [--out DIR] [--width PX] [--extent W,S,E,N]: quick-look PNG maps of a run (zones,
// latency surface, placement) drawn by lightcone itself (report/run_maps.hpp).
// RUN is a plan --out directory (run.gpkg, with run.tif when present) or a run
// GeoPackage (with <stem>.tif beside it when present). DEFAULT --out: RUN's directory/maps.
// Prints the files written, one per line. Exit 0 ok, 2 bad input (nothing written).
#include <fmt/core.h>

#include <filesystem>

#include "commands.hpp"
#include "report/run_maps.hpp"
#include "plan/scenario_run.hpp"
#include "zones/surface.hpp"

namespace lightcone::cli {
namespace {

struct RenderArgs {
  std::string run;
  std::string out;
  int width = RunMapOptions{}.width;
  std::string extent;
};

int run_render(const RenderArgs& a) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool is_dir = fs::is_directory(a.run, ec);
  const fs::path gpkg = is_dir ? fs::path(a.run) / kRunGpkg : fs::path(a.run);
  const fs::path tif = is_dir ? fs::path(a.run) / kRunTif : fs::path(gpkg).replace_extension(".tif");
  const fs::path run_dir = is_dir ? fs::path(a.run) : gpkg.parent_path().empty() ? fs::path(".") : gpkg.parent_path();
  const std::string out = a.out.empty() ? (run_dir / "maps").string() : a.out;
  RunMapOptions options;
  options.width = a.width;
  if (!a.extent.empty()) {
    const LonLatBox box = parse_lonlat_box(a.extent, "--extent");
    options.extent = RunMapOptions::Extent{box.min.lon, box.min.lat, box.max.lon, box.max.lat};
  }
  const std::vector<std::string> written =
      render_run_maps(gpkg.string(), fs::is_regular_file(tif, ec) ? tif.string() : std::string(), out, options);
  for (const std::string& f : written) fmt::print("{}\n", f);
  return 0;
}

}  // namespace

void register_render(CLI::App& app, Runner& run) {
  auto a = std::make_shared<RenderArgs>();
  CLI::App* cmd = app.add_subcommand("render", "Quick-look PNG maps of a run: zones, latency surface, placement");
  cmd->add_option("run", a->run, "A plan --out directory or a run GeoPackage (plan, zones or place)")->required();
  cmd->add_option("--out", a->out, "Directory for the PNGs (created if missing). DEFAULT: RUN's directory/maps");
  cmd->add_option("--width", a->width,
                  fmt::format("Map width in pixels ({} to {}). DEFAULT: {}", kMinMapWidth, kMaxMapWidth, RunMapOptions{}.width));
  cmd->add_option("--extent", a->extent,
                  "Zoom: the map extent WEST,SOUTH,EAST,NORTH in degrees. DEFAULT: everything in the run");
  cmd->callback([a, &run] { run = [a] { return run_render(*a); }; });
}

}  // namespace lightcone::cli
