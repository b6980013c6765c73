#!/usr/bin/env bash
# Benchmark: citykpi assess against the floor (polars reading and pivoting the same file).
#
#   bench/run.sh                 # small and medium
#   bench/run.sh small medium large
#
# For each size it generates (once, with a fixed seed) N cities x Y years of long-form data into
# bench/data/, then times on that file, in one run:
#   floor   `citykpi bench-floor FILE`: polars reads the CSV and pivots it to one row per city-year
#           (in memory; with polars' streaming engine for the large file, which does not fit in memory)
#   assess  `citykpi assess FILE --format csv > /dev/null`: everything, every KPI of every city-year
# and prints wall time and peak memory (/usr/bin/time -v) of each and the ratio assess / floor.
# Then it times `citykpi assess` on the sample city (start-up, embedded definitions), 20 runs.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(small medium)

cargo build --release --quiet
bin=target/release/citykpi
data=bench/data
mkdir -p "$data"
[ -x /usr/bin/time ] || { echo "bench/run.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

dims() {
  case $1 in
    small) echo "10 5" ;;
    medium) echo "10000 10" ;;
    large) echo "100000 20" ;;
    *) echo "unknown size $1 (small, medium, large)" >&2; exit 2 ;;
  esac
}

# measure LABEL CMD... : runs CMD, prints "seconds peak_mb"
measure() {
  local log
  log=$(mktemp)
  if ! /usr/bin/time -v "$@" > /dev/null 2> "$log"; then
    # e.g. killed for lack of memory: say so in the table, details on stderr
    grep -E "signal|error|Maximum resident" "$log" >&2 || true
    rm -f "$log"
    echo "failed failed"
    return
  fi
  local wall peak
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  peak=$(grep "Maximum resident set size" "$log" | awk '{printf "%.0f", $NF / 1024}')
  rm -f "$log"
  echo "$wall $peak"
}

printf '\n%-7s %10s %12s %10s %10s %7s %12s %12s\n' size file_MB rows floor_s assess_s ratio floor_peakMB assess_peakMB
for size in "${sizes[@]}"; do
  read -r cities years <<< "$(dims "$size")"
  file="$data/$size.csv"
  if [ ! -f "$file" ]; then
    "$bin" generate --cities "$cities" --years "$years" --seed 42 --output "$file"
  fi
  mb=$(( $(stat -c %s "$file") / 1024 / 1024 ))
  rows=$(( $(wc -l < "$file") - 1 ))
  engine=()
  [ "$size" = large ] && engine=(--streaming)
  read -r floor_s floor_mb <<< "$(measure "$bin" bench-floor "$file" "${engine[@]}")"
  read -r assess_s assess_mb <<< "$(measure "$bin" assess "$file" --format csv)"
  ratio=$(awk -v a="$assess_s" -v f="$floor_s" 'BEGIN { if (f + 0 > 0 && a + 0 > 0) printf "%.2f", a / f; else print "n/a" }')
  printf '%-7s %10s %12s %10s %10s %7s %12s %12s\n' "$size" "$mb" "$rows" "$floor_s" "$assess_s" "$ratio" "$floor_mb" "$assess_mb"
done

echo
echo "single city (sample-data/vesterby.csv, 3 years, table to /dev/null), 20 runs after 3 warm-up:"
for _ in 1 2 3; do "$bin" assess sample-data/vesterby.csv > /dev/null; done
times=()
for _ in $(seq 20); do
  start=$(date +%s%N)
  "$bin" assess sample-data/vesterby.csv > /dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "  min %d ms, median %d ms, max %d ms\n", t[1], t[int((NR + 1) / 2)], t[NR] }'
