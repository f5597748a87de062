#!/usr/bin/python3
"""PostGIS read / write against GeoPackage on a generated instance (issue 15, performance).

usage: postgis_bench.py LIGHTCONE INSTANCE.gpkg [WORK_DIR]
  INSTANCE.gpkg: a gen_instance.py instance (layers fibre, sites, demand), e.g.
  build-bench/instances/shandong_medium.gpkg (tests/bench/run.sh makes it).

Starts a throw-away PostgreSQL 15 + PostGIS cluster (tests/postgis/pg_cluster.py), loads
the instance with ogr2ogr (PG_USE_COPY), then runs one scenario (every site, 1 ms RTT zones,
no surface, no maps of note) twice:
  gpkg:  layers from the GeoPackage, run directory (run.gpkg)
  pg:    layers from PostGIS, the run's layers written into PostGIS ([output] postgis) too
and prints the wall time of reading (the "reading" phase up to the network build) and of
writing the run's layers (run.gpkg in "writing outputs"; the PostGIS schema in its own
phase), taken from lightcone's progress lines on a pseudo-terminal.
"""
import atexit
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "postgis"))
from pg_cluster import Cluster  # noqa: E402

BIN, INSTANCE = sys.argv[1], os.path.abspath(sys.argv[2])
WORK = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="lightcone-pgbench-")
os.makedirs(WORK, exist_ok=True)

SCENARIO = """name = "bench"
[network]
path = {path}
layer = "{prefix}fibre"
[sites]
path = {path}
layer = "{prefix}sites"
[demand]
path = {path}
layer = "{prefix}demand"
weight_field = "pop"
[model]
metric = "rtt"
[zones]
budgets = ["1ms"]
[surface]
enabled = false
{output}
"""


def phases(args):
    """Runs lightcone with stderr on a pseudo-terminal; [(phase, seconds)] and the total."""
    master, slave = pty.openpty()
    start = time.monotonic()
    p = subprocess.Popen([BIN] + args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    marks, buf = [], b""
    while True:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode(errors="replace").strip()
                marks.append((text.split(": ", 1)[-1].rstrip("."), time.monotonic() - start))
        elif p.poll() is not None:
            break
    p.wait()
    end = time.monotonic() - start
    os.close(master)
    if p.returncode != 0:
        raise RuntimeError(f"lightcone {' '.join(args)} failed ({p.returncode}): {marks}")
    out = []
    for i, (name, t) in enumerate(marks):
        out.append((name, (marks[i + 1][1] if i + 1 < len(marks) else end) - t))
    return out, end


def main():
    cluster = Cluster("bench-pw", log_statements=False)
    atexit.register(cluster.stop)
    cluster.psql("CREATE DATABASE gis", db="postgres")
    cluster.psql("CREATE EXTENSION postgis; CREATE SCHEMA src")
    conn = cluster.conn()
    t = time.monotonic()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", "PG:" + conn, INSTANCE, "fibre", "sites", "demand",
                    "-lco", "SCHEMA=src", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-preserve_fid"],
                   check=True, env=dict(os.environ, PG_USE_COPY="YES"))
    print(f"ogr2ogr load into PostGIS: {time.monotonic() - t:.2f} s")
    runs = {}
    for kind in ("gpkg", "pg"):
        scenario = os.path.join(WORK, f"bench-{kind}.toml")
        with open(scenario, "w") as f:
            if kind == "gpkg":
                f.write(SCENARIO.format(path=f'"{INSTANCE}"', prefix="", output=""))
            else:
                f.write(SCENARIO.format(path=f"'PG:\"{conn}\"'", prefix="src.",
                                        output=f"[output]\npostgis = 'PG:\"{conn}\":bench_run'"))
        runs[kind] = phases(["plan", scenario, "--out", os.path.join(WORK, f"run-{kind}")])
    for kind, (ph, total) in runs.items():
        print(f"{kind}: total {total:.2f} s; " + "; ".join(f"{n} {s:.2f} s" for n, s in ph))
    counts = cluster.psql("SELECT string_agg(table_name || '=' || (xpath('/row/c/text()', "
                          "query_to_xml('SELECT count(*) AS c FROM bench_run.' || table_name, false, true, '')))[1]::text, ' ') "
                          "FROM information_schema.tables WHERE table_schema = 'bench_run'")
    print("PostGIS bench_run rows:", counts)


main()
