"""One benchmark at one scale: generate, backfill, a next-day run (and the same again,
warm), the history probe, the naive baseline, the floor, the writing floor, the bare
set-based FirstLast and a reprocess of the last 30 days; every figure goes to
`results/<scale>.json` and `.md`.

The graph runs through the project's command line in a child process (as a user runs
it), so its wall time and the memory of its whole process tree are what a user sees;
per-asset figures are read back from the Dagster instance the runs were recorded in.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import yaml

from activation_assets.config import ActivationConfig, load_config
from activation_assets.generate import GenerateParams, generate_events
from activation_assets.instance import ensure_dagster_home
from activation_assets.jobs import asset_keys_by_grain
from activation_assets.tables import unbounded_retention_tables
from benchmarks import baselines
from benchmarks.bare_first_last import bare_first_last
from benchmarks.calibration import calibration_seconds, disk_mib_per_second
from benchmarks.dagster_runs import StepFigures, run_ids, step_figures
from benchmarks.process_tree import run_measured
from benchmarks.results_file import (
    asset_kinds,
    evaluate_targets,
    step_kind,
    time_by_kind,
    time_split,
    write_results,
)
from benchmarks.scales import Scale
from benchmarks.write_floor import write_floor

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "activation.yaml"
START_DATE = dt.date(2025, 1, 1)
# The late-data reprocess measured: the last month, run the way `reprocess --since` runs it.
REPROCESS_DAYS = 30
GIB = 1024**3
_CLOSING = re.compile(r"warehouse closed in ([0-9.]+) s")


@dataclass(frozen=True)
class BenchSettings:
    """Where the benchmark works and the DuckDB settings the graph runs with."""

    work_dir: Path
    results_dir: Path
    memory_limit: str = "4GB"
    threads: int | None = None
    temp_directory: Path | None = None
    # Each history-probe day runs this many times, alternating days, and each step's median
    # run is kept: a step of a second varies by a third from run to run here, in both
    # directions. The calibration workloads run as often and keep their fastest run.
    probe_repeats: int = 5
    progress: Callable[[str], None] = field(default=print)


def run_benchmark(scale: Scale, settings: BenchSettings) -> dict[str, Any]:
    """Run every measurement of one scale and write the results files; returns the results."""
    say = settings.progress
    measured_code = measured_commit()
    home = settings.work_dir / scale.name
    last_day = START_DATE + dt.timedelta(days=scale.days - 1)
    next_day = last_day + dt.timedelta(days=1)

    say(f"[{scale.name}] 1/6 generating {scale.users:,} users × {scale.days + 1} days (resumes if interrupted)")
    generate_events(
        home / "raw",
        GenerateParams(users=scale.users, days=scale.days + 1, start_date=START_DATE, profile="steady", chunk_days=14),
        memory_limit=settings.memory_limit,
        progress=lambda line: say(f"    {line}"),
    )
    raw_rows = _count_raw_rows(home / "raw")
    config_path = _write_config(home, settings)
    config = load_config(config_path)
    kinds = asset_kinds(config)
    _start_fresh(home)
    calibration_before = calibration_seconds(home, config.duckdb_settings, settings.probe_repeats)
    disk_before = disk_mib_per_second(home, settings.probe_repeats)
    say(f"    calibration workload {calibration_before:.2f} s, disk {disk_before} MiB/s "
        "(compare across runs for the machine's speed)")
    dagster_home = ensure_dagster_home(home / "dagster_home")
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "ACTIVATION_CONFIG": str(config_path)}
    instance = dg.DagsterInstance.from_config(str(dagster_home))

    def closing_seconds(step: str) -> float | None:
        """How long the command took to close the warehouse, from its own report."""
        found = _CLOSING.findall((home / "logs" / f"{step}.log").read_text())
        return float(found[-1]) if found else None

    def cli(step: str, *args: str) -> tuple[float, int, dict[str, StepFigures]]:
        return run_cli(instance, env, home / "logs" / f"{step}.log", *args)

    say(f"[{scale.name}] 2/6 backfilling {START_DATE} … {last_day} through Dagster")
    seconds, peak, steps = cli("backfill", "materialize", "--start", str(START_DATE), "--end", str(last_day))
    backfill = {
        "seconds": round(seconds, 1),
        "minutes": round(seconds / 60, 2),
        "peak_gib": round(peak / GIB, 2),
        "duckdb_file_gib": round(_file_size(config.warehouse_path) / GIB, 2),
        "steps": steps_table(steps, kinds),
        "closing_seconds": closing_seconds("backfill"),
    }
    backfill["time_by_kind"] = time_by_kind(backfill["steps"])
    backfill["time_split"] = time_split(backfill["seconds"], backfill["steps"])
    say(f"    {backfill['minutes']} min, peak {backfill['peak_gib']} GiB, warehouse {backfill['duckdb_file_gib']} GiB")

    say(f"[{scale.name}] 3/6 the next day's run ({next_day}), whole graph and checks")
    seconds, peak, steps = cli("daily_run", "materialize", "--start", str(next_day), "--end", str(next_day))
    daily_keys = {key.to_user_string() for key in asset_keys_by_grain(config)["daily"]}
    daily_steps = {k: v for k, v in steps.items() if set(v.assets) & daily_keys}
    daily_run = {
        "day": str(next_day),
        "seconds": round(seconds, 1),
        "peak_gib": round(peak / GIB, 2),
        "daily_asset_compute_seconds": round(sum(s.seconds for s in daily_steps.values()), 2),
        "daily_asset_duckdb_seconds": round(sum(s.query_seconds for s in daily_steps.values()), 2),
        "rows_scanned": sum(s.rows_scanned for s in steps.values()),
        "steps": steps_table(steps, kinds),
        "closing_seconds": closing_seconds("daily_run"),
    }
    daily_run["time_split"] = time_split(daily_run["seconds"], daily_run["steps"])
    say(f"    {daily_run['seconds']} s end to end, daily assets {daily_run['daily_asset_compute_seconds']} s")
    seconds, _, steps = cli("daily_run_again", "materialize", "--start", str(next_day), "--end", str(next_day))
    daily_run["repeat"] = {"seconds": round(seconds, 1), "time_split": time_split(seconds, steps_table(steps, kinds)),
                           "closing_seconds": closing_seconds("daily_run_again")}
    say(f"    the same run again, warm: {daily_run['repeat']['seconds']} s end to end")

    say(f"[{scale.name}] 4/6 the daily assets again at day {scale.early_day} and day {scale.late_day}")
    # The "on or after" retention is rebuilt by every daily run, so it is probed with the daily assets.
    probed_keys = daily_keys | {t.asset_key.to_user_string() for t in unbounded_retention_tables(config)}
    selection = " or ".join(f'key:"{key}"' for key in sorted(probed_keys))
    probes: dict[int, list[dict[str, StepFigures]]] = {scale.early_day: [], scale.late_day: []}
    for repeat in range(settings.probe_repeats):
        for day_number in probes:
            day = START_DATE + dt.timedelta(days=day_number - 1)
            _, _, steps = cli(f"day_{day_number}_{repeat + 1}", "materialize", "--start", str(day), "--end", str(day),
                              "--select", selection)
            probes[day_number].append({k: v for k, v in steps.items() if set(v.assets) & probed_keys})
    history = _history_table(_median(probes[scale.early_day]), _median(probes[scale.late_day]), scale)
    history["repeats"] = settings.probe_repeats
    say(f"    worst late/early ratio {history['worst_ratio']} ({history['worst_step']})")

    say(f"[{scale.name}] 5/6 naive recomputation from the whole history and the floor, day {next_day}")
    facts = [fact.name for fact in config.facts]
    conn = baselines.open_warehouse(config.warehouse_path, config.duckdb_settings)
    try:
        naive, disagreements = baselines.naive_recomputation(conn, facts, next_day)
        floor = baselines.floor(conn, facts, next_day)
    finally:
        conn.close()
    incremental = [s for s in daily_steps.values()
                   if any(a.endswith("_first_last") or a.endswith("_activation_daily") for a in s.assets)]
    incremental_rows = sum(s.rows_scanned for s in incremental)
    incremental_seconds = sum(s.seconds for s in incremental)
    naive_figures = {
        "seconds": round(naive.seconds, 2),
        "rows_scanned": naive.rows_scanned,
        "incremental_seconds": round(incremental_seconds, 2),
        "incremental_duckdb_seconds": round(sum(s.query_seconds for s in incremental), 2),
        "incremental_rows_scanned": incremental_rows,
        "rows_ratio": round(naive.rows_scanned / max(incremental_rows, 1), 2),
        "seconds_ratio": round(naive.seconds / max(incremental_seconds, 1e-9), 2),
        "same_rows_as_stored": not disagreements,
        "disagreements": disagreements,
    }
    floor_figures = {
        "seconds": round(floor.seconds, 3),
        "rows_scanned": floor.rows_scanned,
        "daily_compute_ratio": round(daily_run["daily_asset_compute_seconds"] / max(floor.seconds, 1e-9), 1),
        "daily_duckdb_ratio": round(daily_run["daily_asset_duckdb_seconds"] / max(floor.seconds, 1e-9), 1),
        "daily_rows_ratio": round(sum(s.rows_scanned for s in daily_steps.values()) / max(floor.rows_scanned, 1), 1),
    }

    say("    writing the backfill's rows alone, table by table (the writing floor)")
    written = write_floor(config, home / "write_floor.duckdb", through=last_day)
    written["share_of_backfill"] = round(written["seconds"] / backfill["seconds"], 3)
    say(f"    writing floor {written['minutes']} min ({written['share_of_backfill']:.0%} of the backfill)")

    say("    the year's FirstLast snapshots alone, set-based, with nothing around them")
    bare = _bare_first_last_figures(config, home, backfill["steps"], last_day)
    say(f"    bare FirstLast {bare['seconds']} s; the backfill's FirstLast steps {bare['backfill_step_seconds']} s "
        f"({bare['ratio']}×)")

    since = max(START_DATE, next_day - dt.timedelta(days=REPROCESS_DAYS - 1))
    say(f"    reprocessing the last {(next_day - since).days + 1} days ({since} … {next_day})")
    seconds, peak, _ = cli("reprocess", "reprocess", "--since", str(since))
    reprocess = {"since": str(since), "days": (next_day - since).days + 1, "seconds": round(seconds, 1),
                 "peak_gib": round(peak / GIB, 2), "closing_seconds": closing_seconds("reprocess")}
    reprocess["share_of_backfill"] = round(reprocess["seconds"] / backfill["seconds"], 3)
    reprocess["days_share"] = round(reprocess["days"] / ((next_day - START_DATE).days + 1), 3)
    say(f"    {reprocess['seconds']} s, {reprocess['share_of_backfill']:.1%} of the backfill for "
        f"{reprocess['days_share']:.1%} of the loaded days")

    say(f"[{scale.name}] 6/6 writing results")
    calibration_after = calibration_seconds(home, config.duckdb_settings, settings.probe_repeats)
    calibration = {"before": round(calibration_before, 2), "after": round(calibration_after, 2)}
    disk = {"before": disk_before, "after": disk_mib_per_second(home, settings.probe_repeats)}
    results = {
        "scale": {"name": scale.name, "users": scale.users, "days": scale.days, "raw_rows": raw_rows},
        "machine": {**machine_facts(measured_code), "calibration_seconds": calibration, "disk_mib_per_second": disk},
        "duckdb_settings": config.duckdb_settings,
        "backfill": backfill,
        "daily_run": daily_run,
        "history": history,
        "naive": naive_figures,
        "floor": floor_figures,
        "write_floor": written,
        "bare_first_last": bare,
        "reprocess": reprocess,
    }
    results["targets"] = evaluate_targets(results)
    write_results(results, settings.results_dir, scale.name)
    return results


def run_cli(
    instance: dg.DagsterInstance, env: dict[str, str], log: Path, *args: str
) -> tuple[float, int, dict[str, StepFigures]]:
    """One command of the project's command line in a child process: its wall time, the
    peak memory of its process tree, and the figures of the steps its runs recorded."""
    before = run_ids(instance)
    # The previous phase's writes go to disk first, so that this one is not charged
    # for them (after the backfill, gigabytes of the warehouse are still in flight).
    os.sync()
    measured = run_measured([sys.executable, "-m", "activation_assets.cli", *args], env=env, log_path=log)
    if measured.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed (exit {measured.returncode}); see {log}")
    return measured.seconds, measured.peak_rss_bytes, step_figures(instance, run_ids(instance) - before)


def _write_config(home: Path, settings: BenchSettings) -> Path:
    """The shipped configuration, pointed at the benchmark's data, with its DuckDB settings."""
    raw = yaml.safe_load(SHIPPED_CONFIG.read_text())
    raw["start_date"] = START_DATE.isoformat()
    raw["source"] = {"path": str(home / "raw")}
    warehouse: dict[str, Any] = {"path": str(home / "warehouse.duckdb"), "memory_limit": settings.memory_limit,
                                 "temp_directory": str(settings.temp_directory or home / "duckdb_tmp")}
    if settings.threads:
        warehouse["threads"] = settings.threads
    raw["warehouse"] = warehouse
    path = home / "activation.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _start_fresh(home: Path) -> None:
    """A new warehouse and run history; the generated data is kept."""
    for stale in ("warehouse.duckdb", "warehouse.duckdb.wal"):
        (home / stale).unlink(missing_ok=True)
    for folder in ("dagster_home", "logs", "duckdb_tmp"):
        shutil.rmtree(home / folder, ignore_errors=True)
    (home / "logs").mkdir(parents=True)


