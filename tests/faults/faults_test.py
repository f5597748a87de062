#!/usr/bin/python3
"""Faults around a real `lightcone plan` (the hardening issue's items 1-9, run as a user would):

  kill     kill -9 at random moments of plan runs that alternate between two scenarios into
           one directory; after every kill the directory holds one whole run (every file its
           manifest lists, with the listed SHA-256, the same scenario in summary.json, run.gpkg
           and the manifest, accepted by `check --run`), and the next run removes the leftovers
  concurrent  two plans into one directory at once: never both a run and a mix; the loser
           is refused with exit 2 and says why
  diskfull a full disk (a small tmpfs when this runs as root and may mount, else skipped with
           the reason; and a file-size limit, which needs no privileges) at every phase: exit 2,
           the previous run untouched, nothing else left
  keep     a planner's files in the run directory (maps/keep.txt) survive the next run

usage: faults_test.py LIGHTCONE_BINARY SOURCE_DIR CASE   (exit 77 = skipped)
Seeds are fixed; LIGHTCONE_FAULT_KILLS sets the number of kills (default 16).
"""
import hashlib
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

BIN, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
SCENARIOS = {"qingdao": os.path.join(SRC, "data", "qingdao.toml"), "iris": os.path.join(SRC, "data", "iris.toml")}
SKIP = 77
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def run(args, **kw):
    return subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def files_under(d):
    out = []
    for root, _, files in os.walk(d):
        out += [os.path.relpath(os.path.join(root, f), d) for f in files]
    return sorted(out)


def whole_run(d, user_files=()):
    """The scenario name of the one whole run in d; records a failure and returns None otherwise."""
    man_path = os.path.join(d, "manifest.json")
    if not os.path.isfile(man_path):
        fail(f"{d}: no manifest.json (files: {files_under(d)})")
        return None
    man = json.load(open(man_path))
    listed = sorted(f["path"] for f in man["files"])
    present = sorted(set(files_under(d)) - {"manifest.json"} - set(user_files))
    if listed != present:
        fail(f"{d}: files {present} but the manifest lists {listed}")
        return None
    for f in man["files"]:
        if "sha256" in f and sha256(os.path.join(d, f["path"])) != f["sha256"]:
            fail(f"{d}: {f['path']} is not the file the manifest lists (a mixed run)")
            return None
    summary = json.load(open(os.path.join(d, "summary.json")))
    db = sqlite3.connect(f"file:{os.path.join(d, 'run.gpkg')}?mode=ro", uri=True)
    try:
        info = dict(db.execute("select key, value from run_info"))
    finally:
        db.close()
    name = summary["scenario"]["name"]
    if info.get("scenario") != name or info.get("scenario_digest") != man["scenario_digest"] \
            or summary["scenario"]["digest"] != man["scenario_digest"]:
        fail(f"{d}: summary.json says {name}, run.gpkg says {info.get('scenario')}, digests "
             f"{summary['scenario']['digest']} / {info.get('scenario_digest')} / {man['scenario_digest']}")
        return None
    r = run(["check", SCENARIOS[name], "--run", d])
    if r.returncode != 0:
        fail(f"{d}: check --run on the {name} run exits {r.returncode}: {r.stderr.strip()}")
    return name


def leftovers(parent, name):
    return [f for f in os.listdir(parent) if f.startswith("." + name + ".")]


def case_kill():
    rng = random.Random(20261204)
    kills = int(os.environ.get("LIGHTCONE_FAULT_KILLS", "16"))
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "run")
        start = time.monotonic()
        r = run(["plan", SCENARIOS["qingdao"], "--out", d])
        if r.returncode != 0:
            fail("first plan: " + r.stderr)
            return
        full = time.monotonic() - start
        seen = {"qingdao": 0, "iris": 0}
        names = ["iris", "qingdao"]
        for k in range(kills):
            name = names[k % 2]
            delay = rng.uniform(0.0, full * 1.5)
            p = subprocess.Popen([BIN, "plan", SCENARIOS[name], "--out", d], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            code = p.wait()
            got = whole_run(d)
            print(f"kill {k}: {name} killed after {delay:.2f} s (exit {code}): the directory holds the {got} run",
                  flush=True)
            if got:
                seen[got] += 1
        print(f"whole runs seen after the kills: {seen}")
        r = run(["plan", SCENARIOS["iris"], "--out", d])
        if r.returncode != 0:
            fail("plan after the kills: " + r.stderr)
        if whole_run(d) != "iris":
            fail("the run after the kills is not the iris run")
        if leftovers(tmp, "run"):
            fail(f"leftovers of killed runs beside the directory: {leftovers(tmp, 'run')}")


def case_concurrent():
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "run")
        for attempt in range(3):
            ps = [subprocess.Popen([BIN, "plan", SCENARIOS[n], "--out", d], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for n in ("qingdao", "iris")]
            results = [(p.wait(), p.stderr.read()) for p in ps]
            codes = [c for c, _ in results]
            print(f"attempt {attempt}: exit codes {codes}", flush=True)
            if 0 not in codes:
                fail(f"neither concurrent run finished: {results}")
            for c, err in results:
                if c not in (0, 2):
                    fail(f"a concurrent run exits {c}: {err}")
                if c == 2 and "another lightcone run is writing" not in err:
                    fail(f"the refused run does not say why: {err}")
            whole_run(d)
        if leftovers(tmp, "run"):
            fail(f"leftovers: {leftovers(tmp, 'run')}")


def limit_file_size(kb):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, kb * 1024))
    return apply


