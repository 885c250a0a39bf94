"""What the benchmark's runs recorded in the Dagster instance: each step's time and the
DuckDB profile (rows scanned, query time) each asset and check reported."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import dagster as dg

_PROFILE_KEYS = ("duckdb_rows_scanned", "duckdb_query_seconds")


@dataclass
class StepFigures:
    """One step of a run: wall time, rows its tables were given, and the DuckDB profile
    of its statements."""

    seconds: float = 0.0
    rows_written: int = 0
    rows_scanned: int = 0
    query_seconds: float = 0.0
    assets: list[str] = field(default_factory=list)


def run_ids(instance: dg.DagsterInstance) -> set[str]:
    return {run.run_id for run in instance.get_runs()}


def step_figures(instance: dg.DagsterInstance, ids: set[str]) -> dict[str, StepFigures]:
    """Figures per step key, summed over the given runs."""
    steps: dict[str, StepFigures] = defaultdict(StepFigures)
    for run_id in ids:
        for stats in instance.get_run_step_stats(run_id):
            if stats.start_time and stats.end_time:
                steps[stats.step_key].seconds += stats.end_time - stats.start_time
        profiled: dict[str, dict[str, float]] = defaultdict(dict)
        counted: set[str] = set()
        for event_type in (dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            for record in instance.get_records_for_run(run_id, of_type=event_type, limit=100_000).records:
                event = record.event_log_entry.dagster_event
                if event is None or event.step_key is None:
                    continue
                payload = event.event_specific_data
                metadata = (payload.materialization.metadata if event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
                            else payload.metadata)
                if event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                    # A range run records the same result once per partition: count each table once.
                    asset = payload.materialization.asset_key.to_user_string()
                    if asset not in counted:
                        counted.add(asset)
                        steps[event.step_key].assets.append(asset)
                        if "dagster/row_count" in metadata:
                            steps[event.step_key].rows_written += int(metadata["dagster/row_count"].value)
                _add_profile(profiled, event.step_key, metadata, per_output=event_type)
        for step_key, figures in profiled.items():
            steps[step_key].rows_scanned += int(figures.get("duckdb_rows_scanned", 0))
            steps[step_key].query_seconds += figures.get("duckdb_query_seconds", 0.0)
    return dict(steps)


def _add_profile(profiled: dict[str, dict[str, float]], step_key: str, metadata: dict, per_output: object) -> None:
    """A materialization reports its step's totals (the same for each table the step
    writes); a check reports its own query. So materializations count once per step,
    check evaluations add up."""
    totals = profiled[step_key]
    for key in _PROFILE_KEYS:
        if key not in metadata:
            continue
        value = metadata[key].value
        if per_output == dg.DagsterEventType.ASSET_MATERIALIZATION:
            totals[key] = max(totals.get(key, 0), value)
        else:
            totals[key] = totals.get(key, 0) + value
