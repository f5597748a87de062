// lightcone_bench_place: end-to-end timings of facility placement (DESIGN.md §5, issue 4)
// on one planning instance (../shared/tools/gen_instance.py output: layers fibre, sites,
// demand with weight `pop`), wired the way `lightcone place` wires it: read →
// prepare_network (build, attach + split sites, index, graph) → build_coverage at the
// budget → solve_placement for LSCP, MCLP (p sites) and p-center (pairs up to the same
// budget; DEFAULT as many sites as LSCP opened, so the worst latency has room to fall). Default LatencyModel (RTT metric): the budget is RTT, so the
// searches' one-way budget is RTT / 2.
//
// Prints one line per figure: `key value unit  # note` (stable keys, so
// tests/bench/run.sh --place can put instances side by side). Times are wall clock
// (steady_clock); `cpu` notes are process CPU time over the same interval (cpu / wall =
// cores busy). Load average at start and end: the machine may be shared. `*_sites_hash`
// fingerprints the chosen sites, so runs with different --threads can be compared.
#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <random>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench_util.hpp"
#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "placement/coverage.hpp"
#include "placement/placement.hpp"
#include "support/coverage_reference.hpp"

namespace lc = lightcone;

namespace {

using namespace lightcone::bench;



double current_rss_mib() {
  std::ifstream in("/proc/self/statm");
  double pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096.0 / (1024.0 * 1024.0);
}

void seconds(const std::string& key, const Stopwatch& w, const std::string& note = {}) {
  figure(key, fmt::format("{:.4g}", w.wall()), "s",
         fmt::format("cpu {:.3f} s; rss {:.0f} MiB{}{}", w.cpu(), current_rss_mib(), note.empty() ? "" : "; ", note));
}

struct Options {
  std::string instance;
  unsigned threads = 2;          // coverage build (searches); CBC stays single-threaded
  double rtt_ms = 1.0;
  int p = 50;
  std::vector<int> more_p;       // further MCLP runs (--p 50,10: also p = 10), figures mclp_p<N>_*
  int pcenter_p = 0;             // 0: the number of sites LSCP opened (else p)
  double time_limit_s = 60.0;    // LSCP and MCLP
  double pcenter_time_limit_s = 300.0;
  std::string problems = "lscp,mclp,pcenter";
  int demand_stride = 1;         // every n-th demand point only (quick profiling)
  std::vector<double> demand_box;  // lon0,lat0,lon1,lat1: the demand points inside only (profiling)
  int lscp_k = 1;                // LSCP backup level (each demand covered by k sites)
  std::string coverage_cache;    // load the coverage from this file if it matches, else build and save it
  std::size_t euclidean = 0;     // > 0: no instance file; N demand points x N sites, every pair (p-median at scale)
  std::uint64_t seed = 1;        // --euclidean's points and weights
  bool assignment = false;       // p-median by the assignment model (PlacementInput::force_mip), for before/after
  bool radius = false;           // p-median by the radius formulation instead of Benders (PlacementInput::median_method)
  bool core_cuts = false;        // Benders' first cuts at the core point (PlacementInput::benders_lagrange_cuts off)
  bool reference = false;        // also run the coverage build as it was before issue 13 item 8 and compare
  bool has(const std::string& name) const { return ("," + problems + ",").find("," + name + ",") != std::string::npos; }
};

[[noreturn]] void usage(const char* argv0, int code) {
  fmt::print(code ? stderr : stdout,
             "usage: {} INSTANCE.gpkg [--threads N] [--rtt-ms B] [--p N] [--time-limit S] [--pcenter-time-limit S]\n"
             "       [--problems lscp,mclp,pcenter]\n"
             "  INSTANCE.gpkg         gen_instance.py output (layers fibre, sites, demand with field pop)\n"
             "  --threads             threads of the coverage build (DEFAULT: 2); CBC runs single-threaded\n"
             "  --rtt-ms              coverage budget, RTT ms (DEFAULT: 1)\n"
             "  --p                   sites to open for MCLP (DEFAULT: 50); a list (50,10) runs MCLP once per value\n"
             "  --pcenter-p           sites to open for p-center (DEFAULT: as many as LSCP opened, else --p)\n"
             "  --time-limit          CBC time limit of LSCP and MCLP, s (DEFAULT: 60)\n"
             "  --pcenter-time-limit  time limit of each p-center covering MIP, s (DEFAULT: 300)\n"
             "  --problems            which problems to solve (DEFAULT: lscp,mclp,pcenter; also pmedian (p = --p);\n"
             "                        none: coverage only); each prints <problem>_peak_rss and _bytes_per_pair\n"
             "  --demand-stride       use every n-th demand point only, for quick profiling (DEFAULT: 1)\n"
             "  --demand-box          LON0,LAT0,LON1,LAT1: the demand points inside this box only (a dense\n"
             "                        region at full density, for profiling the coverage build on part of large)\n"
             "  --lscp-k K            LSCP backup coverage: every demand point covered by K sites (DEFAULT: 1)\n"
             "  --reference           also time the coverage build as it was before issue 13 item 8\n"
             "                        (tests/support/coverage_reference.hpp) and compare it pair for pair, bit for bit\n"
             "  --coverage-cache F    solver work: read the coverage from F when F was written for the same\n"
             "                        instance, budget and stride, else build it and write F (timings then omit the build)\n"
             "  --euclidean N         no INSTANCE: N demand points and N sites uniform in a 500 km square (seed --seed,\n"
             "                        DEFAULT 1; weights 1..100), latency the straight distance at the fibre's us/km,\n"
             "                        every pair kept; solves --problems pmedian only (p = --p)\n"
             "  --assignment          p-median by the assignment model (as before the radius formulation)\n"
             "  --radius              p-median by the radius formulation (as before Benders)\n"
             "  --core-cuts           Benders' first cuts at the core point, not at the Lagrangian's levels (as before)\n",
             argv0);
  std::exit(code);
}

Options parse_args(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      const bool value = i + 1 < argc;
      if (a == "-h" || a == "--help") usage(argv[0], 0);
      else if (a == "--threads" && value) o.threads = static_cast<unsigned>(std::max(1, std::stoi(argv[++i])));
      else if (a == "--rtt-ms" && value) o.rtt_ms = std::stod(argv[++i]);
      else if (a == "--p" && value) {
        const std::string list = argv[++i];
        std::size_t pos = 0;
        o.more_p.clear();
        for (bool first = true; pos <= list.size(); first = false) {
          const std::size_t comma = std::min(list.find(',', pos), list.size());
          const int v = std::stoi(list.substr(pos, comma - pos));
          if (first) o.p = v;
          else o.more_p.push_back(v);
          pos = comma + 1;
        }
      }
      else if (a == "--pcenter-p" && value) o.pcenter_p = std::stoi(argv[++i]);
      else if (a == "--time-limit" && value) o.time_limit_s = std::stod(argv[++i]);
      else if (a == "--pcenter-time-limit" && value) o.pcenter_time_limit_s = std::stod(argv[++i]);
      else if (a == "--problems" && value) o.problems = argv[++i];
      else if (a == "--demand-stride" && value) o.demand_stride = std::max(1, std::stoi(argv[++i]));
      else if (a == "--demand-box" && value) {
        std::string v = argv[++i];
        for (std::size_t at = 0; at <= v.size();) {
          const std::size_t comma = std::min(v.find(',', at), v.size());
          o.demand_box.push_back(std::stod(v.substr(at, comma - at)));
          at = comma + 1;
        }
        if (o.demand_box.size() != 4) usage(argv[0], 2);
      }
      else if (a == "--coverage-cache" && value) o.coverage_cache = argv[++i];
      else if (a == "--reference") o.reference = true;
      else if (a == "--lscp-k" && value) o.lscp_k = std::max(1, std::stoi(argv[++i]));
      else if (a == "--euclidean" && value) o.euclidean = static_cast<std::size_t>(std::stoul(argv[++i]));
      else if (a == "--seed" && value) o.seed = std::stoull(argv[++i]);
      else if (a == "--assignment") o.assignment = true;
      else if (a == "--radius") o.radius = true;
      else if (a == "--core-cuts") o.core_cuts = true;
      else if (!a.empty() && a[0] != '-' && o.instance.empty()) o.instance = a;
      else usage(argv[0], 2);
    }
  } catch (const std::exception&) {
    usage(argv[0], 2);
  }
  if (o.instance.empty() && o.euclidean == 0) usage(argv[0], 2);
  return o;
}

