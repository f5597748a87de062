// lightcone_bench: end-to-end timings of the latency pipeline on one planning instance
// (../shared/tools/gen_instance.py output: layers fibre, sites, demand), wired the way
// the CLI wires it (cli/common.cpp: read → build_network → attach + split sites →
// components → SegmentIndex → Graph → searches). Default LatencyModel (n = 1.4682,
// RTT metric); budgets are RTT, so a search's one-way budget is RTT / 2.
//
// Prints one line per figure: `key value unit  # note`. Keys are stable so
// tests/bench/run.sh can put several instances side by side. Times are wall clock
// (steady_clock); `cpu` notes are process CPU time over the same interval, so
// cpu / wall shows how many cores were busy. The load average is printed at start and
// end because the machine may be shared.
//
// Each timed section also prints its peak resident memory (`key wall s rss MiB`): VmHWM,
// reset at the start of the section (bench_util.hpp). Per-site searches are timed best of
// --repeat runs. With --dump FILE the graph the searches ran on (every arc with its
// weight), the sources, the budgets, lightcone's settled count per site and its best
// times are written for tests/bench/networkx_baseline.py, which runs NetworkX on the same
// instance in the same run and prints the ratios (tests/bench/README.md).
//
// With --gbench, Google Benchmark then runs per-query microbenchmarks on the loaded
// instance (one bounded search, one point evaluation, one all-node search); any
// --benchmark_* flags after it are passed to Google Benchmark.
#include <benchmark/benchmark.h>
#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "bench_util.hpp"
#include "core/error.hpp"
#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"

namespace lc = lightcone;

namespace {

using namespace lightcone::bench;


void seconds(const std::string& key, const Stopwatch& w, const std::string& note = {}) {
  const double wall = w.wall();
  const double cpu = w.cpu();
  timed_figure(key, wall, fmt::format("cpu {:.3f} s{}{}", cpu, note.empty() ? "" : "; ", note));
}
void count(const std::string& key, std::size_t n, const std::string& note = {}) {
  figure(key, fmt::format("{}", n), "", note);
}

struct Options {
  std::string instance;
  std::vector<unsigned> threads{1, 2};
  std::vector<double> rtt_ms{1.0, 3.0};
  std::string sections = "nearest,fixed,per_site,points";
  unsigned repeat = 3;  // per-site searches: best of this many runs
  std::string dump;     // --dump FILE: graph, sources, budgets, counts, times for networkx_baseline.py
  bool has(const std::string& section) const { return ("," + sections + ",").find("," + section + ",") != std::string::npos; }
  bool gbench = false;
  std::vector<char*> gbench_args;  // argv[0] + flags for Google Benchmark
};

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

[[noreturn]] void usage(const char* argv0, int code) {
  fmt::print(code ? stderr : stdout,
             "usage: {} INSTANCE.gpkg [--threads 1,2] [--rtt-ms 1,3] [--sections LIST] [--repeat N] [--dump FILE]\n"
             "       [--gbench [--benchmark_...]]\n"
             "  INSTANCE.gpkg  gen_instance.py output (layers fibre, sites, demand)\n"
             "  --threads      thread counts for per-site searches and point latency (DEFAULT: 1,2)\n"
             "  --rtt-ms       RTT budgets of the per-site searches, ms (DEFAULT: 1,3)\n"
             "  --sections     what to time after loading: nearest,fixed,per_site,points (DEFAULT: all)\n"
             "  --repeat       per-site searches: best of N runs (DEFAULT: 3)\n"
             "  --dump         write the searched graph, sources, budgets, settled counts and times to FILE\n"
             "                 for tests/bench/networkx_baseline.py (needs the per_site section)\n"
             "  --gbench       afterwards run Google Benchmark microbenchmarks on the instance\n",
             argv0);
  std::exit(code);
}

Options parse_args(int argc, char** argv) {
  Options o;
  o.gbench_args.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (o.gbench) {
      o.gbench_args.push_back(argv[i]);
    } else if (a == "-h" || a == "--help") {
      usage(argv[0], 0);
    } else if ((a == "--threads" || a == "--rtt-ms") && i + 1 < argc) {
      try {
        const std::vector<double> v = parse_list(argv[++i]);
        if (a == "--rtt-ms") {
          o.rtt_ms = v;
        } else {
          o.threads.clear();
          for (double t : v) o.threads.push_back(static_cast<unsigned>(std::max(1.0, t)));
        }
      } catch (const std::exception&) {
        usage(argv[0], 2);
      }
    } else if (a == "--repeat" && i + 1 < argc) {
      try {
        o.repeat = static_cast<unsigned>(std::max(1, std::stoi(argv[++i])));
      } catch (const std::exception&) {
        usage(argv[0], 2);
      }
    } else if (a == "--dump" && i + 1 < argc) {
      o.dump = argv[++i];
    } else if (a == "--sections" && i + 1 < argc) {
      o.sections = argv[++i];
    } else if (a == "--gbench") {
      o.gbench = true;
    } else if (!a.empty() && a[0] != '-' && o.instance.empty()) {
      o.instance = a;
    } else {
      usage(argv[0], 2);
    }
  }
  if (o.instance.empty()) usage(argv[0], 2);
  return o;
}

