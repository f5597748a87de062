#!/usr/bin/python3
"""Build the bundled sample dataset data/shandong_sample.gpkg (Shandong / Qingdao).

Deterministic: fixed seeds, fixed ordering and a fixed GeoPackage timestamp, so two
runs give byte-identical files. Reads real inputs from the shared data folder at
generation time only; the GeoPackage it writes is self-contained.

    /usr/bin/python3 data/make_sample.py [--shared /work/shared/data] [--out data/shandong_sample.gpkg]

Needs Debian's python3-gdal, python3-numpy, python3-scipy, python3-pyproj.

Layers (all EPSG:4326, lon/lat, explicit FIDs from 1):
  prefectures  MultiPolygon  real boundaries (ECharts 4.9.0, Apache-2.0), Laiwu merged into Jinan
  cities       Point         the 16 prefecture seats, ~2020 census population
  sites        Point         9 reported Qingdao computing centres (approximate positions) +
                             illustrative prefecture data centres and Qingdao edge candidates
  fibre        LineString    ILLUSTRATIVE fibre network (trunk / metro / regional)
  demand       Point         illustrative population grid (10 km, 2 km in Qingdao)
  qingdao      MultiPolygon  Qingdao prefecture boundary alone
See data/README.md for what is real and what is made up.
"""
import argparse
import csv
import math
import os
import sys

import numpy as np
import pyproj
from osgeo import gdal, ogr, osr
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240601

# ---------------------------------------------------------------------------------------
# Real facts used by the script
# ---------------------------------------------------------------------------------------
# 16 prefecture-level cities: (name_en, adcode, seat lon, seat lat, population in millions,
# ~2020 7th census). Coordinates and populations from the team's tools/gen_instance.py.
CITIES = [
    ("Jinan", 370100, 117.000, 36.651, 9.20),
    ("Qingdao", 370200, 120.383, 36.067, 10.07),
    ("Zibo", 370300, 118.055, 36.813, 4.70),
    ("Zaozhuang", 370400, 117.323, 34.810, 3.86),
    ("Dongying", 370500, 118.675, 37.434, 2.19),
    ("Yantai", 370600, 121.448, 37.464, 7.10),
    ("Weifang", 370700, 119.162, 36.707, 9.39),
    ("Jining", 370800, 116.587, 35.415, 8.36),
    ("Tai'an", 370900, 117.088, 36.200, 5.47),
    ("Weihai", 371000, 122.120, 37.513, 2.91),
    ("Rizhao", 371100, 119.527, 35.416, 2.97),
    ("Linyi", 371300, 118.356, 35.104, 11.02),
    ("Dezhou", 371400, 116.358, 37.436, 5.61),
    ("Liaocheng", 371500, 115.985, 36.457, 6.10),
    ("Binzhou", 371600, 117.971, 37.382, 3.93),
    ("Heze", 371700, 115.481, 35.234, 8.80),
]
LAIWU = 371200  # merged into Jinan (370100) in 2019; still separate in the ECharts data
CI = {c[0]: i for i, c in enumerate(CITIES)}

# Qingdao's districts and county-level cities: approximate seat positions and
# approximate 2020 census populations (millions). Used only as relative weights for the
# illustrative demand kernels inside Qingdao (the total is scaled to Qingdao's census
# figure) and to spread the illustrative edge candidates.
# (name, slug, lon, lat, pop_m, urban)
QD_DISTRICTS = [
    ("Shinan", "shinan", 120.400, 36.070, 0.59, True),
    ("Shibei", "shibei", 120.375, 36.088, 1.03, True),
    ("Licang", "licang", 120.433, 36.145, 0.76, True),
    ("Laoshan", "laoshan", 120.468, 36.107, 0.55, True),
    ("Chengyang", "chengyang", 120.396, 36.307, 1.11, True),
    ("West Coast (Huangdao)", "westcoast", 120.198, 35.960, 1.90, False),
    ("Jimo", "jimo", 120.447, 36.389, 1.34, False),
    ("Jiaozhou", "jiaozhou", 120.033, 36.264, 1.01, False),
    ("Pingdu", "pingdu", 119.960, 36.787, 1.19, False),
    ("Laixi", "laixi", 120.518, 36.888, 0.73, False),
]

# ---------------------------------------------------------------------------------------
# Illustrative choices (all made up by this script; documented in data/README.md)
# ---------------------------------------------------------------------------------------
# Metro meshes: union of discs (lon, lat, radius km) on land inside the city's prefecture,
# jittered grid of nodes with METRO_SPACING_KM, Gabriel-graph links <= METRO_MAX_LINK_KM.
METRO_SPACING_KM = 4.0
METRO_MAX_LINK_KM = 7.0
METRO_AREAS = {
    "Qingdao": [
        (120.40, 36.09, 9.0),    # Shinan, Shibei, Licang
        (120.55, 36.17, 11.0),   # Laoshan
        (120.38, 36.28, 9.0),    # Chengyang
        (120.46, 36.40, 10.0),   # Jimo
        (120.25, 36.25, 8.0),    # north shore of Jiaozhou Bay (Hongdao)
        (120.14, 36.26, 7.0),    # north-west shore of the bay
        (120.02, 36.27, 9.0),    # Jiaozhou
        (120.07, 36.12, 9.0),    # west shore of the bay
        (120.18, 35.97, 10.0),   # Huangdao / West Coast New Area
        (120.00, 35.88, 9.0),    # West Coast, south-west
    ],
    "Jinan": [(117.00, 36.651, 11.0)],
    "Yantai": [(121.40, 37.46, 10.0)],
}
# Jiaozhou Bay crossing (roughly where the Qingdao-Huangdao undersea tunnel runs):
# Shinan (Tuandao) end and Huangdao (Xuejiadao) end, both on land in the boundary data.
TUNNEL = ((120.298, 36.055), (120.300, 36.010))
COUNTY_SPACING_KM = 16.0       # illustrative regional nodes (county towns / PoPs)
COUNTY_SPACING_QD_KM = 11.0    # denser inside Qingdao, so its demand is within access reach
REGIONAL_MAX_LINK_KM = 45.0
TRUNK_TARGET_EDGES = 20        # 16 seats, average degree 2.5
TRUNK_MAX_DETOUR = 1.35        # drop seat pairs whose land route is more circuitous

