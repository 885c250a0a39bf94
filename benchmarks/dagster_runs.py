"""What the benchmark's runs recorded in the Dagster instance: each step's time and the
DuckDB profile (rows scanned, query time) each asset and check reported."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import dagster as dg

_PROFILE_KEYS = ("duckdb_rows_scanned", "duckdb_query_seconds", "spark_query_seconds")


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
        # A partition's materializations report its share of its step's statements, the
        # same for each table the step writes: counted once per (step, partition).
        per_partition: dict[tuple[str, str | None], dict[str, float]] = defaultdict(dict)
        for record in instance.get_records_for_run(
                run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000).records:
            event = record.event_log_entry.dagster_event
            if event is None or event.step_key is None:
                continue
            materialization = event.event_specific_data.materialization
            figures = steps[event.step_key]
            asset = materialization.asset_key.to_user_string()
            if asset not in figures.assets:
                figures.assets.append(asset)
            metadata = materialization.metadata
            if "dagster/row_count" in metadata:
                figures.rows_written += int(metadata["dagster/row_count"].value)
            totals = per_partition[(event.step_key, materialization.partition)]
            for key in _PROFILE_KEYS:
                if key in metadata:
                    totals[key] = max(totals.get(key, 0), metadata[key].value)
        for (step_key, _), totals in per_partition.items():
            _add(steps[step_key], totals)
        for record in instance.get_records_for_run(
                run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000).records:
            event = record.event_log_entry.dagster_event
            if event is not None and event.step_key is not None:
                metadata = event.event_specific_data.metadata
                _add(steps[event.step_key], {k: metadata[k].value for k in _PROFILE_KEYS if k in metadata})
    return dict(steps)


def _add(figures: StepFigures, profile: dict[str, float]) -> None:
    figures.rows_scanned += int(profile.get("duckdb_rows_scanned", 0))
    figures.query_seconds += profile.get("duckdb_query_seconds", 0.0) + profile.get("spark_query_seconds", 0.0)
