"""base.events / base.events_rejected on hand-built raw logs: every reject reason,
row accounting, local days in non-UTC and DST timezones, every file format."""

import datetime as dt
import shutil

import duckdb
import pytest

from activation_assets.raw_source import utc_dates_of_local_day

from .helpers import event, read_rows, read_table, run_range, write_config, write_raw_log

DAY = dt.date(2025, 1, 1)


def materialize_base(config, start, end):
    run_range(config, start, end)
    return (
        read_table(config, "base.events", "event_ts, event_id"),
        read_table(config, "base.events_rejected", "partition_date, event_id"),
    )


def kept_rows(config, columns):
    return read_rows(config, "base.events", columns, "event_ts, event_id")


def test_every_reject_reason_lands_in_events_rejected_and_rows_add_up(tmp_path):
    good = event("u1", "2025-01-01 10:00", event_id="e1", country="KR")
    rows = [
        good,
        dict(good),                                                    # exact re-send
        event(None, "2025-01-01 11:00", event_id="e2"),
        event("  ", "2025-01-01 11:00", event_id="e3"),
        event("u2", "2025-01-01 12:00", name=None, event_id="e4"),
        event("u3", "not-a-time", event_id="e5", folder="2025-01-01"),
        event("u4", "2025-01-02 09:00", event_id="e6", folder="2025-01-01"),  # filed under the wrong day
        event("u5", "2025-01-01 13:00", event_id=None),                # no id: kept, never a duplicate
        event("u5", "2025-01-01 13:00", event_id=None),
    ]
    write_raw_log(tmp_path / "raw", rows, fmt="csv")
    config = write_config(tmp_path, start_date="2025-01-01")
    kept, rejected = materialize_base(config, DAY, DAY)
    assert kept_rows(config, ["event_id", "user_id", "event_date", "event_datetime", "country"]) == [
        ("e1", "u1", "2025-01-01", "2025-01-01 10:00:00", "KR"),
        (None, "u5", "2025-01-01", "2025-01-01 13:00:00", None),
        (None, "u5", "2025-01-01", "2025-01-01 13:00:00", None),
    ]
    assert read_rows(config, "base.events_rejected", ["event_id", "reject_reason", "partition_date"], "event_id") == [
        ("e1", "duplicate_event_id", "2025-01-01"),
        ("e2", "missing_user_id", "2025-01-01"),
        ("e3", "missing_user_id", "2025-01-01"),
        ("e4", "missing_event_name", "2025-01-01"),
        ("e5", "bad_timestamp", "2025-01-01"),
        ("e6", "timestamp_outside_partition", "2025-01-01"),
    ]
    assert rejected.loc[rejected.event_id == "e5", "event_timestamp"].item() == "not-a-time"
    assert len(kept) + len(rejected) == len(rows)


def test_rows_read_equal_kept_plus_rejected_for_every_partition(tmp_path):
    rows = [event(f"u{i}", f"2025-01-0{1 + i % 3} 0{i % 10}:00", event_id=f"e{i % 7}") for i in range(30)]
    rows += [event(None, "2025-01-02 05:00", event_id="x"), event("u", "garbage", event_id="y", folder="2025-01-03")]
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path)
    kept, rejected = materialize_base(config, DAY, DAY + dt.timedelta(days=2))
    read_per_day = {}
    for row in rows:
        day = row.get("folder") or row["event_timestamp"][:10]
        read_per_day[day] = read_per_day.get(day, 0) + 1
    counted = kept.groupby(kept.event_date.astype(str)).size().add(
        rejected.groupby(rejected.partition_date.astype(str)).size(), fill_value=0)
    assert counted.astype(int).to_dict() == read_per_day


def test_seoul_events_after_15_utc_belong_to_the_next_local_day(tmp_path):
    rows = [
        event("u1", "2024-12-31 15:00", event_id="a"),   # 2025-01-01 00:00 KST
        event("u1", "2025-01-01 14:59", event_id="b"),   # 2025-01-01 23:59 KST
        event("u1", "2025-01-01 15:00", event_id="c"),   # 2025-01-02 00:00 KST
    ]
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path, timezone="Asia/Seoul")
    kept, rejected = materialize_base(config, DAY, DAY + dt.timedelta(days=1))
    assert kept_rows(config, ["event_id", "event_date", "event_datetime"]) == [
        ("a", "2025-01-01", "2025-01-01 00:00:00"),
        ("b", "2025-01-01", "2025-01-01 23:59:00"),
        ("c", "2025-01-02", "2025-01-02 00:00:00"),
    ]
    assert rejected.empty


def test_new_york_days_follow_the_dst_change(tmp_path):
    rows = [
        event("u1", "2024-03-10 04:59", event_id="a"),   # 23:59 EST on 03-09
        event("u1", "2024-03-10 06:30", event_id="b"),   # 01:30 EST on 03-10
        event("u1", "2024-03-10 07:30", event_id="c"),   # 03:30 EDT on 03-10 (02:00 skipped)
        event("u1", "2024-03-11 03:59", event_id="d"),   # 23:59 EDT on 03-10: a 23-hour day
        event("u1", "2024-03-11 04:00", event_id="e"),   # 00:00 EDT on 03-11
    ]
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path, timezone="America/New_York", start_date="2024-03-09")
    kept, _ = materialize_base(config, dt.date(2024, 3, 9), dt.date(2024, 3, 11))
    assert kept_rows(config, ["event_id", "event_date", "event_datetime"]) == [
        ("a", "2024-03-09", "2024-03-09 23:59:00"),
        ("b", "2024-03-10", "2024-03-10 01:30:00"),
        ("c", "2024-03-10", "2024-03-10 03:30:00"),
        ("d", "2024-03-10", "2024-03-10 23:59:00"),
        ("e", "2024-03-11", "2024-03-11 00:00:00"),
    ]


