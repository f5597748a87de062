#!/usr/bin/python3
"""Start-up cost of lightcone on a tiny input (issue 17 item 3: <= 50 ms CPU).

Makes a tiny input from the repository's test data (the Colt backbone of Topology Zoo:
191 straight links, 5 sites at link ends, GeoJSON) and prints the median and minimum CPU
time (user + system, of the child process) over N runs of each command, next to
`lightcone --version`: what the dynamic loader costs before any work (lightcone links
Debian's GDAL, which loads about 120 shared libraries).

usage: tests/bench/startup.py LIGHTCONE [--runs N]
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
lc = sys.argv[1]
runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
zoo = os.path.join(root, "tests", "data", "topology-zoo", "topology_zoo.gpkg")

with tempfile.TemporaryDirectory() as tmp:
    net = os.path.join(tmp, "colt.geojson")
    sites = os.path.join(tmp, "sites.geojson")
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", net, zoo, "-sql", "select * from links where network = 'Colt'"],
                   check=True)
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", sites, zoo, "-dialect", "sqlite", "-sql",
                    "select ST_StartPoint(geom) as geom, fid as site from links where network = 'Colt' limit 5"],
                   check=True)
    out = os.path.join(tmp, "out")
    commands = {
        "version": [lc, "--version"],
        "info": [lc, "info", net],
        "validate": [lc, "validate", "--network", net, "--sites", sites],
        "latency_nodes": [lc, "latency", "--network", net, "--sites", sites, "--out", out + ".csv"],
        "route": [lc, "latency", "--network", net, "--route", "0,51", "2,49"],
        "zones_no_surface": [lc, "zones", "--network", net, "--sites", sites, "--budget", "1ms", "--no-surface",
                             "--out", out + ".gpkg"],
    }
    load = open("/proc/loadavg").read().split()[:3]
    print(f"# start-up CPU on a tiny input (191 lines, 5 sites), {runs} runs each; load average {' '.join(load)}")
    for name, cmd in commands.items():
        cpu = []
        for _ in range(runs):
            for f in (out + ".csv", out + ".gpkg", out + ".summary.json"):
                if os.path.exists(f):
                    os.remove(f)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r.returncode not in (0, 1):
                sys.exit(f"{name}: exit {r.returncode}: {r.stderr}")
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        print(f"startup_{name:<24} {1000 * statistics.median(cpu):8.1f} ms     # CPU, median; min "
              f"{1000 * min(cpu):.1f} ms")
