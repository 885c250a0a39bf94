import datetime as dt

import pytest

from activation_assets.config import DEFAULT_INACTIVITY_BUCKETS
from activation_assets.grains import Grain

from .helpers import write_config


def grain(name: str, week_start_day_offset: int = 1) -> Grain:
    return Grain(name, "UTC", dt.date(2024, 1, 1), week_start_day_offset, DEFAULT_INACTIVITY_BUCKETS[name])


@pytest.mark.parametrize(("n", "label"), [(1, "1"), (2, "2-7"), (7, "2-7"), (8, "8-14"), (40, "31-90"), (90, "31-90"), (91, "91+"), (200, "91+")])
def test_daily_default_buckets_are_labelled_as_the_spec_says(n, label):
    assert grain("daily").bucket_of(n) == label


def test_weekly_and_monthly_default_bucket_labels():
    assert grain("weekly").bucket_labels() == ["1", "2-4", "5-12", "13+"]
    assert grain("monthly").bucket_labels() == ["1", "2-3", "4-6", "7-12", "13+"]


@pytest.mark.parametrize(
    ("name", "offset", "day", "start"),
    [
        ("weekly", 1, dt.date(2025, 1, 5), dt.date(2024, 12, 30)),  # Sunday in a Monday week
        ("weekly", 0, dt.date(2025, 1, 5), dt.date(2025, 1, 5)),  # Sunday starts a Sunday week
        ("weekly", 0, dt.date(2025, 1, 4), dt.date(2024, 12, 29)),
        ("monthly", 1, dt.date(2024, 2, 29), dt.date(2024, 2, 1)),
        ("daily", 1, dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ],
)
def test_period_start_in_python_and_sql_agree(name, offset, day, start):
    import duckdb

    from activation_assets.engines.duckdb import install_macros

    g = grain(name, offset)
    conn = duckdb.connect()
    install_macros(conn, g.macros())
    assert g.period_start(day) == start
    assert conn.execute("select period_start($d)", {"d": day}).fetchone()[0] == start


def test_first_weekly_partition_is_the_first_whole_week_after_start_date():
    g = Grain("weekly", "UTC", dt.date(2025, 1, 1), 1, (1,))
    assert g.partitions_def.get_first_partition_key() == "2025-01-06"
    sunday = Grain("weekly", "UTC", dt.date(2025, 1, 1), 0, (1,))
    assert sunday.partitions_def.get_first_partition_key() == "2025-01-05"


@pytest.mark.parametrize(("grain", "start", "first"), [
    ("daily", "2025-01-01", "2025-01-01"),
    ("weekly", "2025-01-01", "2025-01-06"),   # a Wednesday: the first whole Monday week
    ("weekly", "2025-01-06", "2025-01-06"),
    ("monthly", "2025-01-01", "2025-01-01"),
    ("monthly", "2025-01-31", "2025-02-01"),
])
def test_the_first_period_is_the_first_whole_one_on_or_after_start_date(tmp_path, grain, start, first):
    config = write_config(tmp_path, start_date=start)
    assert Grain.of(grain, config).first_period_start() == dt.date.fromisoformat(first)
    assert Grain.of(grain, config).partitions_def.get_first_partition_key() == first
