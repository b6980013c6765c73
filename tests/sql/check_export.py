"""Run `citykpi export-sql` in DuckDB or Spark and compare every row with `citykpi assess`.

Usage:
    python3 tests/sql/check_export.py --engine duckdb|spark [--dialect duckdb|spark|ansi]
        [--citykpi PATH] [--defs DIR] [--targets FILE] [--unit-column NAME]
        [--job examples/spark/citykpi_job.py] [DATA.csv ...]

Without data files the sample cities are used (sample-data/vesterby.csv, riverton.csv) with
sample-data/targets.csv; without --defs, the embedded catalogue. --dialect defaults to the
engine's own; DuckDB also runs `--dialect ansi`. --citykpi defaults to $CITYKPI, else
target/debug/citykpi. When a data file has a column `unit` (as assess reads it), the SQL is
exported as it is by default, reading that column, so that it converts units as assess does;
when none has, with `--no-unit-column`. --unit-column names another, --unit-column '' none.

What it does, in a fresh temporary folder:
 1. writes the data files (long form: city, year, variable, value and any other columns, all
    kept as text but year) as Parquet partitioned by year (observations/year=2024/...), with
    the engine itself, and registers that folder as the table/view `observations`;
 2. runs `citykpi export-sql --dialect D --include-scoring [--targets FILE] [--no-unit-column]`,
    splits the script into its statements (each ends with ';' at the end of a line) and runs
    them in order: the last one selects the KPI rows; then reads the view citykpi_rollups. With --job (Spark only)
    the statements are run instead by the example job under spark-submit, and its Parquet
    output is read back;
 3. compares with `citykpi assess` (its Parquet output, unrounded, for the KPI rows; its JSON
    `summary` for the roll-ups and the KPIs' sub-dimension and category):
    - every KPI row, keyed by city, year, code and part: value, target and achievement to
      1e-9 relative (1e-12 absolute); status, target_origin, points, band, name, tier,
      dimension, subdimension, category, unit, direction and target_source exactly (a NULL
      text equals an empty one, as in CSV); the order of KPIs within a city-year by position;
    - every roll-up, keyed by city, year, level and code: name, band, core/advanced
      defined/computed, scored, points and max_points exactly; score and mean_achievement
      within 0.005 (the JSON rounds them to 2 decimals);
    - rows present on one side only (each counts as one failed value).
Prints each mismatch (at most 10 per table and column, then a count), then
"N values compared in M city-years: P passed, F failed". A statement the engine refuses is
printed with its number, first line and the engine's error, and counts as a failure.

Installs nothing. The duckdb package must be importable or installed in target/duckdb-python;
pyspark importable or installed in target/spark-python, with `java` (17 or later) on the PATH.
.ci/run installs both; by hand:
    python3 -m pip install --target target/duckdb-python duckdb
    python3 -m pip install --target target/spark-python pyspark
    apt-get install openjdk-17-jre-headless        # when `java` is missing
Exit status: 0 when every value matches, 1 on any mismatch, a refused statement or nothing
compared, 2 when the engine is not installed.
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = [os.path.join(ROOT, "sample-data", f) for f in ("vesterby.csv", "riverton.csv")]
SAMPLE_TARGETS = os.path.join(ROOT, "sample-data", "targets.csv")
PACKAGES = {"duckdb": "duckdb-python", "spark": "spark-python"}

# The one splitter of a script into statements is the example job's (it imports pyspark only
# when it runs), so the job, this harness and the benchmark split alike.
sys.path.insert(0, os.path.join(ROOT, "examples", "spark"))
from citykpi_job import first_line, statements  # noqa: E402

# The KPI columns compared, and how; `citykpi assess --format csv` has the same names.
KPI_KEY = ("city", "year", "code", "part")
KPI_CLOSE = ("value", "target", "achievement")  # to 1e-9 relative
KPI_EXACT = ("status", "target_origin", "points", "band", "name", "tier", "dimension",
             "subdimension", "category", "unit", "direction", "target_source")
ROLLUP_KEY = ("city", "year", "level", "code")
ROLLUP_CLOSE = ("score", "mean_achievement")  # within 0.005: the JSON rounds to 2 decimals
ROLLUP_EXACT = ("name", "band", "core_defined", "core_computed", "advanced_defined",
                "advanced_computed", "scored", "points", "max_points")
SHOWN = 10  # mismatches printed per table and column


def relative(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def run(command, allowed=(0,)):
    """Runs a command; its standard output, or exit 1 with what it said."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in allowed:
        print(f"`{' '.join(command)}` exited with {done.returncode}:\n{done.stderr}", file=sys.stderr)
        sys.exit(1)
    return done.stdout


