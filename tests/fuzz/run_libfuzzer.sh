#!/usr/bin/env bash
# Runs the libFuzzer targets built in BUILD_DIR (-DLIGHTCONE_LIBFUZZER=ON, see
# tests/fuzz/CMakeLists.txt) side by side for a fixed time each, from the seed corpus in
# tests/fuzz/seeds (and the bundled scenarios and CSV). Exit status is non-zero when a
# target crashes, leaks, trips a sanitizer, runs out of memory or hangs on an input; the
# input is kept as BUILD_DIR/fuzz-artifacts/<target>-crash-* (or leak-, timeout-, oom-),
# and the target's log as BUILD_DIR/fuzz-artifacts/<target>.log.
#   tests/fuzz/run_libfuzzer.sh BUILD_DIR [SECONDS]    (DEFAULT: 60 s per target)
# Replay an input: BUILD_DIR/tests/fuzz/<target> FILE
# Environment: LIGHTCONE_LIBFUZZER_SEED (DEFAULT: 1) fixes libFuzzer's random seed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: tests/fuzz/run_libfuzzer.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
seeds=$root/tests/fuzz/seeds
artifacts=$build/fuzz-artifacts
rm -rf "$artifacts" "$build/fuzz-corpus"
mkdir -p "$artifacts"

# corpus TARGET FILES...: a fresh working corpus (libFuzzer adds what it finds there).
corpus() {
  local dir=$build/fuzz-corpus/$1
  shift
  mkdir -p "$dir"
  cp "$@" "$dir"/
  echo "$dir"
}
scenario_corpus=$(corpus fuzz_scenario "$seeds"/*.toml "$root"/data/*.toml)
layers_corpus=$(corpus fuzz_layers "$seeds"/*.geojson "$seeds"/*.gpkg "$root"/tests/data/qingdao-compute-sites/sites.csv)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp
common=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -seed="${LIGHTCONE_LIBFUZZER_SEED:-1}"
        -print_final_stats=1)

run() {
  local target=$1
  shift
  "$build/tests/fuzz/$target" "${common[@]}" -artifact_prefix="$artifacts/$target-" "$@" >"$artifacts/$target.log" 2>&1
}
run fuzz_scenario -dict="$root/tests/fuzz/scenario.dict" -max_len=8192 "$scenario_corpus" &
scenario_pid=$!
run fuzz_layers "$layers_corpus" &
layers_pid=$!
status=0
for t in fuzz_scenario:$scenario_pid fuzz_layers:$layers_pid; do
  name=${t%%:*}
  if wait "${t##*:}"; then
    echo "$name: no failure in ${seconds} s ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
      "$artifacts/$name.log" | grep -o '[0-9]*$' || echo '?') inputs)" >&2
  else
    status=1
    echo "$name: FAILED; input and log in $artifacts ($name-*, $name.log):" >&2
    grep -m1 -E 'ERROR: |runtime error|==ERROR|deadly signal|Timeout|out-of-memory' "$artifacts/$name.log" >&2 || true
    tail -n 40 "$artifacts/$name.log" >&2
  fi
done
exit $status