def _count_raw_rows(raw: Path) -> int:
    with duckdb.connect() as conn:
        return conn.execute("select count(*) from read_parquet(?)", [str(raw / "date=*" / "*.parquet")]).fetchone()[0]


def _file_size(path: str) -> int:
    return sum(Path(p).stat().st_size for p in (path, path + ".wal") if Path(p).exists())


def _bare_first_last_figures(
    config: ActivationConfig, home: Path, steps: list[dict[str, Any]], last_day: dt.date
) -> dict[str, Any]:
    """Each fact's bare set-based FirstLast over the backfill's days, against the
    backfill's FirstLast step of the same fact."""
    facts = [bare_first_last(config, fact.name, home / "bare_first_last.duckdb", START_DATE, last_day)
             for fact in config.facts]
    by_step = {s["step"]: s["seconds"] for s in steps}
    for figures in facts:
        figures["backfill_step_seconds"] = by_step["__".join(figures["table"].split("."))]
    seconds = max(round(sum(f["seconds"] for f in facts), 3), 0.001)
    step_seconds = round(sum(f["backfill_step_seconds"] for f in facts), 2)
    return {"seconds": seconds, "backfill_step_seconds": step_seconds, "ratio": round(step_seconds / seconds, 2),
            "same_rows_as_stored": all(f["same_rows_as_stored"] for f in facts), "facts": facts}


