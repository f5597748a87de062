#!/usr/bin/python3
"""Check maps/*.qml with real QGIS: store them in a GeoPackage's layer_styles table the way
lightcone does, reopen every layer and render a map.

    /usr/bin/python3 maps/check_styles.py [--sample data/shandong_sample.gpkg] [--work /tmp/lc-check]

Needs Debian 12's qgis + python3-qgis (3.22), python3-gdal, python3-numpy, python3-scipy,
python3-pyproj. Sets QT_QPA_PLATFORM=offscreen and a private XDG_RUNTIME_DIR when unset.
Exits 1 when a check fails.

1. Builds a demo run from the bundled sample (NOT lightcone's algorithm: a quick scipy
   Dijkstra, RTT, 1.4682 group index, detour 1.5, 10 km max access, zones as unions of
   access discs), with the output layers and fields lightcone writes: zones, network,
   sites, demand, uncovered, assignments (EPSG:4326; GDAL, FID=fid, Integer64).
2. Copies it into one GeoPackage per way of writing `layer_styles`:
     sql_registered  CREATE TABLE + INSERT (SQL through GDAL) + a gpkg_contents row
     sql_plain       the same without the gpkg_contents row
     ogr_api         OGR CreateLayer/CreateFeature like src/io/write.cpp
   plus `control` with no styles at all.
3. Opens every layer of every copy with QgsVectorLayer (default style loading on) and
   compares renderer type and class count with the QML; the control must come back with
   QGIS's default single symbol.
4. Renders all layers of sql_plain together (whole sample and Qingdao) with
   QgsMapRendererParallelJob, and a layout with the legend, to PNGs in --work.
"""
import argparse
import math
import os
import shutil
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:
    _xdg = tempfile.mkdtemp(prefix="lc-xdg-")
    os.chmod(_xdg, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = _xdg

import numpy as np  # noqa: E402
import pyproj  # noqa: E402
from osgeo import gdal, ogr, osr  # noqa: E402
from scipy.sparse import coo_matrix  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STYLED = ["zones", "network", "sites", "demand", "uncovered", "assignments"]
FIXED_TIME = "2000-01-01T00:00:00Z"

# The exact table QGIS 3.22 creates itself (QgsVectorLayer.saveStyleToDatabase on a GPKG).
CREATE_LAYER_STYLES = (
    'CREATE TABLE layer_styles ('
    'id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    'f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), '
    'f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, '
    'useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), '
    "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))")
INSERT_LAYER_STYLES = (
    'INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, '
    'f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, '
    'ui, update_time) VALUES ({values})')
REGISTER_LAYER_STYLES = (
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
    "VALUES ('layer_styles', 'attributes', 'layer_styles', '', '2000-01-01T00:00:00.000Z')")

US_PER_KM = 1.4682 / 299792.458 * 1e6  # 4.89738 µs/km
RTT = 2.0
DETOUR = 1.5
MAX_ACCESS_KM = 10.0
BUDGETS = [("500us", 500.0), ("1ms", 1000.0), ("3ms", 3000.0)]
COVER_BUDGET = ("1ms", 1000.0)  # uncovered / covered_* refer to this one


def sq(s):
    return "'" + s.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------
# 1. demo run
# --------------------------------------------------------------------------------------
def read_layer(path, name):
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    lyr = ds.GetLayerByName(name)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        out.append((f.GetFID(), f.items(), g.Clone() if g else None))
    return out


