#!/usr/bin/python3
"""lightcone against a real PostgreSQL 15 + PostGIS 3 (issue 15 item 4).

Starts a throw-away cluster (initdb in a temporary directory, a Unix socket there and
127.0.0.1 on a free port, scram-sha-256 passwords for TCP), loads the bundled sample with
ogr2ogr, and checks:
  1. `plan` from PostGIS into PostGIS gives the GeoPackage run's layers: every layer, every
     feature (by fid), every field and geometry equal (the GeoPackage run is the oracle);
     the scenario's `where` reaches the server (pushed down, seen in the server's log), and
     only the columns used are fetched;
     spatial indexes exist; no password in any output, message or table;
  2. the command line's --network/--sites/--to with --sites-where from PostGIS give the
     same latencies as from the GeoPackage;
  3. a second run replaces the schema ([output] postgis beside a run directory);
  4. a run that fails while it writes (the server refuses a table: an event trigger)
     exits 2 and leaves the previous schema and run directory as they were, no staging
     schema left; a schema that is not a lightcone run is never replaced;
  5. a wrong password, a wrong port and an unknown host exit 2 naming host and database,
     never the password;
  6. a plan on a measured latency table ([coverage]; sites and demand tables from PostGIS)
     with [output] postgis, and with --out PG: alone: the layers of its run.gpkg
     (attribute tables without geometry, run_info) as plain tables with the same rows
     and fields.
The cluster is stopped and removed afterwards, also on failure or a signal. When this runs
as root, the cluster runs as `nobody` (initdb refuses root).

usage: postgis_test.py LIGHTCONE_BINARY SOURCE_DIR WORK_DIR   (exit 77 = skipped)
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PG_BIN = "/usr/lib/postgresql/15/bin"
SKIP = 77
PASSWORD = "Pg5ecret-Xq7"  # distinctive: any occurrence in an output is a leak
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def skip(why):
    print("skipped:", why)
    sys.exit(SKIP)


if not os.path.exists(os.path.join(PG_BIN, "initdb")):
    skip(PG_BIN + "/initdb not found: install postgresql-15 (tests/run.sh --with-postgis)")
if not os.path.exists("/usr/share/postgresql/15/extension/postgis.control"):
    skip("PostGIS for PostgreSQL 15 not installed: tests/run.sh --with-postgis installs postgresql-15-postgis-3")
if shutil.which("ogr2ogr") is None:
    skip("ogr2ogr not found (Debian package gdal-bin)")
from osgeo import ogr  # noqa: E402  (python3-gdal is a default test package)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_cluster import Cluster  # noqa: E402

ogr.UseExceptions()


cluster = None


def cleanup(*_):
    if cluster is not None:
        cluster.stop()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


atexit.register(cleanup)
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, on_signal)


def lightcone(args):
    r = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr)):
        if PASSWORD in text:
            fail(f"the password is in the {name} of lightcone {' '.join(args[:2])}")
    return r


def pg_scenario(path, conn, output=None):
    """data/qingdao.toml with every layer read from the schema src of the cluster."""
    lines = []
    with open(os.path.join(SRC, "data", "qingdao.toml")) as f:
        for line in f:
            if line.startswith('path = "shandong_sample.gpkg"'):
                line = f"path = 'PG:\"{conn}\"'\n"
            elif line.startswith('layer = "'):
                line = 'layer = "src.' + line.split('"')[1] + '"\n'
            lines.append(line)
    if output:
        lines.append(f"\n[output]\npostgis = 'PG:\"{output}\":qingdao_run'\n")
    with open(path, "w") as f:
        f.writelines(lines)


def features(ds_text, layer_name):
    ds = ogr.Open(ds_text)
    layer = ds.GetLayerByName(layer_name)
    if layer is None:
        return None
    defn = layer.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    out = {}
    for f in layer:
        g = f.GetGeometryRef()
        out[f.GetFID()] = ({n: f.GetField(n) for n in names}, g.ExportToIsoWkt() if g else None)
    return names, out


def compare_layers(gpkg, pg_text, schema, skip_keys=()):
    """Every layer of the GeoPackage run in the PostGIS schema, feature by feature."""
    ds = ogr.Open(gpkg)
    layers = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    layers = [n for n in layers if n != "layer_styles"]
    pg_tables = cluster.psql(f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}' "
                             "ORDER BY 1").split()
    if sorted(layers) != pg_tables:
        fail(f"PostGIS schema {schema} has tables {pg_tables}, the GeoPackage run {sorted(layers)}")
    compared = 0
    for name in layers:
        want = features(gpkg, name)
        got = features(pg_text, f"{schema}.{name}")
        if got is None:
            fail(f"{schema}.{name} missing")
            continue
        if want[0] != got[0]:
            fail(f"{name}: fields {got[0]} in PostGIS, {want[0]} in the GeoPackage")
            continue
        if name == "run_info":
            # By key: a PostGIS-only run (plan --out PG:...) writes no surface raster, so its
            # run_info has no 'surface' row (skip_keys says which keys may differ).
            w = {a["key"]: a["value"] for a, _ in want[1].values() if a["key"] not in skip_keys}
            g = {a["key"]: a["value"] for a, _ in got[1].values() if a["key"] not in skip_keys}
            if w != g:
                fail(f"run_info differs: PostGIS {g}, GeoPackage {w}")
            compared += len(w)
            continue
        if sorted(want[1]) != sorted(got[1]):
            fail(f"{name}: fids differ ({len(got[1])} features in PostGIS, {len(want[1])} in the GeoPackage)")
            continue
        for fid, (attrs, wkt) in want[1].items():
            g_attrs, g_wkt = got[1][fid]
            if name == "run_info" and attrs.get("key") in skip_keys:
                continue
            # GDAL 3.6 sends doubles to PostgreSQL as text with 15 significant digits
            # (OGRFeature::GetFieldAsString's %.15g, with COPY and INSERT alike): the stored
            # value is the GeoPackage's rounded so, exactly.
            attrs = {k: float("%.15g" % v) if isinstance(v, float) else v for k, v in attrs.items()}
            if attrs != g_attrs:
                diff = {k: (attrs[k], g_attrs.get(k)) for k in attrs if attrs[k] != g_attrs.get(k)}
                fail(f"{name} fid {fid}: fields differ (GeoPackage, PostGIS): {diff}")
                break
            if wkt != g_wkt:
                fail(f"{name} fid {fid}: geometry differs")
                break
            compared += 1
    return compared


def schema_state(schema):
    """What a reader of the schema sees: its oid, tables and their row counts, run_info."""
    oid = cluster.psql(f"SELECT oid FROM pg_namespace WHERE nspname = '{schema}'")
    tables = cluster.psql(f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}' "
                          "ORDER BY 1").split()
    counts = {t: cluster.psql(f'SELECT count(*) FROM "{schema}"."{t}"') for t in tables}
    info = cluster.psql(f'SELECT key || \'=\' || value FROM "{schema}".run_info ORDER BY fid') if "run_info" in tables else ""
    return oid, counts, info


def files_of(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as h:
                out[os.path.relpath(p, d)] = h.read()
    return out


def main():
    global cluster
    os.makedirs(WORK, exist_ok=True)
    cluster = Cluster(PASSWORD)
    cluster.psql("CREATE DATABASE gis", db="postgres")
    cluster.psql("CREATE EXTENSION postgis; CREATE SCHEMA src")
    conn = cluster.conn()
    pg = "PG:" + conn
    load = subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg, os.path.join(SRC, "data", "shandong_sample.gpkg"),
                           "-lco", "SCHEMA=src", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-preserve_fid"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=dict(os.environ, PG_USE_COPY="YES"))
    if load.returncode != 0:
        raise RuntimeError("ogr2ogr failed: " + load.stdout)

    # 1. The GeoPackage run (the oracle) and PostGIS → PostGIS.
    oracle = os.path.join(WORK, "gpkg-run")
    shutil.rmtree(oracle, ignore_errors=True)
    r = lightcone(["plan", os.path.join(SRC, "data", "qingdao.toml"), "--out", oracle])
    if r.returncode != 0:
        raise RuntimeError("the GeoPackage run failed: " + r.stderr)
    scenario = os.path.join(WORK, "qingdao-pg.toml")
    pg_scenario(scenario, conn)
    r = lightcone(["plan", scenario, "--out", f'PG:"{conn}":qingdao_run'])
    if r.returncode != 0:
        fail(f"plan from PostGIS into PostGIS: exit {r.returncode}: {r.stderr}")
    elif "wrote PostGIS schema" not in r.stdout or "password=***" not in r.stdout:
        fail("plan into PostGIS does not say where it wrote (with the password hidden): " + r.stdout)
    # run_info names the scenario file (another one here) and its digest: the rest is equal.
    n = compare_layers(os.path.join(oracle, "run.gpkg"), pg, "qingdao_run", skip_keys=("scenario_file", "scenario_digest", "surface"))
    print(f"PostGIS run equals the GeoPackage run: {n} features compared")
    if n < 1000:
        fail(f"only {n} features compared")
    log = cluster.log()
    if "site_id IN ('edge-qd-laixi-1', 'pdc-heze')" not in log:
        fail("the sites' where clause did not reach the server (not pushed down)")
    # Only the columns the run uses are fetched (GDAL's table layers fetch every column).
    if 'SELECT "fid" AS ogc_fid, "geom"' not in log or 'FROM "src"."fibre"' not in log:
        fail("the network was not read through a SELECT of the columns used")
    idx = cluster.psql("SELECT count(*) FROM pg_indexes WHERE schemaname = 'qingdao_run' AND indexdef LIKE '%USING gist%'")
    if idx != "6":
        fail(f"{idx} GiST indexes in qingdao_run, expected 6 (zones, network, sites, demand, uncovered, boundaries)")
    leaks = cluster.psql(f"SELECT count(*) FROM qingdao_run.run_info WHERE value LIKE '%{PASSWORD}%'")
    if leaks != "0":
        fail("the password is in run_info")
    if cluster.psql("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%lc_staging%'") != "0":
        fail("a staging schema is left after a run")

    # 2. The command line: --network/--sites/--to from PostGIS with --sites-where.
    gpkg_in = os.path.join(SRC, "data", "shandong_sample.gpkg")
    outs = {}
    for kind, net, sites, to in (("gpkg", gpkg_in + ":fibre", gpkg_in + ":sites", gpkg_in + ":demand"),
                                 ("pg", f'PG:"{conn}":src.fibre', f'PG:"{conn}" :src.sites', f"PG:{conn}:src.demand")):
        out = os.path.join(WORK, f"latency-{kind}.gpkg")
        r = lightcone(["latency", "--network", net, "--sites", sites, "--sites-where", "status = 'existing'",
                       "--site-id", "site_id", "--to", to, "--out", out])
        if r.returncode != 0:
            fail(f"latency from {kind}: exit {r.returncode}: {r.stderr}")
            return
        outs[kind] = features(out, "latency")[1]
    if outs["gpkg"] != outs["pg"] or len(outs["pg"]) < 100:
        fail(f"latency --to from PostGIS differs from the GeoPackage ({len(outs['pg'])} / {len(outs['gpkg'])} points)")
    else:
        print(f"latency --to from PostGIS equals the GeoPackage: {len(outs['pg'])} points")

    # 3. [output] postgis beside a run directory replaces the schema.
    before = schema_state("qingdao_run")
    with_output = os.path.join(WORK, "qingdao-pg-output.toml")
    pg_scenario(with_output, conn, output=conn)
    run_dir = os.path.join(WORK, "pg-dir-run")
    shutil.rmtree(run_dir, ignore_errors=True)
    r = lightcone(["plan", with_output, "--out", run_dir])
    if r.returncode != 0:
        fail(f"plan with [output] postgis: exit {r.returncode}: {r.stderr}")
    after = schema_state("qingdao_run")
    # The same tables and rows, but run_info gains the 'surface' row (this run writes one).
    same_rows = {k: v for k, v in after[1].items() if k != "run_info"} == {k: v for k, v in before[1].items() if k != "run_info"}
    if after[0] == before[0] or not same_rows or set(after[1]) != set(before[1]):
        fail(f"[output] postgis did not replace the schema with the same layers: {before[:2]} -> {after[:2]}")
    compare_layers(os.path.join(run_dir, "run.gpkg"), pg, "qingdao_run")
    for name, data in files_of(run_dir).items():
        if PASSWORD.encode() in data:
            fail(f"the password is in {name} of the run directory")

    # 4. A run that fails while it writes leaves the schema and the run directory as they were.
    cluster.psql("""
      CREATE FUNCTION refuse_demand() RETURNS event_trigger LANGUAGE plpgsql AS $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
          IF r.object_identity LIKE '%lc_staging.demand' THEN RAISE EXCEPTION 'injected failure: no demand table'; END IF;
        END LOOP;
      END $$;
      CREATE EVENT TRIGGER refuse_demand ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION refuse_demand();""")
    before, dir_before = schema_state("qingdao_run"), files_of(run_dir)
    r = lightcone(["plan", with_output, "--out", run_dir])
    if r.returncode != 2 or "injected failure" not in r.stderr:
        fail(f"a run the server refuses while it writes: exit {r.returncode} (expected 2): {r.stderr}")
    if schema_state("qingdao_run") != before:
        fail("a failed run changed the PostGIS schema")
    if files_of(run_dir) != dir_before:
        fail("a failed PostGIS write changed the run directory")
    if cluster.psql("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%lc_staging%'") != "0":
        fail("a failed run left a staging schema")
    cluster.psql("DROP EVENT TRIGGER refuse_demand")
    # A schema that is not a lightcone run is never replaced (here: the inputs).
    src_before = schema_state("src")
    r = lightcone(["plan", scenario, "--out", f'PG:"{conn}":src'])
    if r.returncode != 2 or "not a lightcone run" not in r.stderr or schema_state("src") != src_before:
        fail(f"--out into the input schema: exit {r.returncode}, expected 2 and src untouched: {r.stderr}")

    # 5. Connection errors: exit 2, host and database named, never the password.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    wrong = "Wr0ng-Pa55word"
    cases = [("wrong password (--out)", ["plan", scenario, "--out", f'PG:"{cluster.conn(password=wrong)}":qingdao_run'],
              "127.0.0.1", "password authentication failed"),
             ("wrong port (--network)", ["validate", "--network", f'PG:"{cluster.conn(port=closed_port)}":src.fibre'],
              f"port={closed_port}", ""),
             ("unknown host (--out)", ["plan", scenario, "--out",
                                       f'PG:"{cluster.conn(host="no-such-host.invalid")}":qingdao_run'],
              "no-such-host.invalid", "")]
    bad_scenario = os.path.join(WORK, "qingdao-pg-wrong.toml")
    pg_scenario(bad_scenario, cluster.conn(password=wrong))
    cases.append(("wrong password (scenario layer)", ["plan", bad_scenario, "--out", os.path.join(WORK, "never")],
                  "127.0.0.1", "password authentication failed"))
    for what, args, host, why in cases:
        r = lightcone(args)
        msg = r.stderr
        if r.returncode != 2 or host not in msg or "dbname=gis" not in msg or why not in msg:
            fail(f"{what}: exit {r.returncode} (expected 2 naming {host} and dbname=gis): {msg}")
        if wrong in msg or wrong in r.stdout:
            fail(f"{what}: the password is in the message: {msg}")
    if os.path.exists(os.path.join(WORK, "never", "run.gpkg")):
        fail("a run that could not read its input wrote a run directory")

    # 6. A plan on a measured latency table ([coverage], no network) into PostGIS: its
    # layers (attribute tables without geometry, and run_info) as plain tables, the same
    # rows and fields as its run.gpkg; the sites and demand tables read from PostGIS.
    measured_check(conn, pg)


def measured_check(conn, pg):
    coverage = os.path.join(WORK, "coverage.csv")
    sample = os.path.join(SRC, "data", "shandong_sample.gpkg")
    r = lightcone(["place", "--network", sample + ":fibre", "--sites", sample + ":sites", "--status-field", "status",
                   "--demand", sample + ":demand", "--demand-where", "in_qingdao = 1", "--weight", "pop",
                   "--problem", "lscp", "--budget", "1ms", "--uncoverable", "skip", "--write-coverage", coverage,
                   "--out", os.path.join(WORK, "coverage-place.gpkg")])
    if r.returncode != 0:
        fail(f"place --write-coverage: exit {r.returncode}: {r.stderr}")
        return
    text = ("name = \"measured\"\n[coverage]\npath = \"coverage.csv\"\n"
            f"[sites]\npath = 'PG:\"{conn}\"'\nlayer = \"src.sites\"\n"
            f"[demand]\npath = 'PG:\"{conn}\"'\nlayer = \"src.demand\"\nwhere = \"in_qingdao = 1\"\nweight_field = \"pop\"\n"
            "[model]\nmetric = \"rtt\"\n[placement]\nproblem = \"lscp\"\nbudget = \"1ms\"\nuncoverable = \"skip\"\n"
            "[[target]]\nname = \"share\"\nkind = \"demand_share\"\nbudget = \"1ms\"\nmin_share = 0.5\n"
            f"[output]\npostgis = 'PG:\"{conn}\":measured_run'\n")
    scenario = os.path.join(WORK, "measured.toml")
    with open(scenario, "w") as f:
        f.write(text)
    run_dir = os.path.join(WORK, "measured-run")
    shutil.rmtree(run_dir, ignore_errors=True)
    r = lightcone(["plan", scenario, "--out", run_dir])
    if r.returncode != 0:
        fail(f"plan with [coverage] and [output] postgis: exit {r.returncode}: {r.stderr}")
        return
    gpkg = os.path.join(run_dir, "run.gpkg")
    ds = ogr.Open(gpkg)
    want = {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())}
    want.pop("layer_styles", None)
    if any(ds.GetLayerByName(n).GetGeomType() != ogr.wkbNone for n in want):
        fail(f"a [coverage] run.gpkg has a layer with geometry: {sorted(want)}")
    if "demand" not in want or want["demand"] < 100 or "sites" not in want:
        fail(f"a [coverage] run.gpkg lacks its tables: {want}")
    counts = schema_state("measured_run")[1]
    got = {t: int(n) for t, n in counts.items()}
    if got != want:
        fail(f"[coverage] run into PostGIS: tables and rows {got}, run.gpkg {want}")
    # Plain tables: no geometry column, no spatial index.
    geom = cluster.psql("SELECT count(*) FROM geometry_columns WHERE f_table_schema = 'measured_run'")
    gist = cluster.psql("SELECT count(*) FROM pg_indexes WHERE schemaname = 'measured_run' AND indexdef LIKE '%USING gist%'")
    if geom != "0" or gist != "0":
        fail(f"[coverage] run in PostGIS: {geom} geometry columns, {gist} GiST indexes (expected none)")
    n = compare_layers(gpkg, pg, "measured_run")
    print(f"[coverage] run in PostGIS equals its run.gpkg: tables {sorted(got)}, {n} rows compared")
    # And `plan --out PG:` alone: the same tables and rows.
    r = lightcone(["plan", scenario, "--out", f'PG:"{conn}":measured_only'])
    if r.returncode != 0:
        fail(f"plan with [coverage] --out PG: exit {r.returncode}: {r.stderr}")
        return
    only = {t: int(n) for t, n in schema_state("measured_only")[1].items()}
    if only != want:
        fail(f"[coverage] plan --out PG: tables and rows {only}, run.gpkg {want}")
    compare_layers(gpkg, pg, "measured_only", skip_keys=("scenario_digest",))


try:
    main()
finally:
    cleanup()
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("postgis: all checks passed")
