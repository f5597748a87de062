// lightcone_bench_zones: end-to-end timings of the zones path on one planning instance
// (../shared/tools/gen_instance.py output: layers fibre, sites, demand, outline), wired
// the way the zones job wires it (report/zones_job.cpp: prepare_network → one unbounded
// multi-source search → zone_polygon per budget → latency_surface; demand evaluation
// timed separately). Default LatencyModel (n = 1.4682, RTT metric, 10 km max access).
//
// For each site count N (DEFAULT 100 and 500) the sites are every (total / N)-th site of
// the layer in FID order (deterministic, spread over the province). Budgets are RTT.
// The surface covers the instance's `outline` layer extent (the whole province).
//
// Prints one line per figure: `key value unit  # note`, keys prefixed by the site count
// (`s500_polygons_3ms`), so tests/bench/run.sh --zones can put sizes side by side.
// Times are wall clock; `cpu` notes are process CPU time over the same interval (cpu /
// wall = cores busy). Peak RSS is reset (/proc/self/clear_refs) before each site count,
// so `sN_peak_rss` is that site count's own peak. The load average is printed with the
// times because the machine may be shared.
#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <exception>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "io/polygons.hpp"
#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "latency/search.hpp"
#include "zones/surface.hpp"
#include "geom/polygon_ops.hpp"
#include "zones/zones.hpp"

namespace lc = lightcone;