def build_demo(sample):
    geod = pyproj.Geod(ellps="WGS84")
    fibre = read_layer(sample, "fibre")
    sites_in = read_layer(sample, "sites")
    demand_in = read_layer(sample, "demand")

    key_to_node, node_xy, edges = {}, [], []

    def node(x, y):
        k = (round(x, 7), round(y, 7))
        if k not in key_to_node:
            key_to_node[k] = len(node_xy)
            node_xy.append((x, y))
        return key_to_node[k]

    for fid, _, g in fibre:
        pts = g.GetPoints()
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        length_km = geod.line_length(xs, ys) / 1000.0
        edges.append((fid, node(*pts[0][:2]), node(*pts[-1][:2]), length_km, pts))
    n = len(node_xy)
    nxy = np.array(node_xy)
    lat0 = math.radians(36.0)
    proj = lambda xy: np.column_stack([xy[:, 0] * 111.32 * math.cos(lat0), xy[:, 1] * 110.57])  # noqa: E731
    tree = cKDTree(proj(nxy))

    # Sites: give the demo every status the style knows.
    status_override = {}
    cands = [s for s in sites_in if s[1]["status"] == "candidate"]
    for i, s in enumerate(cands):
        status_override[s[0]] = ["chosen", "candidate", "candidate", "chosen", "excluded",
                                 "candidate", "required", "candidate"][i % 8]
    sites = []
    for fid, it, g in sites_in:
        st = status_override.get(fid, it["status"])
        d, j = tree.query(proj(np.array([[g.GetX(), g.GetY()]]))[0])
        sites.append(dict(fid=fid, site_id=it["site_id"], name=it["name"] or "", status=st,
                          x=g.GetX(), y=g.GetY(), node=int(j), access_m=float(d) * 1000.0,
                          attached=int(d <= MAX_ACCESS_KM)))
    open_sites = [s for s in sites if s["status"] in ("existing", "chosen", "required")
                  and s["attached"]]

    # Graph with one extra super-source per site (edge = access delay).
    best = {}  # parallel edges: keep the shortest (coo -> csr would add them up)
    for _, u, v, km, _ in edges:
        w = km * US_PER_KM * RTT
        for a, b in ((u, v), (v, u)):
            if a != b and w < best.get((a, b), math.inf):
                best[(a, b)] = w
    rows = [a for a, _ in best]
    cols = [b for _, b in best]
    vals = list(best.values())
    for k, s in enumerate(open_sites):
        rows.append(n + k)
        cols.append(s["node"])
        vals.append(s["access_m"] / 1000.0 * DETOUR * US_PER_KM * RTT + 1e-9)
    m = n + len(open_sites)
    graph = coo_matrix((vals, (rows, cols)), shape=(m, m)).tocsr()
    dist, _, src = dijkstra(graph, indices=list(range(n, m)), min_only=True,
                            return_predecessors=True, limit=max(b for _, b in BUDGETS))
    node_lat = dist[:n]
    node_site = src[:n]

    def lat_or_none(v):
        return None if not np.isfinite(v) else float(v)

    network = []
    for fid, u, v, km, pts in edges:
        lu, lv = lat_or_none(node_lat[u]), lat_or_none(node_lat[v])
        near = None
        if lu is not None or lv is not None:
            a = u if (lv is None or (lu is not None and lu <= lv)) else v
            near = open_sites[node_site[a] - n]["site_id"]
        network.append(dict(geom=pts, edge_id=len(network) + 1, source_fid=fid,
                            latency_u_us=lu, latency_v_us=lv, length_km=km,
                            delay_us=km * US_PER_KM * RTT, site_id=near))

    demand, uncovered, assignments = [], [], []
    dxy = np.array([[g.GetX(), g.GetY()] for _, _, g in demand_in])
    dd, dj = tree.query(proj(dxy))
    site_by_id = {s["site_id"]: s for s in sites}
    for (fid, it, g), d, j in zip(demand_in, dd, dj):
        row = dict(x=g.GetX(), y=g.GetY(), source_fid=fid, weight=float(it["pop"]),
                   latency_us=None, access_us=None, site_id=None)
        if d <= MAX_ACCESS_KM:
            acc = d * DETOUR * US_PER_KM * RTT
            row["access_us"] = acc
            if np.isfinite(node_lat[j]) and node_lat[j] + acc <= BUDGETS[-1][1]:
                row["latency_us"] = float(node_lat[j] + acc)
                row["site_id"] = open_sites[node_site[j] - n]["site_id"]
        for bname, b in BUDGETS:
            lat = row["latency_us"]
            row["covered_" + bname] = int(lat is not None and lat <= b)
            row["margin_" + bname + "_us"] = None if lat is None else b - lat
        demand.append(row)
        bname, b = COVER_BUDGET
        if not row["covered_" + bname]:
            if d > MAX_ACCESS_KM:
                reason, excess = "no network within max access", None
            elif row["latency_us"] is None and not np.isfinite(node_lat[j]):
                reason, excess = "disconnected from all sites", None
            else:
                reason = "beyond budget"
                excess = (row["latency_us"] - b) if row["latency_us"] is not None else None
            uncovered.append(dict(x=row["x"], y=row["y"], source_fid=fid, weight=row["weight"],
                                  budget=bname, reason=reason, excess_us=excess))
        if it["in_qingdao"] and row["site_id"]:
            s = site_by_id[row["site_id"]]
            assignments.append(dict(geom=[(row["x"], row["y"]), (s["x"], s["y"])],
                                    source_fid=fid, site_id=row["site_id"],
                                    latency_us=row["latency_us"]))

    # Zones: union of access discs around reached nodes (local azimuthal projection).
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    loc = osr.SpatialReference()
    loc.ImportFromProj4("+proj=aeqd +lat_0=36.2 +lon_0=118.8 +datum=WGS84 +units=m")
    loc.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    fwd, back = osr.CoordinateTransformation(wgs, loc), osr.CoordinateTransformation(loc, wgs)
    zones = []
    for bname, b in sorted(BUDGETS, key=lambda t: t[1]):
        discs = ogr.Geometry(ogr.wkbMultiPolygon)
        for i in np.nonzero(node_lat <= b)[0]:
            r_km = min((b - node_lat[i]) / (DETOUR * US_PER_KM * RTT), MAX_ACCESS_KM)
            if r_km <= 0.01:
                continue
            p = ogr.Geometry(ogr.wkbPoint)
            p.AddPoint_2D(*node_xy[i])
            p.Transform(fwd)
            discs.AddGeometry(p.Buffer(r_km * 1000.0, 8))
        zone = discs.UnionCascaded()
        area = zone.GetArea() / 1e6
        zone.Transform(back)
        zone = ogr.ForceToMultiPolygon(zone)
        wcov = sum(r["weight"] for r in demand if r["covered_" + bname])
        wtot = sum(r["weight"] for r in demand)
        involved = len({open_sites[node_site[i] - n]["site_id"] for i in np.nonzero(node_lat <= b)[0]})
        zones.append(dict(geom=zone, budget_us=b, budget=bname, metric="rtt", area_km2=area,
                          weight_covered=wcov, weight_share=wcov / wtot,
                          sites_involved=involved))
    return dict(zones=zones, network=network, sites=sites, demand=demand,
                uncovered=uncovered, assignments=assignments)