std::uint64_t fingerprint(const std::vector<std::uint32_t>& open) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (std::uint32_t j : open) {
    for (int b = 0; b < 4; ++b) {
      h ^= (j >> (8 * b)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  return h;
}

// Coverage cache (solver work only): a header naming the instance, budget and stride,
// then the flat arrays.
std::string cache_key(const Options& o, double budget_us, std::size_t demands, std::size_t sites) {
  // The instance by file name and size (the same file reached by another path matches).
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(o.instance, ec);
  return fmt::format("lightcone-coverage-cache v1 {} {} {:.17g} {} {} {}",
                     std::filesystem::path(o.instance).filename().string(), ec ? 0 : bytes, budget_us,
                     o.demand_stride, demands, sites);
}

bool load_coverage(const std::string& path, const std::string& key, lc::Coverage& c) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line != key) return false;
  std::uint64_t nd = 0, ns = 0, ne = 0;
  in.read(reinterpret_cast<char*>(&nd), 8);
  in.read(reinterpret_cast<char*>(&ns), 8);
  in.read(reinterpret_cast<char*>(&ne), 8);
  c.demands = nd;
  c.sites = ns;
  c.first.resize(nd + 1);
  c.site.resize(ne);
  c.latency_us.resize(ne);
  in.read(reinterpret_cast<char*>(c.first.data()), static_cast<std::streamsize>(c.first.size() * 4));
  in.read(reinterpret_cast<char*>(c.site.data()), static_cast<std::streamsize>(ne * 4));
  in.read(reinterpret_cast<char*>(c.latency_us.data()), static_cast<std::streamsize>(ne * 8));
  return static_cast<bool>(in);
}