def import_package(engine):
    """The engine's Python module, importable as it is or from target/<engine>-python."""
    folder = os.path.join(ROOT, "target", PACKAGES[engine])
    name = "duckdb" if engine == "duckdb" else "pyspark"
    for attempt in range(2):
        try:
            return __import__(name)
        except ImportError:
            if attempt == 0:
                sys.path.insert(0, folder)
    print(f"the {name} Python package is not importable, nor installed in {relative(folder)};\n"
          f"install it with: {sys.executable} -m pip install --target {relative(folder)} {name}\n"
          "(or run .ci/run, which does)", file=sys.stderr)
    sys.exit(2)


class DuckDB:
    """DuckDB in memory; reads and writes Parquet itself."""

    def __init__(self):
        self.duckdb = import_package("duckdb")
        self.version = f"DuckDB {self.duckdb.__version__}"
        self.con = self.duckdb.connect()
        self.error = self.duckdb.Error

    def write_observations(self, csvs, folder):
        files = ", ".join(sql_string(f) for f in csvs)
        self.con.execute(
            f"COPY (SELECT * REPLACE (CAST(year AS INTEGER) AS year) FROM read_csv([{files}], "
            f"all_varchar = true, union_by_name = true)) "
            f"TO {sql_string(folder)} (FORMAT parquet, PARTITION_BY (year))")
        self.con.execute(
            f"CREATE VIEW observations AS SELECT * FROM read_parquet("
            f"{sql_string(os.path.join(folder, '**', '*.parquet'))}, hive_partitioning = true)")

    def execute(self, statement):
        self.con.execute(statement)

    def rows(self, query):
        result = self.con.execute(query)
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, r)) for r in result.fetchall()]

    def read_parquet(self, path):
        return self.rows(f"SELECT * FROM read_parquet({sql_string(path)}, hive_partitioning = true)")

    def stop(self):
        self.con.close()


class Spark:
    """A local Spark session (two threads, no UI, no network but the loopback)."""

    def __init__(self):
        import_package("spark")
        from pyspark.sql import SparkSession
        from pyspark.errors import PySparkException
        from py4j.protocol import Py4JError
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
            print("Spark needs Java 17 or later and `java` is not on the PATH; install it with:\n"
                  "apt-get install openjdk-17-jre-headless   (or run .ci/run, which does)",
                  file=sys.stderr)
            sys.exit(2)
        self.spark = spark_session(SparkSession.builder.appName("citykpi check_export"))
        self.version = (f"Spark {self.spark.version} "
                        f"(spark.sql.ansi.enabled={self.spark.conf.get('spark.sql.ansi.enabled')})")
        self.error = (PySparkException, Py4JError)

    def write_observations(self, csvs, folder):
        from pyspark.sql import functions as F
        frame = None
        for f in csvs:
            # All text, as in the file; "" quotes a quote, as in RFC 4180.
            one = self.spark.read.csv(f, header=True, multiLine=True, escape='"')
            frame = one if frame is None else frame.unionByName(one, allowMissingColumns=True)
        frame = frame.withColumn("year", F.col("year").cast("int"))
        frame.write.mode("overwrite").partitionBy("year").parquet(folder)
        self.spark.read.parquet(folder).createOrReplaceTempView("observations")

    def execute(self, statement):
        self.spark.sql(statement)

    def rows(self, query):
        frame = self.spark.sql(query)
        rows = [r.asDict() for r in frame.collect()]
        # The physical plan as it ran (adaptive execution's final plan), for plan_check.
        self.plan = frame._jdf.queryExecution().executedPlan().toString()
        return rows

    def read_parquet(self, path):
        return [r.asDict() for r in self.spark.read.parquet(path).collect()]

    def stop(self):
        self.spark.stop()


