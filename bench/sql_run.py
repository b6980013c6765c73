"""Run `citykpi export-sql` output on a long CSV, for bench/run.sh.

    python3 bench/sql_run.py duckdb|spark DATA.csv KPIS.sql [TABLE]

Reads DATA.csv (city, year, variable, value; values as text, as the script reads them) as the
table TABLE (default `observations`), runs the SQL and writes the result of its last statement
nowhere: DuckDB copies it to /dev/null as CSV, Spark writes it with the `noop` format (every row
computed, nothing stored). The SQL may be one query or a script of statements, each ending with `;`
at the end of a line (views first, a query last): every statement runs in order and the
last one's rows are the result. Spark runs locally on every core (`local[*]`).

DuckDB reads the file as it runs the query (TABLE is a view over `read_csv`, as over files in
a lake; the file is not first copied into a table in memory, which alone took 367 MiB at
2000x10). It uses memory up to its `memory_limit` and spills beyond it. DuckDB's own default
is 80 % of the machine's, which it fills as a cache, not because the work needs it; here the
limit is the input file's size, at least 256 MB, unless $DUCKDB_MEMORY_LIMIT (e.g. 1GB, or
"default" for DuckDB's own) sets it.
"""

import os
import sys

# The example job's splitter (each statement ends with ';' at the end of a line).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "spark"))
from citykpi_job import statements  # noqa: E402


def run_duckdb(data, sql, table):
    import duckdb

    limit = os.environ.get("DUCKDB_MEMORY_LIMIT") or f"{max(os.path.getsize(data), 256 << 20) >> 20}MiB"
    con = duckdb.connect(config={} if limit == "default" else {"memory_limit": limit})
    path = data.replace("'", "''")
    con.execute(
        f"CREATE VIEW {table} AS SELECT * FROM read_csv('{path}', header = true, columns = "
        "{'city': 'VARCHAR', 'year': 'INTEGER', 'variable': 'VARCHAR', 'value': 'VARCHAR'})"
    )
    *setup, last = statements(sql)
    for statement in setup:
        con.execute(statement)
    con.execute(f"COPY ({last}) TO '/dev/null' (FORMAT csv, HEADER)")


def run_spark(data, sql, table):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[*]")
        .appName("citykpi-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.csv(
        data, header=True, schema="city STRING, year INT, variable STRING, value STRING"
    ).createOrReplaceTempView(table)
    *setup, last = statements(sql)
    for statement in setup:
        spark.sql(statement)
    spark.sql(last).write.mode("overwrite").format("noop").save()
    # The JVM is a child of this process: end it and wait for it, so that /usr/bin/time
    # counts its CPU time and its peak memory (the largest of the processes it waited for).
    gateway = spark.sparkContext._gateway
    spark.stop()
    proc = getattr(gateway, "proc", None)
    gateway.shutdown()
    if proc is not None:
        if proc.stdin is not None:
            proc.stdin.close()  # the JVM exits when this pipe closes
        proc.wait(timeout=120)


def main():
    engine, data, sql_file = sys.argv[1:4]
    table = sys.argv[4] if len(sys.argv) > 4 else "observations"
    with open(sql_file) as f:
        sql = f.read()
    {"duckdb": run_duckdb, "spark": run_spark}[engine](data, sql, table)


if __name__ == "__main__":
    main()
