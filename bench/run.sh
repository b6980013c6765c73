#!/usr/bin/env bash
# Benchmark: citykpi's report formats against polars reading the same file.
#
#   bench/run.sh                     # 2000x10 (20 000 city-years)
#   bench/run.sh 2000x10 10000x10    # sizes as CITIESxYEARS
#   RUNS=3 bench/run.sh              # each command 3 times; the table shows the median run
#   bench/run.sh 2000x10+sources     # every row with a unit and a long, quoted source text
#
# Build the binaries first (the script does not build; it uses $CARGO_TARGET_DIR/release, else
# target/release):
#
#   cargo build --release --example generate --bin citykpi
#
# For each size it generates, once and with a fixed seed, CITIES x YEARS of long-form data into
# bench/data/ (`examples/generate.rs`, --seed 42; a size ending in `+sources` adds `--sources`:
# a `unit` and a `source` column of about 150 characters, quoted for its commas, on every row),
# then measures on that one file, in this run, the wall time and peak memory (maximum resident
# set size, /usr/bin/time -v) of:
#   csv       citykpi assess FILE --format csv
#   json      citykpi assess FILE --format json
#   ndjson    citykpi assess FILE --format ndjson
#   parquet   citykpi assess FILE --format parquet
#   arrow     citykpi assess FILE --format arrow (an Arrow IPC file)
#   read      python3: polars.read_csv(FILE)
#   pivot     python3: polars.read_csv(FILE), then pivot to one row per city-year
#   pl-assess python3 bench/polars_assess.py FILE: read, pivot, every formula of kpi-definitions/
#             (pl.sql_expr, in dependency order), the long result (city, year, code, part,
#             value) as CSV; the computation of `assess` without its scoring and report columns
#   duckdb    python3 bench/sql_run.py duckdb: DuckDB reading the CSV as the view `observations`
#             and running the SQL of `citykpi export-sql --dialect duckdb --include-scoring
#             --no-unit-column` (the generated files have no unit column), its result copied as CSV
#             (DuckDB's memory_limit: the file's size, at least 256 MB, or $DUCKDB_MEMORY_LIMIT)
#   spark     python3 bench/sql_run.py spark: the same in local Spark (PySpark, local[*]), the
#             SQL of `citykpi export-sql --dialect spark --include-scoring --no-unit-column`, its result
#             written with format noop
#   import    python3 -c 'import polars': the interpreter and import alone, included in read and pivot
#   load      citykpi check data FILE: citykpi reads the file into its dataset and checks it, nothing
#             computed; its peak is the dataset itself, the baseline for memory growth
# Every output goes to /dev/null while timed; then each of citykpi's reports runs once more into
# `wc -c` for its size (output MiB, and output / csv: the share of the CSV report's bytes).
# duckdb and spark are not run on a `+sources` file (their SQL reads four columns). Ratios are
# to csv (wall / pivot: to pivot) of the same size; every ratio and every MiB or KiB figure is
# rounded up. duckdb and spark are stopped after $SQL_TIMEOUT seconds (default 1200; shown as
# failed(124)). When the last size without `+sources` has more city-years than the first, it
# then prints how each peak grows from the first to the last, per city-year, beside the growth
# of `load`. Then, per size, the floor
# under `--format parquet` (bench/floor.py, in one Python process: polars reading the CSV, read +
# pivot, and writing assess's own result table as Parquet, the fastest of RUNS). Last it times the
# start-up: the median of 20 runs of `citykpi assess sample-data/vesterby.csv`, of `citykpi
# indicators list` (the catalogue alone) and of `citykpi --version`.
#
# polars is imported from the system Python if it can be, else installed from PyPI into
# $CARGO_TARGET_DIR/bench-python (target/bench-python), outside the repository's tracked files.
# duckdb and pyspark likewise: importable as they are, or from target/duckdb-python,
# target/spark-python, $CARGO_TARGET_DIR/bench-python or a directory in $BENCH_PYTHONPATH
# (colon-separated), else installed from PyPI into $CARGO_TARGET_DIR/bench-python. Spark needs
# Java (17). A contender that cannot be set up shows as "unavailable"; peak memory is that of
# the largest single process (for Spark, its JVM when Python waits for it).
#
# Exits non-zero only when a command it needs is missing; a measured command that fails (killed for
# lack of memory, say) shows as "failed" in the table, with its exit status.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

need() { echo "bench/run.sh: $*" >&2; exit 1; }

