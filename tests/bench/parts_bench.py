#!/usr/bin/python3
"""A plan in parts against one machine (issue 16): wall time and peak memory.

    tests/bench/parts_bench.py INSTANCE.gpkg [--parts 1,4,16] [--workers 2] [--lightcone BIN]
                               [--problem lscp] [--budget 1ms] [--work DIR] [--check] [--rounds 2]

INSTANCE: a GeoPackage of ../shared/tools/gen_instance.py (layers fibre, sites, demand).
Writes a scenario (placement at the budget, zones at the budget, no surface), runs
`lightcone plan` once (one process, all cores), then for each N: the N parts one after
another (--threads 1 each; each part's wall time and peak RSS), the same N parts on
`--workers` processes at once (the wall time a 2-worker cluster needs), then (--rounds 2,
the default, as cli/lightcone-dask runs it) the solve-only merge and the N demand parts on
`--workers` processes, and the merge.
Prints one table. --check also compares the merged run directory with the single run's
(every file but timings.json) and fails (exit 1) when they differ.
Peak RSS is the child's ru_maxrss (wait4), wall time from time.monotonic().
"""
import argparse
import concurrent.futures
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time

SCENARIO = """name = "parts-bench"
[network]
path = "{path}"
layer = "fibre"
[sites]
path = "{path}"
layer = "sites"
[demand]
path = "{path}"
layer = "demand"
weight_field = "pop"
[model]
metric = "rtt"
[zones]
budgets = ["{budget}"]
[surface]
enabled = false
[placement]
problem = "{problem}"
budget = "{budget}"
uncoverable = "skip"
time_limit = "{time_limit}"
{p}
"""


def run(args):
    """(wall seconds, peak RSS MiB) of one lightcone run; raises on failure."""
    t = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({status}): {err[-2000:]}")
    return time.monotonic() - t, usage.ru_maxrss / 1024.0


