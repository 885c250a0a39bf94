"""`make bench SCALE=S ENGINE=spark`: the backfill and the next day's run of a scale on a
local Spark session, on the same generated log as the DuckDB benchmark, written to
`results/<scale>_spark.json` and `.md` beside DuckDB's figures of that scale.

The DuckDB-only yardsticks (naive recomputation, floors, bare FirstLast) are not rerun:
they measure the DuckDB file, and the comparison wanted here is engine against engine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

from activation_assets.config import load_config
from activation_assets.generate import GenerateParams, generate_events
from activation_assets.instance import ensure_dagster_home
from benchmarks.harness import (
    GIB,
    SHIPPED_CONFIG,
    START_DATE,
    BenchSettings,
    machine_facts,
    measured_commit,
    run_cli,
    steps_table,
)
from benchmarks.results_file import asset_kinds, time_by_kind
from benchmarks.scales import Scale

# The session a 2-core machine can give: both cores, few shuffle partitions for small
# chunks, and the driver (which is the executor in local mode) inside the memory bound.
SPARK_SETTINGS = {"spark.sql.shuffle.partitions": "8", "spark.driver.memory": "4g", "spark.ui.enabled": "false"}


def run_spark_benchmark(scale: Scale, settings: BenchSettings) -> dict[str, Any]:
    """The backfill and next day of one scale on Spark; returns the results."""
    say = settings.progress
    home = settings.work_dir / scale.name
    spark_home = home / "spark"
    last_day = START_DATE + dt.timedelta(days=scale.days - 1)
    next_day = last_day + dt.timedelta(days=1)
    say(f"[{scale.name} on Spark] 1/4 the generated log ({scale.users:,} users × {scale.days + 1} days)")
    generate_events(home / "raw", GenerateParams(users=scale.users, days=scale.days + 1, start_date=START_DATE,
                                                 profile="steady", chunk_days=14),
                    memory_limit=settings.memory_limit, progress=lambda line: say(f"    {line}"))
    shutil.rmtree(spark_home, ignore_errors=True)
    (spark_home / "logs").mkdir(parents=True)
    config_path = _write_spark_config(spark_home, home / "raw")
    kinds = asset_kinds(load_config(config_path))
    dagster_home = ensure_dagster_home(spark_home / "dagster_home")
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "ACTIVATION_CONFIG": str(config_path)}
    instance = dg.DagsterInstance.from_config(str(dagster_home))

    def phase(step: str, start: dt.date, end: dt.date) -> dict[str, Any]:
        seconds, peak, steps = run_cli(instance, env, spark_home / "logs" / f"{step}.log", "materialize",
                                       "--start", str(start), "--end", str(end))
        table = steps_table(steps, kinds)
        return {"seconds": round(seconds, 1), "minutes": round(seconds / 60, 2), "peak_gib": round(peak / GIB, 2),
                "spark_statement_seconds": round(sum(s["duckdb_seconds"] for s in table), 1),
                "time_by_kind": time_by_kind(table), "steps": table}

    say(f"[{scale.name} on Spark] 2/4 backfilling {START_DATE} … {last_day}")
    backfill = phase("backfill", START_DATE, last_day)
    say(f"    {backfill['minutes']} min, peak {backfill['peak_gib']} GiB")
    say(f"[{scale.name} on Spark] 3/4 the next day's run ({next_day})")
    daily_run = phase("daily_run", next_day, next_day)
    say(f"    {daily_run['seconds']} s")
    say(f"[{scale.name} on Spark] 4/4 writing results")
    results = {"scale": {"name": scale.name, "users": scale.users, "days": scale.days},
               "machine": machine_facts(measured_commit()), "spark_settings": SPARK_SETTINGS,
               "backfill": backfill, "daily_run": daily_run,
               "duckdb": _duckdb_figures(settings.results_dir / f"{scale.name}.json")}
    settings.results_dir.mkdir(parents=True, exist_ok=True)
    (settings.results_dir / f"{scale.name}_spark.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (settings.results_dir / f"{scale.name}_spark.md").write_text(render_markdown(results))
    return results


def _write_spark_config(spark_home: Path, raw: Path) -> Path:
    config = yaml.safe_load(SHIPPED_CONFIG.read_text())
    config.pop("warehouse")
    config |= {"start_date": START_DATE.isoformat(), "source": {"path": str(raw)}, "engine": "spark",
               "spark": {"master": "local[2]", "warehouse_dir": str(spark_home / "warehouse"),
                         "settings": SPARK_SETTINGS}}
    path = spark_home / "activation.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _duckdb_figures(path: Path) -> dict[str, Any] | None:
    """The same scale's DuckDB figures, when its benchmark has been run."""
    if not path.exists():
        return None
    duckdb = json.loads(path.read_text())
    return {"commit": duckdb["machine"].get("commit"), "backfill_minutes": duckdb["backfill"]["minutes"],
            "backfill_peak_gib": duckdb["backfill"]["peak_gib"], "next_day_seconds": duckdb["daily_run"]["seconds"]}


def render_markdown(results: dict[str, Any]) -> str:
    scale, backfill, daily, duckdb = results["scale"], results["backfill"], results["daily_run"], results["duckdb"]
    lines = [f"# Benchmark on Spark, scale {scale['name']}: {scale['users']:,} users × {scale['days']} days", "",
             f"Local Spark session, {results['machine']['cpus']} CPUs, settings {results['spark_settings']}; "
             f"commit {results['machine'].get('commit')}, measured {results['machine']['measured_at']}.", "",
             "| figure | Spark | DuckDB |", "|---|---|---|",
             f"| backfill | {backfill['minutes']} min | {duckdb['backfill_minutes'] if duckdb else '—'} min |",
             f"| backfill peak memory | {backfill['peak_gib']} GiB | {duckdb['backfill_peak_gib'] if duckdb else '—'} GiB |",
             f"| next day, end to end | {daily['seconds']} s | {duckdb['next_day_seconds'] if duckdb else '—'} s |",
             "", "## Backfill time by kind of step", "", "| kind | seconds | share |", "|---|---|---|",
             *[f"| {k['kind']} | {k['seconds']} | {k['share']:.0%} |" for k in backfill["time_by_kind"]], ""]
    if duckdb:
        lines += [f"DuckDB's figures: `{scale['name']}.json`, commit {duckdb['commit']}.", ""]
    return "\n".join(lines)
