#!/usr/bin/env bash
# The README's first quick-start command: installs missing Debian packages, builds
# lightcone and runs the main job on the bundled Shandong / Qingdao sample:
#   lightcone plan data/qingdao.toml --out out-sample
# Output goes to ./out-sample/ (override with the first argument).
set -euo pipefail
LIGHTCONE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$LIGHTCONE_ROOT/tests/setup.sh"
cd "$LIGHTCONE_ROOT"
install_deps
LIGHTCONE_TARGETS=(lightcone)
configure_build build
out=${1:-out-sample}
build/cli/lightcone plan data/qingdao.toml --out "$out"
echo "open $out/run.gpkg in QGIS (or maps/lightcone.qgs); read $out/report.md, or open $out/report.html in a browser" >&2
