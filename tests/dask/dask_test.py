#!/usr/bin/python3
"""cli/lightcone-dask on a real Dask distributed cluster (issue 16 item 2).

  equal    `lightcone-dask plan tests/data/parts/sample_mclp.toml --parts 3 --rounds 2` (the sample with
           a placement: parts split the placement's coverage; data/qingdao.toml has none) on
           its own LocalCluster (2 workers) gives the run directory of `lightcone plan` of
           the same scenario on one machine: the same files, byte for byte, except
           timings.json (wall times: the one file that differs between identical runs,
           README); every part of both rounds (coverage, then demand evaluation after the
           solve-only merge) is reported started and done, none retried; the parts are
           DIR.parts/part-I-of-3 and DIR.parts/demand-I-of-3, the open sites DIR.parts/solve-3.
  kill     a LocalCluster started and stopped here (2 workers, 127.0.0.1, the scheduler on a
           free port) runs `lightcone-dask plan ... --parts 4 --threads 1 --scheduler ...` on
           the same scenario with 16 times the demand (each sample cell as a 4 x 4 grid of
           points, so that a part runs long enough, ~0.7 s, to be caught);
           the lightcone process of part 2 is found in /proc and killed with SIGKILL while
           it runs, then the worker process running part 3 (whose lightcone must die with
           it); the driver reports both failures (signal 9; the worker died) and the retries,
           exits 0, and the result equals the single-machine run byte for byte.
  badinput a missing scenario, and a scenario without [placement] (nothing to split):
           exit 2 with lightcone's own message (the line `lightcone plan` prints for part 1),
           no part retried, no run directory; usage errors exit 2 before any cluster starts.

The single-machine run is the oracle: it does not go through parts or merge.
usage: dask_test.py LIGHTCONE_BINARY SOURCE_DIR WORK_DIR CASE   (exit 77 = skipped: no
python3-distributed (tests/run.sh --with-dask installs it), or a lightcone without `merge`)
"""
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

SKIP = 77
PROG = "lightcone-dask"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def skip(why):
    print("skipped:", why, flush=True)
    sys.exit(SKIP)


def files_under(d):
    out = []
    for root, _, files in os.walk(d):
        out += [os.path.relpath(os.path.join(root, f), d) for f in files]
    return sorted(out)


def compare_runs(single, parts_run, what):
    """Every file of the two run directories byte-identical, timings.json aside."""
    a, b = files_under(single), files_under(parts_run)
    if a != b:
        fail(f"{what}: the files differ: only in the single run {sorted(set(a) - set(b))}, "
             f"only in the merged run {sorted(set(b) - set(a))}")
    compared = 0
    for rel in sorted(set(a) & set(b)):
        if rel == "timings.json":
            continue
        with open(os.path.join(single, rel), "rb") as f1, open(os.path.join(parts_run, rel), "rb") as f2:
            if f1.read() != f2.read():
                fail(f"{what}: {rel} differs from the single-machine run's")
        compared += 1
    if compared < 5:
        fail(f"{what}: only {compared} files compared (expected run.gpkg, summary.json, manifest.json, ...)")
    print(f"{what}: {compared} files byte-identical to the single-machine run (timings.json excluded)", flush=True)


