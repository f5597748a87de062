#!/usr/bin/python3
"""Issue 16's test on a generated medium instance: a plan in parts (N = 1, 2, 5, both
rounds: coverage parts, a solve-only merge, demand parts with the zones' pieces) merges to
a run directory byte-identical to `lightcone plan` (tests/bench/parts_bench.py --check).

The instance (50,000 nodes, 500 sites, 20,199 demand cells) is generated here by the team's
generator, ../shared/tools/gen_instance.py (numpy, scipy, pyproj and GDAL's Python
bindings: tests/run.sh --with-dask installs them); without it the test is skipped (77): a
clone without ../shared has no generator.

usage: parts_medium_check.py LIGHTCONE SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

SKIP = 77


def main():
    lightcone, root, work = sys.argv[1:4]
    gen = os.path.normpath(os.path.join(root, "..", "shared", "tools", "gen_instance.py"))
    if not os.path.exists(gen):
        print(f"skipped: no instance generator at {gen}")
        return SKIP
    for module in ("numpy", "scipy", "pyproj", "osgeo"):
        try:
            __import__(module)
        except ImportError:
            print(f"skipped: the generator needs Python's {module} (tests/run.sh --with-dask installs it)")
            return SKIP
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run(["/usr/bin/python3", gen, "--size", "medium", "--out", work, "--no-csv"], check=True)
    instance = os.path.join(work, "shandong_medium.gpkg")
    bench = os.path.join(root, "tests", "bench", "parts_bench.py")
    r = subprocess.run(["/usr/bin/python3", bench, instance, "--parts", "1,2,5", "--check", "--rounds", "2",
                        "--lightcone", lightcone, "--work", os.path.join(work, "runs")])
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
