"""The floor under `assess --format parquet`: what polars itself takes to read the same CSV and
to write the same result table as Parquet, with no computation between.

    python3 bench/floor.py DATA.csv REPORT.parquet [RUNS]

DATA.csv is a benchmark file (bench/data/SIZE.csv); REPORT.parquet is `citykpi assess DATA.csv
--format parquet -o REPORT.parquet`, read back once, untimed, to have the table to write. In one
process it times, RUNS times each (default 3), the fastest run of:

    read           pl.read_csv(DATA.csv), values as Float64 (as bench/run.sh's "read")
    pivot          read, then pivot to one row per city-year (bench/run.sh's "pivot")
    write          REPORT's table written as Parquet, Snappy (as `--format parquet` writes it)
    write-cat      the same with its repeated text columns as Categorical (dictionary-encoded)

and prints each with its ratio to pivot, and read + write, read + write-cat: a program that only
read the CSV and wrote the result with polars would take that long; `assess` also pivots,
computes and scores between the two. Wall seconds, one process, so no interpreter start-up.
"""

import os
import sys
import tempfile
import time

import polars as pl


def fastest(runs, work):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        work()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    data, report = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    table = pl.read_parquet(report)
    text = [c for c, t in table.schema.items() if t == pl.String]
    # Columns whose values repeat (every column of text but the free ones) as Categorical.
    free = {"city", "note", "target_source"}
    categorical = table.with_columns(pl.col(c).cast(pl.Categorical) for c in text if c not in free)
    out = tempfile.NamedTemporaryFile(suffix=".parquet", delete=False).name

    def read():
        return pl.read_csv(data, schema_overrides={"value": pl.Float64})

    def pivot():
        df = read()
        df.pivot(on="variable", index=["city", "year"], values="value", aggregate_function="first")

    times = {
        "read": fastest(runs, read),
        "pivot": fastest(runs, pivot),
        "write": fastest(runs, lambda: table.write_parquet(out, compression="snappy")),
        "write-cat": fastest(runs, lambda: categorical.write_parquet(out, compression="snappy")),
    }
    os.unlink(out)
    times["read + write"] = times["read"] + times["write"]
    times["read + write-cat"] = times["read"] + times["write-cat"]
    print(f"{data}: {table.height} result rows; polars {pl.__version__}; fastest of {runs}")
    for name, took in times.items():
        print(f"  {name:<17} {took:7.2f} s  {took / times['pivot']:5.2f}x pivot")


if __name__ == "__main__":
    main()
