"""How long `citykpi check defs` takes on pathological formulas (issue 20, point 9).

    python3 bench/formula_lint.py [CITYKPI] [--timeout SECONDS] [--samples N]

CITYKPI defaults to target/release/citykpi if it exists, else target/debug/citykpi. For each
family of formulas below, at growing sizes up to 10 KB, it writes a definitions folder (the
chain fixture, tests/fixtures/chain-defs, with the formula of its first KPI replaced) and
times `citykpi --defs DIR check defs` once, stopping it after --timeout seconds (default 60,
shown as "> 60"). Families, each nested N deep (or N terms long):

    not-garbled      NOT (NOT (... x + ...))          a garbled end inside NOT
    ceil-garbled     CEIL(CEIL(... x + ...))          the same inside a function that is also a keyword
    round-garbled    ROUND(ROUND(... x + ..., 2), 2)  inside a plain function
    paren-garbled    ((... x y ...))                  two names with no operator
    case-garbled     CASE WHEN x > 0 THEN CASE WHEN ... THEN END
    paren-valid      ((... x ...))                    valid, nested
    not-valid        NOT (NOT (... x > 1 ...))        valid, nested
    ceil-valid       CEIL(CEIL(... x ...))            valid, nested
    case-valid       CASE WHEN x > 0 THEN CASE ... ELSE 0 END
    round-valid      ROUND(ROUND(... x ..., 2), 2)    valid, nested
    flat-valid       x + y * x - y ...                valid, 10 KB long, no nesting
    flat-garbled     x + y * x - y ... + * x          garbled at its end
    random           N random token strings of 236 bytes from a formula's alphabet (--samples,
                     default 200, seed 20): the slowest is shown

Prints one line per run: family, size (N), bytes, seconds, exit code and the problem codes
`check defs --format json` reports. A timed run is only a benchmark: the tests never time.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "chain-defs")
FIRST_KPI = os.path.join("kpis", "a-share.toml")
LIMIT = 10 * 1024


def nested(open_, inner, close, n):
    return open_ * n + inner + close * n


FAMILIES = {
    "not-garbled": lambda n: nested("NOT (", "x +", ")", n),
    "ceil-garbled": lambda n: nested("CEIL(", "x +", ")", n),
    "round-garbled": lambda n: nested("ROUND(", "x +", ", 2)", n),
    "paren-garbled": lambda n: nested("(", "x y", ")", n),
    "case-garbled": lambda n: nested("CASE WHEN x > 0 THEN ", "x +", " END", n),
    "paren-valid": lambda n: nested("(", "x", ")", n),
    "not-valid": lambda n: nested("NOT (", "x > 1", ")", n),
    "ceil-valid": lambda n: nested("CEIL(", "x", ")", n),
    "case-valid": lambda n: nested("CASE WHEN x > 0 THEN ", "x", " ELSE 0 END", n),
    "round-valid": lambda n: nested("ROUND(", "x", ", 2)", n),
    "flat-valid": lambda n: " + ".join(["x * y - 3"] * n),
    "flat-garbled": lambda n: " + ".join(["x * y - 3"] * n) + " + * x",
}
DEPTHS = [4, 8, 16, 20, 24, 32, 38, 39, 40, 41, 64, 512, 2000]
ALPHABET = ["(", ")", "(", ")", "NOT ", "CEIL(", "FLOOR(", "ROUND(", "CASE ", "WHEN ", "THEN ",
            "END ", "x", "y", " + ", " * ", " / ", ",", " > ", " AND ", " OR ", "1", "2.5",
            "'t'", " IN (", " IS ", "NULL", "-"]


def run(citykpi, formula, timeout):
    work = tempfile.mkdtemp(prefix="citykpi-lint-")
    try:
        defs = os.path.join(work, "defs")
        shutil.copytree(FIXTURE, defs)
        path = os.path.join(defs, FIRST_KPI)
        with open(path) as f:
            lines = f.read().splitlines()
        with open(path, "w") as f:
            for line in lines:
                if line.startswith("formula = "):
                    line = "formula = " + json.dumps(formula)
                f.write(line + "\n")
        start = time.monotonic()
        try:
            done = subprocess.run([citykpi, "--defs", defs, "check", "defs", "--format", "json"],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None, "(stopped)"
        seconds = time.monotonic() - start
        try:
            problems = json.loads(done.stdout).get("problems", [])
            codes = sorted({p["code"] for p in problems})
        except (json.JSONDecodeError, AttributeError):
            codes = [done.stderr.strip().splitlines()[-1][:60] if done.stderr.strip() else "?"]
        return seconds, done.returncode, ",".join(codes) or "-"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def show(family, n, formula, result, timeout):
    seconds, code, codes = result
    took = f"> {timeout}" if seconds is None else f"{seconds:.3f}"
    print(f"| {family} | {n} | {len(formula.encode())} | {took} | {code} | {codes} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    release = os.path.join(ROOT, "target", "release", "citykpi")
    parser.add_argument("citykpi", nargs="?",
                        default=release if os.path.exists(release) else os.path.join(ROOT, "target", "debug", "citykpi"))
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    citykpi = os.path.abspath(args.citykpi)
    print(f"{citykpi}: {subprocess.run([citykpi, '--version'], capture_output=True, text=True).stdout.strip()}")
    print("| family | N | bytes | seconds | exit | problems |")
    print("|---|---|---|---|---|---|")
    for family, make in FAMILIES.items():
        sizes = DEPTHS if not family.startswith("flat") else [10, 100, LIMIT // 12]
        for n in sizes:
            formula = make(n)
            if len(formula.encode()) > LIMIT:
                break
            result = run(citykpi, formula, args.timeout)
            show(family, n, formula, result, args.timeout)
            if result[0] is None:
                break  # larger ones take longer still
    rng = random.Random(20)
    slowest = None
    for _ in range(args.samples):
        formula = ""
        while len(formula) < 236:
            formula += rng.choice(ALPHABET)
        formula = formula[:236]
        result = run(citykpi, formula, args.timeout)
        key = float("inf") if result[0] is None else result[0]
        if slowest is None or key > slowest[0]:
            slowest = (key, formula, result)
    if slowest:
        show(f"random (slowest of {args.samples})", "-", slowest[1], slowest[2], args.timeout)
        print(f"slowest random formula: {slowest[1]!r}")


if __name__ == "__main__":
    sys.exit(main())
