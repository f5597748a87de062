#!/usr/bin/env bash
# Benchmarks on gen_instance.py instances: generates the instances once (cached in
# build-bench/instances, outside git), builds lightcone_bench in Release in build-bench,
# runs it on each instance under /usr/bin/time -v and prints one table.
# The latency benchmark (no --zones / --place) also runs the NetworkX baseline in the same
# run on the same graph (tests/bench/networkx_baseline.py on lightcone_bench --dump) and
# prints networkx_per_site_<rtt>ms and ratio_vs_networkx_<rtt>ms_<t>t (NetworkX time /
# lightcone time on t threads; lightcone best of 3, NetworkX best of NX_REPEAT). Timed rows
# show `time s  peak MiB` (the section's peak resident memory). tests/bench/README.md.
#
# usage: tests/bench/run.sh [--table-only] [--zones] [SIZE...] [-- BENCH_ARGS...]
#   SIZE          small, medium, large (DEFAULT: all three); tiny also works; longspan:
#                 tests/bench/gen_longspan.py's backbone of 5,000 straight spans of up to
#                 5,000 km (issue 17), plus `lightcone validate` on it under time -v
#   --table-only  print the table from the last results of each SIZE; run nothing
#   --zones       lightcone_bench_zones instead (polygons + 250 m surface, 100 / 500 sites)
#   --place       lightcone_bench_place instead (coverage, reductions, LSCP / MCLP p=50 / p-center)
#   BENCH_ARGS    passed to lightcone_bench, e.g. -- --threads 2 --sections nearest,per_site
# Environment: LIGHTCONE_SHARED (DEFAULT: <repo>/../shared), BUILD_DIR (DEFAULT: <repo>/build-bench),
#              JOBS (DEFAULT: 2), PYTHON (DEFAULT: /usr/bin/python3),
#              NX_SAMPLE (NetworkX from every k-th site, N in all; DEFAULT: all, 200 on large),
#              NX_REPEAT (NetworkX best of N; DEFAULT: 1), NO_NETWORKX=1 (skip the baseline).
# Timings are wall clock; the machine's load average is printed with them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared=${LIGHTCONE_SHARED:-$root/../shared}
build=${BUILD_DIR:-$root/build-bench}
python=${PYTHON:-/usr/bin/python3}
jobs=${JOBS:-2}
instances=$build/instances
results=$build/results

sizes=()
bench_args=()
table_only=0
bench_target=lightcone_bench  # --zones: lightcone_bench_zones, results zones_<size>.txt
prefix=
while (($#)); do
  case $1 in
    --) shift; bench_args=("$@"); break ;;
    --table-only) table_only=1; shift ;;
    --zones) bench_target=lightcone_bench_zones; prefix=zones_; shift ;;
    --place) bench_target=lightcone_bench_place; prefix=place_; shift ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    tiny|small|medium|large|longspan) sizes+=("$1"); shift ;;
    *) echo "run.sh: unknown argument '$1' (sizes: small, medium, large; see --help)" >&2; exit 2 ;;
  esac