// The loaded instance, everything the searches need.
struct Instance {
  lc::LatencyModel model;
  lc::LineLayer lines;
  lc::PointLayer sites;
  lc::PointLayer demand;
  lc::Network net;
  lc::BuildReport report;
  std::vector<lc::Source> sources;
  std::unique_ptr<lc::SegmentIndex> index;
  std::unique_ptr<lc::Graph> graph;
};

void load(const Options& o, Instance& I) {
  Stopwatch total;
  {
    Stopwatch w;
    I.lines = lc::read_lines(lc::LayerSpec{o.instance, "fibre"}, lc::ReadOptions{}, lc::LineFields{});
    seconds("read_fibre", w, fmt::format("GDAL, {} lines, {} vertices", I.lines.lines.lines(),
                                         I.lines.lines.coords.size()));
  }
  {
    Stopwatch w;
    I.sites = lc::read_points(lc::LayerSpec{o.instance, "sites"}, lc::ReadOptions{}, lc::PointFields{});
    I.demand = lc::read_points(lc::LayerSpec{o.instance, "demand"}, lc::ReadOptions{}, lc::PointFields{});
    seconds("read_sites_demand", w, fmt::format("GDAL, {} sites, {} demand points", I.sites.pos.size(),
                                                I.demand.pos.size()));
  }
  Stopwatch build_total;
  {
    Stopwatch w;
    I.net = lc::build_network(I.lines.lines, I.model, lc::BuildOptions{}, &I.report);
    seconds("build_network", w, fmt::format("{} nodes, {} edges", I.net.nodes(), I.net.edges()));
  }
  std::vector<lc::Attachment> attach(I.sites.pos.size());
  std::vector<lc::NodeId> site_node;
  {
    Stopwatch w;
    const lc::SegmentIndex pre(I.net);
    seconds("attach_index", w, fmt::format("SegmentIndex before split, {} pieces", pre.pieces()));
    Stopwatch a;
    std::vector<std::uint32_t> scratch;
    for (std::size_t i = 0; i < attach.size(); ++i)
      attach[i] = lc::attach_point(pre, I.sites.pos[i], I.model.max_access.value, scratch);
    seconds("attach_sites", a, fmt::format("attach_point x {}", attach.size()));
  }
  {
    Stopwatch w;
    site_node = lc::split_at(I.net, attach);
    seconds("split_at_sites", w, fmt::format("now {} nodes, {} edges", I.net.nodes(), I.net.edges()));
  }
  {
    Stopwatch w;
    I.report.node_component = lc::connected_components(I.net, &I.report.components);
    seconds("components", w,
            fmt::format("{} components, largest {} nodes", I.report.components.size(),
                        I.report.components.empty() ? 0 : I.report.components.front()));
  }
  const lc::AccessCost access(I.model);
  for (std::size_t i = 0; i < site_node.size(); ++i) {
    if (site_node[i] == lc::kNone) continue;
    const double entry = std::isnan(I.sites.entry_delay_us[i]) ? I.model.site_delay.value : I.sites.entry_delay_us[i];
    I.sources.push_back(lc::Source{site_node[i], entry + access.us_per_m * attach[i].distance_m});
  }
  {
    Stopwatch w;
    I.index = std::make_unique<lc::SegmentIndex>(I.net);
    seconds("segment_index", w, fmt::format("SegmentIndex after split, {} pieces", I.index->pieces()));
  }
  {
    Stopwatch w;
    I.graph = std::make_unique<lc::Graph>(I.net);
    seconds("graph_csr", w, fmt::format("{} arcs", I.graph->arcs()));
  }
  seconds("build_total", build_total, "build_network .. graph_csr, without reading");
  seconds("load_total", total, "read + build_total");
}

