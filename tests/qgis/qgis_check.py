#!/usr/bin/python3
"""Real-QGIS check of lightcone's outputs and of maps/lightcone.qgs, headless.

    /usr/bin/python3 tests/qgis/qgis_check.py --lightcone build/cli/lightcone [--png-dir DIR]
    /usr/bin/python3 tests/qgis/qgis_check.py --run DIR [--png-dir DIR]   # DIR/run.gpkg exists

Exit 0 when every check passes, 1 when one fails, 77 (CTest SKIP_RETURN_CODE) when
`import qgis.core` fails with Debian's /usr/bin/python3 (qgis + python3-qgis missing).

1. Without --run: runs lightcone on the bundled sample like the README quick start
   (`zones`, existing sites, 1 ms and 3 ms) into a scratch run directory, and a placement
   (`place --problem mclp --p 5 --budget 1ms`, which adds the assignments layer).
2. Opens every layer of each run's GeoPackage with QGIS (default style loading on, as when
   a planner drags the file in): every layer valid, with features, and the renderer of the
   style stored in `layer_styles` (zones graduatedSymbol, sites categorizedSymbol,
   network and demand RuleRenderer, uncovered and assignments singleSymbol) with the same
   classes, labels and colours as maps/<layer>.qml.
3. Lays the run out like the repository (maps/lightcone.qgs, out-sample/run.gpkg,
   data/shandong_sample.gpkg) in a scratch tree and reads the project: every layer valid
   and read from that tree (so its paths are relative), the run layers styled like the run's
   GeoPackage (a stale project, made before a style change, fails here: rerun
   maps/make_project.py), both print layouts with map, legend, scale bar and title, the
   subtitle filled from run_info.
4. Exports each layout to PNG (--png-dir, default a scratch folder that is removed unless
   --keep) and checks the image is not blank: enough distinct colours and non-white pixels
   on the page and inside the map frame.
5. Without --run: writes a project for the placement run with maps/make_project.py --run
   (layers present in that run, assignments included), reads and renders it the same way.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAPS = os.path.join(ROOT, "maps")
SAMPLE = os.path.join(ROOT, "data", "shandong_sample.gpkg")

EXPECTED_RENDERER = {
    "zones": "graduatedSymbol",
    "zones_split": "graduatedSymbol",  # zones --split
    "sites": "categorizedSymbol",
    "network": "RuleRenderer",
    "demand": "RuleRenderer",
    "uncovered": "singleSymbol",
    "assignments": "singleSymbol",
}
TABLES = {"run_info"}  # non-spatial layers a run may have
ZONES_RUN_LAYERS = {"zones", "network", "sites", "demand", "uncovered"}
PLACE_RUN_LAYERS = {"sites", "demand", "uncovered", "assignments"}
LAYOUTS = {"Shandong", "Qingdao"}

# Not blank: thresholds on the exported page and on the map frame within it.
MIN_PAGE_COLOURS = 24      # distinct colours (5 bits per channel)
MIN_PAGE_INK = 0.08        # share of non-white pixels on the page
MIN_MAP_COLOURS = 16
MIN_MAP_INK = 0.15


class Checks:
    def __init__(self):
        self.failures = 0

    def __call__(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failures += 1
        return ok


def have_qgis():
    try:
        import qgis.core  # noqa: F401
        return True
    except Exception as e:  # ImportError, or a broken install
        print(f"SKIP: QGIS is not usable from {sys.executable} ({e}); install the Debian "
              "packages qgis python3-qgis (tests/run.sh --with-qgis)")
        return False


def setup_env(tmp):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "XDG_RUNTIME_DIR" not in os.environ or not os.path.isdir(os.environ["XDG_RUNTIME_DIR"]):
        xdg = os.path.join(tmp, "xdg")  # private, removed with the scratch folder
        os.mkdir(xdg, 0o700)
        os.environ["XDG_RUNTIME_DIR"] = xdg


def run(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stderr}{p.stdout}")
    print(f"ran  {os.path.basename(cmd[0])} {cmd[1]} ({time.monotonic() - t:.1f} s)", flush=True)
    return p.stdout


def sample_runs(lightcone, tmp):
    s = SAMPLE
    net = ["--network", f"{s}:fibre"]
    demand = ["--demand", f"{s}:demand", "--weight", "pop"]
    zones_dir = os.path.join(tmp, "zones-run")
    place_dir = os.path.join(tmp, "place-run")
    os.makedirs(zones_dir)
    os.makedirs(place_dir)
    run([lightcone, "zones", *net, "--sites", f"{s}:sites", "--sites-where",
         "status = 'existing'", *demand, "--budget", "1ms,3ms",
         "--out", os.path.join(zones_dir, "run.gpkg")])
    run([lightcone, "place", *net, "--sites", f"{s}:sites", "--status-field", "status",
         *demand, "--problem", "mclp", "--p", "5", "--budget", "1ms",
         "--out", os.path.join(place_dir, "run.gpkg")])
    return zones_dir, place_dir


def gpkg_layers(path):
    from osgeo import ogr
    ds = ogr.Open(path)
    if ds is None:
        sys.exit(f"FAIL: cannot open {path}")
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        out[lyr.GetName()] = lyr.GetGeomType() != ogr.wkbNone
    return out


def signature(renderer):
    """What a planner sees of a style: renderer type, legend labels and symbol colours."""
    items = []
    for it in renderer.legendSymbolItems():
        sym = it.symbol()
        items.append((it.label(), sym.color().name(QColorNameArgb()) if sym else None))
    return renderer.type(), tuple(items)


def QColorNameArgb():
    from qgis.PyQt.QtGui import QColor
    return QColor.HexArgb


def qml_signature(name):
    """The signature of maps/<name>.qml applied to a memory layer of the right geometry."""
    from qgis.core import QgsVectorLayer
    geom = {"zones": "MultiPolygon", "zones_split": "MultiPolygon", "network": "LineString", "assignments": "LineString"}
    vl = QgsVectorLayer(f"{geom.get(name, 'Point')}?crs=EPSG:4326", name, "memory")
    msg, ok = vl.loadNamedStyle(os.path.join(MAPS, name + ".qml"))
    if not ok:
        sys.exit(f"FAIL: cannot load maps/{name}.qml: {msg}")
    return signature(vl.renderer())


def check_run_gpkg(check, gpkg, must_have):
    """Every layer of a run's GeoPackage opens in QGIS with its stored style."""
    from qgis.core import QgsVectorLayer
    layers = gpkg_layers(gpkg)
    rel = os.path.relpath(gpkg)
    check(must_have <= set(layers), f"{rel}: has the layers {sorted(must_have)} "
                                    f"(found {sorted(layers)})")
    sigs = {}
    for name, spatial in sorted(layers.items()):
        if name == "layer_styles":
            continue
        vl = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not check(vl.isValid(), f"{rel}|{name}: valid"):
            continue
        if not spatial:
            check(name in TABLES and vl.featureCount() > 0,
                  f"{rel}|{name}: known table with rows ({vl.featureCount()})")
            continue
        if not check(name in EXPECTED_RENDERER, f"{rel}|{name}: a known output layer"):
            continue
        check(vl.featureCount() > 0, f"{rel}|{name}: {vl.featureCount()} features")
        want = EXPECTED_RENDERER[name]
        got = vl.renderer().type()
        check(got == want, f"{rel}|{name}: renderer {got} from layer_styles (want {want})")
        sig = signature(vl.renderer())
        check(sig == qml_signature(name),
              f"{rel}|{name}: {len(sig[1])} legend classes, labels and colours as in "
              f"maps/{name}.qml")
        sigs[name] = sig
    return sigs


