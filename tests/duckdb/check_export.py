"""Run `citykpi export-sql` in DuckDB and compare every value with `citykpi assess`.

Usage: python3 tests/duckdb/check_export.py PATH/TO/citykpi [--defs DIR] [DATA.csv ...]

Without --defs the embedded catalogue is used; without data files, the sample cities
(sample-data/vesterby.csv and sample-data/riverton.csv). Data files must be long form
(city, year, variable, value, ...): they are loaded as they are into the table
`observations` that the exported query reads.

Every KPI (and KPI part) of every city-year must match: null in SQL where assess has no
value, otherwise equal to 1e-9 relative (1e-6 absolute, because assess's JSON rounds to
6 decimals). A query that DuckDB refuses to run counts as a failure.

Installs nothing: the duckdb Python package must be importable, or installed in
target/duckdb-python, which .ci/run does:
    python3 -m pip install --target target/duckdb-python duckdb
Exit status: 0 when everything matches, 1 on any mismatch, 2 when duckdb is missing.
"""
import argparse
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = [os.path.join(ROOT, "sample-data", f) for f in ("vesterby.csv", "riverton.csv")]
DUCKDB_TARGET = os.path.join(ROOT, "target", "duckdb-python")


def import_duckdb():
    try:
        import duckdb
    except ImportError:
        sys.path.insert(0, DUCKDB_TARGET)
        try:
            import duckdb
        except ImportError:
            print(f"the duckdb Python package is not importable, nor installed in {DUCKDB_TARGET};\n"
                  f"install it with: {sys.executable} -m pip install --target {DUCKDB_TARGET} duckdb\n"
                  "(or run .ci/run, which does)", file=sys.stderr)
            sys.exit(2)
    return duckdb


def measure_id(key):
    return "".join("_" if c in ":/-" else c.lower() for c in key if not c.isspace())


def relative(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"`{' '.join(command)}` exited with {done.returncode}:\n{done.stderr}", file=sys.stderr)
        sys.exit(1)
    return done.stdout


def same(expected, actual):
    if expected is None or actual is None:
        return expected is None and actual is None
    # NaN and infinities are never equal to a value assess gives (assess gives only finite ones).
    return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-6)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("citykpi", help="the citykpi binary")
    parser.add_argument("--defs", help="definitions folder (default: the embedded catalogue)")
    parser.add_argument("data", nargs="*", help="long-form CSV files (default: the sample cities)")
    args = parser.parse_intermixed_args()

    citykpi = os.path.abspath(args.citykpi)
    data = [os.path.abspath(f) for f in args.data] or SAMPLES
    defs = ["--defs", os.path.abspath(args.defs)] if args.defs else []
    print(f"catalogue {relative(args.defs) if args.defs else '(embedded)'}; "
          f"data {', '.join(relative(f) for f in data)}")

    duckdb = import_duckdb()
    sql = run([citykpi, *defs, "export-sql", "--dialect", "duckdb"])
    report = json.loads(run([citykpi, *defs, "assess", *data, "--format", "json"]))

    con = duckdb.connect()
    files = ", ".join("'%s'" % f.replace("'", "''") for f in data)
    con.execute(f"CREATE TABLE observations AS SELECT * FROM read_csv([{files}], all_varchar = true, union_by_name = true)")
    try:
        result = con.execute(sql)
        columns = [d[0] for d in result.description]
        rows = {(r[0], int(r[1])): dict(zip(columns, r)) for r in result.fetchall()}
    except duckdb.Error as err:
        print(f"the exported query fails in DuckDB {duckdb.__version__}: {type(err).__name__}: {err}")
        print("0 passed, 1 failed")
        sys.exit(1)

    compared = passed = mismatches = 0
    for assessment in report["assessments"]:
        key = (assessment["city"], assessment["year"])
        if key not in rows:
            print(f"missing in SQL output: {key}")
            mismatches += 1
            continue
        sql_row = rows[key]
        for kpi in assessment["kpis"]:
            compared += 1
            column = measure_id(kpi["key"])
            expected = kpi["value"]
            if column not in sql_row:
                mismatches += 1
                print(f"{key} {kpi['key']}: assess {expected} vs SQL has no column {column}")
                continue
            actual = sql_row[column]
            if same(expected, actual):
                passed += 1
            else:
                mismatches += 1
                why = f" ({kpi['status']}: {kpi['note']})" if kpi["note"] else ""
                print(f"{key} {kpi['key']}: assess {expected}{why} vs SQL {actual}")
    if len(rows) != len(report["assessments"]):
        print(f"SQL gives {len(rows)} city-years, assess {len(report['assessments'])}")
        mismatches += 1
    print(f"{compared} values compared in {len(rows)} city-years: {passed} passed, {mismatches} failed")
    sys.exit(1 if mismatches or compared == 0 else 0)


if __name__ == "__main__":
    main()