# Sites: illustrative capacities (racks) and costs. Computing-centre capacities are
# made up (loosely ordered by the size facts reported); prefecture DCs scale with population.
CC_CAPACITY = {
    "qd-ai-cc": 500, "cu-qd-icc": 3000, "cm-qd-cloud": 4000, "sugon-hzx": 800,
    "yuntian-meta": 300, "ct-qd-cloud": 5000, "ftz-bigdata": 400, "cu-westcoast-icc": 1000,
    "cm-sd-qd-dc": 8000,
}
COST = {"computing_centre": 10.0, "prefecture_dc": 5.0, "edge": 1.0}
PDC_EXISTING = {"Jinan", "Yantai", "Linyi"}
# Edge candidates per Qingdao district: (district slug, count, pick radius km)
EDGE_PLAN = [
    ("shinan", 1, 4.0), ("shibei", 2, 4.0), ("licang", 2, 5.0), ("laoshan", 2, 9.0),
    ("chengyang", 2, 6.0), ("westcoast", 3, 16.0), ("jimo", 2, 10.0), ("jiaozhou", 2, 10.0),
    ("pingdu", 2, 20.0), ("laixi", 2, 15.0),
]

LAEA = "+proj=laea +lat_0=36.3 +lon_0=118.8 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
TO_XY = pyproj.Transformer.from_crs("EPSG:4326", LAEA, always_xy=True)
TO_LL = pyproj.Transformer.from_crs(LAEA, "EPSG:4326", always_xy=True)
GEOD = pyproj.Geod(ellps="WGS84")
RASTER_RES = 0.001  # degrees, land / prefecture lookup grid


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def r7(v):
    return round(float(v), 7)


def to_xy(lon, lat):
    x, y = TO_XY.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x) / 1000.0, np.asarray(y) / 1000.0


def to_ll(x, y):
    lon, lat = TO_LL.transform(np.asarray(x, float) * 1000.0, np.asarray(y, float) * 1000.0)
    return np.asarray(lon), np.asarray(lat)


# ---------------------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------------------
def read_prefectures(shared):
    path = os.path.join(shared, "china-boundaries-echarts", "china_boundaries_clean.gpkg")
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName("shandong_prefectures")
    src = {}
    for f in lyr:
        src[int(f["adcode"])] = (f["name"], float(f["area_km2"]), f.GetGeometryRef().Clone())
    ds = None
    assert len(src) == 17 and LAIWU in src, "unexpected source prefecture layer"
    out = []
    for name_en, adcode, *_ in sorted(CITIES, key=lambda c: c[1]):
        name, area, geom = src[adcode]
        if adcode == 370100:  # Jinan absorbed Laiwu in 2019; the 2020 census counts them together
            _, area_lw, geom_lw = src[LAIWU]
            geom = geom.Union(geom_lw)
            area = round(area + area_lw, 1)
        geom = ogr.ForceToMultiPolygon(geom)
        assert geom.IsValid(), name_en
        out.append(dict(adcode=adcode, name=name, name_en=name_en, area_km2=area, geom=geom))
    return out


class PrefRaster:
    """Prefecture index (1..16 in CITIES order, 0 = outside) on a lon/lat grid."""

    def __init__(self, prefs):
        env = [1e9, -1e9, 1e9, -1e9]
        for p in prefs:
            e = p["geom"].GetEnvelope()
            env = [min(env[0], e[0]), max(env[1], e[1]), min(env[2], e[2]), max(env[3], e[3])]
        self.x0 = math.floor(env[0] / RASTER_RES) * RASTER_RES - RASTER_RES
        self.y1 = math.ceil(env[3] / RASTER_RES) * RASTER_RES + RASTER_RES
        self.w = int(math.ceil((env[1] - self.x0) / RASTER_RES)) + 2
        self.h = int(math.ceil((self.y1 - env[2]) / RASTER_RES)) + 2
        mem = gdal.GetDriverByName("MEM").Create("", self.w, self.h, 1, gdal.GDT_Byte)
        mem.SetGeoTransform((self.x0, RASTER_RES, 0, self.y1, 0, -RASTER_RES))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        mem.SetProjection(srs.ExportToWkt())
        vds = ogr.GetDriverByName("Memory").CreateDataSource("pref")
        vl = vds.CreateLayer("p", srs, ogr.wkbMultiPolygon)
        vl.CreateField(ogr.FieldDefn("idx", ogr.OFTInteger))
        for p in prefs:
            f = ogr.Feature(vl.GetLayerDefn())
            f.SetField("idx", CI[p["name_en"]] + 1)
            f.SetGeometry(p["geom"])
            vl.CreateFeature(f)
        gdal.RasterizeLayer(mem, [1], vl, options=["ATTRIBUTE=idx"])
        self.grid = mem.GetRasterBand(1).ReadAsArray()

    def __call__(self, lon, lat):
        lon = np.asarray(lon, float)
        lat = np.asarray(lat, float)
        c = np.floor((lon - self.x0) / RASTER_RES).astype(np.int64)
        r = np.floor((self.y1 - lat) / RASTER_RES).astype(np.int64)
        ok = (c >= 0) & (c < self.w) & (r >= 0) & (r < self.h)
        out = np.zeros(lon.shape, dtype=np.int64)
        out[ok] = self.grid[r[ok], c[ok]]
        return out


# ---------------------------------------------------------------------------------------
# Network nodes
# ---------------------------------------------------------------------------------------
def metro_nodes(rng, city, raster, forced_xy):
    ci = CI[city]
    discs = METRO_AREAS[city]
    dx, dy = to_xy([d[0] for d in discs], [d[1] for d in discs])
    dr = np.array([d[2] for d in discs])
    s = METRO_SPACING_KM
    xs = np.arange(math.floor((dx - dr).min() / s) * s, (dx + dr).max() + s, s)
    ys = np.arange(math.floor((dy - dr).min() / s) * s, (dy + dr).max() + s, s)
    gx, gy = np.meshgrid(xs, ys)
    gx = gx.ravel() + rng.uniform(-0.3, 0.3, gx.size) * s
    gy = gy.ravel() + rng.uniform(-0.3, 0.3, gy.size) * s
    inside = np.zeros(gx.size, bool)
    for x, y, r in zip(dx, dy, dr):
        inside |= np.hypot(gx - x, gy - y) <= r
    lon, lat = to_ll(gx, gy)
    inside &= raster(lon, lat) == ci + 1
    gx, gy = gx[inside], gy[inside]
    if len(forced_xy):
        f = np.array(forced_xy)
        d, _ = cKDTree(f).query(np.column_stack([gx, gy]))
        keep = d >= 0.45 * s
        gx, gy = gx[keep], gy[keep]
    return gx, gy