void save_coverage(const std::string& path, const std::string& key, const lc::Coverage& c) {
  std::ofstream out(path + ".tmp", std::ios::binary | std::ios::trunc);
  out << key << '\n';
  const std::uint64_t nd = c.demands, ns = c.sites, ne = c.entries();
  out.write(reinterpret_cast<const char*>(&nd), 8);
  out.write(reinterpret_cast<const char*>(&ns), 8);
  out.write(reinterpret_cast<const char*>(&ne), 8);
  out.write(reinterpret_cast<const char*>(c.first.data()), static_cast<std::streamsize>(c.first.size() * 4));
  out.write(reinterpret_cast<const char*>(c.site.data()), static_cast<std::streamsize>(ne * 4));
  out.write(reinterpret_cast<const char*>(c.latency_us.data()), static_cast<std::streamsize>(ne * 8));
  out.close();
  if (out) std::rename((path + ".tmp").c_str(), path.c_str());
}

lc::PlacementResult solve(const std::string& tag, lc::PlacementInput in, double metric_factor) {
  const double rss_before = current_rss_mib();
  reset_peak_rss();
  Stopwatch w;
  const lc::PlacementResult r = lc::solve_placement(in);
  const double wall = w.wall();
  const double cpu = w.cpu();
  // Memory of the solve per demand-site pair it was given (issue 17 item 4: <= 64 bytes
  // per pair kept is the goal): the solve's peak resident memory above what the process
  // held before it (the coverage, the network), over the coverage entries.
  const double peak = section_peak_rss_mib();
  const std::size_t pairs = in.coverage->entries();
  figure(tag + "_peak_rss", fmt::format("{:.0f}", peak), "MiB",
         fmt::format("{:.0f} MiB above the {:.0f} MiB before the solve, over {} coverage pairs: {:.0f} bytes per pair",
                     peak - rss_before, rss_before, pairs,
                     pairs ? (peak - rss_before) * 1048576.0 / static_cast<double>(pairs) : 0.0));
  figure(tag + "_bytes_per_pair",
         fmt::format("{:.0f}", pairs ? (peak - rss_before) * 1048576.0 / static_cast<double>(pairs) : 0.0), "B",
         "solve peak above the RSS before it, per coverage pair given");
  // Latency objectives (p-center) are reported in the run's metric, like the CLI.
  const double k = in.problem == lc::Problem::pcenter || in.problem == lc::Problem::pmedian ? metric_factor : 1.0;
  figure(tag + "_rows", fmt::format("{}->{}", r.rows_before, r.rows_after), "", "demand rows before -> after reductions");
  figure(tag + "_candidates", fmt::format("{}->{}", r.columns_before, r.columns_after), "",
         "candidate columns before -> after reductions");
  figure(tag + "_solve", fmt::format("{:.4g}", wall), "s",
         fmt::format("cpu {:.3f} s; rss {:.0f} MiB; method {}; {} MIP solve(s); time limit {:g} s", cpu,
                     current_rss_mib(), r.method, r.mip_solves, in.time_limit_s));
  figure(tag + "_status", lc::to_string(r.status) == "no solution" ? "no_solution" : lc::to_string(r.status), "",
         r.reason);
  figure(tag + "_objective", fmt::format("{:.6g}", r.objective * k), "",
         in.problem == lc::Problem::lscp   ? "sites (unit costs)"
         : in.problem == lc::Problem::mclp ? "covered weight (pop)"
                                           : in.problem == lc::Problem::pmedian ? "weighted mean latency, us RTT"
                                                                                : "worst latency, us RTT");
  figure(tag + "_bound", fmt::format("{:.6g}", r.bound * k), "");
  figure(tag + "_gap", std::isnan(r.gap) ? "nan" : fmt::format("{:.4f}", r.gap * 100.0), "%");
  figure(tag + "_open", fmt::format("{}", r.open.size()), "sites");
  figure(tag + "_sites_hash", fmt::format("{:016x}", fingerprint(r.open)), "", "FNV-1a of the open site indices");
  return r;
}

