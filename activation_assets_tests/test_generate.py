"""The sample-data generator: SPEC §2 layout, deterministic by seed, resumable, and
a share of bad rows of every reject reason."""

import datetime as dt

import duckdb
import pytest

from activation_assets.generate import GenerateParams, generate_events

from .helpers import read_rows, run_range, write_config

PARAMS = GenerateParams(users=3000, days=21, start_date=dt.date(2025, 1, 1), seed=7, chunk_days=7)


def fingerprint(root) -> tuple:
    with duckdb.connect() as conn:
        return conn.execute(
            "select count(*), sum(hash(event_id, user_id, event_name, event_timestamp, country, utm_source)) "
            "from read_parquet(?, hive_partitioning = true)", [f"{root}/date=*/*.parquet"]).fetchone()


def test_layout_is_hive_folders_by_utc_date_with_the_spec_columns(tmp_path):
    generate_events(tmp_path, PARAMS, progress=lambda _: None)
    folders = sorted(p.name for p in tmp_path.glob("date=*"))
    assert folders[0] == "date=2025-01-01" and folders[-1] == "date=2025-01-21" and len(folders) == 21
    with duckdb.connect() as conn:
        columns = [r[0] for r in conn.execute("describe select * from read_parquet(?, hive_partitioning = false)",
                                              [str(tmp_path / "date=2025-01-10" / "*.parquet")]).fetchall()]
        names = {r[0] for r in conn.execute("select distinct event_name from read_parquet(?)",
                                            [f"{tmp_path}/date=*/*.parquet"]).fetchall()}
    assert columns == ["event_id", "user_id", "event_name", "event_timestamp", "country", "device_os",
                       "app_version", "utm_source", "utm_medium", "utm_campaign"]
    assert names >= {"app_open", "view_item", "add_to_cart", "purchase", "post_created"}


def test_same_seed_same_log_other_seed_other_log(tmp_path):
    generate_events(tmp_path / "a", PARAMS, progress=lambda _: None)
    generate_events(tmp_path / "b", PARAMS, progress=lambda _: None)
    generate_events(tmp_path / "c", GenerateParams(**{**PARAMS.__dict__, "seed": 8}), progress=lambda _: None)
    assert fingerprint(tmp_path / "a") == fingerprint(tmp_path / "b")
    assert fingerprint(tmp_path / "a") != fingerprint(tmp_path / "c")


def test_an_interrupted_generation_resumes_to_the_same_log(tmp_path):
    generate_events(tmp_path / "full", PARAMS, progress=lambda _: None)
    generate_events(tmp_path / "resumed", PARAMS, progress=lambda _: None)
    markers = sorted((tmp_path / "resumed" / "_generator").glob("chunk_*.done"))
    markers[-1].unlink()
    for folder in (tmp_path / "resumed").glob("date=2025-01-2*"):
        for file in folder.iterdir():
            file.unlink()
    messages = []
    generate_events(tmp_path / "resumed", PARAMS, progress=messages.append)
    assert sum("skipped" in m for m in messages) == len(markers) - 1
    assert fingerprint(tmp_path / "resumed") == fingerprint(tmp_path / "full")


def test_a_folder_of_another_generation_is_refused(tmp_path):
    generate_events(tmp_path, PARAMS, progress=lambda _: None)
    with pytest.raises(ValueError, match="already holds events generated with"):
        generate_events(tmp_path, GenerateParams(**{**PARAMS.__dict__, "users": 10}), progress=lambda _: None)


def test_generated_log_has_bad_rows_of_every_reject_reason(tmp_path):
    generate_events(tmp_path / "raw", PARAMS, progress=lambda _: None)
    config = write_config(tmp_path, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, PARAMS.start_date, PARAMS.start_date + dt.timedelta(days=PARAMS.days - 1))
    reasons = read_rows(config, "base.events_rejected", ["distinct reject_reason"], "1")
    assert sorted(r[0] for r in reasons) == [
        "bad_timestamp", "duplicate_event_id", "missing_event_name", "missing_user_id",
        "timestamp_outside_partition"]


def test_the_steady_profile_has_a_stable_population_and_daily_volume(tmp_path):
    params = GenerateParams(users=3000, days=60, start_date=dt.date(2025, 1, 1), seed=7, profile="steady")
    generate_events(tmp_path, params, progress=lambda _: None)
    with duckdb.connect() as conn:
        first_seen, first_purchased = (conn.execute(
            "select count(*) filter (where first_day < date '2025-01-15') / count(*) from "
            "(select user_id, min(date) as first_day from read_parquet(?, hive_partitioning = true) "
            f" where user_id is not null and {events} group by user_id)", [f"{tmp_path}/date=*/*.parquet"]
        ).fetchone()[0] for events in ("true", "event_name = 'purchase'"))
        day_30, day_59 = (conn.execute("select count(*) from read_parquet(?)",
                                       [f"{tmp_path}/date={day}/*.parquet"]).fetchone()[0]
                          for day in ("2025-01-30", "2025-02-28"))
    assert first_seen > 0.95  # 97% arrive in the first two weeks, the rest over the 60 days
    assert first_purchased > 0.95
    assert 0.8 < day_59 / day_30 < 1.25


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown generator profile 'viral'"):
        GenerateParams(profile="viral")