def county_nodes(rng, raster, seat_xy, metro_xy):
    """Blue-noise (dart throwing) illustrative regional nodes over the province."""
    xs, ys = to_xy([raster.x0, raster.x0 + raster.w * RASTER_RES] * 2,
                   [raster.y1, raster.y1, raster.y1 - raster.h * RASTER_RES, raster.y1 - raster.h * RASTER_RES])
    xmin, xmax, ymin, ymax = xs.min(), xs.max(), ys.min(), ys.max()
    n = 80000
    cx = rng.uniform(xmin, xmax, n)
    cy = rng.uniform(ymin, ymax, n)
    lon, lat = to_ll(cx, cy)
    pr = raster(lon, lat)
    ok = pr > 0
    cx, cy, pr = cx[ok], cy[ok], pr[ok]
    rad = np.where(pr == CI["Qingdao"] + 1, COUNTY_SPACING_QD_KM, COUNTY_SPACING_KM)
    d_seat, _ = cKDTree(seat_xy).query(np.column_stack([cx, cy]))
    d_metro, _ = cKDTree(metro_xy).query(np.column_stack([cx, cy]))
    ok = (d_seat >= 0.7 * rad) & (d_metro >= 0.45 * rad)
    cx, cy, rad = cx[ok], cy[ok], rad[ok]
    H = COUNTY_SPACING_KM  # hash cell >= largest spacing
    cell = {}
    acc = []
    for x, y, R in zip(cx.tolist(), cy.tolist(), rad.tolist()):
        i, j = int(math.floor(x / H)), int(math.floor(y / H))
        bad = False
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for (ax, ay) in cell.get((i + di, j + dj), ()):
                    if (ax - x) ** 2 + (ay - y) ** 2 < R * R:
                        bad = True
                        break
                if bad:
                    break
            if bad:
                break
        if not bad:
            cell.setdefault((i, j), []).append((x, y))
            acc.append((x, y))
    a = np.array(acc)
    return a[:, 0], a[:, 1]


# ---------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------
def seg_on_land(lon_a, lat_a, lon_b, lat_b, raster, need, step_km=0.2, length_km=None):
    """True when every sample of the lon/lat straight segment lies in the raster class `need`
    (need = prefecture index, or 0 meaning 'any land')."""
    if length_km is None:
        xa, ya = to_xy(lon_a, lat_a)
        xb, yb = to_xy(lon_b, lat_b)
        length_km = float(np.hypot(xb - xa, yb - ya))
    k = max(2, int(math.ceil(length_km / step_km)) + 1)
    t = np.linspace(0.0, 1.0, k)
    v = raster(lon_a + (lon_b - lon_a) * t, lat_a + (lat_b - lat_a) * t)
    return bool(np.all(v == need)) if need else bool(np.all(v > 0))


def segments_cross(p1, p2, p3, p4):
    """Segments p1p2 and p3p4 intersect (touching or overlapping counts)."""
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return 0 if v == 0 else (1 if v > 0 else -1)

    def on_seg(a, b, c):
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    if o1 != o2 and o3 != o4:
        return True
    if o1 == 0 and on_seg(p1, p2, p3):
        return True
    if o2 == 0 and on_seg(p1, p2, p4):
        return True
    if o3 == 0 and on_seg(p3, p4, p1):
        return True
    if o4 == 0 and on_seg(p3, p4, p2):
        return True
    return False


def find_crossings(lines, cell=0.02):
    """lines: list of list-of-pieces, piece = list of (lon, lat). Returns a sorted list of
    ((line, piece), (line, piece)) whose segments intersect other than at a shared end."""
    segs = []
    for li, pieces in enumerate(lines):
        for pi, pts in enumerate(pieces):
            for a, b in zip(pts[:-1], pts[1:]):
                segs.append((li, pi, a, b))
    buckets = {}
    for si, (_, _, a, b) in enumerate(segs):
        for i in range(int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell)) + 1):
            for j in range(int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell)) + 1):
                buckets.setdefault((i, j), []).append(si)
    found = set()
    seen = set()
    for key in sorted(buckets):
        ids = buckets[key]
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                s, t = ids[x], ids[y]
                if (s, t) in seen:
                    continue
                seen.add((s, t))
                ls, ps, a, b = segs[s]
                lt, pt, c, d = segs[t]
                shared = {a, b} & {c, d}
                if shared:
                    # segments meeting at a shared vertex: only an overlap is a problem
                    if len(shared) == 2:
                        found.add(tuple(sorted([(ls, ps), (lt, pt)])))
                        continue
                    q = shared.pop()
                    o1 = b if a == q else a
                    o2 = d if c == q else c
                    cr = (o1[0] - q[0]) * (o2[1] - q[1]) - (o1[1] - q[1]) * (o2[0] - q[0])
                    dot = (o1[0] - q[0]) * (o2[0] - q[0]) + (o1[1] - q[1]) * (o2[1] - q[1])
                    if cr == 0 and dot > 0:
                        found.add(tuple(sorted([(ls, ps), (lt, pt)])))
                    continue
                if segments_cross(a, b, c, d):
                    found.add(tuple(sorted([(ls, ps), (lt, pt)])))
    return sorted(found)


def point_seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = np.where(L2 > 0, ((px - ax) * dx + (py - ay) * dy) / np.where(L2 > 0, L2, 1), 0.0)
    t = np.clip(t, 0, 1)
    return np.hypot(ax + t * dx - px, ay + t * dy - py)


def geod_len_km(pts):
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return float(d.sum()) / 1000.0


