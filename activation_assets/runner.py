"""Runs the graph over a date range through Dagster's own execution.

Each partitioning is one job: the daily assets run as one run over the range, then the
weekly and monthly assets over the periods whose last day falls in the range. The raw
log is observed first, so that later changes to its files show as stale. Runs are
recorded in the given instance, so they appear in the UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from activation_assets.assets.raw import RAW_EVENTS_KEY
from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.jobs import OBSERVE_RAW_JOB, asset_keys_by_grain, job_name, unpartitioned_keys
from activation_assets.warehouse import shared_database_in_process

_RANGE_START_TAG = "dagster/asset_partition_range_start"
_RANGE_END_TAG = "dagster/asset_partition_range_end"
_INFO_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass(frozen=True)
class PlannedRun:
    grain: str
    asset_keys: tuple[dg.AssetKey, ...]
    partition_keys: tuple[str, ...]


def plan_runs(
    config: ActivationConfig,
    start: dt.date,
    end: dt.date,
    selected: set[dg.AssetKey] | None = None,
) -> list[PlannedRun]:
    """One run per partitioning, covering the periods whose last day is in [start, end],
    then one run rebuilding the (unpartitioned) funnel reports."""
    runs = []
    for grain_name, keys in asset_keys_by_grain(config).items():
        chosen = tuple(k for k in keys if selected is None or k in selected)
        partitions_def = Grain.of(grain_name, config).partitions_def
        partition_keys = tuple(
            key
            for key in partitions_def.get_partition_keys()
            if start <= partitions_def.time_window_for_partition_key(key).end.date() - dt.timedelta(days=1) <= end
        )
        if chosen and partition_keys:
            runs.append(PlannedRun(grain_name, chosen, partition_keys))
    reports = tuple(k for k in unpartitioned_keys(config) if selected is None or k in selected)
    if reports:
        runs.append(PlannedRun("mart", reports, ()))
    return runs


def latest_loaded_day(config: ActivationConfig) -> dt.date | None:
    """The latest local day loaded into base.events, or None before the first run."""
    if not Path(config.warehouse_path).exists():
        return None
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        recorded = conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'meta' and table_name = 'partition_loads'"
        ).fetchone()[0]
        if not recorded:
            return None
        return conn.execute(
            "select max(partition_start) from meta.partition_loads where table_name = 'base.events'"
        ).fetchone()[0]


def execute_runs(
    defs: dg.Definitions,
    runs: list[PlannedRun],
    instance: dg.DagsterInstance,
    progress: Callable[[str], None] = print,
) -> list[dg.ExecuteInProcessResult]:
    """Execute planned runs in order, observing the raw log first when base is loaded;
    stops at the first failed run. Their steps share one open warehouse."""
    with shared_database_in_process():
        return _execute_in_order(defs, runs, instance, progress)


def _execute_in_order(
    defs: dg.Definitions,
    runs: list[PlannedRun],
    instance: dg.DagsterInstance,
    progress: Callable[[str], None],
) -> list[dg.ExecuteInProcessResult]:
    results = []
    if any(RAW_EVENTS_KEY in defs.resolve_asset_graph().get(k).parent_keys for run in runs for k in run.asset_keys):
        observed = defs.resolve_job_def(OBSERVE_RAW_JOB).execute_in_process(
            instance=instance, run_config=_INFO_LOGS, raise_on_error=False)
        progress(f"observed the raw log: run {observed.run_id} {'succeeded' if observed.success else 'FAILED'}")
        results.append(observed)
        if not observed.success:
            return results
    for run in runs:
        if run.partition_keys:
            span = f"{len(run.partition_keys)} partitions ({run.partition_keys[0]} … {run.partition_keys[-1]})"
            tags = {_RANGE_START_TAG: run.partition_keys[0], _RANGE_END_TAG: run.partition_keys[-1]}
        else:
            span, tags = "unpartitioned", {}
        progress(f"{run.grain}: {len(run.asset_keys)} assets × {span}")
        job = defs.resolve_job_def(job_name(run.grain))
        result = job.execute_in_process(
            instance=instance,
            asset_selection=list(run.asset_keys),
            run_config=_INFO_LOGS,
            tags=tags,
            raise_on_error=False,
        )
        results.append(result)
        progress(f"{run.grain}: run {result.run_id} {'succeeded' if result.success else 'FAILED'}")
        if not result.success:
            break
    return results
