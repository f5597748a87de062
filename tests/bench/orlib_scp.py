#!/usr/bin/python3
"""OR-Library set covering instances as lightcone measured-latency tables, and a benchmark.

An OR-Library SCP file (J.E. Beasley, http://people.brunel.ac.uk/~mastjjb/jeb/orlib/scpinfo.html):
    m n
    c_1 ... c_n                          (column costs)
    for each row i: k_i, then the k_i columns that cover row i
becomes the input of `lightcone place --coverage` (weighted set cover = LSCP with costs):
    NAME.coverage.csv  demand_id,site_id,latency_us   one line per (row, column) that covers it,
                                                      latency 0 (any budget keeps every pair)
    NAME.sites.csv     site_id,cost                   every column with its cost (1 with --unicost)
Rows are demand 1..m, columns sites 1..n (the file's numbering).

    orlib_scp.py convert FILE[.xz] OUTDIR [--unicost]
    orlib_scp.py run LIGHTCONE [NAMES...] [--time-limit 600s] [--unicost] [--markdown]
        converts each instance from tests/bench/data/orlib-scp/ into a temporary directory,
        runs `LIGHTCONE place --coverage ... --problem lscp --budget 1ms --json` and prints
        instance, published optimum (or best known), ours, status, bound, gap, wall time.
"""
import json
import lzma
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "orlib-scp")

# Weighted optima. scp4x-scpe: proven optima of Beasley (1987) as listed in OR-Tools'
# ortools/algorithms/set_cover_test.cc ("best_objective", from Caprara, Fischetti, Toth 1999);
# scpnrg / scpnrh: best known values there (not proven optimal). See data/orlib-scp/README.md.
PUBLISHED = {
    "scp41": 429, "scp42": 512, "scp43": 516, "scp44": 494, "scp45": 512,
    "scp46": 560, "scp47": 430, "scp48": 492, "scp49": 641, "scp410": 514,
    "scp51": 253, "scp52": 302, "scp53": 226, "scp54": 242, "scp55": 211,
    "scp56": 213, "scp57": 293, "scp58": 288, "scp59": 279, "scp510": 265,
    "scp61": 138, "scp62": 146, "scp63": 145, "scp64": 131, "scp65": 161,
    "scpa1": 253, "scpa2": 252, "scpa3": 232, "scpa4": 234, "scpa5": 236,
    "scpb1": 69, "scpb2": 76, "scpb3": 80, "scpb4": 79, "scpb5": 72,
    "scpc1": 227, "scpc2": 219, "scpc3": 243, "scpc4": 219, "scpc5": 215,
    "scpd1": 60, "scpd2": 66, "scpd3": 72, "scpd4": 62, "scpd5": 61,
    "scpe1": 5, "scpe2": 5, "scpe3": 5, "scpe4": 5, "scpe5": 5,
    "scpnrg1": 176, "scpnrg2": 154, "scpnrg3": 166, "scpnrg4": 168, "scpnrg5": 168,
    "scpnrh1": 63, "scpnrh2": 63, "scpnrh3": 59, "scpnrh4": 58, "scpnrh5": 55,
}
OPEN = {n for n in PUBLISHED if n.startswith("scpnr")}  # best known, not proven optimal
# Unicost (every cost 1) best known values, as listed by pinam45/USCP
# (src/.../orlibrary.hpp, "BKS", from Kritter, Brévilliers, Lepagnot, Idoumghar, Applied
# Soft Computing 74 (2019) 133-153); not all proven optimal.
UNICOST_BKS = {
    "scp41": 38, "scp42": 37, "scp43": 38, "scp44": 38, "scp45": 38,
    "scp51": 34, "scp61": 21, "scpa1": 38, "scpb1": 22, "scpc1": 40, "scpd1": 24,
    "scpe1": 5, "scpnrg1": 61, "scpnrh1": 34,
}
ORDER = list(PUBLISHED)


def instance_path(name):
    for ext in (".txt", ".txt.xz"):
        p = os.path.join(DATA, name + ext)
        if os.path.exists(p):
            return p
    raise SystemExit(f"no instance {name} in {DATA}")


def read_scp(path):
    """(m, n, costs[n], rows[m] = list of 1-based columns)."""
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rt") as f:
        tokens = f.read().split()
    it = iter(int(t) for t in tokens)
    m, n = next(it), next(it)
    costs = [next(it) for _ in range(n)]
    rows = []
    for _ in range(m):
        k = next(it)
        rows.append([next(it) for _ in range(k)])
    if any(True for _ in it):
        raise SystemExit(f"{path}: trailing data after {m} rows")
    return m, n, costs, rows


def convert(path, outdir, unicost=False):
    name = os.path.basename(path).split(".")[0]
    m, n, costs, rows = read_scp(path)
    cov = os.path.join(outdir, name + ".coverage.csv")
    sites = os.path.join(outdir, name + ".sites.csv")
    with open(cov, "w") as f:
        f.write("demand_id,site_id,latency_us\n")
        for i, cols in enumerate(rows, start=1):
            for j in sorted(set(cols)):
                f.write(f"{i},{j},0\n")
    with open(sites, "w") as f:
        f.write("site_id,cost\n")
        for j, c in enumerate(costs, start=1):
            f.write(f"{j},{1 if unicost else c}\n")
    return name, cov, sites, m, n


def solve(lightcone, cov, sites, time_limit):
    cmd = [lightcone, "place", "--coverage", cov, "--sites", sites, "--cost-field", "cost",
           "--problem", "lscp", "--budget", "1ms", "--time-limit", time_limit, "--json"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    return json.loads(p.stdout), wall


def main(argv):
    if len(argv) >= 3 and argv[0] == "convert":
        name, cov, sites, m, n = convert(argv[1], argv[2], "--unicost" in argv)
        print(f"{name}: {m} rows, {n} columns -> {cov}, {sites}")
        return 0
    if len(argv) >= 2 and argv[0] == "run":
        lightcone = argv[1]
        rest = argv[2:]
        time_limit = "600s"
        if "--time-limit" in rest:
            i = rest.index("--time-limit")
            time_limit = rest[i + 1]
            del rest[i:i + 2]
        unicost = "--unicost" in rest
        markdown = "--markdown" in rest
        names = [a for a in rest if not a.startswith("--")] or ORDER
        if markdown:
            print("| instance | rows x columns | published | ours | status | bound | gap | time (s) |")
            print("|---|---|---|---|---|---|---|---|")
        failures = 0
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                _, cov, sites, m, n = convert(instance_path(name), tmp, unicost)
                j, wall = solve(lightcone, cov, sites, time_limit)
                obj, status = j.get("objective"), j.get("status")
                published = UNICOST_BKS.get(name) if unicost else PUBLISHED.get(name)
                best_known = unicost or name in OPEN
                label = "" if published is None else (f"{published} (best known)" if best_known else str(published))
                bound = j.get("bound")
                gap = j.get("gap")
                ok = published is None or best_known or (status == "optimal" and obj == published)
                failures += not ok
                fmt_num = lambda v: "-" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
                cells = [name, f"{m} x {n}", label or "-", fmt_num(obj), status, fmt_num(bound),
                         "-" if gap is None else f"{100 * gap:.2f} %", f"{wall:.1f}"]
                if markdown:
                    print("| " + " | ".join(cells) + " |", flush=True)
                else:
                    print("  ".join(cells) + ("" if ok else "  MISMATCH"), flush=True)
        return 1 if failures else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
