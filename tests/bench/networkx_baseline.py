#!/usr/bin/python3
"""NetworkX baseline for lightcone_bench's per-site searches, on the same graph in the same run.

usage: /usr/bin/python3 tests/bench/networkx_baseline.py DUMP [--sample N] [--repeat R]

DUMP is what `lightcone_bench INSTANCE --dump DUMP` wrote after its per-site searches:
every arc of the graph lightcone searched (network node ids, one-way latency weight in
µs), the sources (site node and start offset), each budget with lightcone's settled count
per source and its best wall times per thread count (tests/bench/bench_latency.cpp,
write_dump).

For each budget this loads the arcs into a networkx.DiGraph (parallel arcs keep the
lightest: the same shortest paths) and runs, from every source (or from a fixed sample of
--sample sources, every k-th, the time then scaled to all sources),
networkx.single_source_dijkstra_path_length with cutoff = the budget. A source's start
offset is the weight of an arc from one extra node to the site node: the extra node is the
search's origin, so every distance is summed in the same order as lightcone sums it
(offset + w1 + w2 ...) and the settled counts must agree exactly; they are compared per
source and the script exits 1 naming the first sources that differ.

Prints, in lightcone_bench's `key value unit # note` form (tests/bench/run.sh tables them):
  networkx_per_site_<rtt>ms       s   NetworkX wall time for all sources (best of --repeat)
  networkx_settled_<rtt>ms            pairs settled by NetworkX (= lightcone's, or exit 1)
  ratio_vs_networkx_<rtt>ms_<t>t  x   NetworkX time / lightcone's best time on t threads
  ratio_vs_networkx_<rtt>ms_1t_cpu x  the same with CPU time on one thread (NetworkX's
                                      time.process_time, lightcone's process CPU time):
                                      steadier than wall clock when the machine is shared
Timings are wall clock (time.perf_counter) unless named cpu; the load average is printed
with them.
"""
import argparse
import sys
import time

import networkx as nx


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def figure(key, value, unit="", note=""):
    line = f"{key:<32} {value:>14} {unit}"
    if note:
        line = f"{key:<32} {value:>14} {unit:<6} # {note}"
    print(line, flush=True)


def read_dump(path):
    arcs = {}
    sources = []
    budgets = []  # dicts: rtt_ms, budget_us, settled (list), times {threads: s}
    with open(path) as f:
        header = f.readline().split()
        if header != ["lightcone-graph-dump", "1"]:
            sys.exit(f"networkx_baseline.py: {path} is not a lightcone graph dump (version 1)")
        for line in f:
            p = line.split()
            if not p:
                continue
            tag = p[0]
            if tag == "a":
                u, v, w = int(p[1]), int(p[2]), float(p[3])
                old = arcs.get((u, v))
                if old is None or w < old:
                    arcs[(u, v)] = w
            elif tag == "s":
                sources.append((int(p[1]), float(p[2])))
            elif tag == "budget":
                budgets.append({"rtt_ms": p[1], "budget_us": float(p[2]), "settled": [], "times": {}})
            elif tag == "settled":
                budgets[-1]["settled"] = [int(x) for x in p[1:]]
            elif tag == "time":
                budgets[-1]["times"][int(p[1])] = (float(p[2]), float(p[3]))
            elif tag in ("nodes", "arcs", "sources"):
                pass
            else:
                sys.exit(f"networkx_baseline.py: {path}: unknown line '{line.strip()}'")
    return arcs, sources, budgets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("--sample", type=int, default=0,
                    help="run from every k-th source only, N in all (DEFAULT: 0 = every source)")
    ap.add_argument("--repeat", type=int, default=1, help="best of R runs per budget (DEFAULT: 1)")
    a = ap.parse_args()

    t0 = time.perf_counter()
    arcs, sources, budgets = read_dump(a.dump)
    g = nx.DiGraph()
    g.add_weighted_edges_from((u, v, w) for (u, v), w in arcs.items())
    origin = -1  # the extra node; network node ids are >= 0
    g.add_node(origin)
    figure("networkx_load", f"{time.perf_counter() - t0:.4g}", "s",
           f"networkx {nx.__version__}; {g.number_of_nodes() - 1} nodes, {g.number_of_edges()} arcs "
           f"({len(arcs)} after keeping the lightest parallel arc)")

    n = len(sources)
    if a.sample and 0 < a.sample < n:
        step = n / a.sample
        picked = sorted({int(i * step) for i in range(a.sample)})
    else:
        picked = list(range(n))
    scale = n / len(picked)

    failed = False
    for b in budgets:
        tag = f"{float(b['rtt_ms']):g}ms"
        cutoff = b["budget_us"]
        best = None
        best_cpu = None
        counts = None
        for _ in range(max(1, a.repeat)):
            run_counts = []
            start = time.perf_counter()
            start_cpu = time.process_time()
            for i in picked:
                node, offset = sources[i]
                g.add_edge(origin, node, weight=offset)
                dist = nx.single_source_dijkstra_path_length(g, origin, cutoff=cutoff, weight="weight")
                g.remove_edge(origin, node)
                run_counts.append(len(dist) - 1)  # the origin is not a node of the network
            wall = time.perf_counter() - start
            cpu = time.process_time() - start_cpu
            best = wall if best is None else min(best, wall)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
            counts = run_counts
        total_s = best * scale
        total_cpu_s = best_cpu * scale
        nx_pairs = sum(counts)
        lc_pairs = sum(b["settled"][i] for i in picked)
        sample_note = (f"{len(picked)} of {n} sources, time scaled x{scale:.3g}" if scale != 1
                       else f"all {n} sources")
        figure(f"networkx_per_site_{tag}", f"{total_s:.4g}", "s",
               f"best of {max(1, a.repeat)}; cpu {total_cpu_s:.4g} s; {sample_note}; load {load_average()}; "
               f"{best / max(nx_pairs, 1) * 1e9:.0f} ns/settled")
        figure(f"networkx_settled_{tag}", f"{nx_pairs}", "", f"lightcone settled {lc_pairs} from the same sources")
        bad = [(i, c, b["settled"][i]) for i, c in zip(picked, counts) if c != b["settled"][i]]
        if bad:
            failed = True
            figure(f"networkx_check_{tag}", "MISMATCH", "",
                   f"{len(bad)} sources differ, e.g. " +
                   ", ".join(f"source {i}: networkx {c}, lightcone {l}" for i, c, l in bad[:5]))
        for threads, (lc_s, lc_cpu_s) in sorted(b["times"].items()):
            figure(f"ratio_vs_networkx_{tag}_{threads}t", f"{total_s / lc_s:.1f}", "x",
                   f"networkx {total_s:.4g} s / lightcone {lc_s:.4g} s on {threads} thread(s), wall clock")
        if 1 in b["times"]:
            lc_cpu_s = b["times"][1][1]
            figure(f"ratio_vs_networkx_{tag}_1t_cpu", f"{total_cpu_s / lc_cpu_s:.1f}", "x",
                   f"networkx {total_cpu_s:.4g} s / lightcone {lc_cpu_s:.4g} s CPU on 1 thread")
    if failed:
        print("networkx_baseline.py: settled counts differ between NetworkX and lightcone", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