void run_nearest(const Instance& I, lc::NodeLatencies& out) {
  Stopwatch w;
  out = lc::nearest_source_latency(*I.graph, I.sources);
  const double wall = w.wall();
  const double cpu = w.cpu();
  std::size_t reached = 0;
  double max_us = 0;
  for (double v : out.us)
    if (v != lc::kUnreached) {
      ++reached;
      max_us = std::max(max_us, v);
    }
  timed_figure("nearest_site_all_nodes", wall,
         fmt::format("cpu {:.3f} s; one search from {} sites; {} of {} nodes reached, max {:.1f} us RTT", cpu,
                     I.sources.size(), reached, out.us.size(), max_us * I.model.metric_factor()));
}

// Per-search fixed cost: every site with a zero budget, so a search settles (almost)
// only its own node. Work proportional to the graph size shows up here.
void run_fixed_cost(const Instance& I) {
  std::vector<lc::Source> at_node;
  for (const lc::Source& s : I.sources) at_node.push_back(lc::Source{s.node, 0.0});
  std::atomic<std::size_t> settled{0};
  Stopwatch w;
  lc::for_each_source(*I.graph, at_node, 0.0, 1, [&](std::size_t, const lc::Search& s) {
    settled += s.reached().size();
  });
  const double wall = w.wall();
  figure("search_fixed_cost", fmt::format("{:.1f}", wall / static_cast<double>(std::max<std::size_t>(1, at_node.size())) * 1e6),
         "us", fmt::format("per search with budget 0 ({} searches, {} settled, 1 thread)", at_node.size(),
                           settled.load()));
}

// What one budget's per-site searches found and took (for --dump).
struct PerSiteResult {
  double rtt_ms = 0;
  double budget_us = 0;
  std::vector<std::uint64_t> settled;             // per source, reached().size()
  std::vector<std::tuple<unsigned, double, double>> best;  // threads, best wall s, least cpu s
};

