#!/usr/bin/python3
"""Long-span benchmark instance: a backbone drawn the way Topology Zoo-style and
submarine-cable data are drawn, as long straight two-point lines.

Landing points lie on a large circle (DEFAULT: 2,500 km around 35°W 25°N, the middle
of the North Atlantic; no line crosses the antimeridian or a pole); every line is a
straight chord between two of them, so lines run from about a hundred km up to the
circle's diameter and many cross the whole extent. Lines are two-point LineStrings in
EPSG:4326; lightcone reads a straight segment as the geodesic between its ends.

Output: OUT/longspan.gpkg with the layers lightcone_bench reads:
  fibre   LineString, --lines chords (DEFAULT: 5,000), distinct landing-point pairs
  sites   Point, every 10th landing point
  demand  Point, a grid of about --demand points inside the circle (weight 1)
Deterministic from --seed (DEFAULT: 1); the seed is printed.

Needs Debian's python3-gdal; run with /usr/bin/python3:
  /usr/bin/python3 tests/bench/gen_longspan.py --out build-bench/instances
"""
import argparse
import math
import os
import random

from osgeo import gdal, ogr, osr

EARTH_R_M = 6371008.8  # mean radius; placement only, lightcone measures on WGS 84


def destination(lon, lat, azimuth_deg, dist_m):
    """Point dist_m from (lon, lat) along azimuth on the sphere (degrees)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    a, d = math.radians(azimuth_deg), dist_m / EARTH_R_M
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(a))
    l2 = l1 + math.atan2(math.sin(a) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(l2), math.degrees(p2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--lines", type=int, default=5000, help="number of chords (DEFAULT: 5000)")
    ap.add_argument("--points", type=int, default=400, help="landing points on the circle (DEFAULT: 400)")
    ap.add_argument("--radius-km", type=float, default=2500.0, help="circle radius (DEFAULT: 2500)")
    ap.add_argument("--centre", type=float, nargs=2, default=(-35.0, 25.0), metavar=("LON", "LAT"))
    ap.add_argument("--demand", type=int, default=2000, help="about this many demand points (DEFAULT: 2000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.lines > a.points * (a.points - 1) // 2:
        ap.error("more lines than distinct landing-point pairs")
    print(f"gen_longspan: seed {a.seed}, {a.lines} lines, {a.points} landing points, radius {a.radius_km} km")
    rng = random.Random(a.seed)
    clon, clat = a.centre
    radius_m = a.radius_km * 1000.0
    # Landing points at jittered, sorted azimuths (so neighbours on the circle are close).
    az = sorted(rng.uniform(0.0, 360.0) for _ in range(a.points))
    pts = [destination(clon, clat, z, radius_m * rng.uniform(0.97, 1.0)) for z in az]
    pairs = set()
    while len(pairs) < a.lines:
        i, j = rng.sample(range(a.points), 2)
        pairs.add((min(i, j), max(i, j)))
    pairs = sorted(pairs)

    gdal.UseExceptions()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "longspan.gpkg")
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)

    def layer(name, gtype, fields, rows):
        lyr = ds.CreateLayer(name, srs, gtype, options=["FID=fid", "GEOMETRY_NAME=geom"])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        ds.StartTransaction()
        defn = lyr.GetLayerDefn()
        for fid, (values, wkt) in enumerate(rows, start=1):
            f = ogr.Feature(defn)
            f.SetFID(fid)
            for k, v in enumerate(values):
                f.SetField(k, v)
            f.SetGeometryDirectly(ogr.CreateGeometryFromWkt(wkt))
            lyr.CreateFeature(f)
        ds.CommitTransaction()

    layer("fibre", ogr.wkbLineString, [("edge_id", ogr.OFTInteger)],
          (((k,), f"LINESTRING ({pts[i][0]:.7f} {pts[i][1]:.7f},{pts[j][0]:.7f} {pts[j][1]:.7f})")
           for k, (i, j) in enumerate(pairs)))
    layer("sites", ogr.wkbPoint, [("site_id", ogr.OFTInteger)],
          (((k,), f"POINT ({pts[i][0]:.7f} {pts[i][1]:.7f})") for k, i in enumerate(range(0, a.points, 10))))
    # Demand: a lon/lat grid clipped to the circle (spacing from the wanted count).
    step_m = math.sqrt(math.pi * radius_m * radius_m / max(a.demand, 1))
    dlat = math.degrees(step_m / EARTH_R_M)
    demand = []
    lat = clat - math.degrees(radius_m / EARTH_R_M)
    while lat <= clat + math.degrees(radius_m / EARTH_R_M):
        dlon = dlat / max(math.cos(math.radians(lat)), 1e-3)
        lon = clon - 90.0
        while lon <= clon + 90.0:
            # Great-circle distance to the centre.
            p1, p2 = math.radians(clat), math.radians(lat)
            c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(math.radians(lon - clon))
            if math.acos(max(-1.0, min(1.0, c))) * EARTH_R_M <= radius_m:
                demand.append((lon, lat))
            lon += dlon
        lat += dlat
    layer("demand", ogr.wkbPoint, [("pop", ogr.OFTReal)],
          (((1.0,), f"POINT ({lon:.7f} {lat:.7f})") for lon, lat in demand))
    ds = None
    lengths = [math.dist(pts[i], pts[j]) for i, j in pairs]
    print(f"gen_longspan: wrote {path}: {len(pairs)} lines ({min(lengths):.1f}..{max(lengths):.1f} degrees long), "
          f"{len(range(0, a.points, 10))} sites, {len(demand)} demand points")


if __name__ == "__main__":
    main()