target_dir=${CARGO_TARGET_DIR:-target}
bin=$target_dir/release/citykpi
gen=$target_dir/release/examples/generate
build="cargo build --release --example generate --bin citykpi"
[ -x "$bin" ] || need "missing $bin; build it first: $build"
[ -x "$gen" ] || need "missing $gen; build it first: $build"

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "installing /usr/bin/time (Debian package time)" >&2
    { apt-get install -y -q time > /dev/null 2>&1 || { apt-get update -q > /dev/null 2>&1 && apt-get install -y -q time > /dev/null 2>&1; }; } || true
  fi
  [ -x /usr/bin/time ] || need "needs /usr/bin/time (Debian package time: apt-get install time)"
fi

command -v python3 > /dev/null || need "needs python3 (for the polars rows)"
if ! python3 -c 'import polars' 2> /dev/null; then
  pydir=$(mkdir -p "$target_dir" && cd "$target_dir" && pwd)/bench-python
  if ! PYTHONPATH=$pydir python3 -c 'import polars' 2> /dev/null; then
    echo "installing polars from PyPI into $pydir" >&2
    python3 -m pip --version > /dev/null 2>&1 || need "needs pip for python3 to install polars"
    python3 -m pip install --quiet --disable-pip-version-check --target "$pydir" polars >&2 ||
      need "could not install polars into $pydir"
  fi
  export PYTHONPATH=$pydir${PYTHONPATH:+:$PYTHONPATH}
fi
polars_version=$(python3 -c 'import polars; print(polars.__version__)')

# find_module MODULE PACKAGE: make MODULE importable (adding to PYTHONPATH the first directory
# it is found in, else installing PACKAGE into $target_dir/bench-python); fails when it cannot.
find_module() {
  local dir pydir
  pydir=$(mkdir -p "$target_dir" && cd "$target_dir" && pwd)/bench-python
  python3 -c "import $1" 2> /dev/null && return 0
  local IFS=:
  for dir in ${BENCH_PYTHONPATH:-} target/duckdb-python target/spark-python "$pydir"; do
    [ -n "$dir" ] && [ -d "$dir" ] || continue
    if PYTHONPATH=$dir:${PYTHONPATH:-} python3 -c "import $1" 2> /dev/null; then
      export PYTHONPATH=$dir${PYTHONPATH:+:$PYTHONPATH}
      return 0
    fi
  done
  echo "installing $2 from PyPI into $pydir" >&2
  python3 -m pip install --quiet --disable-pip-version-check --target "$pydir" "$2" >&2 || return 1
  export PYTHONPATH=$pydir${PYTHONPATH:+:$PYTHONPATH}
  python3 -c "import $1" 2> /dev/null
}
duckdb_version=unavailable spark_version=unavailable
if find_module duckdb duckdb; then
  duckdb_version=$(python3 -c 'import duckdb; print(duckdb.__version__)')
fi
if ! command -v java > /dev/null; then
  echo "bench/run.sh: no java: the spark rows are left out" >&2
elif find_module pyspark pyspark; then
  spark_version=$(python3 -c 'import pyspark; print(pyspark.__version__)')
fi
sql_dir=$(mktemp -d)
trap 'rm -rf "$sql_dir"' EXIT
"$bin" export-sql --dialect duckdb --include-scoring --no-unit-column > "$sql_dir/duckdb.sql" || need "citykpi export-sql --dialect duckdb failed"
"$bin" export-sql --dialect spark --include-scoring --no-unit-column > "$sql_dir/spark.sql" || need "citykpi export-sql --dialect spark failed"

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(2000x10)
for size in "${sizes[@]}"; do
  [[ $size =~ ^[1-9][0-9]*x[1-9][0-9]*(\+sources)?$ ]] || { echo "bench/run.sh: size $size is not CITIESxYEARS or CITIESxYEARS+sources, e.g. 2000x10" >&2; exit 2; }
done
runs=${RUNS:-1}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: RUNS=$runs is not a positive number" >&2; exit 2; }

# The polars rows. Values are read as Float64 (the generator writes numbers, 0/1 for yes/no), as
# citykpi reads them; `first` keeps one value per city, year and variable, as a pivot must.
py_read='import sys, polars as pl
df = pl.read_csv(sys.argv[1], schema_overrides={"value": pl.Float64})
assert df.height > 0'
py_pivot='import sys, polars as pl
df = pl.read_csv(sys.argv[1], schema_overrides={"value": pl.Float64})
wide = df.pivot(on="variable", index=["city", "year"], values="value", aggregate_function="first")
assert wide.height > 0'

# once CMD...: one run under /usr/bin/time -v; prints "wall_s peak_KiB cpu_s status"
once() {
  local log status
  log=$(mktemp)
  /usr/bin/time -v "$@" > /dev/null 2> "$log"
  status=$?
  awk -v status="$status" '
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /User time \(seconds\)/ { cpu += $NF }
    /System time \(seconds\)/ { cpu += $NF }
    /Maximum resident set size/ { peak = $NF }
    END { printf "%.2f %d %.2f %s\n", wall, peak, cpu, status }' "$log"
  if [ "$status" != 0 ]; then
    echo "  exit status $status of: $*" >&2
    grep -v -E '^\s' "$log" | tail -n 5 >&2
  fi
  rm -f "$log"
}