def test_a_local_day_reads_every_utc_folder_it_overlaps():
    assert utc_dates_of_local_day(DAY, "UTC") == [DAY]
    assert utc_dates_of_local_day(DAY, "Asia/Seoul") == [dt.date(2024, 12, 31), DAY]
    assert utc_dates_of_local_day(DAY, "America/New_York") == [DAY, dt.date(2025, 1, 2)]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_every_supported_file_format_is_read(tmp_path, fmt):
    write_raw_log(tmp_path / "raw", [event("u1", "2025-01-01 08:00", event_id="a", utm_source="google")], fmt=fmt)
    config = write_config(tmp_path)
    kept, _ = materialize_base(config, DAY, DAY)
    assert kept_rows(config, ["event_id", "user_id", "event_ts", "utm_source"]) == [
        ("a", "u1", "2025-01-01 08:00:00+00:00", "google")
    ]


def test_a_missing_required_column_is_an_error_naming_file_and_column(tmp_path):
    folder = tmp_path / "raw" / "date=2025-01-01"
    folder.mkdir(parents=True)
    (folder / "broken.csv").write_text("user_id,event_timestamp\nu1,2025-01-01 10:00\n")
    config = write_config(tmp_path)
    with pytest.raises(AssertionError, match=r"broken\.csv: missing required column 'event_name'"):
        run_range(config, DAY, DAY)


def test_an_empty_folder_or_a_zero_row_file_declares_a_day_without_events(tmp_path):
    write_raw_log(tmp_path / "raw", [event("u1", "2025-01-03 08:00")], empty_days_around=0)
    (tmp_path / "raw" / "date=2025-01-01").mkdir()
    zero_rows = tmp_path / "raw" / "date=2025-01-02"
    zero_rows.mkdir()
    (zero_rows / "part-0.csv").write_text("event_id,user_id,event_name,event_timestamp\n")
    config = write_config(tmp_path)
    kept, rejected = materialize_base(config, DAY, DAY + dt.timedelta(days=2))
    assert kept.event_date.astype(str).tolist() == ["2025-01-03"] and rejected.empty
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        assert conn.execute("select partition_start, row_count from meta.partition_loads "
                            "where table_name = 'base.events' order by 1").fetchall() == [
            (DAY, 0), (DAY + dt.timedelta(days=1), 0), (DAY + dt.timedelta(days=2), 1)]


def test_a_missing_utc_folder_fails_the_load_naming_it_before_anything_is_written(tmp_path):
    write_raw_log(tmp_path / "raw", [event("u1", f"2025-01-0{d} 08:00") for d in range(1, 9)])
    shutil.rmtree(tmp_path / "raw" / "date=2025-01-06")
    config = write_config(tmp_path)
    with pytest.raises(AssertionError, match=r"raw folder\(s\) missing: .*/raw/date=2025-01-06\. A local day is loaded"):
        run_range(config, DAY, DAY + dt.timedelta(days=7))
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        loaded = conn.execute("select count(*) from meta.partition_loads").fetchone()[0]
    assert loaded == 0, "no day of the run, and nothing downstream, was written"


def test_a_seoul_day_needs_both_utc_folders_it_overlaps(tmp_path):
    write_raw_log(tmp_path / "raw", [event("u1", "2025-01-01 20:00")], empty_days_around=0)  # Seoul 01-02 05:00
    config = write_config(tmp_path, timezone="Asia/Seoul", start_date="2025-01-02")
    with pytest.raises(AssertionError, match=r"missing: .*/raw/date=2025-01-02\."):
        run_range(config, dt.date(2025, 1, 2), dt.date(2025, 1, 2))
    (tmp_path / "raw" / "date=2025-01-02").mkdir()
    kept, _ = materialize_base(config, dt.date(2025, 1, 2), dt.date(2025, 1, 2))
    assert kept.event_date.astype(str).tolist() == ["2025-01-02"]


@pytest.mark.parametrize("timestamp_type", ["timestamp", "timestamptz", "timestamp_ns"])
def test_a_typed_parquet_timestamp_is_read_as_its_instant_and_kept_as_text_when_rejected(tmp_path, timestamp_type):
    folder = tmp_path / "raw" / "date=2025-01-01"
    folder.mkdir(parents=True)
    duckdb.execute(
        f"copy (select event_id, user_id, event_name, cast(ts as {timestamp_type}) as event_timestamp "
        f"from (values ('a', 'u1', 'app_open', '2025-01-01 23:30:00'), ('b', 'u2', 'app_open', '2025-01-02 00:30:00')) "
        f"as t(event_id, user_id, event_name, ts)) to '{folder / 'typed.parquet'}' (format parquet)"
    )
    for empty in ("2024-12-31", "2025-01-02"):
        (tmp_path / "raw" / f"date={empty}").mkdir()
    config = write_config(tmp_path, timezone="Asia/Seoul")
    kept, rejected = materialize_base(config, DAY, DAY + dt.timedelta(days=1))
    assert kept_rows(config, ["event_id", "event_ts", "event_date", "event_datetime"]) == [
        ("a", "2025-01-01 23:30:00+00:00", "2025-01-02", "2025-01-02 08:30:00"),
    ]
    assert rejected[["event_id", "reject_reason"]].values.tolist() == [["b", "timestamp_outside_partition"]]
    assert rejected.event_timestamp.item().startswith("2025-01-02 00:30:00")