FIELDS = {
    "zones": [("budget_us", "r"), ("budget", "s"), ("metric", "s"), ("area_km2", "r"),
              ("weight_covered", "r"), ("weight_share", "r"), ("sites_involved", "i")],
    "network": [("edge_id", "i"), ("source_fid", "i"), ("latency_u_us", "r"),
                ("latency_v_us", "r"), ("length_km", "r"), ("delay_us", "r"), ("site_id", "s")],
    "sites": [("site_id", "s"), ("name", "s"), ("status", "s"), ("attached", "i"),
              ("access_m", "r"), ("node_id", "i")],
    "demand": [("source_fid", "i"), ("weight", "r"), ("latency_us", "r"), ("access_us", "r"),
               ("site_id", "s")] + [f for b, _ in BUDGETS
                                    for f in (("covered_" + b, "i"), ("margin_" + b + "_us", "r"))],
    "uncovered": [("source_fid", "i"), ("weight", "r"), ("budget", "s"), ("reason", "s"),
                  ("excess_us", "r")],
    "assignments": [("source_fid", "i"), ("site_id", "s"), ("latency_us", "r")],
}
GEOM = {"zones": ogr.wkbMultiPolygon, "network": ogr.wkbLineString, "sites": ogr.wkbPoint,
        "demand": ogr.wkbPoint, "uncovered": ogr.wkbPoint, "assignments": ogr.wkbLineString}


def write_demo(demo, path):
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    types = {"r": ogr.OFTReal, "i": ogr.OFTInteger64, "s": ogr.OFTString}
    for name in STYLED:
        lyr = ds.CreateLayer(name, srs, GEOM[name], ["FID=fid"])
        for fname, t in FIELDS[name]:
            lyr.CreateField(ogr.FieldDefn(fname, types[t]))
        ds.StartTransaction()
        for row in demo[name]:
            f = ogr.Feature(lyr.GetLayerDefn())
            g = row.get("geom")
            if isinstance(g, ogr.Geometry):
                f.SetGeometry(g)
            elif g is not None:
                ls = ogr.Geometry(ogr.wkbLineString)
                for p in g:
                    ls.AddPoint_2D(p[0], p[1])
                f.SetGeometry(ls)
            else:
                p = ogr.Geometry(ogr.wkbPoint)
                p.AddPoint_2D(row["x"], row["y"])
                f.SetGeometry(p)
            for fname, _ in FIELDS[name]:
                v = row.get(fname if fname != "node_id" else "node")
                if v is None:
                    f.SetFieldNull(fname)
                else:
                    f.SetField(fname, v)
            lyr.CreateFeature(f)
        ds.CommitTransaction()
    ds = None