def check_full(label, r, d, before):
    if r.returncode not in (0, 2):
        fail(f"{label}: exit {r.returncode}: {r.stderr.strip()}")
    if r.returncode == 2 and "\n" in r.stderr.strip():
        fail(f"{label}: more than one line: {r.stderr}")
    if r.returncode == 2 and before is not None:
        if whole_run(d) != before:
            fail(f"{label}: the previous {before} run is gone")
    if r.returncode == 0:
        whole_run(d)
    left = leftovers(os.path.dirname(d), "run")
    if left:
        fail(f"{label}: leftovers {left}")
    print(f"{label}: exit {r.returncode} {r.stderr.strip()[-110:]}", flush=True)


def case_diskfull():
    # Without privileges: a file-size limit makes every writer hit EFBIG at some point.
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "run")
        if run(["plan", SCENARIOS["iris"], "--out", d]).returncode != 0:
            fail("iris plan")
            return
        for kb in (40, 150, 400, 900, 1400, 4000):
            r = subprocess.run([BIN, "plan", SCENARIOS["qingdao"], "--out", d], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=limit_file_size(kb))
            check_full(f"file size limit {kb} KiB", r, d, "iris")
            if r.returncode == 0:
                run(["plan", SCENARIOS["iris"], "--out", d])
    # A full file system: a small tmpfs, where we may mount one.
    if os.geteuid() != 0:
        print("skipping the tmpfs part: not root (mounting a small tmpfs needs root)")
        return
    with tempfile.TemporaryDirectory() as mnt:
        for kb in (300, 1000, 1700, 1900, 2100, 2400, 3000):
            m = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", mnt], capture_output=True, text=True)
            if m.returncode != 0:
                print(f"skipping the tmpfs part: cannot mount a tmpfs here ({m.stderr.strip()})")
                return
            try:
                d = os.path.join(mnt, "run")
                first = run(["plan", SCENARIOS["iris"], "--out", d])
                check_full(f"tmpfs {kb} KiB, first run", first, d, None)
                before = "iris" if first.returncode == 0 else None
                second = run(["plan", SCENARIOS["qingdao"], "--out", d])
                check_full(f"tmpfs {kb} KiB, second run", second, d, before)
                if first.returncode != 0 and os.listdir(mnt):
                    fail(f"tmpfs {kb} KiB: a failed first run left {os.listdir(mnt)}")
            finally:
                subprocess.run(["umount", mnt])


def case_keep():
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "run")
        run(["plan", SCENARIOS["iris"], "--out", d])
        os.makedirs(os.path.join(d, "maps"), exist_ok=True)
        for f in ("maps/keep.txt", "notes.md"):
            with open(os.path.join(d, f), "w") as out:
                out.write("the planner's " + f)
        r = run(["plan", SCENARIOS["qingdao"], "--out", d])
        if r.returncode != 0:
            fail(r.stderr)
        for f in ("maps/keep.txt", "notes.md"):
            if not os.path.isfile(os.path.join(d, f)) or open(os.path.join(d, f)).read() != "the planner's " + f:
                fail(f"{f} was not kept")
        if whole_run(d, user_files=("maps/keep.txt", "notes.md")) != "qingdao":
            fail("not the qingdao run")


CASES = {"kill": case_kill, "concurrent": case_concurrent, "diskfull": case_diskfull, "keep": case_keep}
CASES[CASE]()
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
