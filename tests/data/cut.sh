#!/usr/bin/env bash
# Remakes tests/data from the team's full shared data folder: copies of the small files
# and cuts of the large ones (see README.md for sources, licences and what each test
# needs). Needs GDAL's ogr2ogr and osmium-tool (Debian packages gdal-bin, osmium-tool).
#   tests/data/cut.sh [SHARED_DATA]     (DEFAULT: <repo>/../shared/data)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shared=${1:-$here/../../../shared/data}
[[ -d $shared ]] || { echo "cut.sh: $shared not found; give the shared data folder" >&2; exit 2; }
cd "$here"
# Fixed GeoPackage timestamps, so a re-cut gives the same bytes.
export OGR_CURRENT_DATE=2000-01-01T00:00:00.000Z

# index_rows IN OUT "'a','b'": the header and the rows of IN whose first field is listed.
index_rows() {
  /usr/bin/python3 - "$@" <<'PY'
import csv, sys
keep = {n.strip("'") for n in sys.argv[3].split(",")}
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
with open(sys.argv[2], "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([rows[0]] + [r for r in rows[1:] if r[0] in keep])
PY
}

# Topology Zoo: 22 of 268 networks, layer links only, source fids kept.
zoo="'Arpanet196912','Renam','Restena','Ai3','JanetExternal','Cesnet1997','Zamren','KentmanApr2007',\
'BtLatinAmerica','Geant2012','Uninett','Switch','Columbus','Globenet','Oteglobe','DeutscheTelekom',\
'Ntt','Quest','HostwayInternational','Tw','Colt','DialtelecomCz'"
mkdir -p topology-zoo
rm -f topology-zoo/topology_zoo.gpkg
ogr2ogr -f GPKG topology-zoo/topology_zoo.gpkg "$shared/topology-zoo/topology_zoo.gpkg" links \
  -preserve_fid -where "network IN ($zoo)"
index_rows "$shared/topology-zoo/index.csv" topology-zoo/index.csv "$zoo"

# SNDlib: 7 of 13 instances, layer links only, source fids kept.
sndlib="'abilene','brain','dfn-bwin','geant','janos-us','janos-us-ca','polska'"
mkdir -p sndlib
rm -f sndlib/sndlib.gpkg
ogr2ogr -f GPKG sndlib/sndlib.gpkg "$shared/sndlib/sndlib.gpkg" links -preserve_fid -where "network IN ($sndlib)"
index_rows "$shared/sndlib/index.csv" sndlib/index.csv "$sndlib"

# OSM Monaco: the central 1.2 km x 1.6 km (Monaco-Ville, La Condamine, Monte-Carlo).
# The .osm.pbf keeps every way with a node in the box, complete; the roads layer keeps
# every road whose geometry meets the box, whole, with its source fid.
bbox=(7.415 43.728 7.430 43.742)
mkdir -p osm-monaco
osmium extract --overwrite --strategy complete_ways --set-bounds \
  --bbox "${bbox[0]},${bbox[1]},${bbox[2]},${bbox[3]}" "$shared/osm-monaco/monaco.osm.pbf" \
  -o osm-monaco/monaco.osm.pbf
rm -f osm-monaco/monaco_roads.gpkg
ogr2ogr -f GPKG osm-monaco/monaco_roads.gpkg "$shared/osm-monaco/monaco_roads.gpkg" roads \
  -preserve_fid -spat "${bbox[@]}"

# Copied unchanged.
mkdir -p osm-andorra os3e-heller2012 qingdao-compute-sites
cp "$shared/osm-andorra/andorra_roads.gpkg" osm-andorra/
cp "$shared/os3e-heller2012/os3e.gpkg" "$shared/os3e-heller2012/heller2012_optimal_latency_by_k.csv" os3e-heller2012/
cp "$shared/qingdao-compute-sites/sites.csv" qingdao-compute-sites/
chmod u+w osm-andorra/* os3e-heller2012/* qingdao-compute-sites/*