def spark_session(builder):
    """The session every Spark run here uses: local, two threads, no UI, loopback only."""
    spark = (builder.master("local[2]")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.default.parallelism", "2")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def header(path):
    """The column names of a CSV file."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), [])


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def reference(citykpi, common, data, targets, work):
    """assess's KPI rows (Parquet, unrounded, with sub-dimension and category from the JSON)
    and roll-ups (the JSON's summaries), keyed as compared."""
    parquet = os.path.join(work, "assess.parquet")
    # Exit 3, errors in the data, still writes the report: the rejected values are no values,
    # and the SQL must agree (tests/fixtures/sql-edge.csv is made of such values).
    run([citykpi, *common, "assess", *data, *targets, "--format", "parquet", "--output", parquet], (0, 3))
    report = json.loads(run([citykpi, *common, "assess", *data, *targets, "--format", "json"], (0, 3)))
    kpis, rollups, order = {}, {}, {}
    for city_year in report["assessments"]:
        city, year = city_year["city"], city_year["year"]
        order[(city, year)] = [(k["code"], k["part"] or "") for k in city_year["kpis"]]
        for k in city_year["kpis"]:
            kpis[(city, year, k["code"], k["part"] or "")] = {
                "subdimension": k["subdimension"], "category": k["category"]}
        for s in city_year["summary"]:
            rollups[(city, year, s["level"], s["code"])] = s
    return parquet, kpis, rollups, order


def text(v):
    return "" if v is None else v


def same_exact(expected, actual):
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and actual is not None:
        try:
            return float(actual) == float(expected)
        except (TypeError, ValueError):
            return False
    return text(expected) == text(actual)


def same_close(expected, actual, rel, abs_):
    if expected is None or actual is None:
        return expected is None and actual is None
    try:
        # NaN and infinities never equal a value assess gives (assess gives only finite ones).
        return math.isclose(float(expected), float(actual), rel_tol=rel, abs_tol=abs_)
    except (TypeError, ValueError):
        return False


class Tally:
    def __init__(self):
        self.passed = self.failed = 0
        self.by_column = {}

    def check(self, ok, table, column, message):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        count = self.by_column.get((table, column), 0) + 1
        self.by_column[(table, column)] = count
        if count <= SHOWN:
            print(f"  {table}.{column}: {message}")

    def close(self):
        for (table, column), count in sorted(self.by_column.items()):
            if count > SHOWN:
                print(f"  {table}.{column}: ... and {count - SHOWN} more mismatches")


def compare(tally, table, expected, actual, exact, close, rel, abs_):
    """Every row of `expected` against `actual` (both keyed dicts), column by column."""
    for key in sorted(expected.keys() | actual.keys(), key=repr):
        e, a = expected.get(key), actual.get(key)
        if e is None or a is None:
            tally.check(False, table, "row", f"{key} is only in {'assess' if a is None else 'the SQL'}")
            continue
        for column in exact:
            tally.check(column in a and same_exact(e.get(column), a[column]), table, column,
                        f"{key}: assess {e.get(column)!r} vs SQL {a.get(column, '(no column)')!r}")
        for column in close:
            tally.check(column in a and same_close(e.get(column), a[column], rel, abs_), table, column,
                        f"{key}: assess {e.get(column)!r} vs SQL {a.get(column, '(no column)')!r}")


def keyed(rows, key, table, tally):
    """Rows by key (text parts NULL or empty alike); a key given twice is a mismatch."""
    out = {}
    for r in rows:
        k = tuple(text(r.get(c)) if c != "year" else int(r[c]) for c in key)
        tally.check(k not in out, table, "row", f"{k} is given twice")
        out[k] = r
    return out


SHUFFLE = re.compile(r"Exchange (hashpartitioning|rangepartitioning|SinglePartition|RoundRobinPartitioning).*")


def plan_check(tally, what, plan, hashed):
    """Spark's physical plan of `what` as it ran: its shuffles (exchanges; one reused is not
    run again) printed and counted. The rows are shuffled `hashed` times by city and year
    (once, for the pivot: the roll-ups group within those partitions), at most once more to
    sort them, and never joined by a cartesian product or a nested loop."""
    # Adaptive execution prints the plan that ran, then the initial plan: count the first.
    plan = plan.split("== Initial Plan ==")[0]
    shuffles = [m.group(0) for m in SHUFFLE.finditer(plan) if "ReusedExchange" not in
                plan[plan.rfind("\n", 0, m.start()):m.start()]]
    by_city_year = [x for x in shuffles if x.startswith("Exchange hashpartitioning(city")]
    others = [x for x in shuffles if not x.startswith("Exchange hashpartitioning(city")]
    broadcasts = plan.count("BroadcastExchange")
    print(f"  Spark plan of {what}: {len(shuffles)} exchanges (shuffles), {len(by_city_year)} by city and "
          f"year, {len(others)} other{'s' if len(others) != 1 else ''}; {broadcasts} broadcasts of small tables")
    for shuffle in shuffles:
        print(f"    {shuffle[:160]}")
    tally.check(len(by_city_year) == hashed, "plan", "shuffles",
                f"{what}: {len(by_city_year)} shuffles by city and year, expected {hashed}")
    tally.check(all(x.startswith("Exchange rangepartitioning") for x in others) and len(others) <= 1,
                "plan", "shuffles", f"{what}: other shuffles: {others}")
    for join in ("CartesianProduct", "BroadcastNestedLoopJoin"):
        tally.check(join not in plan, "plan", "joins", f"{what}: a {join} in the plan")


def run_job(job, sql_path, observations, work):
    """The example Spark job under spark-submit (local mode); its output folders."""
    import_package("spark")
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    kpis, rollups = os.path.join(work, "job-kpis"), os.path.join(work, "job-rollups")
    env = dict(os.environ, SPARK_HOME=home, SPARK_LOCAL_IP="127.0.0.1",
               PYTHONPATH=os.pathsep.join([os.path.dirname(home), os.environ.get("PYTHONPATH", "")]),
               PYSPARK_PYTHON=sys.executable)
    command = [os.path.join(home, "bin", "spark-submit"), "--master", "local[2]",
               "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
               "--conf", "spark.sql.shuffle.partitions=2",
               "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
               job, "--sql", sql_path, "--observations", observations,
               "--output", kpis, "--rollups", rollups]
    print(f"running {' '.join(relative(c) if os.path.isabs(c) else c for c in command[1:])}")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"the job exited with {done.returncode}:\n{done.stdout}{done.stderr[-4000:]}")
        return None
    print(done.stdout, end="")
    return kpis, rollups


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["duckdb", "spark"], required=True)
    parser.add_argument("--dialect", choices=["duckdb", "spark", "ansi"],
                        help="export-sql's dialect (default: the engine's)")
    parser.add_argument("--citykpi", default=os.environ.get("CITYKPI")
                        or os.path.join(ROOT, "target", "debug", "citykpi"), help="the citykpi binary")
    parser.add_argument("--defs", help="definitions folder (default: the embedded catalogue)")
    parser.add_argument("--targets", help="targets file (default with the sample data: sample-data/targets.csv)")
    parser.add_argument("--unit-column", help="the data's column of units (default: unit, when a file has it)")
    parser.add_argument("--job", help="run the SQL with this Spark job under spark-submit (--engine spark)")
    parser.add_argument("data", nargs="*", help="long-form CSV files (default: the sample cities)")
    args = parser.parse_intermixed_args()
    if args.job and args.engine != "spark":
        parser.error("--job runs under spark-submit: use it with --engine spark")

    started = time.monotonic()
    citykpi = os.path.abspath(args.citykpi)
    if not os.path.exists(citykpi):
        parser.error(f"no citykpi binary at {citykpi}: build it (cargo build) or pass --citykpi PATH")
    dialect = args.dialect or args.engine
    data = [os.path.abspath(f) for f in args.data] or SAMPLES
    targets_file = args.targets or (None if args.data else SAMPLE_TARGETS)
    targets = ["--targets", os.path.abspath(targets_file)] if targets_file else []
    common = ["--defs", os.path.abspath(args.defs)] if args.defs else []
    unit_column = args.unit_column
    if unit_column is None:
        unit_column = "unit" if any("unit" in header(f) for f in data) else ""
    # `unit` is export-sql's default; a table without units must say so.
    units = (["--no-unit-column"] if not unit_column
             else [] if unit_column == "unit" else ["--unit-column", unit_column])
    print(f"{args.engine}, --dialect {dialect}: catalogue {relative(args.defs) if args.defs else '(embedded)'}; "
          f"data {', '.join(relative(f) for f in data)}"
          + (f"; targets {relative(targets_file)}" if targets_file else "")
          + (f"; units from the column {unit_column}" if unit_column else "; no column of units"))

    work = tempfile.mkdtemp(prefix="citykpi-sql-")
    tally = Tally()
    try:
        script = run([citykpi, *common, "export-sql", "--dialect", dialect, "--include-scoring", *targets, *units])
        sql_path = os.path.join(work, "kpis.sql")
        with open(sql_path, "w") as f:
            f.write(script)
        parquet, json_kpis, json_rollups, order = reference(citykpi, common, data, targets, work)

        engine = DuckDB() if args.engine == "duckdb" else Spark()
        print(f"{engine.version}: ready {time.monotonic() - started:.1f} s after the start "
              "(citykpi export-sql and assess, the engine's start)")
        observations = os.path.join(work, "observations")
        engine.write_observations(data, observations)
        expected_rows = engine.read_parquet(parquet)

        ran = time.monotonic()
        try:
            if args.job:
                outputs = run_job(os.path.abspath(args.job), sql_path, observations, work)
                if outputs is None:
                    tally.check(False, "job", "run", "the Spark job failed (above)")
                    return finish(tally, 0, started)
                kpi_rows = engine.read_parquet(outputs[0])
                rollup_rows = engine.read_parquet(outputs[1])
            else:
                parts = statements(script)
                for number, statement in enumerate(parts, 1):
                    where = f"statement {number} of {len(parts)} ({first_line(statement)})"
                    try:
                        began = time.monotonic()
                        if number < len(parts):
                            engine.execute(statement)
                        else:
                            kpi_rows = engine.rows(statement)
                        print(f"  {where}: {time.monotonic() - began:.1f} s")
                    except engine.error as err:
                        # The engine's message, without the plan Spark appends (often megabytes).
                        message = "\n".join(str(err).strip().splitlines()[:25])[:3000]
                        print(f"{engine.version} refuses {where}:\n{type(err).__name__}: {message}")
                        tally.check(False, "sql", "run", where)
                        return finish(tally, 0, started)
                if args.engine == "spark":
                    plan_check(tally, "the KPI rows", engine.plan, 1)
                began = time.monotonic()
                rollup_rows = engine.rows("SELECT * FROM citykpi_rollups")
                print(f"  SELECT * FROM citykpi_rollups: {time.monotonic() - began:.1f} s")
                if args.engine == "spark":
                    plan_check(tally, "the roll-ups", engine.plan, 1)
        finally:
            print(f"the SQL ran in {time.monotonic() - ran:.1f} s")

        # Order: the last statement's rows come in no set order; ordered by position, the KPIs
        # of each city-year are in catalogue order, as assess lists them.
        if not args.job:  # the job writes no position
            seen = {}
            for r in engine.rows("SELECT city, year, code, part FROM citykpi_kpis ORDER BY city, year, position"):
                seen.setdefault((r["city"], int(r["year"])), []).append((r["code"], text(r["part"])))
            for city_year, listed in order.items():
                if city_year in seen:
                    tally.check(seen[city_year] == listed, "kpis", "order",
                                f"{city_year}: the KPIs are not in catalogue order")

        expected = keyed(expected_rows, KPI_KEY, "assess", tally)
        for k, r in expected.items():
            r.update(json_kpis.get(k, {"subdimension": "(not in JSON)", "category": "(not in JSON)"}))
        actual = keyed(kpi_rows, KPI_KEY, "kpis", tally)
        compare(tally, "kpis", expected, actual, KPI_EXACT, KPI_CLOSE, 1e-9, 1e-12)
        compare(tally, "rollups", json_rollups, keyed(rollup_rows, ROLLUP_KEY, "rollups", tally),
                ROLLUP_EXACT, ROLLUP_CLOSE, 0.0, 0.005 + 1e-9)
        city_years = {k[:2] for k in expected} | {k[:2] for k in actual}
        engine.stop()
        return finish(tally, len(city_years), started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def finish(tally, city_years, started):
    tally.close()
    compared = tally.passed + tally.failed
    print(f"took {time.monotonic() - started:.1f} s")
    print(f"{compared} values compared in {city_years} city-years: {tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed or tally.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