def image_stats(img, rect=None):
    """(distinct colours at 5 bits per channel, share of non-white pixels) of a QImage."""
    import numpy as np
    from qgis.PyQt.QtGui import QImage
    img = img.convertToFormat(QImage.Format_RGB32)
    if rect is not None:
        img = img.copy(rect)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    ptr = img.constBits()
    ptr.setsize(h * bpl)
    a = np.frombuffer(bytes(ptr), dtype=np.uint8).reshape(h, bpl)[:, :w * 4]
    px = a.reshape(h, w, 4)[:, :, :3].astype(np.uint32)  # B, G, R
    q = px >> 3
    colours = len(np.unique((q[:, :, 0] << 10) | (q[:, :, 1] << 5) | q[:, :, 2]))
    ink = float(np.mean(px.min(axis=2) < 245))
    return colours, ink


def check_project(check, qgs, tree, run_sigs, png_dir, tag, want_layers):
    """Reads a project; checks its layers, styles and layouts; renders the layouts."""
    from qgis.PyQt.QtCore import QRect
    from qgis.PyQt.QtGui import QImage
    from qgis.core import (QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
                           QgsLayoutItemMap, QgsLayoutItemScaleBar, QgsMapLayer, QgsProject)
    project = QgsProject.instance()
    project.clear()
    rel = os.path.relpath(qgs, tree)
    if not check(project.read(qgs), f"{tag}: {rel} reads ({project.error()})"):
        return
    layers = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    check(set(layers) == want_layers,
          f"{tag}: layers {sorted(layers)} (want {sorted(want_layers)})")
    real_tree = os.path.realpath(tree)
    for name, lyr in sorted(layers.items()):
        src = lyr.source().split("|")[0]
        check(lyr.isValid(), f"{tag}: layer {name} valid ({lyr.source()})")
        check(os.path.realpath(src).startswith(real_tree + os.sep),
              f"{tag}: layer {name} read from the run tree by relative path "
              f"({os.path.relpath(src, tree)})")
        if lyr.type() == QgsMapLayer.VectorLayer and name in run_sigs:
            sig = signature(lyr.renderer())
            check(sig == run_sigs[name],
                  f"{tag}: layer {name} styled like the run's layer_styles ({sig[0]}, "
                  f"{len(sig[1])} classes); if not, rerun maps/make_project.py")
        if name == "prefectures":
            check(lyr.featureCount() == 16, f"{tag}: prefectures has 16 features")
    manager = project.layoutManager()
    names = {lay.name() for lay in manager.printLayouts()}
    check(names == LAYOUTS, f"{tag}: print layouts {sorted(names)}")
    for layout in manager.printLayouts():
        items = layout.items()
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        legends = [i for i in items if isinstance(i, QgsLayoutItemLegend)]
        bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
        labels = [i for i in items if isinstance(i, QgsLayoutItemLabel)]
        lname = layout.name()
        check(len(maps) == 1 and len(legends) == 1 and len(bars) == 1 and len(labels) >= 2,
              f"{tag}/{lname}: map, legend, scale bar, title "
              f"({len(maps)}, {len(legends)}, {len(bars)}, {len(labels)} labels)")
        if not maps:
            continue
        title = max(labels, key=lambda i: i.font().pointSizeF()) if labels else None
        check(title is not None and "lightcone" in title.currentText(),
              f"{tag}/{lname}: title {title.currentText() if title else None!r}")
        sub = layout.itemById("subtitle")
        text = sub.currentText() if sub else ""
        check(" run, metric rtt" in text and "us/km" in text,
              f"{tag}/{lname}: subtitle from run_info {text.splitlines()[0] if text else ''!r}")
        check(legends and legends[0].linkedMap() is maps[0] and bars and
              bars[0].linkedMap() is maps[0], f"{tag}/{lname}: legend and scale bar follow "
                                               "the map")
        check(maps[0].extent().width() > 0, f"{tag}/{lname}: map extent "
                                            f"{maps[0].extent().toString(0)}")
        out = os.path.join(png_dir, f"{tag}_{lname}.png")
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = 120
        settings.generateWorldFile = False
        settings.exportMetadata = False
        t = time.monotonic()
        from osgeo import gdal
        gdal.PushErrorHandler("CPLQuietErrorHandler")  # QGIS 3.22 tries to georeference the
        try:                                            # PNG in place: "PNG driver does not
            res = QgsLayoutExporter(layout).exportToImage(out, settings)  # support update"
        finally:
            gdal.PopErrorHandler()
        if not check(res == QgsLayoutExporter.Success and os.path.exists(out),
                     f"{tag}/{lname}: exported {out} ({time.monotonic() - t:.1f} s)"):
            continue
        img = QImage(out)
        colours, ink = image_stats(img)
        check(colours >= MIN_PAGE_COLOURS and ink >= MIN_PAGE_INK,
              f"{tag}/{lname}: page {img.width()}x{img.height()} not blank: {colours} colours "
              f"(>= {MIN_PAGE_COLOURS}), {ink:.1%} non-white (>= {MIN_PAGE_INK:.0%})")
        r = maps[0].sceneBoundingRect()
        page = layout.pageCollection().page(0).rect()
        sx, sy = img.width() / page.width(), img.height() / page.height()
        inner = QRect(int(r.x() * sx) + 4, int(r.y() * sy) + 4,
                      int(r.width() * sx) - 8, int(r.height() * sy) - 8)
        colours, ink = image_stats(img, inner)
        check(colours >= MIN_MAP_COLOURS and ink >= MIN_MAP_INK,
              f"{tag}/{lname}: map frame not blank: {colours} colours (>= {MIN_MAP_COLOURS}), "
              f"{ink:.1%} non-white (>= {MIN_MAP_INK:.0%})")
    project.clear()


