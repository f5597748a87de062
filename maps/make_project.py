#!/usr/bin/python3
"""Write the QGIS project maps/lightcone.qgs that opens a lightcone run by relative path.

    /usr/bin/python3 maps/make_project.py                       # rewrites maps/lightcone.qgs
    /usr/bin/python3 maps/make_project.py --run DIR/run.gpkg    # DIR/lightcone.qgs for that run
    /usr/bin/python3 maps/make_project.py --run R.gpkg --out P.qgs [--context S.gpkg]

Needs Debian 12's qgis + python3-qgis (3.22) and Debian's /usr/bin/python3; runs headless
(sets QT_QPA_PLATFORM=offscreen and a private XDG_RUNTIME_DIR when unset).

Without --run (the checked-in project): runs `lightcone zones` on the bundled sample
(the quick-start command: existing sites, 1 ms and 3 ms) into a scratch tree laid out like
the repository, so the project refers to `../out-sample/run.gpkg` and
`../data/shandong_sample.gpkg`. The lightcone binary is --lightcone, else $LIGHTCONE, else
`lightcone` on PATH, else build/cli/lightcone.

With --run: the project is written at --out (default: lightcone.qgs beside the run) and
refers to the run and to --context (default: the bundled sample) by paths relative to it.

Layers (top to bottom): sites, uncovered, assignments (only if the run has it), demand,
network, zones, each with the style lightcone stored in the run's `layer_styles` table
(QGIS applies it on load; the project keeps a copy, so regenerate the project when the
styles in maps/*.qml change: tests/qgis/qgis_check.py fails when they differ), then
`surface` (the run's latency GeoTIFF, <stem>.tif beside the GeoPackage, if present;
switched off), `prefectures` from the sample (outlines and names, no basemap) and the
table `run_info` (the latency model, shown in the layout subtitles). Two print layouts,
"Shandong" (the run's network extent) and "Qingdao" (the Qingdao prefecture), A4
landscape: title, subtitle (command, metric and model from run_info), map, legend
filtered to what the map shows, scale bar, north arrow, sources.

The output is deterministic: layer ids, item UUIDs and save dates are replaced by fixed
values, so running the script twice gives identical files.
"""
import argparse
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_HASH_SEED"] = "0"  # Qt writes XML attributes in hash order: fix it
if "XDG_RUNTIME_DIR" not in os.environ:
    _xdg = tempfile.mkdtemp(prefix="lc-xdg-")
    os.chmod(_xdg, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = _xdg
    atexit.register(shutil.rmtree, _xdg, True)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(ROOT, "data", "shandong_sample.gpkg")
DEFAULT_OUT = os.path.join(HERE, "lightcone.qgs")

# Run layers, top of the layer tree first. A quick-start run must have all but assignments;
# with --run, any that are present.
RUN_LAYERS = ["sites", "uncovered", "assignments", "demand", "network", "zones"]
PROJECT_CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E: metres, Shandong + Qingdao
FONT = "DejaVu Sans"
QINGDAO_FALLBACK = (119.5, 35.55, 121.15, 37.15)  # lon/lat, when the context has no `qingdao`
NS = uuid.UUID("6c1d8a52-55d1-4c49-9a51-8e64e1b2a0f7")  # for the fixed UUIDs


def find_lightcone(explicit):
    if explicit:
        return explicit
    if os.environ.get("LIGHTCONE"):
        return os.environ["LIGHTCONE"]
    on_path = shutil.which("lightcone")
    if on_path:
        return on_path
    return os.path.join(ROOT, "build", "cli", "lightcone")


def sample_run(lightcone, out_gpkg):
    """The README quick-start zones run (existing sites, 1 ms and 3 ms RTT)."""
    s = SAMPLE
    cmd = [lightcone, "zones", "--network", f"{s}:fibre", "--sites", f"{s}:sites",
           "--sites-where", "status = 'existing'", "--demand", f"{s}:demand", "--weight", "pop",
           "--budget", "1ms,3ms", "--out", out_gpkg]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def surface_layer(tif):
    """The latency surface (<stem>.tif beside the run), in the network's latency classes."""
    from qgis.PyQt.QtGui import QColor
    from qgis.core import (QgsColorRampShader, QgsRasterLayer, QgsRasterShader,
                           QgsSingleBandPseudoColorRenderer)
    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no maps/__pycache__
    from make_styles import LATENCY_CLASSES  # the network / demand classes and colours
    rl = QgsRasterLayer(tif, "surface")
    if not rl.isValid():
        raise SystemExit(f"cannot open {tif}")
    items = [QgsColorRampShader.ColorRampItem(float("inf") if upper is None else float(upper),
                                              QColor(colour), label)
             for upper, label, colour in LATENCY_CLASSES]
    ramp = QgsColorRampShader(0.0, float(LATENCY_CLASSES[-2][0]))
    ramp.setColorRampType(QgsColorRampShader.Discrete)
    ramp.setColorRampItemList(items)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    r = QgsSingleBandPseudoColorRenderer(rl.dataProvider(), 1, shader)
    r.setClassificationMin(0.0)
    r.setClassificationMax(float(LATENCY_CLASSES[-2][0]))
    r.setOpacity(0.7)
    rl.setRenderer(r)
    return rl


def build_project(run_gpkg, context_gpkg, out_qgs, require_all=True):
    """Writes out_qgs (paths relative to it); returns the run layers used and their ids."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor, QFont
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFillSymbol,
                           QgsLayoutItemLabel, QgsLayoutItemLegend, QgsLayoutItemMap,
                           QgsLayoutItemPage, QgsLayoutItemPicture, QgsLayoutItemScaleBar,
                           QgsLayoutMeasurement, QgsLayoutPoint, QgsLayoutSize,
                           QgsLegendStyle, QgsPalLayerSettings, QgsPrintLayout, QgsProject,
                           QgsRectangle, QgsReferencedRectangle, QgsSingleSymbolRenderer,
                           QgsTextBufferSettings,
                           QgsTextFormat, QgsUnitTypes, QgsVectorLayer,
                           QgsVectorLayerSimpleLabeling)

    project = QgsProject()
    project.setTitle("lightcone run")
    project.setCrs(QgsCoordinateReferenceSystem(PROJECT_CRS))
    project.setEllipsoid("EPSG:7030")  # WGS 84: measurements in QGIS agree with lightcone
    project.setDistanceUnits(QgsUnitTypes.DistanceKilometers)
    project.writeEntryBool("Paths", "/Absolute", False)
    root = project.layerTreeRoot()

    run_names = []
    with_run = {}
    available = _layer_names(run_gpkg)
    for name in RUN_LAYERS:
        if name not in available:
            if require_all and name != "assignments":
                raise SystemExit(f"{run_gpkg} has no layer {name!r} (layers: "
                                 f"{sorted(available)})")
            continue
        vl = QgsVectorLayer(f"{run_gpkg}|layername={name}", name, "ogr")
        if not vl.isValid():
            raise SystemExit(f"cannot open {run_gpkg}|layername={name}")
        with_run[name] = vl
        run_names.append(name)
    if not run_names:
        raise SystemExit(f"{run_gpkg} has none of the layers {', '.join(RUN_LAYERS)}")

    surface = None
    tif = os.path.splitext(run_gpkg)[0] + ".tif"
    if os.path.exists(tif):
        surface = surface_layer(tif)

    pref = QgsVectorLayer(f"{context_gpkg}|layername=prefectures", "prefectures", "ogr")
    if not pref.isValid():
        raise SystemExit(f"cannot open {context_gpkg}|layername=prefectures")
    outline = QgsFillSymbol.createSimple({
        "style": "no", "color": "255,255,255,0", "outline_color": "110,110,110,255",
        "outline_width": "0.35", "outline_width_unit": "MM", "joinstyle": "round"})
    pref.setRenderer(QgsSingleSymbolRenderer(outline))
    fmt = QgsTextFormat()
    fmt.setFont(QFont(FONT))
    fmt.setSize(8)
    fmt.setSizeUnit(QgsUnitTypes.RenderPoints)
    fmt.setColor(QColor(90, 90, 90))
    italic = QFont(FONT)
    italic.setItalic(True)
    fmt.setFont(italic)
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.7)
    buf.setColor(QColor(255, 255, 255, 200))
    fmt.setBuffer(buf)
    pls = QgsPalLayerSettings()
    pls.fieldName = "name_en"
    pls.setFormat(fmt)
    pls.placement = QgsPalLayerSettings.OverPoint  # at the polygon's point on surface
    pls.centroidInside = True
    pref.setLabeling(QgsVectorLayerSimpleLabeling(pls))
    pref.setLabelsEnabled(True)

    info = QgsVectorLayer(f"{run_gpkg}|layername=run_info", "run_info", "ogr")
    has_info = info.isValid() and "run_info" in available

    for name in run_names:
        project.addMapLayer(with_run[name], False)
        root.addLayer(with_run[name])
    if surface is not None:  # under the vector layers, switched off (the zones show it)
        project.addMapLayer(surface, False)
        root.addLayer(surface).setItemVisibilityChecked(False)
    project.addMapLayer(pref, False)
    root.addLayer(pref)
    if has_info:
        project.addMapLayer(info, False)
        root.addLayer(info)

    crs = project.crs()
    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    to_map = QgsCoordinateTransform(wgs, crs, project)

    def grown(r, f):
        r = QgsRectangle(r)
        r.scale(f)
        return r

    base = with_run.get("network") or with_run.get("demand") or pref  # the run's area
    overview = grown(to_map.transformBoundingBox(base.extent()), 1.04)
    qd = QgsVectorLayer(f"{context_gpkg}|layername=qingdao", "qingdao", "ogr")
    qd_ext = qd.extent() if qd.isValid() else QgsRectangle(*QINGDAO_FALLBACK)
    qingdao = grown(to_map.transformBoundingBox(qd_ext), 1.06)

    def info_expr(key):
        return (f"aggregate(layer:='run_info', aggregate:='max', expression:=\"value\", "
                f"filter:=\"key\"='{key}')")

    subtitle = ("[% coalesce(" + info_expr("command") + ", 'lightcone') %] run, metric "
                "[% coalesce(" + info_expr("metric") + ", '?') %]"
                "[% coalesce(', budgets ' || " + info_expr("budgets") + ", '') %]"
                "[% coalesce(', ' || " + info_expr("problem") + " || ' ' || "
                + info_expr("budget") + ", '') %]"
                " (latency classes are in this metric)\n"
                "[% coalesce(" + info_expr("description") + ", '') %]")
    if not has_info:
        subtitle = "latency classes are in the run's metric (see its summary.json)"

    mm = QgsUnitTypes.LayoutMillimeters

    def label(layout, text, x, y, w, h, size, bold=False, color=QColor(30, 30, 30),
              align=Qt.AlignLeft):
        it = QgsLayoutItemLabel(layout)
        it.setText(text)
        f = QFont(FONT)
        f.setPointSizeF(size)
        f.setBold(bold)
        it.setFont(f)
        it.setFontColor(color)
        it.setHAlign(align)
        it.setVAlign(Qt.AlignTop)
        it.attemptMove(QgsLayoutPoint(x, y, mm))
        it.attemptResize(QgsLayoutSize(w, h, mm))
        layout.addLayoutItem(it)
        return it

    def make_layout(name, title, extent):
        layout = QgsPrintLayout(project)
        layout.initializeDefaults()
        layout.setName(name)
        page = layout.pageCollection().page(0)
        page.setPageSize("A4", QgsLayoutItemPage.Landscape)  # 297 x 210 mm
        label(layout, title, 8, 6, 281, 10, 17, bold=True)
        sub = label(layout, subtitle, 8, 16, 281, 10, 7.5, color=QColor(80, 80, 80))
        sub.setId("subtitle")
        m = QgsLayoutItemMap(layout)
        layout.addLayoutItem(m)
        m.setId("map")
        m.attemptResize(QgsLayoutSize(206, 168, mm))  # before the move: moving a 0 x 0 map
        m.attemptMove(QgsLayoutPoint(8, 28, mm))      # leaves it with an empty extent
        m.setCrs(crs)
        m.setFrameEnabled(True)
        m.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, mm))
        m.zoomToExtent(extent)
        leg = QgsLayoutItemLegend(layout)
        leg.setId("legend")
        leg.setTitle("Legend")
        leg.setLinkedMap(m)
        leg.setLegendFilterByMapEnabled(True)  # only classes the map shows
        leg.setAutoUpdateModel(False)
        lroot = leg.model().rootGroup()
        hidden = {info.id()} | ({surface.id()} if surface is not None else set())
        for node in list(lroot.findLayers()):
            if node.layerId() in hidden:  # the table; the surface (off, the zones show it)
                lroot.removeChildNode(node)
        for style in (QgsLegendStyle.Title, QgsLegendStyle.Group, QgsLegendStyle.Subgroup,
                      QgsLegendStyle.SymbolLabel):
            f = QFont(FONT)
            f.setPointSizeF({QgsLegendStyle.Title: 11, QgsLegendStyle.Group: 9,
                             QgsLegendStyle.Subgroup: 8.5}.get(style, 7.5))
            f.setBold(style in (QgsLegendStyle.Title, QgsLegendStyle.Subgroup))
            leg.setStyleFont(style, f)
        leg.setSymbolHeight(3.5)
        leg.setSymbolWidth(6)
        leg.setWrapString("~")
        leg.attemptMove(QgsLayoutPoint(219, 28, mm))
        layout.addLayoutItem(leg)
        sb = QgsLayoutItemScaleBar(layout)
        layout.addLayoutItem(sb)  # first: the bar measures with the project's ellipsoid
        sb.setId("scalebar")
        sb.setStyle("Single Box")
        sb.setLinkedMap(m)
        sb.setUnits(QgsUnitTypes.DistanceKilometers)
        sb.setUnitLabel("km")
        sb.setNumberOfSegmentsLeft(0)
        sb.setNumberOfSegments(4)
        per = 50.0 if extent.width() > 300_000 else 10.0
        sb.setUnitsPerSegment(per)
        sb.setHeight(2.0)
        sbf = QgsTextFormat()
        sbf.setFont(QFont(FONT))
        sbf.setSize(7.5)
        sbf.setSizeUnit(QgsUnitTypes.RenderPoints)
        sb.setTextFormat(sbf)
        sb.setBackgroundEnabled(True)
        sb.setBackgroundColor(QColor(255, 255, 255, 210))
        sb.attemptMove(QgsLayoutPoint(11, 184, mm))
        sb.resizeToMinimumWidth()
        if not m.extent().width() > 0 or not sb.rect().width() < 1000:
            raise SystemExit(f"layout {name}: map extent {m.extent().toString()} / scale bar "
                             f"{sb.rect().width()} mm is broken")
        north = QgsLayoutItemPicture(layout)
        north.setId("north")
        north.setPicturePath(":/images/north_arrows/layout_default_north_arrow.svg")
        north.setLinkedMap(m)
        north.setNorthMode(QgsLayoutItemPicture.GridNorth)
        north.attemptMove(QgsLayoutPoint(202, 30, mm))
        north.attemptResize(QgsLayoutSize(10, 14, mm))
        layout.addLayoutItem(north)
        label(layout,
              "Made with lightcone and QGIS [% @qgis_short_version %]. Context: Shandong "
              "prefecture boundaries from Apache ECharts 4.9.0 map data "
              "(display-grade, Apache-2.0). No basemap. CRS: CGCS2000 / 3-degree "
              "Gauss-Kruger CM 120E (EPSG:4549).",
              8, 198, 281, 8, 6.5, color=QColor(100, 100, 100))
        project.layoutManager().addLayout(layout)
        return layout

    make_layout("Shandong", "lightcone: latency to compute sites, Shandong", overview)
    make_layout("Qingdao", "lightcone: latency to compute sites, Qingdao", qingdao)

    # Main canvas view: the overview.
    project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(overview, crs))

    if not project.write(out_qgs):
        raise SystemExit(f"cannot write {out_qgs}: {project.error()}")
    ids = {lyr.id(): "lightcone_" + lyr.name() for lyr in project.mapLayers().values()}
    if surface is not None:
        run_names.append("surface")
    project.removeAllMapLayers()
    project.clear()
    return run_names, ids


def _layer_names(gpkg):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    if ds is None:
        raise SystemExit(f"cannot open {gpkg}")
    return {ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())}


def make_deterministic(path, ids):
    """Fixed layer ids and UUIDs, no save user/date: identical output for identical input."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for old, new in sorted(ids.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    seen = {}

    def fixed_uuid(m):
        u = m.group(0)
        if u not in seen:
            seen[u] = "{" + str(uuid.uuid5(NS, str(len(seen)))) + "}"
        return seen[u]

    text = re.sub(r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}\}", fixed_uuid, text)
    # Ids QGIS makes itself (e.g. the annotation layer): name_ + uuid with underscores.
    made = {}

    def fixed_id(m):
        return made.setdefault(m.group(0), "_lightcone%d" % len(made))

    text = re.sub(r"_[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}\b",
                  fixed_id, text)
    text = re.sub(r' saveUser="[^"]*"', "", text)
    text = re.sub(r' saveUserFull="[^"]*"', "", text)
    text = re.sub(r' saveDateTime="[^"]*"', "", text)
    text = re.sub(r"<creation>[^<]*</creation>", "<creation>2000-01-01T00:00:00</creation>", text)
    text = re.sub(r"<author>[^<]*</author>", "<author>lightcone</author>", text)
    # Per-layer snapping settings come in hash order of the original ids: sort them.
    text = re.sub(r"(<individual-layer-settings>\n)(.*?)(\s*</individual-layer-settings>)",
                  lambda m: m.group(1) + "\n".join(sorted(m.group(2).split("\n"))) + m.group(3),
                  text, flags=re.S)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", help="a run's GeoPackage (default: run lightcone on the sample)")
    ap.add_argument("--out", help="project to write (default: maps/lightcone.qgs, or "
                                  "lightcone.qgs beside --run)")
    ap.add_argument("--context", default=SAMPLE,
                    help="GeoPackage with the `prefectures` (and `qingdao`) layers")
    ap.add_argument("--lightcone", help="lightcone binary (default: $LIGHTCONE, PATH, "
                                        "build/cli/lightcone)")
    args = ap.parse_args()

    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    try:
        if args.run:
            out = os.path.abspath(args.out or os.path.join(os.path.dirname(
                os.path.abspath(args.run)), "lightcone.qgs"))
            names, ids = build_project(os.path.abspath(args.run), os.path.abspath(args.context),
                                       out, require_all=False)
            make_deterministic(out, ids)
        else:
            out = os.path.abspath(args.out or DEFAULT_OUT)
            with tempfile.TemporaryDirectory(prefix="lc-project-") as tmp:
                # A scratch tree like the repository: maps/, out-sample/, data/.
                for d in ("maps", "out-sample", "data"):
                    os.makedirs(os.path.join(tmp, d))
                run = os.path.join(tmp, "out-sample", "run.gpkg")
                sample_run(find_lightcone(args.lightcone), run)
                ctx = os.path.join(tmp, "data", "shandong_sample.gpkg")
                shutil.copyfile(os.path.abspath(args.context), ctx)
                qgs = os.path.join(tmp, "maps", "lightcone.qgs")
                names, ids = build_project(run, ctx, qgs)
                make_deterministic(qgs, ids)
                shutil.copyfile(qgs, out)
        print(f"wrote {out} (layers: {', '.join(names)}, prefectures)", file=sys.stderr)
    finally:
        app.exitQgis()


if __name__ == "__main__":
    main()