# --------------------------------------------------------------------------------------
# 2. layer_styles, three ways
# --------------------------------------------------------------------------------------
def qml_of(name):
    with open(os.path.join(HERE, name + ".qml"), encoding="utf-8") as f:
        return f.read()


def styles_by_sql(path, register):
    ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
    ds.ExecuteSQL(CREATE_LAYER_STYLES, dialect="SQLITE")
    if register:
        ds.ExecuteSQL(REGISTER_LAYER_STYLES, dialect="SQLITE")
    for name in STYLED:
        values = ", ".join([sq(""), sq(""), sq(name), sq("geom"), sq(name), sq(qml_of(name)),
                            sq(""), "1", sq("lightcone default style"), sq(""), sq(""),
                            sq(FIXED_TIME)])
        ds.ExecuteSQL(INSERT_LAYER_STYLES.format(values=values), dialect="SQLITE")
    ds = None


def styles_by_ogr_api(path):  # mirrors src/io/write.cpp write_layer_styles()
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
    lyr = ds.CreateLayer("layer_styles", None, ogr.wkbNone)
    for fname, t in [("f_table_catalog", ogr.OFTString), ("f_table_schema", ogr.OFTString),
                     ("f_table_name", ogr.OFTString), ("f_geometry_column", ogr.OFTString),
                     ("styleName", ogr.OFTString), ("styleQML", ogr.OFTString),
                     ("styleSLD", ogr.OFTString), ("useAsDefault", ogr.OFTInteger),
                     ("description", ogr.OFTString), ("owner", ogr.OFTString),
                     ("ui", ogr.OFTString), ("update_time", ogr.OFTDateTime)]:
        fd = ogr.FieldDefn(fname, t)
        if fname == "useAsDefault":
            fd.SetSubType(ogr.OFSTBoolean)
        lyr.CreateField(fd)
    for name in STYLED:
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in [("f_table_catalog", ""), ("f_table_schema", ""), ("f_table_name", name),
                     ("f_geometry_column", "geom"), ("styleName", name),
                     ("styleQML", qml_of(name)), ("styleSLD", ""), ("useAsDefault", 1),
                     ("description", "lightcone default style"), ("owner", ""), ("ui", "")]:
            f.SetField(k, v)
        f.SetField("update_time", 2000, 1, 1, 0, 0, 0, 100)
        lyr.CreateFeature(f)
    ds = None


# --------------------------------------------------------------------------------------
# 3. reload in QGIS, 4. render
# --------------------------------------------------------------------------------------
def expected_from_qml(name):
    from qgis.PyQt.QtXml import QDomDocument
    doc = QDomDocument()
    doc.setContent(qml_of(name))
    r = doc.documentElement().firstChildElement("renderer-v2")
    rtype = r.attribute("type")
    if rtype == "graduatedSymbol":
        count = r.firstChildElement("ranges").elementsByTagName("range").count()
    elif rtype == "categorizedSymbol":
        count = r.firstChildElement("categories").elementsByTagName("category").count()
    elif rtype == "RuleRenderer":
        count = r.firstChildElement("rules").elementsByTagName("rule").count()
    else:
        count = 1
    return rtype, count


