#include "plan/zones_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "core/error.hpp"
#include "io/polygons.hpp"
#include "io/raster.hpp"
#include "io/write.hpp"
#include "report/run_info.hpp"
#include "zones/zones.hpp"
#include "report/json_text.hpp"

namespace lightcone {

ZonesJobOptions::DemandSamples sample_demand_polygons(const LayerSpec& layer, const ReadOptions& read,
                                                      const PointLayer& demand, int per_polygon) {
  ReadOptions ro = read;
  ro.option = "--demand";
  PolygonLayer polys;
  try {
    polys = read_polygons(layer, ro);
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " --demand-sample samples polygons: leave it out for point demand.");
  }
  std::vector<std::size_t> order(polys.fid.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return polys.fid[x] < polys.fid[y]; });
  ZonesJobOptions::DemandSamples s;
  s.per_feature = per_polygon;
  for (std::size_t d = 0; d < demand.pos.size(); ++d) {
    const auto it = std::lower_bound(order.begin(), order.end(), demand.fid[d],
                                     [&](std::size_t x, std::int64_t fid) { return polys.fid[x] < fid; });
    std::vector<LonLat> pts;
    if (it != order.end() && polys.fid[*it] == demand.fid[d]) pts = sample_polygon(polys.polygons[*it], per_polygon);
    if (pts.empty()) pts.push_back(demand.pos[d]);
    s.pos.insert(s.pos.end(), pts.begin(), pts.end());
    s.first.push_back(static_cast<std::uint32_t>(s.pos.size()));
  }
  return s;
}

void check_zones_out(const std::string& out) {
  if (out.empty()) throw InputError("zones needs --out FILE.gpkg.");
  if (std::filesystem::path(out).extension() != ".gpkg") {
    throw InputError("zones writes a GeoPackage: give --out a .gpkg file name (" + out + ").");
  }
  write_tables_check_path(out);
}

ZonesRun run_zones(const ZonesRequest& rq) {
  ZonesRun run;
  ZonesJobOptions job = rq.job;
  if (rq.demand) {
    run.demand = read_points(rq.demand->layer, rq.demand->read, demand_fields(rq.demand->fields));
    if (rq.demand->sample_per_polygon > 0) {
      job.demand_samples =
          sample_demand_polygons(rq.demand->layer, rq.demand->read, *run.demand, rq.demand->sample_per_polygon);
    }
  }
  run.network = load_network(rq.network, &rq.sites, rq.model);
  require_attached_sites(run.network, rq.sites_name);
  const LoadedNetwork& L = run.network;
  run.result = run_zones_job(L, L.lines.info, *L.sites, run.demand ? &*run.demand : nullptr, job);
  std::vector<std::pair<std::string, std::string>> info = {{"command", job.command}, {"budgets", rq.budgets_text}};
  if (job.split) info.emplace_back("split_cell", fmt::format("{:g}m", job.split_options.cell_m));
  if (job.simplify_m > 0) info.emplace_back("simplify", fmt::format("{:g}m", job.simplify_m));
  if (job.demand_samples) info.emplace_back("demand_sample", std::to_string(job.demand_samples->per_feature));
  if (run.result.surface) info.emplace_back("surface", surface_text(*run.result.surface));
  run.result.tables.push_back(run_info_table(L.model, info));
  return run;
}

void write_zones(const std::string& out, ZonesRun& run) {
  ZonesJobResult& R = run.result;
  if (R.surface) {
    const std::string tif = sidecar_path(out, ".tif");
    const LatencyGrid& grid = *R.surface;
    write_geotiff(tif, grid);
    R.summary["surface"] = surface_json(grid, std::filesystem::path(tif).filename().string());
  }
  write_tables(out, R.tables);
  write_text_file(sidecar_path(out, ".summary.json"), json_text(R.summary) + "\n");
}

}  // namespace lightcone