# measure CMD...: RUNS runs; prints the median run by wall time ("wall_s peak_KiB cpu_s status")
measure() {
  local i
  for ((i = 0; i < runs; i++)); do once "$@"; done | sort -n -k1,1 | awk -v runs="$runs" 'NR == int((runs + 1) / 2)'
}

# Every derived number is rounded up (never in the program's favour): up_to D X prints X rounded
# up to D decimals; ratio A B prints A / B so; mib KIB prints KiB as MiB so.
up_to() { awk -v d="$1" -v x="$2" 'BEGIN { m = 10 ^ d; c = int(x * m); if (c < x * m) c++; printf "%.*f", d, c / m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > 0 && b + 0 > 0) }' && up_to 2 "$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.9f", a / b }')" || echo n/a; }
mib() { up_to 1 "$(awk -v k="$1" 'BEGIN { printf "%.9f", k / 1024 }')"; }

data=bench/data
mkdir -p "$data"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  source="sources at commit $(git rev-parse --short HEAD)"
  git diff --quiet HEAD -- src examples Cargo.toml Cargo.lock 2> /dev/null || source="$source with changes to src/, examples/ or Cargo"
else
  source="sources not in a git checkout"
fi
mem_gb=$(awk '/MemTotal/ { printf "%.1f", $2 / 1024 / 1024 }' /proc/meminfo)
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $mem_gb GiB; $("$bin" --version); polars (Python) $polars_version;" \
  "duckdb (Python) $duckdb_version; pyspark $spark_version; $source; RUNS=$runs"
echo "binaries: $bin, $gen (built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'))"

results=()
declare -A peaks
for size in "${sizes[@]}"; do
  shape=${size%+sources}
  cities=${shape%x*}
  years=${shape#*x}
  file=$data/$size.csv
  extra=()
  [ "$shape" != "$size" ] && extra=(--sources)
  if [ ! -f "$file" ]; then
    echo "generating $file" >&2
    "$gen" --cities "$cities" --years "$years" --seed 42 "${extra[@]}" --output "$file.tmp" 2> /dev/null || { rm -f "$file.tmp"; need "$gen failed"; }
    mv "$file.tmp" "$file"
  fi
  mb=$(awk -v b="$(stat -L -c %s "$file")" 'BEGIN { printf "%.1f", b / 1024 / 1024 }')
  rows=$(( $(wc -l < "$file") - 1 ))
  commands=(csv json ndjson parquet arrow read pivot pl-assess duckdb spark import load)
  declare -A walls=() peaks_kib=() cpus=() bytes=()
  for what in "${commands[@]}"; do
    case $what in
      csv | json | ndjson | parquet | arrow) cmd=("$bin" assess "$file" --format "$what") ;;
      read) cmd=(python3 -c "$py_read" "$file") ;;
      pivot) cmd=(python3 -c "$py_pivot" "$file") ;;
      pl-assess) cmd=(python3 bench/polars_assess.py "$file" kpi-definitions /dev/null) ;;
      duckdb | spark) cmd=(timeout "${SQL_TIMEOUT:-1200}" python3 bench/sql_run.py "$what" "$file" "$sql_dir/$what.sql") ;;
      import) cmd=(python3 -c 'import polars') ;;
      load) cmd=("$bin" check data "$file") ;;
    esac
    if { [ "$what" = duckdb ] && [ "$duckdb_version" = unavailable ]; } ||
      { [ "$what" = spark ] && [ "$spark_version" = unavailable ]; }; then
      walls[$what]=unavailable
      continue
    fi
    if [ "$shape" != "$size" ] && { [ "$what" = duckdb ] || [ "$what" = spark ]; }; then
      walls[$what]="not run"
      continue
    fi
    echo "  $size $what (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
    read -r wall peak cpu status <<< "$(measure "${cmd[@]}")"
    if [ "$status" != 0 ]; then wall="failed($status)"; fi
    walls[$what]=$wall peaks_kib[$what]=$peak cpus[$what]=$cpu
    if [ "$status" = 0 ]; then peaks[$size,$what]=$peak; fi
    case $what in
      csv | json | ndjson | parquet | arrow)
        bytes[$what]=$("${cmd[@]}" 2> /dev/null | wc -c) ;;
    esac
  done
  for what in "${commands[@]}"; do
    wall=${walls[$what]}
    if [ "$wall" = unavailable ] || [ "$wall" = "not run" ]; then
      results+=("$(printf '| %s | %s | %s | %s | %s | %s | n/a | n/a | n/a | n/a | n/a | n/a | n/a |' \
        "$size" "$((cities * years))" "$mb" "$rows" "$what" "$wall")")
      continue
    fi
    peak=${peaks_kib[$what]}
    out_mib=n/a out_ratio=n/a
    if [ -n "${bytes[$what]:-}" ]; then
      out_mib=$(mib "$(awk -v b="${bytes[$what]}" 'BEGIN { printf "%.9f", b / 1024 }')")
      out_ratio=$(ratio "${bytes[$what]}" "${bytes[csv]:-0}")
    fi
    results+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
      "$size" "$((cities * years))" "$mb" "$rows" "$what" "$wall" "$(ratio "$wall" "${walls[csv]}")" \
      "$(ratio "$wall" "${walls[pivot]}")" "$(mib "$peak")" "$(ratio "$peak" "${peaks_kib[csv]}")" \
      "${cpus[$what]}" "$out_mib" "$out_ratio")")
  done
  unset walls peaks_kib cpus bytes