namespace {

using namespace lightcone::bench;



// VmHWM (peak) or VmRSS (current) of this process in MiB, from /proc/self/status.
double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string key;
  double kib = 0;
  while (in >> key) {
    if (key == field + ":") {
      in >> kib;
      return kib / 1024.0;
    }
    in.ignore(4096, '\n');
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void seconds(const std::string& key, double wall, double cpu, const std::string& note = {}) {
  figure(key, fmt::format("{:.4g}", wall), "s",
         fmt::format("cpu {:.2f} s; load {}{}{}", cpu, load_average(), note.empty() ? "" : "; ", note));
}

std::vector<double> parse_list(const std::string& s) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t comma = std::min(s.find(',', pos), s.size());
    out.push_back(std::stod(s.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return out;
}

struct Options {
  std::string instance;
  std::vector<double> sites{100, 500};
  std::vector<double> rtt_ms{1.0, 3.0};
  double cell_m = 250.0;
  unsigned threads = 2;
  std::string sections = "polygons,surface";
  bool has(const std::string& section) const { return ("," + sections + ",").find("," + section + ",") != std::string::npos; }
};

[[noreturn]] void usage(const char* argv0, int code) {
  fmt::print(code ? stderr : stdout,
             "usage: {} INSTANCE.gpkg [--sites 100,500] [--rtt-ms 1,3] [--cell-m 250] [--threads 2] [--sections LIST]\n"
             "  INSTANCE.gpkg  gen_instance.py output (layers fibre, sites, demand, outline)\n"
             "  --sites        site counts, each every (total / N)-th site by FID (DEFAULT: 100,500)\n"
             "  --rtt-ms       RTT budgets of the zones, ms (DEFAULT: 1,3)\n"
             "  --cell-m       surface cell size, metres (DEFAULT: 250)\n"
             "  --threads      worker threads for the surface and demand (DEFAULT: 2)\n"
             "  --sections     polygons,surface,demand (DEFAULT: polygons,surface)\n",
             argv0);
  std::exit(code);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    try {
      if (a == "-h" || a == "--help") usage(argv[0], 0);
      else if (a == "--sites" && i + 1 < argc) o.sites = parse_list(argv[++i]);
      else if (a == "--rtt-ms" && i + 1 < argc) o.rtt_ms = parse_list(argv[++i]);
      else if (a == "--cell-m" && i + 1 < argc) o.cell_m = std::stod(argv[++i]);
      else if (a == "--threads" && i + 1 < argc) o.threads = static_cast<unsigned>(std::max(1.0, std::stod(argv[++i])));
      else if (a == "--sections" && i + 1 < argc) o.sections = argv[++i];
      else if (!a.empty() && a[0] != '-' && o.instance.empty()) o.instance = a;
      else usage(argv[0], 2);
    } catch (const std::exception&) {
      usage(argv[0], 2);
    }
  }
  if (o.instance.empty() || !(o.cell_m > 0)) usage(argv[0], 2);
  return o;
}

std::size_t vertices(const lc::MultiPolygon& m) { return m.coords.size(); }

void run_sites(const Options& o, const lc::LineLayer& lines, const lc::PointLayer& sites, const lc::PointLayer& demand,
               const lc::LonLatBox& extent, std::size_t n_sites) {
  reset_peak_rss();  // bench_util.hpp
  const std::string tag = fmt::format("s{}", n_sites);
  const lc::LatencyModel model;
  const double k = model.metric_factor();
  // Every (total / n)-th site by FID order.
  std::vector<lc::LonLat> pos;
  std::vector<double> delay;
  const std::size_t total = sites.pos.size();
  for (std::size_t i = 0; i < n_sites && i < total; ++i) {
    const std::size_t at = i * total / n_sites;
    pos.push_back(sites.pos[at]);
    delay.push_back(sites.entry_delay_us[at]);
  }
  const lc::SitePoints sp{pos, delay};
  double goal_wall = 0.0, goal_cpu = 0.0;

  Stopwatch wp;
  const lc::PreparedNetwork P = lc::prepare_network(lines.lines, model, lc::BuildOptions{}, &sp);
  seconds(tag + "_prepare", wp.wall(), wp.cpu(),
          fmt::format("build, attach {} sites, split, index, graph: {} nodes, {} edges, {} pieces", pos.size(),
                      P.net.nodes(), P.net.edges(), P.index->pieces()));
  if (P.sources.empty()) throw lc::InputError("no chosen site lies within max access of the network.");

  Stopwatch ws;
  const lc::NodeLatencies nodes = lc::nearest_source_latency(*P.graph, P.sources);
  seconds(tag + "_search", ws.wall(), ws.cpu(), fmt::format("one unbounded search from {} sources", P.sources.size()));

  const lc::AccessCost access(model);
  if (o.has("polygons")) {
    for (double rtt : o.rtt_ms) {
      const std::string b = fmt::format("{}_{:g}ms", tag, rtt);
      Stopwatch w;
      const lc::MultiPolygon zone = lc::zone_polygon(P.net, nodes.us, access, rtt * 1000.0 / k, lc::ZoneOptions{});
      const double wall = w.wall(), cpu = w.cpu();
      goal_wall += wall;
      goal_cpu += cpu;
      seconds(b + "_polygons", wall, cpu, "zone_polygon (one thread)");
      figure(b + "_polygon_vertices", fmt::format("{}", vertices(zone)), "",
             fmt::format("{} polygons, {} rings", zone.polygons(), zone.rings()));
      figure(b + "_area", fmt::format("{:.0f}", lc::area_m2(zone) / 1e6), "km2");
    }
  }
  if (o.has("surface")) {
    lc::SurfaceOptions so;
    so.cell_m = o.cell_m;
    so.threads = o.threads;
    Stopwatch w;
    const lc::LatencyGrid grid = lc::latency_surface(P.net, *P.index, model, lc::AccessFrom::edges, nodes.us,
                                                     nodes.source, extent, so);
    const double wall = w.wall(), cpu = w.cpu();
    goal_wall += wall;
    goal_cpu += cpu;
    std::size_t reached = 0;
    for (float v : grid.values) reached += v != grid.nodata;
    seconds(tag + "_surface", wall, cpu,
            fmt::format("{} x {} cells of {:g} m, EPSG:{}, {} threads", grid.width, grid.height, grid.cell, grid.epsg,
                        o.threads));
    figure(tag + "_surface_cells_reached", fmt::format("{}", reached), "",
           fmt::format("of {}", grid.values.size()));
  }
  if (o.has("demand") && !demand.pos.empty()) {
    Stopwatch w;
    const auto dl = lc::evaluate_points(P.net, *P.index, model, lc::AccessFrom::edges, demand.pos, nodes.us,
                                        nodes.source, o.threads);
    std::size_t reached = 0;
    for (const auto& d : dl) reached += d.latency_us != lc::kUnreached;
    seconds(tag + "_demand", w.wall(), w.cpu(),
            fmt::format("evaluate_points, {} points, {} reached, {} threads", dl.size(), reached, o.threads));
  }
  const double peak = status_mib("VmHWM");
  figure(tag + "_peak_rss", fmt::format("{:.0f}", peak), "MiB", "VmHWM since this site count started");
  if (o.has("polygons") && o.has("surface"))
    figure(tag + "_zones_total", fmt::format("{:.4g}", goal_wall), "s",
           fmt::format("cpu {:.2f} s; polygons for every budget + surface; goal < 30 s and < 4096 MiB: {}", goal_cpu,
                       goal_wall < 30 && peak < 4096 ? "ok" : "MISSED"));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  try {
    const lc::LatencyModel model;
    fmt::print("# instance {}\n# model {}\n", o.instance, model.describe());
    figure("load_start", load_average(), "", fmt::format("load average 1/5/15 min; {} hardware threads",
                                                         std::thread::hardware_concurrency()));
    Stopwatch w;
    const lc::LineLayer lines = lc::read_lines(lc::LayerSpec{o.instance, "fibre"}, lc::ReadOptions{}, lc::LineFields{});
    const lc::PointLayer sites = lc::read_points(lc::LayerSpec{o.instance, "sites"}, lc::ReadOptions{}, lc::PointFields{});
    lc::PointLayer demand;
    if (o.has("demand"))
      demand = lc::read_points(lc::LayerSpec{o.instance, "demand"}, lc::ReadOptions{}, lc::PointFields{});
    const lc::PolygonLayer outline = lc::read_polygons(lc::LayerSpec{o.instance, "outline"}, lc::ReadOptions{});
    lc::LonLatBox extent;
    for (const auto& m : outline.polygons)
      for (const lc::LonLat& p : m.coords) extent.add(p);
    seconds("load", w.wall(), w.cpu(),
            fmt::format("GDAL: {} lines, {} sites, {} demand points; outline {:.3f},{:.3f} .. {:.3f},{:.3f}",
                        lines.lines.lines(), sites.pos.size(), demand.pos.size(), extent.min.lon, extent.min.lat,
                        extent.max.lon, extent.max.lat));
    for (double n : o.sites) run_sites(o, lines, sites, demand, extent, static_cast<std::size_t>(std::max(1.0, n)));
    figure("load_end", load_average(), "", "load average 1/5/15 min");
  } catch (const std::exception& e) {
    fmt::print(stderr, "lightcone_bench_zones: {}\n", e.what());
    return 2;
  }
  return 0;
}
