"""Runs the graph over a date range through Dagster's own execution.

Each partitioning is one job: the daily assets run as one run over the range, then the
weekly and monthly assets over the periods whose last day falls in the range. The daily
run observes the raw log first, so that later changes to its files show as stale, and
rebuilds the unpartitioned reports last. Runs are recorded in the given instance, so they
appear in the UI.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from activation_assets.assets.raw import RAW_EVENTS_KEY
from activation_assets.config import ActivationConfig
from activation_assets.engines import engine_resource
from activation_assets.engines.duckdb import shared_database_in_process
from activation_assets.grains import Grain
from activation_assets.jobs import MART_JOB, asset_keys_by_grain, job_name, serving_keys, unpartitioned_keys
from activation_assets.tables import base_events

_RANGE_START_TAG = "dagster/asset_partition_range_start"
_RANGE_END_TAG = "dagster/asset_partition_range_end"
_INFO_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass(frozen=True)
class PlannedRun:
    """One run of one job: which of its assets, over which partitions (none for the
    unpartitioned reports)."""

    job: str
    asset_keys: tuple[dg.AssetKey, ...]
    partition_keys: tuple[str, ...]


def plan_runs(
    config: ActivationConfig,
    start: dt.date,
    end: dt.date,
    selected: set[dg.AssetKey] | None = None,
) -> list[PlannedRun]:
    """One run per partitioning, covering the periods whose last day is in [start, end].

    The daily run also observes the raw log when it loads base.events, and rebuilds the
    selected unpartitioned reports; without a daily run they are rebuilt by a run of their own.
    The last run refreshes the serving copy.
    """
    runs = []
    reports = tuple(k for k in unpartitioned_keys(config) if selected is None or k in selected)
    for grain_name, keys in asset_keys_by_grain(config).items():
        chosen = tuple(k for k in keys if selected is None or k in selected)
        partitions_def = Grain.of(grain_name, config).partitions_def
        partition_keys = tuple(
            key
            for key in partitions_def.get_partition_keys()
            if start <= partitions_def.time_window_for_partition_key(key).end.date() - dt.timedelta(days=1) <= end
        )
        if not (chosen and partition_keys):
            continue
        if grain_name == "daily":
            observed = (RAW_EVENTS_KEY,) if base_events().asset_key in chosen else ()
            chosen, reports = observed + chosen + reports, ()
        runs.append(PlannedRun(job_name(grain_name), chosen, partition_keys))
    if reports:
        runs.append(PlannedRun(MART_JOB, reports, ()))
    served = tuple(k for k in serving_keys(config) if selected is None or k in selected)
    if runs and served:
        last = runs[-1]
        runs[-1] = PlannedRun(last.job, last.asset_keys + served, last.partition_keys)
    elif served and selected is not None:
        runs.append(PlannedRun(MART_JOB, served, ()))
    return runs


def latest_loaded_day(config: ActivationConfig) -> dt.date | None:
    """The latest local day loaded into base.events, or None before the first run."""
    if config.engine == "duckdb" and not Path(config.warehouse_path).exists():
        return None
    with engine_resource(config, read_only=True).open() as warehouse:
        loaded = warehouse.loaded_partitions(base_events().qualified_name)
    return loaded[-1] if loaded else None


def execute_runs(
    defs: dg.Definitions,
    runs: list[PlannedRun],
    instance: dg.DagsterInstance,
    progress: Callable[[str], None] = print,
    lock_wait_seconds: float = 0,
) -> list[dg.ExecuteInProcessResult]:
    """Execute planned runs in order; stops at the first failed run. Their steps share
    one open warehouse, taken before the first run (waiting up to `lock_wait_seconds` for
    another process to let go of it, else WarehouseBusy) and closed at the end: DuckDB
    then writes its log into the database file (a checkpoint), which on a large warehouse
    takes seconds, so it is reported."""
    with shared_database_in_process() as databases:
        defs.resources["engine"].claim(lock_wait_seconds, progress)
        results = _execute_in_order(defs, runs, instance, progress)
        closing = time.monotonic()
    if databases.connections:
        progress(f"warehouse closed in {time.monotonic() - closing:.1f} s "
                 "(its write-ahead log written into the file)")
    return results


def _execute_in_order(
    defs: dg.Definitions,
    runs: list[PlannedRun],
    instance: dg.DagsterInstance,
    progress: Callable[[str], None],
) -> list[dg.ExecuteInProcessResult]:
    results = []
    for run in runs:
        if run.partition_keys:
            span = f"{len(run.partition_keys)} partitions ({run.partition_keys[0]} … {run.partition_keys[-1]})"
            tags = {_RANGE_START_TAG: run.partition_keys[0], _RANGE_END_TAG: run.partition_keys[-1]}
        else:
            span, tags = "unpartitioned", {}
        progress(f"{run.job}: {len(run.asset_keys)} assets × {span}")
        job = defs.resolve_job_def(run.job)
        result = job.execute_in_process(
            instance=instance,
            asset_selection=list(run.asset_keys),
            run_config=_INFO_LOGS,
            tags=tags,
            raise_on_error=False,
        )
        results.append(result)
        progress(f"{run.job}: run {result.run_id} {'succeeded' if result.success else 'FAILED'}")
        if not result.success:
            break
    return results
