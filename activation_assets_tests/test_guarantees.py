"""SPEC §6: idempotence, day-by-day = one range run = a recomputation from the whole
history, on seeded random logs, for every grain and every table."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from activation_assets.grains import Grain
from activation_assets.tables import activation_status_table, activation_table, active_users_table, first_last_table

from . import reference
from .helpers import dump_warehouse, plain, read_rows, run_day_by_day, run_range, write_config, write_raw_log
from .random_log import random_raw_rows

START = dt.date(2024, 2, 10)  # leap day and two month ends inside the range
DAYS = 52
END = START + dt.timedelta(days=DAYS - 1)
ORDER = {"activation": "period_start, user_id", "activation_status": "period_start, user_id",
         "active_users": "period_start"}
TABLE_OF = {"activation": activation_table, "activation_status": activation_status_table,
            "active_users": active_users_table}


def build(tmp_path, seed, timezone, week_start):
    rows = random_raw_rows(seed, start=START, days=DAYS)
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path, timezone=timezone, week_start=week_start, start_date=START.isoformat())
    return config, rows


@pytest.mark.parametrize(
    ("seed", "timezone", "week_start"),
    [(1, "UTC", "monday"), (2, "Asia/Seoul", "sunday"), (3, "America/New_York", "monday")],
)
def test_range_run_equals_recomputation_from_whole_history(tmp_path, seed, timezone, week_start):
    config, rows = build(tmp_path, seed, timezone, week_start)
    run_range(config, START, END)
    events = reference.local_events(rows, timezone)
    for fact in config.facts:
        expected_fl = reference.expected_first_last(events, event_names=fact.event_names, start_date=START, end_date=END)
        first_last = first_last_table(fact.name)
        actual_fl = read_rows(config, first_last.qualified_name, [c.name for c in first_last.columns],
                              "snapshot_date, user_id")
        assert actual_fl == [tuple(map(plain, r)) for r in expected_fl]
        for grain in fact.grains:
            expected = reference.expected_tables(
                events, event_names=fact.event_names, grain=grain, week_start=config.week_start_day_offset,
                start_date=START, end_date=END, buckets=config.inactivity_buckets[grain])
            for kind, expected_rows in expected.items():
                table = TABLE_OF[kind](fact.name, grain)
                actual = read_rows(config, table.qualified_name, [c.name for c in table.columns], ORDER[kind])
                assert len(expected_rows) > 0, (table.qualified_name, "reference has no rows: test data too small")
                assert actual == [tuple(map(plain, r)) for r in expected_rows], table.qualified_name


def test_day_by_day_runs_equal_one_range_run(tmp_path):
    config_a, rows = build(tmp_path / "a", 4, "Asia/Seoul", "monday")
    config_b, _ = build(tmp_path / "b", 4, "Asia/Seoul", "monday")
    end = START + dt.timedelta(days=34)  # past the leap day, a month end and several weeks
    run_range(config_a, START, end)
    run_day_by_day(config_b, START, end)
    a, b = dump_warehouse(config_a), dump_warehouse(config_b)
    assert set(a) == set(b)
    for name in a:
        assert a[name] == b[name], name


def test_materializing_partitions_again_changes_nothing(tmp_path):
    config, _ = build(tmp_path, 5, "UTC", "monday")
    run_range(config, START, END)
    before = dump_warehouse(config)
    run_range(config, START + dt.timedelta(days=20), START + dt.timedelta(days=40))
    run_range(config, START, START + dt.timedelta(days=3))
    assert dump_warehouse(config) == before
