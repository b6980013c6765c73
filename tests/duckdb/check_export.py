"""Run `citykpi export-sql` in DuckDB on the sample cities and compare every value with `citykpi assess`.

Usage: python3 tests/duckdb/check_export.py PATH/TO/citykpi
Installs the duckdb Python package into target/duckdb-python if it is not importable.
"""
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = [os.path.join(ROOT, "sample-data", f) for f in ("vesterby.csv", "riverton.csv")]


def import_duckdb():
    try:
        import duckdb  # noqa: F401
    except ImportError:
        target = os.path.join(ROOT, "target", "duckdb-python")
        if not os.path.isdir(os.path.join(target, "duckdb")):
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "--target", target, "duckdb"],
                check=True,
            )
        sys.path.insert(0, target)
    import duckdb
    return duckdb


def measure_id(key):
    return "".join("_" if c in ":/-" else c.lower() for c in key if not c.isspace())


def main():
    citykpi = sys.argv[1]
    duckdb = import_duckdb()
    sql = subprocess.run([citykpi, "export-sql", "--dialect", "duckdb"], capture_output=True, text=True, check=True).stdout
    report = json.loads(subprocess.run([citykpi, "assess", *SAMPLES, "--format", "json"],
                                       capture_output=True, text=True, check=True).stdout)
    con = duckdb.connect()
    files = ", ".join("'%s'" % f.replace("'", "''") for f in SAMPLES)
    con.execute(f"CREATE TABLE observations AS SELECT * FROM read_csv([{files}], all_varchar = true, union_by_name = true)")
    result = con.execute(sql)
    columns = [d[0] for d in result.description]
    rows = {(r[0], int(r[1])): dict(zip(columns, r)) for r in result.fetchall()}

    compared = mismatches = 0
    for assessment in report["assessments"]:
        key = (assessment["city"], assessment["year"])
        if key not in rows:
            print(f"missing in SQL output: {key}")
            mismatches += 1
            continue
        sql_row = rows[key]
        for kpi in assessment["kpis"]:
            expected = kpi["value"]
            actual = sql_row.get(measure_id(kpi["key"]))
            compared += 1
            same = (expected is None and actual is None) or (
                expected is not None and actual is not None
                and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-6))
            if not same:
                mismatches += 1
                print(f"{key} {kpi['key']}: assess {expected} vs SQL {actual}")
    if len(rows) != len(report["assessments"]):
        print(f"SQL gives {len(rows)} city-years, assess {len(report['assessments'])}")
        mismatches += 1
    print(f"{compared - mismatches} passed, {mismatches} failed")
    sys.exit(1 if mismatches or compared == 0 else 0)


if __name__ == "__main__":
    main()
