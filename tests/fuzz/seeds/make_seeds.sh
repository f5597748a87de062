#!/usr/bin/env bash
# Remakes the fuzzers' seed layers from the bundled sample (data/shandong_sample.gpkg):
# central Qingdao (lon 120.3–120.5, lat 36.05–36.2), clipped, its fibre simplified, so
# that each seed is small and a mutation of it meets the structure, not bulk.
# Needs GDAL's ogr2ogr and sqlite3 (Debian gdal-bin, sqlite3). Same bytes on every run.
#   tests/fuzz/seeds/make_seeds.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sample=$here/../../../data/shandong_sample.gpkg
cd "$here"
export OGR_CURRENT_DATE=2000-01-01T00:00:00.000Z
box=(120.3 36.05 120.5 36.2)

rm -f fibre.geojson sites.geojson small.gpkg
# GeoJSON: the network and the sites (all fields a scenario maps), 6 decimals.
ogr2ogr -f GeoJSON fibre.geojson "$sample" fibre -clipsrc "${box[@]}" -simplify 0.002 \
  -select link_id,kind -lco COORDINATE_PRECISION=6 -lco RFC7946=YES -nln fibre
ogr2ogr -f GeoJSON sites.geojson "$sample" sites -spat "${box[@]}" \
  -select site_id,status,capacity,cost -lco COORDINATE_PRECISION=6 -lco RFC7946=YES -nln sites
# GeoPackage: the same network and sites, a third of the demand cells, the Qingdao
# boundary clipped; 1 KiB pages, so that a byte mutation lands in a page that matters.
ogr2ogr -f GPKG small.gpkg fibre.geojson -nln fibre
ogr2ogr -f GPKG -update small.gpkg sites.geojson -nln sites
ogr2ogr -f GPKG -update small.gpkg "$sample" demand -spat "${box[@]}" -where "cell_id % 3 = 0" \
  -select cell_id,pop,in_qingdao -nln demand
ogr2ogr -f GPKG -update small.gpkg "$sample" qingdao -clipsrc "${box[@]}" -simplify 0.002 -select name -nln qingdao
sqlite3 small.gpkg 'PRAGMA page_size = 1024; VACUUM;'
ls -l fibre.geojson sites.geojson small.gpkg
