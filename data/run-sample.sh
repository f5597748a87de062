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
"$lc" validate --network "$sample:fibre" --sites "$sample:sites" || true
"$lc" latency --network "$sample:fibre" --sites "$sample:sites" --to "$sample:demand" --out "$out/demand_latency.gpkg"
"$lc" latency --network "$sample:fibre" --route 120.38,36.07 117.00,36.65
echo "results in $out/" >&2
