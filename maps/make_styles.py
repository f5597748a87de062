#!/usr/bin/python3
"""Generate the QGIS layer styles maps/*.qml that lightcone stores in every GeoPackage.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 maps/make_styles.py [--out maps]

Needs Debian 12's QGIS 3.22 Python bindings (`apt-get install qgis python3-qgis`) and
python3-gdal; use /usr/bin/python3, not another python on PATH. The script sets
QT_QPA_PLATFORM=offscreen and a private XDG_RUNTIME_DIR itself when they are unset.

What it does: creates a scratch GeoPackage (in a temporary directory, deleted at the
end) with the output layers and fields lightcone writes (zones, zones_split, network, sites, demand,
uncovered, assignments; EPSG:4326), builds each layer's renderer with PyQGIS, exports
it with QgsVectorLayer.exportNamedStyle (categories Symbology | Labeling | Rendering |
Legend only, so no field lists, forms or attribute-table settings of the scratch layer
leak into the style), and writes maps/<layer>.qml. The file name stem is the layer name
src/io/embed_styles.cmake matches on.

Deterministic: rule keys are fixed (uuid5 of the layer and rule name), attributes of
every XML start tag are sorted by name (Qt 5 writes them in hash order), and the QML
holds no paths, dates or host names. Running the script twice gives identical files.

Classes shared by network and demand (latency in µs, the run's metric):
  ≤ 0.25 ms | 0.25–0.5 | 0.5–1 | 1–1.5 | 1.5–3 | > 3 ms | unreachable (NULL, grey)
Zones (one feature per budget, `budget_us`): ≤ 0.25, 0.5, 1, 2, 3, 5, 10 ms, > 10 ms.
zones_split (`zones --split`: one feature per budget and site): the zone classes with a
white border between the parts of neighbouring sites.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_HASH_SEED", "0")
if "XDG_RUNTIME_DIR" not in os.environ:
    _xdg = tempfile.mkdtemp(prefix="lc-xdg-")
    os.chmod(_xdg, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = _xdg

from osgeo import ogr, osr  # noqa: E402
from qgis.PyQt.QtCore import Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402
from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsClassificationCustom,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGradientColorRamp,
    QgsGraduatedSymbolRenderer,
    QgsLineSymbol,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsReadWriteContext,
    QgsRendererCategory,
    QgsRendererRange,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsSimpleMarkerSymbolLayer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)

ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_NAMESPACE = uuid.UUID("6c1d2f0e-5a4b-4c3d-9e8f-0a1b2c3d4e5f")  # fixed; only for rule keys

# Fields of each output layer, in lightcone's order (type letters: r real, i integer, s text).
LAYERS = {
    "zones": (ogr.wkbMultiPolygon, [
        ("budget_us", "r"), ("budget", "s"), ("metric", "s"), ("area_km2", "r"),
        ("weight_covered", "r"), ("weight_share", "r"), ("sites_involved", "i")]),
    "zones_split": (ogr.wkbMultiPolygon, [
        ("budget_us", "r"), ("budget", "s"), ("metric", "s"), ("site_id", "s"), ("area_km2", "r"),
        ("weight_covered", "r"), ("weight_share", "r")]),
    "network": (ogr.wkbLineString, [
        ("edge_id", "i"), ("source_fid", "i"), ("latency_u_us", "r"), ("latency_v_us", "r"),
        ("length_km", "r"), ("delay_us", "r"), ("site_id", "s")]),
    "sites": (ogr.wkbPoint, [
        ("site_id", "s"), ("name", "s"), ("status", "s"), ("attached", "i"),
        ("access_m", "r"), ("node_id", "i")]),
    "demand": (ogr.wkbPoint, [
        ("source_fid", "i"), ("weight", "r"), ("latency_us", "r"), ("access_us", "r"),
        ("site_id", "s"), ("covered_1ms", "i"), ("margin_1ms_us", "r")]),
    "uncovered": (ogr.wkbPoint, [
        ("source_fid", "i"), ("weight", "r"), ("budget", "s"), ("reason", "s"),
        ("excess_us", "r")]),
    "assignments": (ogr.wkbLineString, [
        ("source_fid", "i"), ("site_id", "s"), ("latency_us", "r")]),
}

CATEGORIES = (QgsMapLayer.Symbology | QgsMapLayer.Labeling | QgsMapLayer.Rendering
              | QgsMapLayer.Legend)

# Latency classes for network and demand: (upper bound µs or None, label, colour).
# Colours: green -> yellow -> red, saturated enough to read over the light zone fills
# (ColorBrewer RdYlGn's pale middle classes vanish on them).
LATENCY_CLASSES = [
    (250, "≤ 0.25 ms", "#1a9641"),
    (500, "0.25 – 0.5 ms", "#73b22f"),
    (1000, "0.5 – 1 ms", "#c9c20a"),
    (1500, "1 – 1.5 ms", "#f5a623"),
    (3000, "1.5 – 3 ms", "#e4572e"),
    (None, "> 3 ms", "#a50f15"),
]
UNREACHABLE_LABEL = "unreachable"
UNREACHABLE_COLOUR = "#9e9e9e"

# Zone classes on budget_us: (upper bound µs, label, colour). ColorBrewer Blues, reversed:
# dark = small budget (drawn on top), light = large budget.
ZONE_CLASSES = [
    (250, "≤ 0.25 ms", "#08306b"),
    (500, "≤ 0.5 ms", "#08519c"),
    (1000, "≤ 1 ms", "#2171b5"),
    (2000, "≤ 2 ms", "#4292c6"),
    (3000, "≤ 3 ms", "#6baed6"),
    (5000, "≤ 5 ms", "#9ecae1"),
    (10000, "≤ 10 ms", "#c6dbef"),
    (1e9, "> 10 ms", "#deebf7"),
]
ZONE_FILL_ALPHA = 128  # ~50 % opaque fill; the outline stays opaque


def rgba(hex_colour, alpha=255):
    c = QColor(hex_colour)
    c.setAlpha(alpha)
    return f"{c.red()},{c.green()},{c.blue()},{c.alpha()}"


def darker(hex_colour, factor=140):
    return QColor(hex_colour).darker(factor).name()


def rule_key(layer, name):
    return "{" + str(uuid.uuid5(KEY_NAMESPACE, layer + "/" + name)) + "}"


def make_scratch_gpkg(path):
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    types = {"r": ogr.OFTReal, "i": ogr.OFTInteger64, "s": ogr.OFTString}
    for name, (gtype, fields) in LAYERS.items():
        lyr = ds.CreateLayer(name, srs, gtype, ["FID=fid", "GEOMETRY_NAME=geom"])
        for fname, t in fields:
            lyr.CreateField(ogr.FieldDefn(fname, types[t]))
    ds = None


def open_layer(gpkg, name):
    vl = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not vl.isValid():
        sys.exit(f"make_styles: cannot open scratch layer {name}")
    return vl


# --------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------
def latency_rules(layer_name, expr, symbol_for):
    """Rule-based renderer: one rule per latency class on `expr`, ELSE rule = NULL (grey).

    A graduated renderer cannot draw NULL values, and unreachable features must stay
    visible (grey), so the graduated classes are written as range rules."""
    root = QgsRuleBasedRenderer.Rule(None)
    root.setRuleKey(rule_key(layer_name, "root"))
    lower = None
    for upper, label, colour in LATENCY_CLASSES:
        if lower is None:
            flt = f"{expr} <= {upper}"
        elif upper is None:
            flt = f"{expr} > {lower}"
        else:
            flt = f"{expr} > {lower} AND {expr} <= {upper}"
        rule = QgsRuleBasedRenderer.Rule(symbol_for(colour), 0, 0, flt, label)
        rule.setRuleKey(rule_key(layer_name, label))
        root.appendChild(rule)
        lower = upper
    other = QgsRuleBasedRenderer.Rule(symbol_for(None), 0, 0, "", UNREACHABLE_LABEL)
    other.setIsElse(True)
    other.setDescription("latency is NULL: no site within reach")
    other.setRuleKey(rule_key(layer_name, UNREACHABLE_LABEL))
    root.appendChild(other)
    return QgsRuleBasedRenderer(root)


def zones_renderer(split=False):
    ranges = []
    lower = 0.0
    for upper, label, colour in ZONE_CLASSES:
        sym = QgsFillSymbol.createSimple({
            "color": rgba(colour, ZONE_FILL_ALPHA),
            "style": "solid",
            # Split parts: a white border between neighbouring sites' parts.
            "outline_color": rgba("#ffffff") if split else rgba(darker(colour, 120)),
            "outline_style": "solid",
            "outline_width": "0.5" if split else "0.26",
            "outline_width_unit": "MM",
            "joinstyle": "round",
        })
        ranges.append(QgsRendererRange(lower, upper, sym, label))
        lower = float(upper)
    r = QgsGraduatedSymbolRenderer("budget_us", ranges)
    r.setGraduatedMethod(QgsGraduatedSymbolRenderer.GraduatedColor)
    r.setClassificationMethod(QgsClassificationCustom())
    ramp = QgsGradientColorRamp(QColor(ZONE_CLASSES[0][2]), QColor(ZONE_CLASSES[-1][2]))
    r.setSourceColorRamp(ramp)
    r.setSourceSymbol(QgsFillSymbol.createSimple({
        "color": rgba(ZONE_CLASSES[2][2], ZONE_FILL_ALPHA), "outline_width": "0.26"}))
    # Small budgets on top: draw the largest budget first.
    r.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause('"budget_us"', False, False)]))
    r.setOrderByEnabled(True)
    return r


def network_renderer():
    def line(colour):
        if colour is None:
            return QgsLineSymbol.createSimple({
                "line_color": rgba(UNREACHABLE_COLOUR), "line_width": "0.4",
                "line_width_unit": "MM", "capstyle": "round", "joinstyle": "round"})
        return QgsLineSymbol.createSimple({
            "line_color": rgba(colour), "line_width": "0.6", "line_width_unit": "MM",
            "capstyle": "round", "joinstyle": "round"})
    return latency_rules("network", 'min("latency_u_us", "latency_v_us")', line)


def demand_renderer():
    def dot(colour):
        return QgsMarkerSymbol.createSimple({
            "name": "circle", "size": "1.5", "size_unit": "MM",
            "color": rgba(colour or UNREACHABLE_COLOUR),
            "outline_color": rgba("#333333", 160), "outline_style": "solid",
            "outline_width": "0.1", "outline_width_unit": "MM"})
    return latency_rules("demand", '"latency_us"', dot)


SITE_STATUS = [
    # value, label, shape, size mm, fill, outline, outline width mm, draw order
    ("chosen", "chosen", "star", 6.0, "#e31a1c", "#67000d", 0.4, 6),
    ("required", "required", "diamond", 4.2, "#6a3d9a", "#2d0a4e", 0.3, 5),
    ("existing", "existing", "square", 3.4, "#08306b", "#ffffff", 0.3, 4),
    ("planned", "planned", "triangle", 4.0, "#ff7f00", "#7f3f00", 0.3, 3),
    ("candidate", "candidate", "circle", 2.0, "#9e9e9e", "#616161", 0.2, 1),
    ("excluded", "excluded", "cross2", 2.0, "#d0d0d0", "#c8c8c8", 0.3, 0),
    ("", "other status", "circle", 2.4, "#ffffff", "#000000", 0.3, 2),
]


def sites_renderer():
    cats = []
    for value, label, shape, size, fill, outline, width, _ in SITE_STATUS:
        sym = QgsMarkerSymbol.createSimple({
            "name": shape, "size": str(size), "size_unit": "MM", "color": rgba(fill),
            "outline_color": rgba(outline), "outline_style": "solid",
            "outline_width": str(width), "outline_width_unit": "MM", "joinstyle": "miter"})
        cats.append(QgsRendererCategory(value, sym, label, True))
    r = QgsCategorizedSymbolRenderer("status", cats)
    r.setSourceSymbol(QgsMarkerSymbol.createSimple({"name": "circle", "size": "2"}))
    order = " ".join(f"WHEN '{v}' THEN {o}" for v, _, _, _, _, _, _, o in SITE_STATUS if v)
    other = next(o for v, _, _, _, _, _, _, o in SITE_STATUS if not v)
    # Chosen sites last, i.e. on top.
    r.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause(
        f'CASE "status" {order} ELSE {other} END', True, False)]))
    r.setOrderByEnabled(True)
    return r


def sites_labeling():
    s = QgsPalLayerSettings()
    s.fieldName = "site_id"
    s.isExpression = False
    s.placement = QgsPalLayerSettings.OrderedPositionsAroundPoint
    s.dist = 1.0
    s.distUnits = QgsUnitTypes.RenderMillimeters
    fmt = QgsTextFormat()
    fmt.setFont(QFont("Arial"))
    fmt.setSize(8)
    fmt.setSizeUnit(QgsUnitTypes.RenderPoints)
    fmt.setColor(QColor("#202020"))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.8)
    buf.setSizeUnit(QgsUnitTypes.RenderMillimeters)
    buf.setColor(QColor("#ffffff"))
    fmt.setBuffer(buf)
    s.setFormat(fmt)
    return QgsVectorLayerSimpleLabeling(s)


def uncovered_renderer():
    sym = QgsMarkerSymbol.createSimple({
        "name": "circle", "size": "2.8", "size_unit": "MM", "color": rgba("#ff0000", 50),
        "outline_color": rgba("#d00000"), "outline_style": "solid", "outline_width": "0.5",
        "outline_width_unit": "MM"})
    cross = QgsSimpleMarkerSymbolLayer.create({
        "name": "cross2", "size": "1.7", "size_unit": "MM", "color": rgba("#d00000"),
        "outline_color": rgba("#d00000"), "outline_style": "solid", "outline_width": "0.4",
        "outline_width_unit": "MM"})
    sym.appendSymbolLayer(cross)
    return QgsSingleSymbolRenderer(sym)


def assignments_renderer():
    return QgsSingleSymbolRenderer(QgsLineSymbol.createSimple({
        "line_color": rgba("#808080", 140), "line_width": "0.15", "line_width_unit": "MM",
        "capstyle": "round"}))


RENDERERS = {
    "zones": zones_renderer,
    "zones_split": lambda: zones_renderer(split=True),
    "network": network_renderer,
    "sites": sites_renderer,
    "demand": demand_renderer,
    "uncovered": uncovered_renderer,
    "assignments": assignments_renderer,
}


# --------------------------------------------------------------------------------------
# Export and normalisation
# --------------------------------------------------------------------------------------
_TAG = re.compile(r'<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"]*")+)(\s*/?)>')
_ATTR = re.compile(r'([\w.:-]+)="([^"]*)"')


def _unescape(v):
    return v.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape(v):  # as QDom escapes attribute values ('>' stays)
    return v.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _sort_value(v):
    # Some options hold a whole XML fragment (e.g. the label callout's line symbol).
    if "&lt;" not in v:
        return v
    return _escape(_TAG.sub(_sort_attributes, _unescape(v)))


def _sort_attributes(m):
    attrs = sorted((k, _sort_value(v)) for k, v in _ATTR.findall(m.group(2)))
    return "<" + m.group(1) + "".join(f' {k}="{v}"' for k, v in attrs) + m.group(3) + ">"


def normalise(qml):
    qml = _TAG.sub(_sort_attributes, qml)
    qml = "\n".join(line.rstrip() for line in qml.splitlines()) + "\n"
    # Guard against anything machine-specific sneaking in.
    for bad in ("/tmp", "/home", "/work", "file:", tempfile.gettempdir()):
        if bad in qml:
            sys.exit(f"make_styles: machine-specific text {bad!r} in the style")
    if ')lcqml"' in qml:  # delimiter of the raw string in src/io/embed_styles.cmake
        sys.exit("make_styles: style contains the embedding delimiter")
    return qml


def export_style(vl):
    doc = QDomDocument("qgis")
    err = vl.exportNamedStyle(doc, QgsReadWriteContext(), CATEGORIES)
    if err:
        sys.exit(f"make_styles: exporting {vl.name()}: {err}")
    return normalise(doc.toString(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE, help="directory for the .qml files (default: maps/)")
    args = ap.parse_args()

    if not Qgis.QGIS_VERSION.startswith("3.22."):
        print(f"make_styles: warning: QGIS {Qgis.QGIS_VERSION}, the styles were made with 3.22",
              file=sys.stderr)
    app = QgsApplication([], False)
    app.initQgis()
    tmp = tempfile.mkdtemp(prefix="lc-styles-")
    try:
        gpkg = os.path.join(tmp, "scratch.gpkg")
        make_scratch_gpkg(gpkg)
        os.makedirs(args.out, exist_ok=True)
        for name, make in RENDERERS.items():
            vl = open_layer(gpkg, name)
            vl.setRenderer(make())
            if name == "sites":
                vl.setLabeling(sites_labeling())
                vl.setLabelsEnabled(False)  # site_id labels ready, switched off
            else:
                vl.setLabelsEnabled(False)
            qml = export_style(vl)
            path = os.path.join(args.out, name + ".qml")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(qml)
            print(f"wrote {os.path.relpath(path)} ({vl.renderer().type()})")
            del vl
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    app.exitQgis()


if __name__ == "__main__":
    main()
