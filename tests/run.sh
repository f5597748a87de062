#!/usr/bin/env bash
# The README's test command: installs missing Debian packages, builds with -Werror,
# builds with clang, AddressSanitizer + UndefinedBehaviorSanitizer (build-asan), and runs
# every test, each in one of the two (below: the library's under the sanitizers, whole
# runs of the binary in release). Exit status is non-zero when anything fails.
# LIGHTCONE_SKIP_SANITIZERS=1 skips the sanitizer stage (then every test runs in release);
# LIGHTCONE_SANITIZE_ALL=1 also runs the whole-binary tests under the sanitizers.
#   --with-qgis       also install QGIS and Jupyter (Debian packages), so the real-QGIS test
#                     (tests/qgis) and the notebooks run instead of being skipped
#   --with-notebooks  only the Jupyter packages (the notebooks run, the QGIS test is skipped)
#   --with-browser    also install Chromium, so report.html is tested in a real browser
#                     (tests/browser) instead of being skipped
#   --with-postgis    also install PostgreSQL 15 + PostGIS 3 (postgresql-15-postgis-3), so
#                     PostGIS input and output are tested against a real server (tests/postgis)
#                     instead of being skipped
#   --with-dask       also install Dask distributed (python3-distributed), so cli/lightcone-dask
#                     is tested on real LocalClusters (tests/dask) instead of being skipped, and
#                     the instance generator's packages (numpy, scipy, pyproj, GDAL's Python), so
#                     the plan in parts is checked on a generated medium instance (with ../shared)
#   --with-fuzz       also build the libFuzzer targets (tests/fuzz/fuzz_*.cpp, ASan + UBSan;
#                     Debian's clang and libclang-rt-dev) in build-asan and run each
#                     for LIGHTCONE_FUZZ_SECONDS (DEFAULT: 60) seconds; any crash fails
set -euo pipefail
LIGHTCONE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$LIGHTCONE_ROOT/tests/setup.sh"
cd "$LIGHTCONE_ROOT"
NOTEBOOK_PACKAGES=(jupyter-nbconvert python3-nbclient python3-ipykernel python3-geopandas python3-matplotlib)
extra_packages=()
with_fuzz=0
for arg in "$@"; do
  case "$arg" in
    --with-qgis) extra_packages+=(qgis python3-qgis "${NOTEBOOK_PACKAGES[@]}") ;;
    --with-notebooks) extra_packages+=("${NOTEBOOK_PACKAGES[@]}") ;;
    --with-browser) extra_packages+=(chromium) ;;
    --with-postgis) extra_packages+=(postgresql-15-postgis-3) ;;
    --with-dask) extra_packages+=(python3-distributed python3-numpy python3-scipy python3-pyproj python3-gdal) ;;
    --with-fuzz) with_fuzz=1 ;;
    *) echo "usage: tests/run.sh [--with-qgis] [--with-notebooks] [--with-browser] [--with-postgis] [--with-dask] [--with-fuzz]" >&2; exit 2 ;;
  esac
done
# The sanitizer stage and the libFuzzer targets build with clang and its sanitizer runtimes.
if [ "${LIGHTCONE_SKIP_SANITIZERS:-0}" != 1 ] || [ "$with_fuzz" = 1 ]; then extra_packages+=(clang libclang-rt-dev); fi
install_deps "${extra_packages[@]}"

LIGHTCONE_TARGETS=()
# With the sanitizer stage, the library's tests run there only (below): not built here;
# the whole-binary tests run here only, unless LIGHTCONE_SANITIZE_ALL=1.
library_here=OFF binary_there=OFF
[ "${LIGHTCONE_SKIP_SANITIZERS:-0}" = 1 ] && library_here=ON
[ "${LIGHTCONE_SANITIZE_ALL:-0}" = 1 ] && binary_there=ON
echo "== build (release, -Werror; at ${SECONDS} s)" >&2
configure_build build -DLIGHTCONE_LIBRARY_TESTS=$library_here -DLIGHTCONE_BINARY_TESTS=ON
echo "== tests (at ${SECONDS} s)" >&2
# With the sanitizer stage, every test runs once, in the build where it checks the most:
# the library's tests, the mutation fuzzer (label fuzz) and the fault-injection tests
# (label faults: crashes and partial outputs) under ASan + UBSan; here, the tests that run
# the lightcone binary whole (label cli: the same library code, end to end), the time-limit
# tests (label timelimit: wall-clock bounds, meaningless at the sanitizers' speed), the
# kill -9 fault test (label kill: a killed process has nothing for a sanitizer to report)
# and the Python-driven ones (QGIS, notebooks, browser, PostGIS, Dask: not in the sanitizer build).
# LIGHTCONE_SANITIZE_ALL=1 runs the cli and timelimit tests under the sanitizers too.
sanitized_only='^(faults|fuzz)$'
skip_here=()
[ "${LIGHTCONE_SKIP_SANITIZERS:-0}" != 1 ] && skip_here=(-LE "$sanitized_only")
ctest --test-dir build --output-on-failure -j2 --timeout 900 "${skip_here[@]}"

# The sanitizer build: clang (about three times faster than g++ on instrumented code), and
# with --with-fuzz the libFuzzer targets in the same build (one instrumented build serves both).
san_args=()
[ "$with_fuzz" = 1 ] && san_args+=(-DLIGHTCONE_LIBFUZZER=ON)
# A build-asan configured by another compiler (before the sanitizer build moved to clang) starts over.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
if [ "${LIGHTCONE_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (clang, ASan + UBSan${san_args:+, libFuzzer targets}; at ${SECONDS} s)" >&2
  CC=clang CXX=clang++ configure_build build-asan -DLIGHTCONE_SANITIZE=ON -DLIGHTCONE_LIBRARY_TESTS=ON \
    -DLIGHTCONE_BINARY_TESTS=$binary_there "${san_args[@]}"
  echo "== tests under ASan + UBSan (at ${SECONDS} s)" >&2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$LIGHTCONE_ROOT/tests/lsan.supp" \
    ctest --test-dir build-asan --output-on-failure -j2 --timeout 1800
elif [ "$with_fuzz" = 1 ]; then
  echo "== build (clang, libFuzzer + ASan + UBSan: the fuzz targets only)" >&2
  LIGHTCONE_TARGETS=(fuzz_scenario fuzz_layers)
  CC=clang CXX=clang++ configure_build build-asan "${san_args[@]}"
fi
if [ "$with_fuzz" = 1 ]; then
  libfuzzer=$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a
  if [ ! -f "$libfuzzer" ]; then
    echo "tests/run.sh: no libFuzzer runtime ($libfuzzer); install the Debian package libclang-rt-dev" >&2
    exit 1
  fi
  echo "== libFuzzer (${LIGHTCONE_FUZZ_SECONDS:-60} s per target; at ${SECONDS} s)" >&2
  tests/fuzz/run_libfuzzer.sh build-asan "${LIGHTCONE_FUZZ_SECONDS:-60}"
fi
echo "all tests passed (${SECONDS} s)" >&2