PerSiteResult run_per_site(const Instance& I, const Options& o, double rtt_ms) {
  const double budget_us = rtt_ms * 1000.0 / I.model.metric_factor();
  const std::string tag = fmt::format("{:g}ms", rtt_ms);
  const std::size_t ns = I.sources.size();
  PerSiteResult result{rtt_ms, budget_us, {}, {}};
  std::vector<std::uint64_t>& first = result.settled;
  // Best of o.repeat runs of every site's search on `threads` threads, keeping `results`.
  struct Timing {
    double best_wall = 0, best_cpu = 0, worst_wall = 0, least_cpu = 0;
    std::uint64_t total = 0;
    std::size_t tie_reruns = 0;
    bool mismatch = false;
  };
  auto time_searches = [&](unsigned threads, lc::SearchResults results) {
    Timing t;
    for (unsigned rep = 0; rep < o.repeat; ++rep) {
      std::vector<std::uint64_t> settled(ns, 0);  // one writer per index: no sync needed
      std::vector<char> reran(ns, 0);
      Stopwatch w;
      lc::for_each_source(
          *I.graph, I.sources, budget_us, threads,
          [&](std::size_t i, const lc::Search& s) {
            settled[i] = s.reached().size();
            // Did this run meet a tie (Search::tie_reruns grew since this worker's last run)?
            thread_local const lc::Search* last_search = nullptr;
            thread_local std::uint64_t last_reruns = 0;
            if (last_search != &s) last_reruns = 0;  // a new worker's query object
            reran[i] = s.tie_reruns() != last_reruns;
            last_search = &s;
            last_reruns = s.tie_reruns();
          },
          results);
      const double wall = w.wall();
      const double cpu = w.cpu();
      if (rep == 0 || wall < t.best_wall) {
        t.best_wall = wall;
        t.best_cpu = cpu;
      }
      t.worst_wall = std::max(t.worst_wall, wall);
      t.least_cpu = rep == 0 ? cpu : std::min(t.least_cpu, cpu);
      t.total = std::accumulate(settled.begin(), settled.end(), std::uint64_t{0});
      t.tie_reruns = static_cast<std::size_t>(std::count(reran.begin(), reran.end(), 1));
      if (first.empty()) first = settled;
      else if (settled != first) t.mismatch = true;
    }
    return t;
  };
  for (unsigned threads : o.threads) {
    // Latencies only (Search::run_latencies, as the coverage build runs them): what
    // NetworkX's single_source_dijkstra with a cutoff gives too.
    const Timing t = time_searches(threads, lc::SearchResults::latencies);
    timed_figure(fmt::format("per_site_{}_rtt_{}t", tag, threads), t.best_wall,
                 fmt::format("best of {} (worst {:.4g} s); cpu {:.3f} s; {} searches, latencies only, "
                             "budget {:g} us one-way; {:.2f} M settled/s, {:.0f} ns cpu/settled",
                             o.repeat, t.worst_wall, t.best_cpu, ns, budget_us,
                             static_cast<double>(t.total) / t.best_wall * 1e-6,
                             t.best_cpu / static_cast<double>(std::max<std::uint64_t>(t.total, 1)) * 1e9));
    result.best.emplace_back(threads, t.best_wall, t.least_cpu);
    bool mismatch = t.mismatch;
    if (threads == o.threads.front()) {
      const std::uint64_t max = ns ? *std::max_element(first.begin(), first.end()) : 0;
      count(fmt::format("per_site_{}_settled_total", tag), t.total);
      figure(fmt::format("per_site_{}_settled_mean", tag),
             fmt::format("{:.0f}", ns ? static_cast<double>(t.total) / static_cast<double>(ns) : 0.0), "nodes",
             fmt::format("per site; max {} = {:.1f}% of the graph", max,
                         100.0 * static_cast<double>(max) / static_cast<double>(I.graph->nodes())));
      // The same searches keeping settle order, sources and predecessors (Search::run).
      const Timing ordered = time_searches(threads, lc::SearchResults::ordered_tree);
      mismatch = mismatch || ordered.mismatch;
      timed_figure(fmt::format("per_site_{}_ordered_{}t", tag, threads), ordered.best_wall,
                   fmt::format("best of {}; cpu {:.3f} s; settle order, sources and predecessors kept ({} met "
                               "a tie: exact rerun); {:.0f} ns cpu/settled",
                               o.repeat, ordered.best_cpu, ordered.tie_reruns,
                               ordered.best_cpu / static_cast<double>(std::max<std::uint64_t>(ordered.total, 1)) * 1e9));
    }
    if (mismatch) {
      figure(fmt::format("per_site_{}_rtt_{}t_check", tag, threads), "MISMATCH", "",
             "settled counts differ between runs, thread counts or sweeps");
    }
  }
  return result;
}

// The searched graph and lightcone's results, as text for networkx_baseline.py. Numbers
// are written in the shortest form that reads back to the same double.
//   lightcone-graph-dump 1
//   nodes N / arcs M / sources S
//   a TAIL HEAD WEIGHT_US      (M lines, network node ids, in search order)
//   s NODE OFFSET_US           (S lines; the per-site searches run from each alone)
//   budget RTT_MS BUDGET_US    then `settled C0 C1 ...` (per source) and
//   time THREADS BEST_WALL_S LEAST_CPU_S   (one per thread count; CPU: the process's)
void write_dump(const std::string& path, const Instance& I, const std::vector<PerSiteResult>& results) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  const lc::Graph::ArcList arcs = I.graph->arc_list();
  fmt::print(f, "lightcone-graph-dump 1\nnodes {}\narcs {}\nsources {}\n", I.graph->nodes(), arcs.tail.size(),
             I.sources.size());
  for (std::size_t a = 0; a < arcs.tail.size(); ++a) fmt::print(f, "a {} {} {}\n", arcs.tail[a], arcs.head[a], arcs.weight_us[a]);
  for (const lc::Source& src : I.sources) fmt::print(f, "s {} {}\n", src.node, src.offset_us);
  for (const PerSiteResult& r : results) {
    fmt::print(f, "budget {} {}\nsettled", r.rtt_ms, r.budget_us);
    for (std::uint64_t c : r.settled) fmt::print(f, " {}", c);
    fmt::print(f, "\n");
    for (const auto& [threads, wall, cpu] : r.best) fmt::print(f, "time {} {} {}\n", threads, wall, cpu);
  }
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
}

