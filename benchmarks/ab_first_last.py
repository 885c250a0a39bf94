"""`python -m benchmarks.ab_first_last --a REV --b REV`: two commits' FirstLast statement
on one chunk of a benchmark warehouse, A/B interleaved (A B B A A B).

Each run computes one fact's snapshots of the chunk from the stored seed and facts
(attached read-only) into an empty scratch database with the benchmark's DuckDB settings,
then checkpoints; both sides must give the same rows (count and hash sum). Isolates the
statement from everything else a backfill does, on data of the scale measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import time
from pathlib import Path

from activation_assets.config import ActivationConfig, load_config
from activation_assets.tables import fact_tables, first_last_table
from benchmarks.scratch import row_hash_sql, scratch_database

REPO = Path(__file__).resolve().parents[1]
SQL_FILE = "activation_assets/sql/activation/first_last.sql"


def statement_at(rev: str, fact: str) -> str:
    """The commit's FirstLast statement for `fact`, reading the attached warehouse."""
    text = subprocess.check_output(["git", "-C", str(REPO), "show", f"{rev}:{SQL_FILE}"], text=True)
    return text.format(**{k: f"source.{v}" for k, v in fact_tables(fact).items()})


def run_once(config: ActivationConfig, scratch: Path, sql: str, fact: str, first: dt.date, last: dt.date) -> dict:
    table = first_last_table(fact)
    with scratch_database(scratch, config.warehouse_path, config.duckdb_settings) as conn:
        conn.execute(f"create schema {table.schema}")
        conn.execute(table.create_sql())
        began = time.perf_counter()
        conn.execute(f"insert into {table.qualified_name} by name select * from ({sql}) order by snapshot_date",
                     {"first_day": first, "last_day": last})
        conn.execute("checkpoint")
        seconds = time.perf_counter() - began
        rows, digest = conn.execute(f"select count(*), sum({row_hash_sql(table)}) from {table.qualified_name}").fetchone()
    return {"seconds": round(seconds, 2), "rows": int(rows), "digest": str(digest)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    parser.add_argument("--scale", default="L", help="the benchmark warehouse under benchmarks/work/<scale>")
    parser.add_argument("--fact", default="visit")
    parser.add_argument("--first", type=dt.date.fromisoformat, default=dt.date(2025, 6, 1))
    parser.add_argument("--last", type=dt.date.fromisoformat, default=dt.date(2025, 7, 1))
    args = parser.parse_args()
    work = REPO / "benchmarks" / "work" / args.scale
    config = load_config(work / "activation.yaml") if (work / "activation.yaml").exists() else None
    if config is None or not Path(config.warehouse_path).exists():
        raise SystemExit(f"no benchmark warehouse under {work}: run `make bench SCALE={args.scale}` first")
    sql = {"A": statement_at(args.a, args.fact), "B": statement_at(args.b, args.fact)}
    runs = []
    for side in "ABBAAB":
        figures = run_once(config, work / "ab_first_last.duckdb", sql[side], args.fact, args.first, args.last)
        runs.append({"side": side, **figures})
        print(f"{side} {figures['seconds']} s, {figures['rows']:,} rows", flush=True)
    if len({(r["rows"], r["digest"]) for r in runs}) != 1:
        raise SystemExit("A and B computed different rows")
    medians = {s: statistics.median(r["seconds"] for r in runs if r["side"] == s) for s in "AB"}
    results = {"a": args.a, "b": args.b, "scale": args.scale, "fact": args.fact, "first": str(args.first),
               "last": str(args.last), "runs": runs, "median_a": medians["A"], "median_b": medians["B"],
               "b_over_a": round(medians["B"] / medians["A"], 3)}
    out = REPO / "benchmarks" / "results" / f"ab_first_last_{args.scale}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"median A {medians['A']} s, B {medians['B']} s, B/A {results['b_over_a']}; written to {out}")


if __name__ == "__main__":
    main()