done

echo
echo "| size | city-years | file MiB | rows | command | wall s | wall / csv | wall / pivot | peak MiB | peak / csv | cpu s | output MiB | output / csv |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"

plain=()
for size in "${sizes[@]}"; do [ "$size" = "${size%+sources}" ] && plain+=("$size"); done
first=${plain[0]:-} last=${plain[-1]:-}
added=0
[ -n "$first" ] && added=$(( ${last%x*} * ${last#*x} - ${first%x*} * ${first#*x} ))
if [ "$added" -gt 0 ]; then
  echo
  echo "peak memory growth from $first to $last ($added city-years more):"
  echo "| command | peak $first MiB | peak $last MiB | growth MiB | KiB per city-year | growth / load's |"
  echo "|---|---|---|---|---|---|"
  for what in csv json ndjson parquet arrow read pivot pl-assess duckdb spark load; do
    a=${peaks[$first,$what]:-} b=${peaks[$last,$what]:-} l1=${peaks[$first,load]:-} l2=${peaks[$last,load]:-}
    if [ -z "$a" ] || [ -z "$b" ]; then echo "| $what | ${a:-failed} | ${b:-failed} | n/a | n/a | n/a |"; continue; fi
    awk -v w="$what" -v a="$a" -v b="$b" -v n="$added" -v l1="$l1" -v l2="$l2" '
      function up(x, d,  m, c) { m = 10 ^ d; c = int(x * m); if (c < x * m) c++; return sprintf("%.*f", d, c / m) }
      BEGIN {
        g = b - a; r = (l1 != "" && l2 != "" && l2 - l1 > 0) ? up(g / (l2 - l1), 2) : "n/a"
        printf "| %s | %s | %s | %s | %s | %s |\n", w, up(a / 1024, 1), up(b / 1024, 1), up(g / 1024, 1), up(g / n, 2), r }'
  done
fi

# The floor under --format parquet (bench/floor.py): polars alone reading each file and writing
# the same result table as Parquet, in one process, against its own read + pivot.
echo
echo "the floor under --format parquet: polars reading the CSV and writing assess's result table (bench/floor.py):"
for size in "${sizes[@]}"; do
  "$bin" assess "$data/$size.csv" --format parquet -o "$sql_dir/$size.parquet" 2> /dev/null &&
    python3 bench/floor.py "$data/$size.csv" "$sql_dir/$size.parquet" "$runs"
  rm -f "$sql_dir/$size.parquet"
done

# median_ms CMD...: 3 warm-up runs, then 20 timed runs; prints "min median max" in ms
median_ms() {
  local i start end
  for i in 1 2 3; do "$@" > /dev/null 2>&1; done
  for i in $(seq 20); do
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
  done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f %.1f %.1f\n", t[1] / 1000, t[10] / 2000 + t[11] / 2000, t[NR] / 1000 }'
}

echo
echo "start-up, 20 runs after 3 warm-up, ms (min / median / max):"
read -r a_min a_med a_max <<< "$(median_ms "$bin" assess sample-data/vesterby.csv)"
read -r v_min v_med v_max <<< "$(median_ms "$bin" --version)"
read -r l_min l_med l_max <<< "$(median_ms "$bin" indicators list)"
echo "| command | min ms | median ms | max ms |"
echo "|---|---|---|---|"
echo "| citykpi assess sample-data/vesterby.csv | $a_min | $a_med | $a_max |"
echo "| citykpi indicators list (the catalogue alone) | $l_min | $l_med | $l_max |"
echo "| citykpi --version | $v_min | $v_med | $v_max |"
echo "assess - version, medians: $(awk -v a="$a_med" -v v="$v_med" 'BEGIN { printf "%.1f", a - v }') ms"