void run_points(const Instance& I, const Options& o, const lc::NodeLatencies& nodes) {
  const std::size_t n = I.demand.pos.size();
  for (unsigned threads : o.threads) {
    std::vector<double> latency(n, lc::kUnreached);
    Stopwatch w;
    auto work = [&](unsigned part) {
      lc::PointLatencyQuery q(I.net, *I.index, I.model, lc::AccessFrom::edges);
      for (std::size_t i = part; i < n; i += threads)
        latency[i] = q.evaluate(I.demand.pos[i], nodes.us, nodes.source).latency_us;
    };
    {
      std::vector<std::jthread> pool;
      for (unsigned part = 1; part < threads; ++part) pool.emplace_back(work, part);
      work(0);
    }
    const double wall = w.wall();
    const double cpu = w.cpu();
    const std::size_t reached = static_cast<std::size_t>(
        std::count_if(latency.begin(), latency.end(), [](double v) { return v != lc::kUnreached; }));
    timed_figure(fmt::format("point_latency_{}t", threads), wall,
           fmt::format("cpu {:.3f} s; {} demand points ({:.1f} us each), {} reached", cpu, n,
                       n ? wall / static_cast<double>(n) * 1e6 : 0.0, reached));
  }
}

void register_gbench(const Instance& I, const lc::NodeLatencies& nodes) {
  for (double rtt_ms : {1.0, 3.0}) {
    const double budget_us = rtt_ms * 1000.0 / I.model.metric_factor();
    benchmark::RegisterBenchmark(fmt::format("bounded_search/rtt_ms:{:g}", rtt_ms).c_str(),
                                 [&I, budget_us](benchmark::State& state) {
                                   lc::Search search(*I.graph);
                                   std::size_t i = 0, settled = 0;
                                   for (auto _ : state) {
                                     search.run(std::span(I.sources).subspan(i, 1), budget_us);
                                     settled += search.reached().size();
                                     i = (i + 7) % I.sources.size();  // spread over the province
                                   }
                                   state.counters["settled"] = benchmark::Counter(
                                       static_cast<double>(settled), benchmark::Counter::kAvgIterations);
                                   state.counters["settled/s"] = benchmark::Counter(
                                       static_cast<double>(settled), benchmark::Counter::kIsRate);
                                 })
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("nearest_site_all_nodes", [&I](benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(lc::nearest_source_latency(*I.graph, I.sources));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("point_latency", [&I, &nodes](benchmark::State& state) {
    lc::PointLatencyQuery q(I.net, *I.index, I.model, lc::AccessFrom::edges);
    std::size_t i = 0;
    for (auto _ : state) {
      benchmark::DoNotOptimize(q.evaluate(I.demand.pos[i], nodes.us, nodes.source));
      i = (i + 7919) % I.demand.pos.size();  // spread over the province
    }
  })->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_args(argc, argv);
  try {
    Instance I;
    fmt::print("# instance {}\n# model {}\n", o.instance, I.model.describe());
    print_load("load_start");
    reset_peak_rss();
    load(o, I);
    count("nodes", I.net.nodes(), "after splitting at sites");
    count("edges", I.net.edges(), "after splitting at sites");
    count("sites", I.sites.pos.size(), fmt::format("{} attached as sources", I.sources.size()));
    count("demand_points", I.demand.pos.size());
    if (I.sources.empty()) throw lc::InputError("no site of " + o.instance + " lies within max access of the network.");

    lc::NodeLatencies nodes;
    run_nearest(I, nodes);  // always: point latency needs it
    if (o.has("fixed")) run_fixed_cost(I);
    std::vector<PerSiteResult> per_site;
    if (o.has("per_site"))
      for (double rtt : o.rtt_ms) per_site.push_back(run_per_site(I, o, rtt));
    if (!o.dump.empty()) {
      if (per_site.empty()) throw std::runtime_error("--dump needs the per_site section");
      write_dump(o.dump, I, per_site);
    }
    if (o.has("points")) run_points(I, o, nodes);
    figure("peak_rss", fmt::format("{:.0f}", peak_rss_mib()), "MiB", "getrusage ru_maxrss");
    print_load("load_end");

    if (o.gbench) {
      register_gbench(I, nodes);
      int gargc = static_cast<int>(o.gbench_args.size());
      benchmark::Initialize(&gargc, o.gbench_args.data());
      benchmark::RunSpecifiedBenchmarks();
      benchmark::Shutdown();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "lightcone_bench: {}\n", e.what());
    return 2;
  }
  return 0;
}
