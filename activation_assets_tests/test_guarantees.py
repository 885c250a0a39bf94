"""SPEC §6: idempotence, day-by-day = one range run = a recomputation from the whole
history, on seeded random logs, for every grain and every table."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from activation_assets.runner import latest_loaded_day

from .helpers import (
    assert_matches_recomputation,
    dump_warehouse,
    event,
    read_rows,
    run_day_by_day,
    run_range,
    write_config,
    write_raw_log,
)
from .random_log import random_raw_rows
from .warehouse_process import dump_as_text, inspect_in_a_process

START = dt.date(2024, 2, 10)  # leap day and two month ends inside the range
DAYS = 52
END = START + dt.timedelta(days=DAYS - 1)


def build(tmp_path, seed, timezone, week_start, **overrides):
    rows = random_raw_rows(seed, start=START, days=DAYS)
    write_raw_log(tmp_path / "raw", rows, span=(START, END))
    config = write_config(tmp_path, timezone=timezone, week_start=week_start, start_date=START.isoformat(),
                          **overrides)
    return config, rows


@pytest.mark.parametrize(
    ("seed", "timezone", "week_start"),
    [(1, "UTC", "monday"), (2, "Asia/Seoul", "sunday"), (3, "America/New_York", "monday")],
)
def test_range_run_equals_recomputation_from_whole_history(tmp_path, seed, timezone, week_start):
    config, rows = build(tmp_path, seed, timezone, week_start)
    run_range(config, START, END)
    assert_matches_recomputation(config, rows, START, END)


def test_day_by_day_runs_equal_one_range_run(tmp_path):
    config_a, rows = build(tmp_path / "a", 4, "Asia/Seoul", "monday")
    config_b, _ = build(tmp_path / "b", 4, "Asia/Seoul", "monday")
    end = START + dt.timedelta(days=26)  # past the leap day, a month end and three whole weeks
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


@pytest.mark.parametrize("chunk_days", [1, 7, 31, 10_000])  # 10 000: the whole range in one statement
def test_a_range_run_in_chunks_of_any_size_equals_recomputation(tmp_path, chunk_days):
    config, rows = build(tmp_path, 6, "America/New_York", "sunday", backfill={"chunk_days": chunk_days})
    run_range(config, START, END)
    assert_matches_recomputation(config, rows, START, END)


def test_a_range_starting_inside_loaded_history_is_seeded_from_its_partitions(tmp_path):
    config, rows = build(tmp_path, 7, "Asia/Seoul", "monday", backfill={"chunk_days": 7})
    middle = START + dt.timedelta(days=23)  # a Sunday, inside a month
    run_range(config, START, middle)
    run_range(config, middle + dt.timedelta(days=1), END)
    assert_matches_recomputation(config, rows, START, END)
    before = dump_warehouse(config)
    run_range(config, middle - dt.timedelta(days=10), END)  # a reprocess from a middle day
    assert dump_warehouse(config) == before


SPARK_START, SPARK_END = dt.date(2024, 2, 18), dt.date(2024, 3, 2)  # Sunday … Saturday, a leap day between


def test_on_spark_a_daily_run_after_a_range_a_rerun_and_late_data_equal_recomputation(tmp_path, empty_spark_catalog):
    """The Spark engine on one warehouse: a range run, then a daily run seeded from its
    partitions, equal the recomputation; materializing a day again changes nothing; a
    late file and `reprocess --since` its day give the recomputation of the new log."""
    days = (SPARK_END - SPARK_START).days + 1
    rows = random_raw_rows(8, start=SPARK_START, days=days, users=30)
    raw = tmp_path / "raw"
    write_raw_log(raw, rows, span=(SPARK_START, SPARK_END))
    config = write_config(tmp_path, engine="spark", spark={"master": "local[2]"}, source={"path": str(raw)},
                          timezone="Asia/Seoul", week_start="sunday", start_date=SPARK_START.isoformat(),
                          # The report tables' SQL is held to DuckDB's on Spark by test_engines_agree; here
                          # they would only add steps to the four passes.
                          facts=[{"name": "visit", "events": "all", "grains": ["daily", "weekly"], "reports": []}])
    instance = dg.DagsterInstance.ephemeral()
    run_range(config, SPARK_START, SPARK_END - dt.timedelta(days=1), instance)
    run_range(config, SPARK_END, SPARK_END, instance)  # the daily run of a Saturday, which closes a week
    assert_matches_recomputation(config, rows, SPARK_START, SPARK_END)
    shown = {r.partition_key: tuple(r.asset_materialization.metadata[name].value for name in (
                 "dagster/row_count", "active_users", "spark_partitions_per_statement"))
             for r in instance.fetch_materializations(dg.AssetKey(["activation", "visit_active_users_daily"]),
                                                      limit=100).records}  # what the asset's page shows
    counted = read_rows(config, "activation.visit_active_users_daily", ["period_start", "active_users"], "1")
    assert shown == {day: (1, active, 1 if day == str(SPARK_END) else days - 1) for day, active in counted}

    before = dump_warehouse(config)
    run_range(config, SPARK_START + dt.timedelta(days=3), SPARK_START + dt.timedelta(days=3))
    assert dump_warehouse(config) == before

    late_day = SPARK_END - dt.timedelta(days=4)
    late = [event("user001", f"{late_day} 03:00", "purchase"), event("late-user", f"{late_day} 05:00")]
    write_raw_log(raw, late, name="late", empty_days_around=0)
    assert latest_loaded_day(config) == SPARK_END
    run_range(config, late_day, latest_loaded_day(config))  # what `reprocess --since` runs
    assert_matches_recomputation(config, rows + late, SPARK_START, SPARK_END)


def test_a_spark_run_killed_while_writing_leaves_true_load_records_and_a_rerun_equals_a_clean_run(tmp_path):
    """SIGKILL on `materialize` (engine: spark) while it writes base.events' second chunk:
    the next process finds every recorded partition holding its recorded rows, and its run
    of the same range leaves every table equal to a clean run's (on DuckDB, which equals
    Spark's)."""
    start, end = dt.date(2025, 1, 1), dt.date(2025, 1, 4)
    raw = tmp_path / "raw"
    write_raw_log(raw, random_raw_rows(9, start=start, days=4, users=20), span=(start, end))
    common = {"source": {"path": str(raw)},
              "facts": [{"name": "visit", "events": "all", "grains": ["daily"], "reports": []}],
              "backfill": {"chunk_days": 2}}
    on_spark = tmp_path / "spark" / "activation.yaml"
    write_config(on_spark.parent, engine="spark", **common, spark={
        "master": "local[2]", "warehouse_dir": str(tmp_path / "spark" / "spark-warehouse"),
        "settings": {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"}})
    clean = write_config(tmp_path / "duckdb", **common)

    killed = subprocess.Popen(
        [sys.executable, "-m", "activation_assets.cli", "--config", str(on_spark),
         "materialize", "--start", str(start), "--end", str(end)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    for line in killed.stdout:
        if "rows in base.events" in line:  # its first chunk is written and recorded
            break
    assert killed.poll() is None, "the run ended before it could be killed"
    killed.kill()
    killed.wait()

    after = inspect_in_a_process(on_spark, tmp_path / "after.json", start, end)
    assert after["disagreements"] == []
    run_range(clean, start, end)
    assert after["dump"] == dump_as_text(clean)


@pytest.mark.parametrize("kill_after", ["rows in activation.visit_first_last", "daily_assets: run"],
                         ids=["in the middle of a write", "at closing"])
def test_a_duckdb_range_run_killed_leaves_true_load_records_and_a_rerun_equals_a_clean_run(tmp_path, kill_after):
    """SIGKILL on `materialize` while it writes a table's first chunk of the range, or once
    its last run has ended, as it closes the warehouse: the next process opens the
    warehouse, finds every recorded partition holding its recorded rows, and its run of
    the same range leaves every table equal to a clean run's."""
    start, end = dt.date(2025, 1, 1), dt.date(2025, 1, 6)
    raw = tmp_path / "raw"
    write_raw_log(raw, random_raw_rows(12, start=start, days=6, users=25), span=(start, end))
    common = {"source": {"path": str(raw)}, "facts": [{"name": "visit", "events": "all", "grains": ["daily"]}],
              "backfill": {"chunk_days": 2}}
    killed_config = write_config(tmp_path / "killed", **common)
    clean = write_config(tmp_path / "clean", **common)

    killed = subprocess.Popen(
        [sys.executable, "-m", "activation_assets.cli", "--config", killed_config.config_path,
         "materialize", "--start", str(start), "--end", str(end)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1", "DAGSTER_HOME": str(tmp_path / "home")})
    for line in killed.stdout:
        if kill_after in line:
            break
    assert killed.poll() is None, "the run ended before it could be killed"
    killed.kill()
    killed.wait()

    after = inspect_in_a_process(Path(killed_config.config_path), tmp_path / "after.json", start, end)
    assert after["disagreements"] == []
    run_range(clean, start, end)
    assert after["dump"] == dump_as_text(clean)