def classes(renderer):
    t = renderer.type()
    if t == "graduatedSymbol":
        return len(renderer.ranges())
    if t == "categorizedSymbol":
        return len(renderer.categories())
    if t == "RuleRenderer":
        return len(renderer.rootRule().descendants())
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", default=os.path.join(ROOT, "data", "shandong_sample.gpkg"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "lc-check-styles"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    demo = build_demo(args.sample)
    base = os.path.join(args.work, "demo_base.gpkg")
    if os.path.exists(base):
        os.remove(base)
    write_demo(demo, base)
    print("demo run: " + ", ".join(f"{k} {len(v)}" for k, v in demo.items()))

    variants = {}
    for v in ("sql_registered", "sql_plain", "ogr_api", "control"):
        p = os.path.join(args.work, f"demo_{v}.gpkg")
        shutil.copyfile(base, p)
        if v == "sql_registered":
            styles_by_sql(p, register=True)
        elif v == "sql_plain":
            styles_by_sql(p, register=False)
        elif v == "ogr_api":
            styles_by_ogr_api(p)
        variants[v] = p

    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                           QgsLayoutExporter, QgsLayoutItemLegend, QgsLayoutItemMap,
                           QgsLayoutPoint, QgsLayoutSize, QgsMapRendererParallelJob,
                           QgsMapSettings, QgsPrintLayout, QgsProject, QgsRectangle,
                           QgsUnitTypes, QgsVectorLayer)
    app = QgsApplication([], False)
    app.initQgis()
    failures = 0
    keep = {}
    for v, p in variants.items():
        for name in STYLED:
            vl = QgsVectorLayer(f"{p}|layername={name}", name, "ogr")
            ok_layer = vl.isValid()
            rtype, count = vl.renderer().type(), classes(vl.renderer())
            if v == "control":
                want = ("singleSymbol", 1)
            else:
                want = expected_from_qml(name)
            ok = ok_layer and (rtype, count) == want
            if v != "control" and ok:
                # the stored QML, not a coincidence: compare the first class label
                legend = [i.label() for i in vl.renderer().legendSymbolItems()]
                ok = bool(legend) and (rtype == "singleSymbol" or legend[0].startswith("≤")
                                       or name == "sites")
            if v != "control" and ok and name in ("zones", "sites"):
                ok = vl.renderer().orderByEnabled()  # small budgets / chosen sites on top
            if v != "control" and ok and name == "sites":
                lab = vl.labeling()  # site_id labels configured but switched off
                ok = (not vl.labelsEnabled()) and lab is not None \
                    and lab.settings().fieldName == "site_id"
            failures += not ok
            print(f"{'ok ' if ok else 'BAD'} {v:15s} {name:12s} {rtype:18s} {count:2d} classes"
                  f" (want {want[0]} {want[1]}) features {vl.featureCount()}")
            if v == "sql_plain":
                keep[name] = vl
            else:
                del vl

    # Render everything from sql_plain: zones at the bottom, sites on top.
    order = ["sites", "uncovered", "assignments", "demand", "network", "zones"]
    layers = [keep[n] for n in order]
    web = QgsCoordinateReferenceSystem("EPSG:3857")
    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    tr = QgsCoordinateTransform(wgs, web, QgsProject.instance())

    def render(extent_wgs, out, size=(1600, 1000)):
        ms = QgsMapSettings()
        ms.setLayers(layers)
        ms.setDestinationCrs(web)
        ms.setExtent(tr.transformBoundingBox(extent_wgs))
        ms.setOutputSize(QSize(*size))
        ms.setOutputDpi(96)
        ms.setBackgroundColor(QColor("white"))
        job = QgsMapRendererParallelJob(ms)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(out, "PNG")
        print("rendered", out)

    full = QgsRectangle(keep["network"].extent())
    full.grow(0.1)
    render(full, os.path.join(args.work, "all_layers.png"))
    render(QgsRectangle(119.6, 35.6, 121.1, 36.7), os.path.join(args.work, "qingdao.png"))

    project = QgsProject.instance()
    for n in order:
        project.addMapLayer(keep[n], True)
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(297, 270, QgsUnitTypes.LayoutMillimeters))
    m = QgsLayoutItemMap(layout)
    m.attemptMove(QgsLayoutPoint(5, 5, QgsUnitTypes.LayoutMillimeters))
    m.attemptResize(QgsLayoutSize(210, 260, QgsUnitTypes.LayoutMillimeters))
    m.setCrs(web)
    m.setLayers(layers)
    m.setExtent(tr.transformBoundingBox(QgsRectangle(119.5, 35.5, 121.2, 36.8)))
    layout.addLayoutItem(m)
    leg = QgsLayoutItemLegend(layout)
    leg.setLinkedMap(m)
    leg.setAutoUpdateModel(True)
    leg.attemptMove(QgsLayoutPoint(218, 5, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(leg)
    out = os.path.join(args.work, "layout_legend.png")
    s = QgsLayoutExporter.ImageExportSettings()
    s.dpi = 110
    res = QgsLayoutExporter(layout).exportToImage(out, s)
    print("rendered", out, "" if res == QgsLayoutExporter.Success else f"(error {res})")

    project.removeAllMapLayers()
    keep.clear()
    layers.clear()
    print("all checks passed" if not failures else f"{failures} check(s) FAILED")
    app.exitQgis()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