def single_run(binary, scenario, out):
    t0 = time.monotonic()
    r = subprocess.run([binary, "plan", scenario, "--out", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        fail(f"lightcone plan {scenario}: exit {r.returncode}: {r.stderr[-2000:]}")
        sys.exit(1)
    print(f"single-machine plan: {time.monotonic() - t0:.1f} s", flush=True)


def driver(src, args, timeout=600):
    t0 = time.monotonic()
    r = subprocess.run([os.path.join(src, "cli", "lightcone-dask")] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    print(f"lightcone-dask {' '.join(args[:1])} ...: exit {r.returncode} in {time.monotonic() - t0:.1f} s", flush=True)
    return r


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lightcone_of_part(binary, part_dir):
    """PID of the lightcone process (not its helper) whose --out is part_dir, or None."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        argv = [x.decode("utf-8", "replace") for x in argv if x]
        if argv and argv[0].startswith("/usr/bin/") and len(argv) > 1 and argv[1] == binary:
            argv = argv[1:]  # a lightcone that is a script (its interpreter first)
        if len(argv) > 2 and os.path.realpath(argv[0]) == binary and argv[1] == "plan" \
                and "--out" in argv and argv[argv.index("--out") + 1] == part_dir:
            return int(pid)
    return None


def case_equal(binary, src, work):
    scenario = os.path.join(src, "tests", "data", "parts", "sample_mclp.toml")
    single_run(binary, scenario, os.path.join(work, "single"))
    out = os.path.join(work, "dask")
    r = driver(src, ["plan", scenario, "--parts", "3", "--out", out, "--lightcone", binary, "--workers", "2",
                     "--rounds", "2"])
    print(r.stderr, flush=True)
    if r.returncode != 0:
        fail(f"lightcone-dask plan --parts 3: exit {r.returncode}")
        return
    for i in (1, 2, 3):
        for what, name in (("part", "part"), ("demand part", "demand")):
            if f"\n{PROG}: {what} {i}/3 started on tcp://127.0.0.1:" not in "\n" + r.stderr:
                fail(f"no start line for {what} {i} (with its worker's address) on stderr")
            if f"\n{PROG}: {what} {i}/3 done in " not in "\n" + r.stderr:
                fail(f"no done line for {what} {i} on stderr")
            if not os.path.isdir(os.path.join(out + ".parts", f"{name}-{i}-of-3")):
                fail(f"no part directory {out}.parts/{name}-{i}-of-3")
    if not os.path.isfile(os.path.join(out + ".parts", "solve-3", "open_sites.json")):
        fail(f"no solve-only merge in {out}.parts/solve-3")
    if "retrying" in r.stderr or "failed" in r.stderr:
        fail("a part failed or was retried in a run without faults")
    compare_runs(os.path.join(work, "single"), out, "3 parts on a LocalCluster")


def dense_sample(src, work, side=4):
    """tests/data/parts/sample_mclp.toml on a copy of the sample whose demand cells are each
    side x side points (the cell's population shared among them); returns the scenario."""
    from osgeo import ogr

    ogr.UseExceptions()
    sample = ogr.Open(os.path.join(src, "data", "shandong_sample.gpkg"))
    gpkg = os.path.join(work, "dense_sample.gpkg")
    dense = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)
    for name in ("fibre", "sites", "qingdao"):
        dense.CopyLayer(sample.GetLayerByName(name), name)
    demand = sample.GetLayerByName("demand")
    layer = dense.CreateLayer("demand", demand.GetSpatialRef(), ogr.wkbPoint)
    layer.CreateField(ogr.FieldDefn("pop", ogr.OFTReal))
    layer.StartTransaction()
    for cell in demand:
        x, y = cell.GetGeometryRef().GetX(), cell.GetGeometryRef().GetY()
        step = cell.GetField("cell_km") / side / 111.0  # degrees, roughly
        for i in range(side):
            for j in range(side):
                f = ogr.Feature(layer.GetLayerDefn())
                f.SetField("pop", cell.GetField("pop") / (side * side))
                point = ogr.Geometry(ogr.wkbPoint)
                point.AddPoint_2D(x + (i - (side - 1) / 2) * step, y + (j - (side - 1) / 2) * step)
                f.SetGeometry(point)
                layer.CreateFeature(f)
    layer.CommitTransaction()
    dense = None  # closes the GeoPackage
    with open(os.path.join(src, "tests", "data", "parts", "sample_mclp.toml")) as f:
        text = f.read().replace("../../../data/shandong_sample.gpkg", "dense_sample.gpkg")
    scenario = os.path.join(work, "dense_sample.toml")
    with open(scenario, "w") as f:
        f.write(text)
    return scenario


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def running(pid):
    """Alive and not a zombie (an orphan may wait a while for its reaper)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except OSError:
        return False


def case_kill(binary, src, work):
    import dask
    from distributed import LocalCluster

    scenario = dense_sample(src, work)
    single_run(binary, scenario, os.path.join(work, "single"))
    out = os.path.join(work, "dask")
    port = free_port()
    # As the driver sets for its own LocalCluster: a dead worker fails its part at once (the
    # driver retries it, not the scheduler), one part per worker at a time.
    dask.config.set({"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0})
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           scheduler_port=port, dashboard_address="127.0.0.1:0", silence_logs=40)
    # Part 2: its lightcone is killed (SIGKILL). Part 3: its worker process is killed; its
    # lightcone must die with it.
    targets = [(2, "lightcone"), (3, "worker")]
    done = []
    orphan = None
    try:
        errors = open(os.path.join(work, "driver.stderr"), "w+")
        t0 = time.monotonic()
        proc = subprocess.Popen([os.path.join(src, "cli", "lightcone-dask"), "plan", scenario, "--parts", "4",
                                 "--out", out, "--lightcone", binary, "--threads", "1",
                                 "--scheduler", f"tcp://127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=errors, text=True)
        while proc.poll() is None and targets and time.monotonic() - t0 < 300:
            part, what = targets[0]
            pid = lightcone_of_part(binary, os.path.join(out + ".parts", f"part-{part}-of-4"))
            if pid is None:
                time.sleep(0.005)
                continue
            time.sleep(0.05)  # into its run, past start-up
            helper = parent_of(pid)
            victim = pid if what == "lightcone" else parent_of(helper) if helper else None
            try:
                if victim is None or not running(pid):
                    raise ProcessLookupError
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                fail(f"part {part}'s lightcone ended before it could be killed: the parts are too quick for "
                     "this test (use a scenario with more demand)")
                break
            print(f"killed the {what} (pid {victim}) of part {part} of 4 at {time.monotonic() - t0:.2f} s",
                  flush=True)
            done.append(part)
            targets.pop(0)
            if what == "worker":
                orphan = pid
                deadline = time.monotonic() + 10
                while running(orphan) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if running(orphan):
                    fail(f"part {part}'s lightcone (pid {orphan}) still runs 10 s after its worker died")
        try:
            code = proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
            fail("lightcone-dask did not finish within 600 s")
        print(f"lightcone-dask plan --parts 4 --scheduler: exit {code} in {time.monotonic() - t0:.1f} s", flush=True)
        errors.seek(0)
        stderr = errors.read()
        print(stderr, flush=True)
    finally:
        cluster.close()
    if done != [2, 3]:
        fail(f"killed parts {done}, expected part 2's lightcone and part 3's worker")
        return
    if code != 0:
        fail(f"exit {code} after a killed part and a killed worker (expected 0: both parts are retried)")
    if "part 2/4 failed on tcp://127.0.0.1:" not in stderr or "killed by signal 9 (SIGKILL)" not in stderr:
        fail("stderr does not report part 2's failure with signal 9 and its worker")
    if "part 3/4 failed on tcp://127.0.0.1:" not in stderr or "the worker died" not in stderr:
        fail("stderr does not report part 3's failure (its worker died) and the worker")
    for part in (2, 3):
        if f"part {part}/4 retrying (attempt 2 of 3)" not in stderr:
            fail(f"stderr does not report the retry of part {part}")
        if f"part {part}/4 started on tcp://127.0.0.1:" not in stderr.split(f"part {part}/4 retrying")[-1]:
            fail(f"no start line for part {part}'s second attempt")
        if f"part {part}/4 done in " not in stderr:
            fail(f"no done line for part {part}")
    for i in (1, 4):
        if f"part {i}/4 failed" in stderr:
            fail(f"part {i} failed too (only parts 2 and 3 were hit)")
    if code == 0:
        compare_runs(os.path.join(work, "single"), out, "4 parts, part 2's lightcone and part 3's worker killed")


def case_badinput(binary, src, work):
    out = os.path.join(work, "dask")
    for scenario, what in ((os.path.join(work, "no-such-scenario.toml"), "a missing scenario"),
                           (os.path.join(src, "data", "qingdao.toml"), "a scenario without [placement]")):
        direct = subprocess.run([binary, "plan", scenario, "--parts", "3", "--part", "1",
                                 "--out", os.path.join(work, "direct")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if direct.returncode != 2 or not direct.stderr.strip():
            fail(f"lightcone plan --parts 3 --part 1 of {what}: exit {direct.returncode}, expected 2 with a message")
            continue
        message = [line for line in direct.stderr.splitlines() if line.strip()][-1]
        r = driver(src, ["plan", scenario, "--parts", "3", "--out", out, "--lightcone", binary])
        print(r.stderr, flush=True)
        if r.returncode != 2:
            fail(f"lightcone-dask plan of {what}: exit {r.returncode}, expected 2")
        if message not in r.stderr:
            fail(f"{what}: lightcone's message {message!r} is not on the driver's stderr")
        if "retrying" in r.stderr or "attempt 2" in r.stderr:
            fail(f"{what}: a part that exited 2 (unusable input) was retried")
        if os.path.exists(out):
            fail(f"{what}: a run directory was written")
        if os.path.exists(out + ".parts"):
            fail(f"{what}: an empty parts directory was left")

    scenario = os.path.join(src, "data", "qingdao.toml")
    for args, why in ((["--parts", "0"], "--parts 0"),
                      (["--parts", "2", "--retries", "-1"], "--retries -1"),
                      (["--parts", "2", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
                       "--workers with --scheduler"),
                      (["--parts", "2", "--lightcone", os.path.join(work, "no-such-binary")], "a missing binary"),
                      (["--parts", "2", "--parts-dir", os.path.join(out, "p")], "--parts-dir inside --out")):
        t0 = time.monotonic()
        r = driver(src, ["plan", scenario, "--out", out] + args + ([] if "--lightcone" in args else
                                                                   ["--lightcone", binary]), timeout=60)
        if r.returncode != 2 or not r.stderr.strip():
            fail(f"{why}: exit {r.returncode}, expected 2 with a message: {r.stderr}")
        if time.monotonic() - t0 > 10:
            fail(f"{why}: the usage error took {time.monotonic() - t0:.0f} s (a cluster was started?)")


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    binary, src, work, case = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    if importlib.util.find_spec("distributed") is None:
        skip("Dask distributed not importable by /usr/bin/python3: tests/run.sh --with-dask installs "
             "the Debian package python3-distributed")
    # CLI11 answers `lightcone merge --help` with the top-level help (exit 0) when there is
    # no merge command: look for merge's own usage line, and for plan's --parts.
    merge_help = subprocess.run([binary, "merge", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
    plan_help = subprocess.run([binary, "plan", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    if merge_help.returncode != 0 or " merge" not in merge_help.stdout.split("\n\n")[0] \
            or "--parts" not in plan_help.stdout:
        skip(f"{binary} has no `merge` command or no `plan --parts` (issue 16 item 1)")
    work = os.path.join(os.path.abspath(work), case)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.monotonic()
    {"equal": case_equal, "kill": case_kill, "badinput": case_badinput}[case](binary, src, work)
    print(f"{case}: {time.monotonic() - t0:.1f} s, {len(failures)} failures", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":  # LocalCluster's worker processes import this file again
    sys.exit(main())