# ---------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------
def build_network(raster, cc):
    rng = np.random.default_rng(SEED)
    # seats
    seat_lon = np.array([c[2] for c in CITIES])
    seat_lat = np.array([c[3] for c in CITIES])
    assert np.all(raster(seat_lon, seat_lat) == np.arange(1, 17)), "a seat is outside its prefecture"
    sx, sy = to_xy(seat_lon, seat_lat)
    X, Y, KIND, CITY = list(sx), list(sy), ["seat"] * 16, list(range(16))
    # metro nodes; Qingdao gets forced nodes at the tunnel ends and next to each
    # reported computing centre (0.4 km away, so sites sit just off the network)
    forced = {}
    qd_forced = [(sx[CI["Qingdao"]], sy[CI["Qingdao"]])]
    tx, ty = to_xy([TUNNEL[0][0], TUNNEL[1][0]], [TUNNEL[0][1], TUNNEL[1][1]])
    tunnel_xy = [(tx[0], ty[0]), (tx[1], ty[1])]
    extra = list(tunnel_xy)
    for s in cc:
        cx_, cy_ = to_xy(s["lon"], s["lat"])
        for _ in range(50):
            ang = rng.uniform(0, 2 * math.pi)
            ax, ay = float(cx_) + 0.4 * math.cos(ang), float(cy_) + 0.4 * math.sin(ang)
            alon, alat = to_ll(ax, ay)
            if raster(alon, alat) == CI["Qingdao"] + 1:
                break
        else:
            raise SystemExit(f"no land next to {s['site_id']}")
        extra.append((ax, ay))
    forced["Qingdao"] = qd_forced + extra
    forced["Jinan"] = [(sx[CI["Jinan"]], sy[CI["Jinan"]])]
    forced["Yantai"] = [(sx[CI["Yantai"]], sy[CI["Yantai"]])]
    tunnel_nodes = []
    for city in ("Qingdao", "Jinan", "Yantai"):
        mx, my = metro_nodes(rng, city, raster, forced[city])
        for k, (fx, fy) in enumerate(forced[city][1:]):  # the seat is already a node
            if city == "Qingdao" and k < 2:
                tunnel_nodes.append(len(X))
            X.append(fx)
            Y.append(fy)
            KIND.append("metro")
            CITY.append(CI[city])
        X += list(mx)
        Y += list(my)
        KIND += ["metro"] * len(mx)
        CITY += [CI[city]] * len(mx)
    metro_xy = np.column_stack([X, Y])
    cx, cy = county_nodes(rng, raster, np.column_stack([sx, sy]), metro_xy[16:])
    X += list(cx)
    Y += list(cy)
    KIND += ["county"] * len(cx)
    CITY += [-1] * len(cx)
    X, Y = np.array(X), np.array(Y)
    KIND = np.array(KIND)
    CITY = np.array(CITY)
    n = len(X)
    lon, lat = to_ll(X, Y)
    LON = [r7(v) for v in lon]
    LAT = [r7(v) for v in lat]
    PREF = raster(np.array(LON), np.array(LAT))
    is_metro = (KIND == "metro") | ((KIND == "seat") & np.isin(CITY, [CI["Qingdao"], CI["Jinan"], CI["Yantai"]]))
    metro_city = np.where(is_metro, CITY, -1)
    log(f"nodes: {n} ({(KIND == 'seat').sum()} seats, {(KIND == 'metro').sum()} metro, "
        f"{(KIND == 'county').sum()} regional)")

    # Delaunay triangulation of all nodes: every link is one of its edges (planar)
    tri = Delaunay(np.column_stack([X, Y]))
    e = np.vstack([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]])
    e = np.sort(e, axis=1)
    e = np.unique(e, axis=0)
    L = np.hypot(X[e[:, 0]] - X[e[:, 1]], Y[e[:, 0]] - Y[e[:, 1]])
    same_metro = (metro_city[e[:, 0]] >= 0) & (metro_city[e[:, 0]] == metro_city[e[:, 1]])
    land = np.zeros(len(e), bool)
    for k, (a, b) in enumerate(e.tolist()):
        if same_metro[k]:
            if L[k] > METRO_MAX_LINK_KM:
                continue
            need = metro_city[a] + 1
        else:
            if L[k] > REGIONAL_MAX_LINK_KM:
                continue
            need = 0
        land[k] = seg_on_land(LON[a], LAT[a], LON[b], LAT[b], raster, need, length_km=L[k])
    cand = {(int(a), int(b)): float(l) for (a, b), l, ok in zip(e.tolist(), L, land) if ok}
    tkey = tuple(sorted(tunnel_nodes))
    cand[tkey] = float(np.hypot(X[tkey[0]] - X[tkey[1]], Y[tkey[0]] - Y[tkey[1]]))
    cand_same_metro = {k: bool(metro_city[k[0]] >= 0 and metro_city[k[0]] == metro_city[k[1]]) for k in cand}
    log(f"delaunay: {len(e)} edges, {len(cand)} on land within length limits")

    keys = sorted(cand)

    def graph(exclude=()):
        ex = set(exclude)
        ks = [k for k in keys if k not in ex]
        a = np.array([k[0] for k in ks])
        b = np.array([k[1] for k in ks])
        w = np.array([cand[k] for k in ks])
        return coo_matrix((np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))),
                          shape=(n, n)).tocsr()

    def route(g, s, t):
        dist, pred = dijkstra(g, directed=False, indices=s, return_predecessors=True)
        if not np.isfinite(dist[t]):
            return None, math.inf
        path = [t]
        while path[-1] != s:
            path.append(int(pred[path[-1]]))
        return path[::-1], float(dist[t])

    # ---- trunks: Delaunay of the 16 seats, land-routed, pruned to ~2.5 average degree
    g_all = graph()
    stri = Delaunay(np.column_stack([sx, sy]))
    se = np.unique(np.sort(np.vstack([stri.simplices[:, [0, 1]], stri.simplices[:, [1, 2]],
                                      stri.simplices[:, [0, 2]]]), axis=1), axis=0)
    D_all = dijkstra(g_all, directed=False, indices=list(range(16)))[:, :16]
    pairs = {}
    for a, b in se.tolist():
        ls = float(np.hypot(sx[a] - sx[b], sy[a] - sy[b]))
        lr = float(D_all[a, b])
        if lr / ls <= TRUNK_MAX_DETOUR:
            pairs[(a, b)] = (ls, lr)
    pk = sorted(pairs)
    m = coo_matrix(([pairs[p][1] for p in pk], ([p[0] for p in pk], [p[1] for p in pk])), shape=(16, 16))
    mst = minimum_spanning_tree(m).tocoo()
    chosen = set(tuple(sorted((int(a), int(b)))) for a, b in zip(mst.row, mst.col))
    assert len(chosen) == 15, "seat graph not connected"

    def deg(ch):
        d = np.zeros(16, int)
        for a, b in ch:
            d[a] += 1
            d[b] += 1
        return d

    for s in range(16):
        if deg(chosen)[s] == 1:
            opts = sorted((pairs[p][1], p) for p in pk if s in p and p not in chosen)
            if opts:
                chosen.add(opts[0][1])
    while len(chosen) < TRUNK_TARGET_EDGES:
        ck = sorted(chosen)
        gm = coo_matrix(([pairs[p][1] for p in ck], ([p[0] for p in ck], [p[1] for p in ck])), shape=(16, 16))
        Dg = dijkstra(gm, directed=False)
        best = max(((Dg[p] / pairs[p][1], p) for p in pk if p not in chosen), default=None)
        if best is None or best[0] < 1.15:
            break
        chosen.add(best[1])
    trunk_pairs = sorted(chosen, key=lambda p: (pairs[p][0], p))
    used = set()
    trunks = []
    for a, b in trunk_pairs:
        path, lr = route(graph(used), a, b)
        if path is None:
            raise SystemExit(f"cannot route trunk {CITIES[a][0]}-{CITIES[b][0]} on disjoint edges")
        for u, v in zip(path[:-1], path[1:]):
            used.add((min(u, v), max(u, v)))
        trunks.append((a, b, path))
    log(f"trunks: {len(trunks)} seat pairs (average seat degree {2 * len(trunks) / 16:.2f})")

    # ---- metro links: Gabriel graph of each city's metro nodes (land, <= 7 km)
    tree = cKDTree(np.column_stack([X, Y]))
    metro = []
    for k in keys:
        if not cand_same_metro[k] or k in used:
            continue
        a, b = k
        if k == tkey:
            metro.append(k)
            continue
        mx_, my_ = (X[a] + X[b]) / 2, (Y[a] + Y[b]) / 2
        near = tree.query_ball_point([mx_, my_], cand[k] / 2 * (1 - 1e-9))
        if all(w in (a, b) for w in near):
            metro.append(k)
    # ---- regional links: relative neighbourhood graph over all nodes (land, <= 45 km)
    regional = []
    for k in keys:
        if cand_same_metro[k] or k in used:
            continue
        a, b = k
        l = cand[k]
        near = tree.query_ball_point([X[a], Y[a]], l * (1 - 1e-9))
        ok = True
        for w in near:
            if w in (a, b):
                continue
            if math.hypot(X[w] - X[b], Y[w] - Y[b]) < l * (1 - 1e-9):
                ok = False
                break
        if ok:
            regional.append(k)

    # ---- no dangling ends, one component
    def edge_kind(k):
        return "metro" if cand_same_metro[k] else "regional"

    sel = {k: edge_kind(k) for k in metro + regional}

    def degrees():
        d = np.zeros(n, int)
        for k in list(sel) + sorted(used):
            d[k[0]] += 1
            d[k[1]] += 1
        return d

    inc = {}
    for k in keys:
        inc.setdefault(k[0], []).append(k)
        inc.setdefault(k[1], []).append(k)
    added = 0
    while True:
        d = degrees()
        ones = [i for i in range(n) if d[i] == 1]
        if not ones:
            break
        before = (len(sel), added)
        for i in ones:
            opts = sorted((cand[k], k) for k in inc.get(i, []) if k not in sel and k not in used)
            if opts:
                sel[opts[0][1]] = edge_kind(opts[0][1])
                added += 1
            else:  # nothing else reachable: drop the node's single link
                for k in [k for k in sel if i in k]:
                    del sel[k]
        if (len(sel), added) == before:
            raise SystemExit(f"cannot remove dangling ends at nodes {ones[:5]}")
    # components: keep the one holding the seats; join others by their shortest link
    while True:
        all_e = list(sel) + sorted(used)
        g = coo_matrix((np.ones(len(all_e)), ([k[0] for k in all_e], [k[1] for k in all_e])), shape=(n, n))
        nc, lab = connected_components(g, directed=False)
        main = lab[0]
        d = degrees()
        others = sorted(set(lab[(d > 0)]) - {main})
        if not others:
            break
        c = others[0]
        opts = sorted((cand[k], k) for k in keys if k not in sel and k not in used and
                      ((lab[k[0]] == c and lab[k[1]] == main) or (lab[k[1]] == c and lab[k[0]] == main)))
        if opts:
            sel[opts[0][1]] = edge_kind(opts[0][1])
        else:
            for k in [k for k in sel if lab[k[0]] == c]:
                del sel[k]
    assert np.all(degrees() != 1)
    log(f"links: {len(used)} trunk pieces, {sum(1 for v in sel.values() if v == 'metro')} metro, "
        f"{sum(1 for v in sel.values() if v == 'regional')} regional ({added} added against dangling ends)")

    # ---- geometry: wiggle pieces (smooth lateral offsets), keep on land
    wr = np.random.default_rng(SEED + 1)
    node_pt = [(LON[i], LAT[i]) for i in range(n)]

    def piece(a, b, kind, trunk_amp=0.15):
        la = cand[(min(a, b), max(a, b))]
        if kind == "tunnel":
            return [node_pt[a], node_pt[b]], [node_pt[a], node_pt[b]]
        if kind == "trunk":
            k, amp = max(2, int(la / 2.5)), trunk_amp
        elif kind == "regional":
            k, amp = max(2, int(la / 3.0)), 0.08
        else:
            k, amp = (2 if la > 2.5 else 1), 0.06
        c = wr.normal(0.0, 1.0, 3)
        t = np.arange(1, k + 1) / (k + 1)
        off = amp * la * (c[0] * np.sin(math.pi * t) + c[1] * np.sin(2 * math.pi * t) / 2
                          + c[2] * np.sin(3 * math.pi * t) / 3) / 1.2
        off = np.clip(off, -0.2 * la, 0.2 * la)
        ux, uy = (X[b] - X[a]) / la, (Y[b] - Y[a]) / la
        px = X[a] + (X[b] - X[a]) * t - uy * off
        py = Y[a] + (Y[b] - Y[a]) * t + ux * off
        plon, plat = to_ll(px, py)
        pts = [node_pt[a]] + [(r7(o), r7(p)) for o, p in zip(plon, plat)] + [node_pt[b]]
        need = (metro_city[a] + 1) if (metro_city[a] >= 0 and metro_city[a] == metro_city[b]) else 0
        ok = all(seg_on_land(p[0], p[1], q[0], q[1], raster, need, step_km=0.1) for p, q in zip(pts[:-1], pts[1:]))
        straight = [node_pt[a], node_pt[b]]
        return (pts if ok else straight), straight

    lines = []  # dict(kind, name, pieces, straight)
    for a, b, path in trunks:
        pcs, st = [], []
        # less wiggle where the land route itself is already circuitous (target ~1.1-1.3x)
        stretch = sum(cand[(min(u, v), max(u, v))] for u, v in zip(path[:-1], path[1:])) / \
            math.hypot(X[a] - X[b], Y[a] - Y[b])
        amp = 0.15 * min(1.0, max(0.15, (1.28 - stretch) / 0.18))
        others = [CITIES[i][0] for i in path[1:-1] if i < 16]
        if others:
            log(f"  note: {CITIES[a][0]}-{CITIES[b][0]} trunk passes through the seat of {others}")
        for u, v in zip(path[:-1], path[1:]):
            kind = "tunnel" if (min(u, v), max(u, v)) == tkey else "trunk"
            p, s = piece(u, v, kind, amp)
            pcs.append(p)
            st.append(s)
        lines.append(dict(kind="trunk", name=f"{CITIES[a][0]}\u2013{CITIES[b][0]} trunk", pieces=pcs,
                          straight=st, ends=(a, b), path=path))
    for city in ("Qingdao", "Jinan", "Yantai"):
        for k in sorted(k for k, v in sel.items() if v == "metro" and metro_city[k[0]] == CI[city]):
            kind = "tunnel" if k == tkey else "metro"
            p, s = piece(k[0], k[1], kind)
            name = f"{city} metro link" if kind == "metro" else "Qingdao metro: Jiaozhou Bay tunnel crossing"
            lines.append(dict(kind="metro", name=name, pieces=[p], straight=[s], ends=k, path=list(k)))
    for k in sorted(k for k, v in sel.items() if v == "regional"):
        p, s = piece(k[0], k[1], "regional")
        pa, pb = int(PREF[k[0]]) - 1, int(PREF[k[1]]) - 1
        names = sorted({CITIES[pa][0], CITIES[pb][0]}, key=lambda nm: CI[nm])
        name = f"{names[0]} regional link" if len(names) == 1 else f"{names[0]}\u2013{names[1]} regional link"
        lines.append(dict(kind="regional", name=name, pieces=[p], straight=[s], ends=k, path=list(k)))

    # ---- planarity: straighten wiggled pieces that cross anything, until none do
    for it in range(20):
        cr = find_crossings([ln["pieces"] for ln in lines])
        if not cr:
            break
        fixed = 0
        for (l1, p1), (l2, p2) in cr:
            for li, pi in ((l1, p1), (l2, p2)):
                if lines[li]["pieces"][pi] != lines[li]["straight"][pi]:
                    lines[li]["pieces"][pi] = lines[li]["straight"][pi]
                    fixed += 1
        log(f"planarity pass {it}: {len(cr)} crossings, straightened {fixed} pieces")
        if fixed == 0:
            raise SystemExit(f"crossing between straight links: {cr[:5]}")
    else:
        raise SystemExit("crossings remain")

    for ln in lines:
        pts = list(ln["pieces"][0])
        for p in ln["pieces"][1:]:
            assert p[0] == pts[-1]
            pts += p[1:]
        ln["coords"] = pts
        ln["length_km"] = geod_len_km(pts)
    net = dict(lines=lines, X=X, Y=Y, LON=LON, LAT=LAT, KIND=KIND, PREF=PREF, metro_city=metro_city,
               n=n, node_pt=node_pt)
    return net