def steps_table(steps: dict[str, StepFigures], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """Steps slowest first, each with its kind (`asset_kinds`)."""
    return [
        {"step": key, "kind": step_kind(key, s.assets, kinds), "seconds": round(s.seconds, 2), "rows_out": s.rows_written, "rows_scanned": s.rows_scanned,
         "duckdb_seconds": round(s.query_seconds, 2)}
        for key, s in sorted(steps.items(), key=lambda item: -item[1].seconds)
    ]


def _median(repeats: list[dict[str, StepFigures]]) -> dict[str, StepFigures]:
    """Per step, the repeat with the median wall time (the lower one of an even number)."""
    def median_run(key: str) -> StepFigures:
        runs = sorted((r[key] for r in repeats if key in r), key=lambda f: f.seconds)
        return runs[(len(runs) - 1) // 2]

    return {key: median_run(key) for key in repeats[0]}


def _history_table(early: dict[str, StepFigures], late: dict[str, StepFigures], scale: Scale) -> dict[str, Any]:
    """Per daily asset step: compute time and rows scanned at both days."""
    rows = []
    for key in sorted(set(early) & set(late)):
        e, l = early[key], late[key]
        rows.append({
            "step": key,
            "early_seconds": round(e.seconds, 3),
            "late_seconds": round(l.seconds, 3),
            "ratio": round(l.seconds / max(e.seconds, 1e-9), 2),
            "early_rows_scanned": e.rows_scanned,
            "late_rows_scanned": l.rows_scanned,
            "rows_ratio": round(l.rows_scanned / max(e.rows_scanned, 1), 2),
            "early_rows_out": e.rows_written,
            "late_rows_out": l.rows_written,
        })
    worst = max(rows, key=lambda r: r["ratio"])
    return {"early_day": scale.early_day, "late_day": scale.late_day, "steps": rows,
            "worst_ratio": worst["ratio"], "worst_step": worst["step"],
            "worst_rows_ratio": max(r["rows_ratio"] for r in rows)}


def machine_facts(commit: str) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
    }


def measured_commit() -> str:
    """The code about to be measured: the checked-out commit, marked when the work tree
    differs from it (other than in the results a previous benchmark wrote)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/results")
    return commit + (" with uncommitted changes" if changed else "")
