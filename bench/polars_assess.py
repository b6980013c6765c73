"""The work of `citykpi assess` in Python polars, for bench/run.sh to compare against.

    python3 bench/polars_assess.py DATA.csv [KPI_DEFINITIONS_DIR] [OUTPUT]

Reads the long CSV (city, year, variable, value; values as Float64), pivots it to one row
per city-year, evaluates every formula of the KPI definitions (the TOML files under
kpi-definitions/, read with tomllib; each formula through `pl.sql_expr`, in dependency
order: a KPI that reads another comes after it; a value that is not finite becomes null,
as in citykpi's engine), and writes the long result (city, year, code, part, value) as CSV
to OUTPUT (default /dev/null).

It is the computation alone: no scoring, targets, bands, trends, quality or notes, which
`assess` adds to every row, so it does less than `assess` does.
"""

import pathlib
import sys
import tomllib

import polars as pl


def formula_id(key):
    """The id a KPI code (or CODE/part) is known by in formulas (catalog::id_for_code)."""
    key = "".join(c for c in key if not c.isspace())
    return "".join("_" if c in ":/-" else c.lower() for c in key)


def normalize_code(code):
    code = "".join(c for c in code if not c.isspace())
    if "/" in code:
        kpi, part = code.split("/", 1)
        return f"{kpi.upper()}/{part.lower()}"
    return code.upper()


def measures(definitions):
    """Every measure: (code, part, id, formula), KPIs sorted by code, parts in file order."""
    out = []
    for path in sorted(pathlib.Path(definitions).rglob("*.toml")):
        if path.parent == pathlib.Path(definitions):
            continue  # the catalogue's own files (taxonomy, variables, units, ...); KPIs are below
        with open(path, "rb") as f:
            kpi = tomllib.load(f)
        code = normalize_code(kpi["code"])
        if kpi.get("formula") is not None:
            out.append((code, "", formula_id(code), kpi["formula"]))
        for part in kpi.get("parts", []):
            out.append((code, part["id"], formula_id(f"{code}/{part['id']}"), part["formula"]))
    return out


def layers(all_measures):
    """Measures in evaluation order: each reads only variables and earlier measures."""
    ids = {m[2] for m in all_measures}
    reads = {m[2]: set(pl.sql_expr(m[3]).meta.root_names()) & ids for m in all_measures}
    done, left, order = set(), list(all_measures), []
    while left:
        ready = [m for m in left if reads[m[2]] <= done]
        if not ready:
            raise SystemExit("the KPI formulas read each other in a cycle")
        order.append(ready)
        done |= {m[2] for m in ready}
        left = [m for m in left if m[2] not in done]
    return order


def main():
    data = sys.argv[1]
    definitions = sys.argv[2] if len(sys.argv) > 2 else "kpi-definitions"
    output = sys.argv[3] if len(sys.argv) > 3 else "/dev/null"
    all_measures = measures(definitions)
    df = pl.read_csv(data, schema_overrides={"value": pl.Float64})
    wide = df.pivot(on="variable", index=["city", "year"], values="value", aggregate_function="first")
    del df
    # A variable no row gives is a column of nulls, as in citykpi's wide frame.
    names = set(wide.columns)
    needed = set()
    for m in all_measures:
        needed |= set(pl.sql_expr(m[3]).meta.root_names())
    ids = {m[2] for m in all_measures}
    wide = wide.with_columns(
        [pl.lit(None, dtype=pl.Float64).alias(n) for n in sorted(needed - names - ids)]
    )
    plan = wide.lazy()
    for layer in layers(all_measures):
        plan = plan.with_columns(
            [pl.sql_expr(formula).cast(pl.Float64).alias(mid) for _, _, mid, formula in layer]
        ).with_columns(
            [
                pl.when(pl.col(mid).is_finite()).then(pl.col(mid)).otherwise(None).alias(mid)
                for _, _, mid, _ in layer
            ]
        )
    result = plan.select(["city", "year"] + [m[2] for m in all_measures]).collect()
    del wide
    key = pl.DataFrame(
        {
            "measure": [m[2] for m in all_measures],
            "code": [m[0] for m in all_measures],
            "part": [m[1] for m in all_measures],
        }
    )
    long = (
        result.unpivot(index=["city", "year"], variable_name="measure", value_name="value")
        .join(key, on="measure", how="left", maintain_order="left")
        .select("city", "year", "code", "part", "value")
        .sort(["city", "year"], maintain_order=True)
    )
    long.write_csv(output)
    assert long.height > 0


if __name__ == "__main__":
    main()
