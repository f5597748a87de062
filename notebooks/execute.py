#!/usr/bin/python3
"""Execute a notebook the way CI does; fail on any error.

    /usr/bin/python3 notebooks/execute.py notebooks/NAME.ipynb [--lightcone BIN]
        [--out-dir DIR] [--shared-data DIR]

1. Checks the stored notebook has no outputs (notebooks are kept without them: clear them
   with `jupyter nbconvert --clear-output --inplace notebooks/NAME.ipynb`). Exit 1 if not.
2. Exit 77 (CTest SKIP_RETURN_CODE) when Jupyter or the Python packages the notebooks use
   are missing: `tests/run.sh --with-qgis` installs jupyter-nbconvert python3-nbclient
   python3-ipykernel python3-geopandas python3-matplotlib (Debian 12).
3. Runs `jupyter nbconvert --to notebook --execute` on it, in notebooks/, with LIGHTCONE,
   LIGHTCONE_NOTEBOOK_OUT (DIR/NAME) and LIGHTCONE_SHARED_DATA set; the executed copy is
   DIR/NAME.ipynb. Exit status: nbconvert's (non-zero when a cell raises).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
NEEDED_MODULES = ["nbclient", "ipykernel", "geopandas", "matplotlib", "pandas", "numpy"]
PACKAGES = "jupyter-nbconvert python3-nbclient python3-ipykernel python3-geopandas " \
           "python3-matplotlib"


def stored_outputs(path):
    """Code cells of the stored notebook that carry outputs or execution counts."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return [i for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code"
            and (c.get("outputs") or c.get("execution_count") is not None)]


def missing_tools():
    missing = []
    if not shutil.which("jupyter", path="/usr/bin") or \
            not shutil.which("jupyter-nbconvert", path="/usr/bin"):
        missing.append("jupyter nbconvert")
    for m in NEEDED_MODULES:
        p = subprocess.run(["/usr/bin/python3", "-c", f"import {m}"], capture_output=True)
        if p.returncode != 0:
            missing.append(f"python module {m}")
    return missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--lightcone", help="binary (sets LIGHTCONE; default: the notebook's own "
                                        "search: LIGHTCONE, PATH, build/cli/lightcone)")
    ap.add_argument("--out-dir", default=os.path.join(os.getcwd(), "notebooks-out"))
    ap.add_argument("--shared-data", help="sets LIGHTCONE_SHARED_DATA")
    ap.add_argument("--timeout", type=int, default=900, help="per cell, seconds")
    args = ap.parse_args()

    nb = os.path.abspath(args.notebook)
    name = os.path.splitext(os.path.basename(nb))[0]
    dirty = stored_outputs(nb)
    if dirty:
        print(f"FAIL: {args.notebook} is stored with outputs (code cells {dirty}); clear them: "
              f"jupyter nbconvert --clear-output --inplace {args.notebook}")
        return 1
    missing = missing_tools()
    if missing:
        print(f"SKIP: {', '.join(missing)} missing; install the Debian packages {PACKAGES} "
              "(tests/run.sh --with-qgis)")
        return SKIP

    out_dir = os.path.abspath(args.out_dir)
    run_out = os.path.join(out_dir, name)
    shutil.rmtree(run_out, ignore_errors=True)
    os.makedirs(run_out)
    env = dict(os.environ)
    env["PATH"] = "/usr/bin:" + env.get("PATH", "")  # Debian's jupyter and python3 first
    env["LIGHTCONE_NOTEBOOK_OUT"] = run_out
    env.pop("MPLBACKEND", None)  # the kernel's inline backend: figures in the executed copy
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warns about frozen modules
    if args.lightcone:
        env["LIGHTCONE"] = os.path.abspath(args.lightcone)
    if args.shared_data:
        env["LIGHTCONE_SHARED_DATA"] = os.path.abspath(args.shared_data)
    cmd = ["/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute", nb,
           "--output-dir", out_dir, "--output", name,
           f"--ExecutePreprocessor.timeout={args.timeout}",
           "--ExecutePreprocessor.kernel_name=python3"]
    print(" ".join(cmd), flush=True)
    t = time.monotonic()
    rc = subprocess.run(cmd, cwd=os.path.dirname(nb), env=env).returncode
    took = time.monotonic() - t
    if rc != 0:
        print(f"FAIL: {name} did not execute cleanly (exit {rc}, {took:.1f} s)")
        return 1
    print(f"ok: {name} executed in {took:.1f} s; executed copy {out_dir}/{name}.ipynb, "
          f"lightcone outputs in {run_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