done
((${#sizes[@]})) || sizes=(small medium large)

instance() {
  if [[ $1 == longspan ]]; then echo "$instances/longspan.gpkg"; else echo "$instances/shandong_$1.gpkg"; fi
}

run_all() {
  local gen=$shared/tools/gen_instance.py
  [[ -f $gen ]] || { echo "run.sh: $gen not found; set LIGHTCONE_SHARED to the shared folder" >&2; exit 2; }
  mkdir -p "$instances" "$results"

  # 1. Instances (deterministic, default seed), generated once.
  local size gpkg
  for size in "${sizes[@]}"; do
    gpkg=$(instance "$size")
    if [[ $size == longspan && ! -s $gpkg ]]; then
      echo "== generating the long-span instance into $instances"
      "$python" "$root/tests/bench/gen_longspan.py" --out "$instances" > "$instances/gen_longspan.log" 2>&1 ||
        { cat "$instances/gen_longspan.log" >&2; echo "run.sh: generating longspan failed" >&2; exit 1; }
    elif [[ ! -s $gpkg ]]; then
      echo "== generating $size instance into $instances (large takes about 2 minutes)"
      rm -f "$gpkg"
      "$python" "$gen" --size "$size" --out "$instances" --no-csv > "$instances/gen_$size.log" 2>&1 ||
        { cat "$instances/gen_$size.log" >&2; echo "run.sh: generating $size failed" >&2; exit 1; }
    fi
  done

  # NetworkX for the baseline (Debian's python3-networkx, for $python).
  local networkx=0
  if [[ -z $prefix && ${NO_NETWORKX:-0} != 1 ]]; then
    networkx=1
    if ! "$python" -c 'import networkx' 2> /dev/null; then
      if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
        echo "== installing python3-networkx (the NetworkX baseline)"
        apt-get install -y --no-install-recommends python3-networkx > "$results/apt-networkx.log" 2>&1 ||
          { tail -5 "$results/apt-networkx.log" >&2; echo "run.sh: installing python3-networkx failed" >&2; exit 1; }
      else
        echo "run.sh: $python cannot import networkx: apt-get install python3-networkx, or NO_NETWORKX=1" >&2
        exit 2
      fi
    fi
  fi

  # 2. Release build of the benchmark only.
  echo "== building $bench_target in $build"
  cmake -S "$root" -B "$build" -DLIGHTCONE_BENCHMARKS=ON -DCMAKE_BUILD_TYPE=Release > "$results/configure.log" ||
    { cat "$results/configure.log" >&2; exit 1; }
  local targets=("$bench_target")
  [[ " ${sizes[*]} " == *" longspan "* ]] && targets+=(lightcone)
  cmake --build "$build" --target "${targets[@]}" -j "$jobs" > "$results/build.log" 2>&1 ||
    { tail -40 "$results/build.log" >&2; exit 1; }
  local bench=$build/tests/bench/$bench_target

  # 3. Run each instance; keep the full output per size.
  local out rss dump extra
  for size in "${sizes[@]}"; do
    out=$results/$prefix$size.txt
    dump=$results/graph_$size.txt
    extra=()
    ((networkx)) && extra=(--dump "$dump")
    rm -f "$dump"
    echo "== $size (load average $(cut -d' ' -f1-3 /proc/loadavg)); output in $out"
    if [[ -x /usr/bin/time ]]; then
      /usr/bin/time -v -o "$results/$prefix$size.time" "$bench" "$(instance "$size")" "${bench_args[@]}" "${extra[@]}" |
        tee "$out"
      rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$results/$prefix$size.time")
      printf '%-32s %14s %s\n' peak_rss_time_v "$rss" "MiB    # /usr/bin/time -v" | tee -a "$out"
      if [[ $size == longspan ]]; then
        # The whole CLI path every command pays: read, build, attach nothing, index, graph.
        /usr/bin/time -v -o "$results/${prefix}validate_$size.time" "$build/cli/lightcone" validate \
          --network "$(instance "$size"):fibre" > /dev/null || true  # exit 1: data problems (components) are expected
        awk -F': ' '
          /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
          /Maximum resident set size/ { rss = $2 / 1024 }
          END {
            printf "%-32s %14.3f %s\n", "validate_wall", s, "s      # lightcone validate --network, /usr/bin/time -v"
            printf "%-32s %14.0f %s\n", "validate_peak_rss", rss, "MiB"
          }' "$results/${prefix}validate_$size.time" | tee -a "$out"
      fi
    else
      "$bench" "$(instance "$size")" "${bench_args[@]}" "${extra[@]}" | tee "$out"
    fi
    if ((networkx)) && [[ -s $dump ]]; then
      local sample=${NX_SAMPLE:-}
      [[ -z $sample && $size == large ]] && sample=200
      echo "== NetworkX baseline on the same graph ($dump; load average $(cut -d' ' -f1-3 /proc/loadavg))"
      "$python" "$root/tests/bench/networkx_baseline.py" "$dump" --sample "${sample:-0}" --repeat "${NX_REPEAT:-1}" |
        tee -a "$out" || { echo "run.sh: the NetworkX baseline failed or disagrees with lightcone ($size)" >&2; exit 1; }
    fi
  done
}

# 4. Table: one row per figure, one column per size (value and unit; notes dropped).
print_table() {
  local files=() size
  for size in "${sizes[@]}"; do
    [[ -s $results/$prefix$size.txt ]] || { echo "run.sh: no results for $size in $results" >&2; exit 1; }
    files+=("$results/$prefix$size.txt")
  done
  echo
  echo "== $bench_target results ($(date -r "${files[-1]}" -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
       "commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown))"
  awk -v names="${sizes[*]}" '
    BEGIN { ncol = split(names, col, " ") }
    FNR == 1 { f++ }
    /^#/ || NF < 2 { next }
    {
      key = $1; val = $2; unit = ($3 != "" && $3 != "#") ? $3 : ""
      if (!(key in seen)) { seen[key] = 1; order[++nrow] = key }
      cell[key, f] = val (unit != "" ? " " unit : "")
      if ($4 ~ /^[0-9.]+$/ && $5 == "MiB") cell[key, f] = cell[key, f] " " $4 "M"  # timed: + section peak
    }
    END {
      printf "%-30s", "figure"; for (c = 1; c <= ncol; c++) printf " %18s", col[c]; printf "\n"
      for (r = 1; r <= nrow; r++) {
        k = order[r]; printf "%-30s", k
        for (c = 1; c <= ncol; c++) printf " %18s", ((k, c) in cell) ? cell[k, c] : "-"
        printf "\n"
      }
    }' "${files[@]}"

  # 5. Design goals (issue: large instance, about 300k nodes, 2 cores).
  local large=$results/${prefix}large.txt
  if [[ $prefix == place_ && " ${sizes[*]} " == *" large "* && -s $large ]]; then
    echo
    echo "== design goals on the large instance (issue 4): LSCP and MCLP optimal or gap <= 0.5 % in < 60 s each," \
         "p-center bound and gap in < 5 min (wall clock; cpu in the notes)"
    grep -E '^(coverage_build|(lscp|mclp|pcenter)_(solve|status|gap)|peak_rss) ' "$large" | sed 's/^/  /'
  elif [[ $prefix == zones_ && " ${sizes[*]} " == *" large "* && -s $large ]]; then
    echo
    echo "== design goal on the large instance: 500 sites, every budget's polygons + surface < 30 s, peak < 4096 MiB"
    grep -E '^s500_(zones_total|peak_rss) ' "$large" | sed 's/^/  /'
  elif [[ " ${sizes[*]} " == *" large "* && -s $large ]]; then
    echo
    echo "== design goals on the large instance (wall clock; see load_start / load_end)"
    awk '
      function goal(name, key, limit) {
        if (!(key in v)) { printf "  %-52s %10s\n", name, "not run"; return }
        printf "  %-52s %8.3f s  %s\n", name, v[key], (v[key] < limit ? "ok" : "MISSED")
      }
      !/^#/ && NF >= 2 { v[$1] = $2 }
      END {
        goal("build under 10 s (build_total, without reading)", "build_total", 10)
        goal("nearest-site latency, all nodes, under 2 s", "nearest_site_all_nodes", 2)
        goal("per-site 3 ms RTT searches, 2 threads, under 20 s", "per_site_3ms_rtt_2t", 20)
      }' "$large"
  fi
}

((table_only)) || run_all
print_table
