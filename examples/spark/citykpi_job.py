"""The U4SSC KPIs of every city and year on a Spark cluster, from `citykpi export-sql`.

    citykpi export-sql --dialect spark --include-scoring --output kpis.sql
    spark-submit citykpi_job.py --sql kpis.sql \
        --observations s3a://bucket/observations/ \
        --output s3a://bucket/kpis/ [--rollups s3a://bucket/rollups/] [--table observations]

--observations is a Parquet folder (or table files) with the columns city, year, variable and
value (value as text or number; other columns are ignored), best partitioned by year
(observations/year=2024/part-....parquet). It is registered as the temporary view --table,
which must be the name given to `export-sql --table` (default: observations).

The script's statements (each ends with ';' at the end of a line) are run in order: they
create the temporary views citykpi_kpis and, with --include-scoring, citykpi_rollups; the
last one selects the KPI rows (in no set order). The job writes that long KPI table to
--output and, with --rollups, the view citykpi_rollups, both as Parquet partitioned by year,
replacing what was there. --sql may be a local file or any path Spark reads (s3a://, hdfs://).
It needs nothing but PySpark (3.4 or later).
"""
import argparse
import re
import sys
import time



def statements(script):
    """The statements of an export-sql script, without their ';'. Each ends with ';' at the end
    of a line; a comment line never ends one; comments before a statement stay with it."""
    found, lines = [], []
    for line in script.splitlines():
        lines.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            found.append("\n".join(lines).rstrip()[:-1])
            lines = []
    if any(line.strip() and not line.lstrip().startswith("--") for line in lines):
        raise SystemExit("the SQL's last statement does not end with ';' at the end of a line: "
                         "give the file `citykpi export-sql --dialect spark` wrote, unchanged")
    return found


def first_line(statement):
    """The statement's first line that is not a comment."""
    return next((line.strip() for line in statement.splitlines()
                 if line.strip() and not line.lstrip().startswith("--")), "")


def created_view(statement):
    """The view a `CREATE [OR REPLACE] [TEMPORARY] VIEW name AS` statement creates, else None."""
    found = re.match(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+(\S+)\s+AS\b",
                     first_line(statement), re.IGNORECASE)
    return found.group(1) if found else None


def read_script(spark, path):
    """The SQL file, local or on any file system Spark reads."""
    if "://" not in path:
        with open(path, encoding="utf-8") as f:
            return f.read()
    return spark.read.text(path, wholetext=True).first()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sql", required=True, help="the script written by `citykpi export-sql --dialect spark`")
    parser.add_argument("--observations", required=True, help="Parquet folder of the long observations")
    parser.add_argument("--output", required=True, help="where the KPI table goes (Parquet, partitioned by year)")
    parser.add_argument("--rollups", help="where the roll-ups go (Parquet, partitioned by year; "
                                          "needs export-sql --include-scoring)")
    parser.add_argument("--table", default="observations",
                        help="the view the SQL reads, as given to export-sql --table (default: observations)")
    args = parser.parse_args()

    from pyspark.sql import SparkSession  # here, so that tests/ and bench/ can import statements()

    spark = SparkSession.builder.appName("citykpi").getOrCreate()
    script = read_script(spark, args.sql)
    parts = statements(script)
    if not parts or not first_line(parts[-1]).upper().startswith(("SELECT", "WITH")):
        raise SystemExit(f"{args.sql} does not end with the SELECT of the KPI rows: "
                         "write it with `citykpi export-sql --dialect spark`")
    if args.rollups and "citykpi_rollups" not in script:
        raise SystemExit(f"--rollups needs the roll-ups: write {args.sql} with "
                         "`citykpi export-sql --dialect spark --include-scoring`")

    started = time.monotonic()
    spark.read.parquet(args.observations).createOrReplaceTempView(args.table)
    for statement in parts[:-1]:
        spark.sql(statement)
        view = created_view(statement)
        if view:
            # The statements after it read the view again: keep it as its analysed plan, and
            # its rows once computed, or Spark analyses the long SQL text (and runs it) anew
            # at every use.
            spark.table(view).createOrReplaceTempView(view)
            spark.table(view).persist()
    kpis = spark.sql(parts[-1])
    kpis.write.mode("overwrite").partitionBy("year").parquet(args.output)
    print(f"citykpi: KPI rows written to {args.output} ({time.monotonic() - started:.0f} s)")
    if args.rollups:
        spark.table("citykpi_rollups").write.mode("overwrite").partitionBy("year").parquet(args.rollups)
        print(f"citykpi: roll-ups written to {args.rollups} ({time.monotonic() - started:.0f} s)")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
