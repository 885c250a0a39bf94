"""Shared test tooling: hand-built raw logs, configurations in a temp folder, runs
through the real runner, and table reads."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pandas as pd
import yaml

from activation_assets.config import ActivationConfig, load_config
from activation_assets.definitions import build_definitions
from activation_assets.engines import engine_resource
from activation_assets.runner import execute_runs, plan_runs
from activation_assets.tables import (
    Table,
    activation_status_table,
    activation_table,
    active_users_table,
    engagement_daily_table,
    first_last_table,
    per_grain_kinds,
    retention_table,
    retention_unbounded_table,
    stickiness_table,
    transitions_table,
)

from . import reference

RAW_COLUMNS = (
    "event_id", "user_id", "event_name", "event_timestamp", "country", "device_os",
    "app_version", "utm_source", "utm_medium", "utm_campaign",
)


def write_raw_log(root: Path, rows: list[dict[str, Any]], *, fmt: str = "parquet", name: str = "events",
                  empty_days_around: int = 2, span: tuple[dt.date, dt.date] | None = None) -> None:
    """Write rows into <root>/date=<UTC date>/<name>.<fmt>, the folder date taken from
    each row's `folder` key, else from its timestamp's UTC date.

    Every UTC date without rows from `empty_days_around` days before the first row's (or
    `span`'s first day) to as many after the last row's (or `span`'s last) gets an empty
    folder: a day with no events, declared (a missing folder is an error, not an empty day)."""
    frame = pd.DataFrame([{c: row.get(c) for c in RAW_COLUMNS} | {"folder": _folder(row)} for row in rows])
    dates = [dt.date.fromisoformat(f) for f in frame["folder"]] + list(span or ())
    first, last = min(dates), max(dates)
    for i in range(-empty_days_around, (last - first).days + empty_days_around + 1):
        (root / f"date={first + dt.timedelta(days=i)}").mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect()
    conn.register("frame", frame)
    for folder, _ in frame.groupby("folder"):
        path = root / f"date={folder}"
        path.mkdir(parents=True, exist_ok=True)
        target = str(path / f"{name}.{fmt}")
        select = f"select {', '.join(RAW_COLUMNS)} from frame where folder = '{folder}'"
        options = {"parquet": "format parquet", "csv": "format csv, header true", "jsonl": "format json"}[fmt]
        conn.execute(f"copy ({select}) to '{target}' ({options})")
    conn.close()


def _folder(row: dict[str, Any]) -> str:
    if row.get("folder"):
        return row["folder"]
    return pd.Timestamp(row["event_timestamp"]).tz_localize(None).date().isoformat()


_AUTO = "auto"


def event(user: str | None, ts: str, name: str | None = "app_open", event_id: str | None = _AUTO,
          **extra: Any) -> dict[str, Any]:
    """One raw event row; timestamps are naive UTC strings like '2025-01-01 10:00'.
    The event id is made from the other fields unless given (None = no id)."""
    return {"user_id": user, "event_name": name, "event_timestamp": ts,
            "event_id": f"{user}-{ts}-{name}" if event_id == _AUTO else event_id, **extra}


def write_config(tmp_path: Path, **overrides: Any) -> ActivationConfig:
    raw: dict[str, Any] = {
        "timezone": "UTC",
        "start_date": "2025-01-01",
        "week_start": "monday",
        "source": {"path": "raw"},
        "warehouse": {"path": "warehouse.duckdb"},
        "facts": [
            {"name": "visit", "events": "all", "grains": ["daily", "weekly", "monthly"]},
            {"name": "purchase", "events": ["purchase"], "grains": ["daily", "weekly", "monthly"]},
        ],
    }
    raw.update(overrides)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "activation.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return load_config(path)


def run_range(config: ActivationConfig, start: dt.date, end: dt.date, instance: dg.DagsterInstance | None = None) -> None:
    """Materialize everything for [start, end] through the runner; fail loudly."""
    instance = instance or dg.DagsterInstance.ephemeral()
    results = execute_runs(build_definitions(config), plan_runs(config, start, end), instance, progress=lambda _: None)
    failed = [r for r in results if not r.success]
    assert not failed, _failure_text(failed[0])


def run_day_by_day(config: ActivationConfig, start: dt.date, end: dt.date) -> None:
    instance = dg.DagsterInstance.ephemeral()
    day = start
    while day <= end:
        run_range(config, day, day, instance)
        day += dt.timedelta(days=1)


def _failure_text(result: dg.ExecuteInProcessResult) -> str:
    for ev in result.all_events:
        if ev.is_failure and ev.step_failure_data:
            return str(ev.step_failure_data.error)
    return "run failed"


def read_table(config: ActivationConfig, table: str, order_by: str) -> pd.DataFrame:
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        return conn.execute(f"select * from {table} order by {order_by}").df()


def read_rows(config: ActivationConfig, table: str, columns: list[str], order_by: str) -> list[tuple]:
    """Rows as tuples of plain values (dates and times as ISO text) for exact comparison
    with hand-written rows, read through the configured engine."""
    with engine_resource(config, read_only=True).open() as warehouse:
        fetched = warehouse.execute(f"select {', '.join(columns)} from {table} order by {order_by}").fetchall()
    return [tuple(plain(v) for v in row) for row in fetched]


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# Columns that say when or from how many files a row was written, not what it holds.
CIRCUMSTANTIAL = {"meta.partition_loads": {"loaded_at"}, "meta.funnel_segment_freezes": {"frozen_at"},
                  "meta.raw_reads": {"files_read"}}


def comparable(value: Any, source_path: str) -> Any:
    """A value as both engines' drivers can agree on it: instants as naive UTC, floats to
    twelve significant digits, the raw folder's path as `<raw>`."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, float):
        return float(f"{value:.12g}") if math.isfinite(value) else value
    if isinstance(value, str):
        return value.replace(source_path, "<raw>")
    return value


def dump_warehouse(config: ActivationConfig) -> dict[str, list[tuple]]:
    """Every table and view of the layer's schemas, its rows as sorted (column, value)
    pairs, sorted, so that two warehouses built from the same rows compare equal on any
    engine (by column name: Spark keeps a table's partition column last)."""
    with engine_resource(config, read_only=True).open() as warehouse:
        dumped = {}
        for name in sorted(warehouse.existing_tables()):
            result = warehouse.execute(f"select * from {name}")
            columns = [d[0] for d in result.description]
            left_out = CIRCUMSTANTIAL.get(name, set())
            rows = [tuple(sorted((c, comparable(v, config.source_path)) for c, v in zip(columns, row)
                                 if c not in left_out))
                    for row in result.fetchall()]
            dumped[name] = sorted(rows, key=repr)
    return dumped


_ORDER = {"activation": "period_start, user_id", "activation_status": "period_start, user_id",
          "active_users": "period_start", "transitions": "period_start, coalesce(previous_status, ''), status",
          "retention": "period_start, cohort_start", "stickiness": "period_start, active_days"}
_TABLE_OF = {"activation": activation_table, "activation_status": activation_status_table,
             "active_users": active_users_table, "transitions": transitions_table,
             "retention": retention_table, "stickiness": stickiness_table}


def assert_matches_recomputation(config: ActivationConfig, raw_rows: list[dict], start: dt.date, end: dt.date,
                                 *, unpartitioned: bool = True) -> None:
    """Every FirstLast, activation, status and active-users table, and every report table the
    facts have (without `unpartitioned`, only the partitioned ones), equals the independent
    recomputation from the whole history (reference.py)."""
    events = reference.local_events(raw_rows, config.timezone)
    for fact in config.facts:
        first_last = first_last_table(fact.name)
        expected = reference.expected_first_last(events, event_names=fact.event_names, start_date=start, end_date=end)
        actual = read_rows(config, first_last.qualified_name, [c.name for c in first_last.columns],
                           "snapshot_date, user_id")
        assert actual == [tuple(map(plain, r)) for r in expected], first_last.qualified_name
        for grain in fact.grains:
            tables = reference.expected_tables(
                events, event_names=fact.event_names, grain=grain, week_start=config.week_start_day_offset,
                start_date=start, end_date=end, buckets=config.inactivity_buckets[grain])
            for kind, expected_rows in tables.items():
                if kind not in per_grain_kinds(fact, grain):
                    continue
                _assert_rows(config, _TABLE_OF[kind](fact.name, grain), _ORDER[kind], expected_rows)
            if unpartitioned and fact.reports_on("retention"):
                _assert_rows(config, retention_unbounded_table(fact.name, grain), "cohort_start, age",
                             reference.expected_unbounded_retention(
                                 events, event_names=fact.event_names, grain=grain,
                                 week_start=config.week_start_day_offset, start_date=start, end_date=end))
        if fact.reports_on("engagement"):
            _assert_rows(config, engagement_daily_table(fact.name), "date", reference.expected_engagement(
                events, event_names=fact.event_names, start_date=start, end_date=end,
                week_days=config.engagement.week_days, month_days=config.engagement.month_days))


def _assert_rows(config: ActivationConfig, table: Table, order: str, expected_rows: list[tuple]) -> None:
    actual = read_rows(config, table.qualified_name, [c.name for c in table.columns], order)
    assert expected_rows, (table.qualified_name, "reference has no rows: test data too small")
    assert actual == [tuple(map(plain, r)) for r in expected_rows], table.qualified_name