def mirror_tree(tree, run_dir, project):
    """maps/<project>, out-sample/run.gpkg (+ run.tif), data/shandong_sample.gpkg."""
    for d in ("maps", "out-sample", "data"):
        os.makedirs(os.path.join(tree, d))
    qgs = os.path.join(tree, "maps", os.path.basename(project))
    shutil.copyfile(project, qgs)
    for f in ("run.gpkg", "run.tif"):
        if os.path.exists(os.path.join(run_dir, f)):
            shutil.copyfile(os.path.join(run_dir, f), os.path.join(tree, "out-sample", f))
    shutil.copyfile(SAMPLE, os.path.join(tree, "data", "shandong_sample.gpkg"))
    return qgs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lightcone", help="lightcone binary (runs the sample)")
    ap.add_argument("--run", help="an existing run directory with run.gpkg (no lightcone run)")
    ap.add_argument("--project", default=os.path.join(MAPS, "lightcone.qgs"))
    ap.add_argument("--png-dir", help="where the rendered layouts go (kept)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    if not args.run and not args.lightcone:
        ap.error("give --lightcone BIN or --run DIR")
    if not have_qgis():
        return SKIP
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="lc-qgis-check-")
    setup_env(tmp)

    from qgis.core import Qgis, QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    print(f"QGIS {Qgis.QGIS_VERSION}", flush=True)
    check = Checks()
    try:
        png_dir = os.path.abspath(args.png_dir) if args.png_dir else os.path.join(tmp, "png")
        os.makedirs(png_dir, exist_ok=True)
        if args.run:
            zones_dir, place_dir = os.path.abspath(args.run), None
            if not os.path.exists(os.path.join(zones_dir, "run.gpkg")):
                sys.exit(f"FAIL: no run.gpkg in {zones_dir}")
        else:
            zones_dir, place_dir = sample_runs(os.path.abspath(args.lightcone), tmp)

        must = ZONES_RUN_LAYERS if not args.run else set()
        sigs = check_run_gpkg(check, os.path.join(zones_dir, "run.gpkg"), must)
        tree = os.path.join(tmp, "tree")
        qgs = mirror_tree(tree, zones_dir, args.project)
        want = {n for n in sigs} | {"prefectures"}
        want |= {"run_info"} if "run_info" in gpkg_layers(os.path.join(zones_dir, "run.gpkg")) \
            else set()
        want |= {"surface"} if os.path.exists(os.path.join(zones_dir, "run.tif")) else set()
        check_project(check, qgs, tree, sigs, png_dir, "project", want)

        if place_dir:
            place_gpkg = os.path.join(place_dir, "run.gpkg")
            psigs = check_run_gpkg(check, place_gpkg, PLACE_RUN_LAYERS)
            place_qgs = os.path.join(place_dir, "lightcone.qgs")
            run(["/usr/bin/python3", os.path.join(MAPS, "make_project.py"), "--run", place_gpkg,
                 "--out", place_qgs, "--context",
                 os.path.join(tree, "data", "shandong_sample.gpkg")])
            want = set(psigs) | {"prefectures", "run_info"}
            check_project(check, place_qgs, tmp, psigs, png_dir, "placement", want)
        if args.png_dir or args.keep:
            print(f"rendered layouts in {png_dir}", flush=True)
    finally:
        app.exitQgis()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    took = time.monotonic() - t0
    if check.failures:
        print(f"{check.failures} check(s) FAILED ({took:.1f} s)")
        return 1
    print(f"all QGIS checks passed ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
