#!/usr/bin/env bash
# The README's first quick-start command: installs missing Debian packages, builds
# lightcone and runs the main job on the bundled Shandong / Qingdao sample.
# Output goes to ./out-sample/ (override with the first argument).
set -euo pipefail
LIGHTCONE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$LIGHTCONE_ROOT/tests/setup.sh"
cd "$LIGHTCONE_ROOT"
install_deps
LIGHTCONE_TARGETS=(lightcone)
configure_build build
out=${1:-out-sample}
mkdir -p "$out"
lc=build/cli/lightcone
sample=data/shandong_sample.gpkg
existing=(--sites "$sample:sites" --sites-where "status = 'existing'")
"$lc" validate --network "$sample:fibre" --sites "$sample:sites"
# Where is compute reachable within 1 ms / 3 ms RTT today (existing computing centres)?
"$lc" zones --network "$sample:fibre" "${existing[@]}" --demand "$sample:demand" --weight pop \
  --budget 1ms,3ms --out "$out/zones.gpkg"
# Latency of every demand cell to its nearest existing site, as a table.
"$lc" latency --network "$sample:fibre" "${existing[@]}" --to "$sample:demand" --out "$out/demand_latency.csv"
"$lc" latency --network "$sample:fibre" --route 120.38,36.07 117.00,36.65
echo "results in $out/" >&2