def read_cc_sites(shared):
    path = os.path.join(shared, "qingdao-compute-sites", "sites.csv")
    out = []
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.append(dict(site_id=r["site_id"], name=r["name"], operator=r["operator"] or None,
                            status=r["status"], district=r["district"], lon=float(r["lon"]), lat=float(r["lat"])))
    assert len(out) == 9
    return out


# ---------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------
def build_sites(net, raster, cc):
    rng = np.random.default_rng(SEED + 2)
    sites = []
    for s in cc:
        sites.append(dict(site_id=s["site_id"], name=s["name"], operator=s["operator"], status=s["status"],
                          kind="computing_centre", capacity=float(CC_CAPACITY[s["site_id"]]),
                          cost=COST["computing_centre"], provenance="reported 2024, approximate position",
                          lon=r7(s["lon"]), lat=r7(s["lat"])))
    # one illustrative data centre per prefecture seat (Qingdao has the reported ones)
    for name_en, adcode, lon, lat, pop in CITIES:
        if name_en == "Qingdao":
            continue
        x0, y0 = to_xy(lon, lat)
        for _ in range(100):
            ang = rng.uniform(0, 2 * math.pi)
            r = rng.uniform(0.8, 1.5)
            plon, plat = to_ll(float(x0) + r * math.cos(ang), float(y0) + r * math.sin(ang))
            if raster(plon, plat) == CI[name_en] + 1:
                break
        slug = name_en.lower().replace("'", "")
        sites.append(dict(site_id=f"pdc-{slug}", name=f"{name_en} prefecture data centre (illustrative)",
                          operator="illustrative", status="existing" if name_en in PDC_EXISTING else "candidate",
                          kind="prefecture_dc", capacity=float(round(pop * 300.0, -1)),
                          cost=COST["prefecture_dc"], provenance="illustrative", lon=r7(plon), lat=r7(plat)))
    # ~20 illustrative edge candidates inside Qingdao, spread over its districts
    ln_nodes = sorted({i for ln in net["lines"] for i in ln["path"]})
    nodes = np.array(ln_nodes)
    NX, NY = net["X"][nodes], net["Y"][nodes]
    in_qd = net["PREF"][nodes] == CI["Qingdao"] + 1
    taken_xy = [tuple(map(float, to_xy(s["lon"], s["lat"]))) for s in sites[:9]]
    dist = {d[1]: d for d in QD_DISTRICTS}
    for slug, count, radius in EDGE_PLAN:
        d = dist[slug]
        dx, dy = to_xy(d[2], d[3])
        for j in range(count):
            r_pick = radius
            while True:
                ok = in_qd & (np.hypot(NX - dx, NY - dy) <= r_pick)
                for tx, ty in taken_xy:
                    ok &= np.hypot(NX - tx, NY - ty) >= 2.5
                idx = np.nonzero(ok)[0]
                if len(idx) or r_pick > 60:
                    break
                r_pick *= 1.25
            if len(idx) == 0:
                raise SystemExit(f"no node for edge site in {slug}")
            c = int(idx[rng.integers(len(idx))])
            for _ in range(100):
                ang = rng.uniform(0, 2 * math.pi)
                r = rng.uniform(0.3, 0.7)
                plon, plat = to_ll(NX[c] + r * math.cos(ang), NY[c] + r * math.sin(ang))
                if raster(plon, plat) == CI["Qingdao"] + 1:
                    break
            taken_xy.append((float(NX[c]), float(NY[c])))
            sites.append(dict(site_id=f"edge-qd-{slug}-{j + 1}", name=f"Qingdao edge candidate, {d[0]} {j + 1}",
                              operator="illustrative", status="candidate", kind="edge",
                              capacity=float(rng.choice([20, 40, 60, 80])), cost=COST["edge"],
                              provenance="illustrative", lon=r7(plon), lat=r7(plat)))
    ids = [s["site_id"] for s in sites]
    assert len(ids) == len(set(ids))
    return sites