def same_run(a, b):
    diffs = []
    for root, _, files in os.walk(a):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), a)
            if rel == "timings.json":
                continue
            other = os.path.join(b, rel)
            if not os.path.exists(other) or not filecmp.cmp(os.path.join(root, f), other, shallow=False):
                diffs.append(rel)
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instance")
    ap.add_argument("--parts", default="1,4,16")
    ap.add_argument("--workers", type=int, default=2)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--lightcone", default=os.path.join(here, "../../build/cli/lightcone"))
    ap.add_argument("--problem", default="lscp")
    ap.add_argument("--p", type=int, default=0)
    ap.add_argument("--budget", default="1ms")
    # The merge's solve starts with the whole limit (its coverage is read, not built), a
    # single run's with what the coverage build left: a short limit keeps both solves alike.
    ap.add_argument("--time-limit", default="5s")
    ap.add_argument("--work", default="/tmp/lightcone-parts-bench")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-single", action="store_true", help="skip the single run (no ratio, no --check)")
    ap.add_argument("--no-parallel", action="store_true", help="skip the parts on --workers processes")
    ap.add_argument("--rounds", type=int, choices=(1, 2), default=1,
                    help="2: a solve-only merge and the demand parts (on --workers) before the merge, "
                         "whose time is in 'total'; 1 (DEFAULT): the coverage parts only, as lightcone-dask")
    a = ap.parse_args()
    binary = os.path.abspath(a.lightcone)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    scenario = os.path.join(a.work, "scenario.toml")
    with open(scenario, "w") as f:
        f.write(SCENARIO.format(path=os.path.abspath(a.instance), budget=a.budget, problem=a.problem,
                                time_limit=a.time_limit, p=f"p = {a.p}" if a.p else ""))
    single = os.path.join(a.work, "single")
    print(f"instance {a.instance}: {a.problem} at {a.budget}; load {os.getloadavg()[0]:.1f}")
    wall = float("nan")
    if not a.no_single:
        wall, rss = run([binary, "plan", scenario, "--out", single])
        with open(os.path.join(single, "timings.json")) as f:
            phases = {p["phase"]: p["seconds"] for p in json.load(f)["phases"]}
        print(f"single plan: {wall:.1f} s wall, peak {rss:.0f} MiB; placement phase {phases.get('placement', 0):.1f} s")
    print(f"{'N':>3} {'part max s':>10} {'part sum s':>10} {'part max MiB':>12} {'halo feat. max':>14} "
          f"{'feat. sum/total':>15} {'parts on ' + str(a.workers) + ' workers s':>22} {'merge s':>8} {'merge MiB':>9} "
          f"{'total s':>8} {'x single':>8}")
    failed = False
    for n in [int(x) for x in a.parts.split(",")]:
        parts = [os.path.join(a.work, f"n{n}", f"part-{i}-of-{n}") for i in range(1, n + 1)]
        os.makedirs(os.path.join(a.work, f"n{n}"))
        one = [run([binary, "plan", scenario, "--parts", str(n), "--part", str(i), "--out", parts[i - 1],
                    "--threads", "1"]) for i in range(1, n + 1)]
        feats = []
        for d in parts:
            with open(os.path.join(d, "part.json")) as f:
                feats.append(json.load(f)["halo"]["network_features_read"])
        parallel = float("nan")
        if not a.no_parallel:
            for d in parts:
                shutil.rmtree(d)
            t = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(a.workers) as pool:
                list(pool.map(lambda i: run([binary, "plan", scenario, "--parts", str(n), "--part", str(i), "--out",
                                             parts[i - 1], "--threads", "1"]), range(1, n + 1)))
            parallel = time.monotonic() - t
        merged = os.path.join(a.work, f"merged{n}")
        round2 = ""
        extra_s = 0.0
        merge_parts = list(parts)
        if a.rounds == 2:
            # The solve here, then the demand parts on the workers.
            solve = os.path.join(a.work, f"n{n}", "solve")
            swall, srss = run([binary, "merge", scenario, *parts, "--solve-only", "--out", solve])
            dparts = [os.path.join(a.work, f"n{n}", f"demand-{i}-of-{n}") for i in range(1, n + 1)]
            t = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(a.workers) as pool:
                dres = list(pool.map(lambda i: run([binary, "plan", scenario, "--parts", str(n), "--part", str(i),
                                                    "--open", solve, "--out", dparts[i - 1], "--threads", "1"]),
                                     range(1, n + 1)))
            dwall = time.monotonic() - t
            extra_s = swall + dwall
            merge_parts += dparts
            round2 = (f"    round 2: solve-only merge {swall:.1f} s ({srss:.0f} MiB), demand parts on {a.workers} "
                      f"workers {dwall:.1f} s (part max {max(w for w, _ in dres):.1f} s, "
                      f"{max(r for _, r in dres):.0f} MiB)")
        mwall, mrss = run([binary, "merge", scenario, *merge_parts, "--out", merged])
        with open(os.path.join(merged, "summary.json")) as f:
            total_features = json.load(f)["network"].get("features_read", 0)
        total = parallel + extra_s + mwall
        print(f"{n:>3} {max(w for w, _ in one):>10.1f} {sum(w for w, _ in one):>10.1f} {max(r for _, r in one):>12.0f} "
              f"{max(feats):>14} {sum(feats) / max(total_features, 1):>15.2f} {parallel:>22.1f} {mwall:>8.1f} "
              f"{mrss:>9.0f} {total:>8.1f} {total / wall:>8.2f}")
        if round2:
            print(round2)
        if a.check and not a.no_single:
            diffs = same_run(single, merged)
            if diffs:
                print(f"    N={n}: merged run differs from the single run: {diffs}")
                failed = True
            else:
                print(f"    N={n}: merged run byte-identical to the single run (timings.json aside)")
        shutil.rmtree(os.path.join(a.work, f"n{n}"))
        shutil.rmtree(merged)
    return 1 if failed else 0


sys.exit(main())