// p-median at scale (issue 13 item 2, issue 17 item 4): N demand points and N sites drawn
// uniformly in a 500 km square, every pair kept (N^2 pairs), one-way latency the straight
// distance at the default fibre's µs per km, weights 1..100.
int run_euclidean(const Options& o) {
  lc::LatencyModel model;
  const std::size_t n = o.euclidean;
  fmt::print("# random Euclidean p-median: {} demand points x {} sites, every pair, seed {}, p = {}, time limit {:g} s\n",
             n, n, o.seed, o.p, o.time_limit_s);
  print_load("load_start");
  Stopwatch total;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> km(0.0, 500.0);
  std::uniform_int_distribution<int> pop(1, 100);
  std::vector<double> sx(n), sy(n), dx(n), dy(n), weight(n);
  for (std::size_t j = 0; j < n; ++j) sx[j] = km(rng), sy[j] = km(rng);
  for (std::size_t d = 0; d < n; ++d) dx[d] = km(rng), dy[d] = km(rng), weight[d] = pop(rng);
  const double us_per_km = model.fibre_us_per_km();
  lc::Coverage cov;
  {
    Stopwatch w;
    cov.demands = n;
    cov.sites = n;
    cov.first.reserve(n + 1);
    cov.site.reserve(n * n);
    cov.latency_us.reserve(n * n);
    for (std::size_t d = 0; d < n; ++d) {
      for (std::size_t j = 0; j < n; ++j) {
        cov.site.push_back(static_cast<std::uint32_t>(j));
        cov.latency_us.push_back(std::hypot(sx[j] - dx[d], sy[j] - dy[d]) * us_per_km);
      }
      cov.first.push_back(static_cast<std::uint32_t>(cov.site.size()));
    }
    seconds("coverage_build", w, fmt::format("{} pairs", cov.entries()));
  }
  figure("coverage_pairs", fmt::format("{}", cov.entries()), "", fmt::format("{:.0f} MiB", static_cast<double>(cov.entries()) * 12.0 / 1048576.0));
  lc::PlacementInput in;
  in.problem = lc::Problem::pmedian;
  in.coverage = &cov;
  in.weight = weight;
  in.p = o.p;
  in.time_limit_s = o.time_limit_s;
  in.threads = 1;
  in.force_mip = o.assignment;
  if (o.radius) in.median_method = lc::PlacementInput::MedianMethod::radius;
  in.benders_lagrange_cuts = !o.core_cuts;
  solve(o.assignment ? "pmedian_assignment" : o.radius ? "pmedian_radius" : "pmedian", in, model.metric_factor());
  seconds("total", total);
  figure("peak_rss", fmt::format("{:.0f}", peak_rss_mib()), "MiB", "getrusage ru_maxrss");
  print_load("load_end");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  if (o.euclidean > 0) return run_euclidean(o);
  try {
    lc::LatencyModel model;
    fmt::print("# instance {}\n# model {}\n# budget {:g} ms RTT, p = {}, coverage threads {}, CBC 1 thread\n", o.instance,
               model.describe(), o.rtt_ms, o.p, o.threads);
    print_load("load_start");
    Stopwatch total;
    lc::LineLayer lines;
    lc::PointLayer sites, demand;
    {
      Stopwatch w;
      lines = lc::read_lines(lc::LayerSpec{o.instance, "fibre"}, lc::ReadOptions{}, lc::LineFields{});
      sites = lc::read_points(lc::LayerSpec{o.instance, "sites"}, lc::ReadOptions{}, lc::PointFields{});
      lc::PointFields df;
      df.weight = "pop";
      demand = lc::read_points(lc::LayerSpec{o.instance, "demand"}, lc::ReadOptions{}, df);
      if (o.demand_box.size() == 4) {
        std::size_t k = 0;
        for (std::size_t d = 0; d < demand.pos.size(); ++d) {
          const lc::LonLat q = demand.pos[d];
          if (q.lon < o.demand_box[0] || q.lat < o.demand_box[1] || q.lon > o.demand_box[2] || q.lat > o.demand_box[3])
            continue;
          demand.pos[k] = q;
          demand.weight[k++] = demand.weight[d];
        }
        demand.pos.resize(k);
        demand.weight.resize(k);
      }
      if (o.demand_stride > 1) {
        std::size_t k = 0;
        for (std::size_t d = 0; d < demand.pos.size(); d += static_cast<std::size_t>(o.demand_stride), ++k) {
          demand.pos[k] = demand.pos[d];
          demand.weight[k] = demand.weight[d];
        }
        demand.pos.resize(k);
        demand.weight.resize(k);
      }
      seconds("read", w, fmt::format("GDAL: {} lines, {} sites, {} demand points", lines.lines.lines(),
                                     sites.pos.size(), demand.pos.size()));
    }
    lc::PreparedNetwork P;
    {
      Stopwatch w;
      const lc::SitePoints points{sites.pos, sites.entry_delay_us};
      P = lc::prepare_network(lines.lines, model, lc::BuildOptions{}, &points);
      seconds("build_attach", w, fmt::format("prepare_network: {} nodes, {} edges, {} of {} sites attached",
                                             P.net.nodes(), P.net.edges(), P.sources.size(), sites.pos.size()));
    }
    seconds("load_build_attach", total, "read + build + attach + index + graph");

    const std::size_t ns = sites.pos.size();
    std::vector<lc::Source> candidates(ns, lc::Source{lc::kNone, 0.0});
    for (std::size_t s = 0; s < P.sources.size(); ++s) candidates[P.source_site[s]] = P.sources[s];
    const double budget_us = o.rtt_ms * 1000.0 / model.metric_factor();
    lc::Coverage cov;
    const std::string key = cache_key(o, budget_us, demand.pos.size(), ns);
    if (!o.coverage_cache.empty() && load_coverage(o.coverage_cache, key, cov)) {
      figure("coverage_build", "cached", "", fmt::format("read from {} (--coverage-cache)", o.coverage_cache));
    } else {
      Stopwatch w;
      const double rss_before = current_rss_mib();
      reset_peak_rss();
      lc::CoverageStats st;
      cov = lc::build_coverage(P.net, *P.graph, *P.index, model, lc::AccessFrom::edges, demand.pos, candidates,
                               budget_us, o.threads, &st);
      seconds("coverage_build", w, fmt::format("{} threads; budget {:g} us one-way", o.threads, budget_us));
      // Where it went (issue 13 item 8): wall time per phase, and the build's peak memory.
      figure("coverage_build_cpu", fmt::format("{:.4g}", w.cpu()), "s", "process CPU time of the build (all threads)");
      figure("coverage_peak_rss", fmt::format("{:.0f}", section_peak_rss_mib()), "MiB",
             fmt::format("peak resident memory during the build ({:.0f} MiB before it)", rss_before));
      auto phase = [&](const std::string& name, const lc::CoverageStats::Phase& ph, const std::string& note) {
        figure(name, fmt::format("{:.4g}", ph.wall_s), "s", fmt::format("cpu {:.3f} s; {}", ph.cpu_s, note));
      };
      phase("coverage_legs", st.legs,
            fmt::format("{} access legs kept ({:.1f} per demand point)", st.legs_kept,
                        static_cast<double>(st.legs_kept) / static_cast<double>(std::max<std::size_t>(1, demand.pos.size()))));
      {
        // The legs' work per demand point: what the time above went into.
        const double per = 1.0 / static_cast<double>(std::max<std::size_t>(1, demand.pos.size()));
        figure("coverage_leg_groups", fmt::format("{:.1f}", static_cast<double>(st.leg_groups) * per), "",
               "per demand point: groups of an edge's fibre pieces within max access (a floor of their legs' costs each)");
        figure("coverage_leg_pieces", fmt::format("{:.1f}", static_cast<double>(st.leg_pieces) * per), "",
               "per demand point: fibre pieces of the groups not dropped on their floors (a floor each)");
        figure("coverage_leg_candidates", fmt::format("{:.1f}", static_cast<double>(st.leg_candidates) * per), "",
               "per demand point: candidate legs with plane bounds (2 per piece not dropped on its floors)");
        figure("coverage_leg_nodes", fmt::format("{:.1f}", static_cast<double>(st.leg_nodes) * per), "",
               "per demand point: node relaxations of the pruning searches (each shared by up to 8 neighbouring points)");
        figure("coverage_exact_legs", fmt::format("{:.1f}", static_cast<double>(st.exact_legs) * per), "",
               "per demand point: exact (geodesic) leg costs computed");
      }
      phase("coverage_searches", st.searches, "one bounded search per site");
      phase("coverage_invert", st.invert, fmt::format("{} (site, latency) entries in per-node lists", st.node_entries));
      phase("coverage_rows", st.rows, "rows per demand point from its legs and the node lists");
      phase("coverage_layout", st.layout, "rows laid out by demand point");
      if (o.reference) {
        // The old build in the same run (same load), then the two compared bit for bit.
        Stopwatch wr;
        reset_peak_rss();
        const double rss_ref = current_rss_mib();
        const lc::Coverage ref = lc::test::reference_build_coverage(
            P.net, *P.graph, *P.index, model, lc::AccessFrom::edges, demand.pos, candidates, budget_us, o.threads);
        const double wall = wr.wall(), cpu = wr.cpu();
        figure("coverage_build_reference", fmt::format("{:.4g}", wall), "s",
               fmt::format("cpu {:.3f} s; the build before issue 13 item 8, {} threads", cpu, o.threads));
        figure("coverage_reference_cpu", fmt::format("{:.4g}", cpu), "s");
        figure("coverage_reference_peak_rss", fmt::format("{:.0f}", section_peak_rss_mib()), "MiB",
               fmt::format("peak resident memory during the old build ({:.0f} MiB before it)", rss_ref));
        bool same = ref.demands == cov.demands && ref.sites == cov.sites && ref.first == cov.first && ref.site == cov.site &&
                    ref.latency_us.size() == cov.latency_us.size();
        for (std::size_t e = 0; same && e < cov.latency_us.size(); ++e)
          same = std::bit_cast<std::uint64_t>(ref.latency_us[e]) == std::bit_cast<std::uint64_t>(cov.latency_us[e]);
        figure("coverage_equals_reference", same ? "yes" : "NO", "",
               fmt::format("{} pairs before, {} now; same pairs and latency bits", ref.entries(), cov.entries()));
        if (!same) throw std::runtime_error("the coverage differs from the reference build");
      }
      if (!o.coverage_cache.empty()) save_coverage(o.coverage_cache, key, cov);
    }
    {
      std::size_t covered = 0;
      for (std::size_t d = 0; d < cov.demands; ++d) covered += cov.first[d + 1] > cov.first[d];
      // FNV-1a over the rows (offsets, sites, latency bits): equal digests across runs and
      // builds mean the same pairs in the same order with the same latency doubles.
      std::uint64_t h = 1469598103934665603ull;
      auto mix = [&h](std::uint64_t v) {
        for (int b = 0; b < 8; ++b, v >>= 8) h = (h ^ (v & 0xff)) * 1099511628211ull;
      };
      for (std::uint32_t f : cov.first) mix(f);
      for (std::uint32_t s : cov.site) mix(s);
      for (double l : cov.latency_us) mix(std::bit_cast<std::uint64_t>(l));
      figure("coverage_digest", fmt::format("{:016x}", h), "",
             "FNV-1a of the rows, sites and latency bits: equal across builds = the same coverage bit for bit");
      figure("coverage_pairs", fmt::format("{}", cov.entries()), "",
             fmt::format("{:.1f} per demand point, {:.0f} MiB; {} of {} demand points have a candidate",
                         static_cast<double>(cov.entries()) / static_cast<double>(std::max<std::size_t>(1, cov.demands)),
                         static_cast<double>(cov.entries()) * 12.0 / (1024.0 * 1024.0), covered, cov.demands));
    }

    lc::PlacementInput base;
    base.coverage = &cov;
    base.weight = demand.weight;
    base.time_limit_s = o.time_limit_s;
    base.threads = 1;
    // LSCP and p-center need every demand point coverable; cover what can be covered (as
    // a planner would, with --demand-where): those two drop demand without a candidate.
    lc::Coverage cov_ok;
    std::vector<double> weight_ok;
    {
      std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
      std::uint32_t kept = 0;
      for (std::uint32_t d = 0; d < cov.demands; ++d) {
        if (cov.first[d + 1] == cov.first[d]) continue;
        for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e)
          triples.emplace_back(kept, cov.site[e], cov.latency_us[e]);
        weight_ok.push_back(demand.weight[d]);
        ++kept;
      }
      cov_ok = lc::coverage_from_triples(kept, cov.sites, std::move(triples), budget_us);
      figure("uncoverable_dropped", fmt::format("{}", cov.demands - kept), "",
             "demand points without a candidate, left out of LSCP and p-center");
    }
    int lscp_open = 0;
    if (o.has("lscp")) {
      lc::PlacementInput in = base;
      in.problem = lc::Problem::lscp;
      in.k = o.lscp_k;
      in.coverage = &cov_ok;
      in.weight = weight_ok;
      lscp_open = static_cast<int>(solve("lscp", in, model.metric_factor()).open.size());
    }
    if (o.has("mclp")) {
      lc::PlacementInput in = base;
      in.problem = lc::Problem::mclp;
      in.p = o.p;
      solve("mclp", in, model.metric_factor());
      for (int p : o.more_p) {
        in.p = p;
        solve(fmt::format("mclp_p{}", p), in, model.metric_factor());
      }
    }
    if (o.has("pcenter")) {
      lc::PlacementInput in = base;
      in.problem = lc::Problem::pcenter;
      in.coverage = &cov_ok;
      in.weight = weight_ok;
      // As many sites as the cover needs: how low can the worst latency go with them.
      in.p = o.pcenter_p > 0 ? o.pcenter_p : lscp_open > 0 ? lscp_open : o.p;
      figure("pcenter_p", fmt::format("{}", in.p), "sites", o.pcenter_p > 0 ? "--pcenter-p" : lscp_open > 0 ? "as many as LSCP opened" : "--p");
      in.time_limit_s = o.pcenter_time_limit_s;
      solve("pcenter", in, model.metric_factor());
    }
    if (o.has("pmedian")) {
      lc::PlacementInput in = base;
      in.problem = lc::Problem::pmedian;
      in.coverage = &cov_ok;
      in.weight = weight_ok;
      in.p = o.p;
      solve("pmedian", in, model.metric_factor());
    }
    seconds("total", total);
    figure("peak_rss", fmt::format("{:.0f}", peak_rss_mib()), "MiB", "getrusage ru_maxrss");
    print_load("load_end");
  } catch (const std::exception& e) {
    fmt::print(stderr, "lightcone_bench_place: {}\n", e.what());
    return 2;
  }
  return 0;
}