# ---------------------------------------------------------------------------------------
# Demand
# ---------------------------------------------------------------------------------------
def build_demand(prefs, raster):
    """Population grid: 10 km cells over Shandong, 2 km cells over Qingdao (LAEA-aligned)."""
    kern = []  # (x, y, weight, sigma_km)
    for name_en, adcode, lon, lat, pop in CITIES:
        if name_en == "Qingdao":
            continue
        x, y = to_xy(lon, lat)
        p = pop * 1e6
        kern += [(x, y, 0.30 * p, 4.0 * math.sqrt(pop / 5.0)), (x, y, 0.20 * p, 12.0), (x, y, 0.25 * p, 30.0)]
    for name, slug, lon, lat, pm, urban in QD_DISTRICTS:
        x, y = to_xy(lon, lat)
        p = pm * 1e6
        if urban:
            kern += [(x, y, 0.60 * p, 2.5), (x, y, 0.30 * p, 6.0)]
        else:
            kern += [(x, y, 0.40 * p, 3.0), (x, y, 0.45 * p, 14.0)]
    kx = np.array([k[0] for k in kern], float)
    ky = np.array([k[1] for k in kern], float)
    kw = np.array([k[2] for k in kern], float)
    ks = np.array([k[3] for k in kern], float)

    def density(x, y):
        out = np.zeros(x.shape)
        for i in range(len(kx)):
            out += kw[i] / (2 * math.pi * ks[i] ** 2) * np.exp(-((x - kx[i]) ** 2 + (y - ky[i]) ** 2) / (2 * ks[i] ** 2))
        return out

    floor_share = {i + 1: (0.10 if c[0] == "Qingdao" else 0.25) for i, c in enumerate(CITIES)}
    qd = CI["Qingdao"] + 1
    # province extent in LAEA
    ex, ey = to_xy([raster.x0, raster.x0 + raster.w * RASTER_RES] * 2,
                   [raster.y1, raster.y1, raster.y1 - raster.h * RASTER_RES, raster.y1 - raster.h * RASTER_RES])
    cells = []  # (cell_km, x, y, pref)
    for ck, sub in ((10.0, 5), (2.0, 2)):
        xs = np.arange(math.floor(ex.min() / ck) * ck + ck / 2, ex.max(), ck)
        ys = np.arange(math.ceil(ey.max() / ck) * ck - ck / 2, ey.min(), -ck)
        gx, gy = np.meshgrid(xs, ys)  # rows north to south, columns west to east
        gx, gy = gx.ravel(), gy.ravel()
        lon, lat = to_ll(gx, gy)
        pr = raster(lon, lat)
        keep = (pr > 0) & (pr != qd) if ck == 10.0 else (pr == qd)
        gx, gy, pr = gx[keep], gy[keep], pr[keep]
        # sub-samples: density integrated over the part of the cell in the same prefecture
        o = (np.arange(sub) + 0.5) / sub * ck - ck / 2
        ox, oy = np.meshgrid(o, o)
        ox, oy = ox.ravel(), oy.ravel()
        SX = gx[:, None] + ox[None, :]
        SY = gy[:, None] + oy[None, :]
        slon, slat = to_ll(SX.ravel(), SY.ravel())
        same = (raster(slon, slat).reshape(SX.shape) == pr[:, None])
        dens = density(SX.ravel(), SY.ravel()).reshape(SX.shape)
        sub_area = (ck / sub) ** 2
        kern_pop = (dens * same).sum(1) * sub_area
        land_area = same.sum(1) * sub_area
        for i in range(len(gx)):
            cells.append([ck, gx[i], gy[i], int(pr[i]), kern_pop[i], land_area[i]])
    # per prefecture: kernels share (1 - floor) and a uniform floor, scaled to the census figure
    pop = np.zeros(len(cells))
    prv = np.array([c[3] for c in cells])
    kp = np.array([c[4] for c in cells])
    la = np.array([c[5] for c in cells])
    for i, c in enumerate(CITIES):
        m = prv == i + 1
        P = c[4] * 1e6
        fs = floor_share[i + 1]
        pop[m] = (1 - fs) * P * kp[m] / kp[m].sum() + fs * P * la[m] / la[m].sum()
    x = np.array([c[1] for c in cells])
    y = np.array([c[2] for c in cells])
    lon, lat = to_ll(x, y)
    out = []
    for i, c in enumerate(cells):
        out.append(dict(pop=round(float(pop[i]), 1), prefecture=CITIES[c[3] - 1][1], cell_km=c[0],
                        in_qingdao=int(c[3] == qd), lon=r7(lon[i]), lat=r7(lat[i])))
    return out


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------
def write_gpkg(path, prefs, sites, net, demand):
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    if os.path.exists(path):
        os.remove(path)
    tmp = path + ".tmp.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(tmp)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)

    def layer(name, gtype, fields, desc):
        lyr = ds.CreateLayer(name, srs, gtype, options=["FID=fid", "GEOMETRY_NAME=geom", f"DESCRIPTION={desc}"])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        return lyr

    def point(lon, lat):
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(lon, lat)
        return g

    def put(lyr, fid, values, geom):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetFID(fid)
        for k, v in values.items():
            if v is None:
                f.SetFieldNull(k)
            else:
                f.SetField(k, v)
        f.SetGeometry(geom)
        lyr.CreateFeature(f)

    lyr = layer("prefectures", ogr.wkbMultiPolygon,
                [("adcode", ogr.OFTInteger), ("name", ogr.OFTString), ("name_en", ogr.OFTString),
                 ("area_km2", ogr.OFTReal)],
                "Shandong prefecture-level cities (ECharts 4.9.0 map data, Apache-2.0; Laiwu merged into Jinan)")
    ds.StartTransaction()
    for i, p in enumerate(prefs):
        put(lyr, i + 1, dict(adcode=p["adcode"], name=p["name"], name_en=p["name_en"], area_km2=p["area_km2"]), p["geom"])
    ds.CommitTransaction()

    lyr = layer("cities", ogr.wkbPoint,
                [("name", ogr.OFTString), ("name_en", ogr.OFTString), ("adcode", ogr.OFTInteger),
                 ("population", ogr.OFTInteger)],
                "Prefecture seats; population ~2020 census (approximate)")
    zh = {p["adcode"]: p["name"] for p in prefs}
    ds.StartTransaction()
    for i, c in enumerate(CITIES):
        put(lyr, i + 1, dict(name=zh[c[1]], name_en=c[0], adcode=c[1], population=int(round(c[4] * 1e6))),
            point(r7(c[2]), r7(c[3])))
    ds.CommitTransaction()

    lyr = layer("sites", ogr.wkbPoint,
                [("site_id", ogr.OFTString), ("name", ogr.OFTString), ("operator", ogr.OFTString),
                 ("status", ogr.OFTString), ("kind", ogr.OFTString), ("capacity", ogr.OFTReal),
                 ("cost", ogr.OFTReal), ("provenance", ogr.OFTString)],
                "Computing sites: 9 reported Qingdao centres (approximate positions) + illustrative sites; "
                "capacity in racks and cost are illustrative")
    ds.StartTransaction()
    for i, s in enumerate(sites):
        put(lyr, i + 1, {k: s[k] for k in ("site_id", "name", "operator", "status", "kind", "capacity", "cost",
                                           "provenance")}, point(s["lon"], s["lat"]))
    ds.CommitTransaction()

    lyr = layer("fibre", ogr.wkbLineString,
                [("link_id", ogr.OFTInteger), ("kind", ogr.OFTString), ("name", ogr.OFTString)],
                "ILLUSTRATIVE fibre network made up by data/make_sample.py, not a real operator's routes")
    ds.StartTransaction()
    for i, ln in enumerate(net["lines"]):
        g = ogr.Geometry(ogr.wkbLineString)
        for lon, lat in ln["coords"]:
            g.AddPoint_2D(lon, lat)
        put(lyr, i + 1, dict(link_id=i + 1, kind=ln["kind"], name=ln["name"]), g)
    ds.CommitTransaction()

    lyr = layer("demand", ogr.wkbPoint,
                [("cell_id", ogr.OFTInteger), ("pop", ogr.OFTReal), ("prefecture", ogr.OFTInteger),
                 ("cell_km", ogr.OFTReal), ("in_qingdao", ogr.OFTInteger)],
                "ILLUSTRATIVE population grid (cell centres): Gaussian kernels scaled to ~2020 census totals")
    ds.StartTransaction()
    for i, d in enumerate(demand):
        put(lyr, i + 1, dict(cell_id=i + 1, pop=d["pop"], prefecture=d["prefecture"], cell_km=d["cell_km"],
                             in_qingdao=d["in_qingdao"]), point(d["lon"], d["lat"]))
    ds.CommitTransaction()

    lyr = layer("qingdao", ogr.wkbMultiPolygon,
                [("adcode", ogr.OFTInteger), ("name", ogr.OFTString), ("name_en", ogr.OFTString),
                 ("area_km2", ogr.OFTReal)],
                "Qingdao prefecture boundary (copy of prefectures), for coverage targets")
    q = [p for p in prefs if p["name_en"] == "Qingdao"][0]
    put(lyr, 1, dict(adcode=q["adcode"], name=q["name"], name_en=q["name_en"], area_km2=q["area_km2"]), q["geom"])
    ds = None
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------
def report(net, sites, demand):
    lines = net["lines"]
    # topology as the loader sees it: nodes at line ends and at vertices shared by lines
    cnt = {}
    for li, ln in enumerate(lines):
        for p in set(ln["coords"]):
            cnt.setdefault(p, set()).add(li)
    shared = {p for p, s in cnt.items() if len(s) > 1}
    endcount = {}
    for ln in lines:
        for p in (ln["coords"][0], ln["coords"][-1]):
            endcount[p] = endcount.get(p, 0) + 1
    # degree per node: ends count 1, shared interior vertices count 2
    deg = {}
    for ln in lines:
        c = ln["coords"]
        for j, p in enumerate(c):
            if j in (0, len(c) - 1):
                deg[p] = deg.get(p, 0) + 1
            elif p in shared:
                deg[p] = deg.get(p, 0) + 2
    dangling = sum(1 for v in deg.values() if v == 1)
    by_kind = {}
    for ln in lines:
        by_kind.setdefault(ln["kind"], []).append(ln["length_km"])
    log(f"fibre: {len(lines)} lines, {sum(len(ln['coords']) for ln in lines)} vertices, "
        f"{len(deg)} graph nodes, dangling ends {dangling}")
    for k, v in sorted(by_kind.items()):
        log(f"  {k:9s} {len(v):4d} lines  {sum(v):8.0f} km  (median {np.median(v):.1f} km)")
    ratios = []
    for ln in lines:
        if ln["kind"] == "trunk":
            a, b = ln["ends"]
            _, _, s = GEOD.inv(CITIES[a][2], CITIES[a][3], CITIES[b][2], CITIES[b][3])
            ratios.append(ln["length_km"] / (s / 1000.0))
            log(f"  {ln['name']:28s} {ln['length_km']:6.1f} km  x{ratios[-1]:.2f} straight")
    log(f"  trunk length / straight: min {min(ratios):.2f}, mean {np.mean(ratios):.2f}, max {max(ratios):.2f}")
    # distances (LAEA km) from sites and demand to the network
    ax, ay, bx, by = [], [], [], []
    for ln in lines:
        c = np.array(ln["coords"])
        x, y = to_xy(c[:, 0], c[:, 1])
        ax += list(x[:-1])
        ay += list(y[:-1])
        bx += list(x[1:])
        by += list(y[1:])
    ax, ay, bx, by = map(np.array, (ax, ay, bx, by))
    worst = 0.0
    for s in sites:
        px, py = to_xy(s["lon"], s["lat"])
        d = float(point_seg_dist(float(px), float(py), ax, ay, bx, by).min())
        worst = max(worst, d)
        if d > 2.0:
            log(f"  site {s['site_id']} is {d:.2f} km from the network")
    log(f"sites: {len(sites)}, farthest from the network {worst:.2f} km")
    dl = np.array([[d["lon"], d["lat"]] for d in demand])
    dx, dy = to_xy(dl[:, 0], dl[:, 1])
    dd = np.array([point_seg_dist(x, y, ax, ay, bx, by).min() for x, y in zip(dx, dy)])
    qd = np.array([d["in_qingdao"] for d in demand]) == 1
    pop = np.array([d["pop"] for d in demand])
    log(f"demand: {len(demand)} cells ({qd.sum()} in Qingdao), population {pop.sum() / 1e6:.2f} M; "
        f"within 10 km of fibre: {np.mean(dd[~qd] <= 10):.1%} of other cells ({pop[~qd][dd[~qd] <= 10].sum() / pop[~qd].sum():.1%} of pop), "
        f"{np.mean(dd[qd] <= 10):.1%} of Qingdao cells ({pop[qd][dd[qd] <= 10].sum() / pop[qd].sum():.1%} of pop)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("LIGHTCONE_SHARED_DATA", "/work/shared/data"),
                    help="folder with the shared real input data")
    ap.add_argument("--out", default=os.path.join(HERE, "shandong_sample.gpkg"))
    a = ap.parse_args()
    prefs = read_prefectures(a.shared)
    raster = PrefRaster(prefs)
    cc = read_cc_sites(a.shared)
    net = build_network(raster, cc)
    sites = build_sites(net, raster, cc)
    demand = build_demand(prefs, raster)
    report(net, sites, demand)
    write_gpkg(a.out, prefs, sites, net, demand)
    log(f"wrote {a.out} ({os.path.getsize(a.out) / 1e6:.2f} MB): {len(prefs)} prefectures, {len(CITIES)} cities, "
        f"{len(sites)} sites, {len(net['lines'])} fibre lines, {len(demand)} demand cells")


if __name__ == "__main__":
    main()
