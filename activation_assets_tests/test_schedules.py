"""Scheduled runs: each day, once the raw folders it overlaps are complete, the latest
local day, and the week or month it closed."""

import datetime as dt

import dagster as dg
import pytest

from activation_assets.definitions import build_definitions
from activation_assets.schedules import CHAIN_TAG, latest_complete_day, schedule_name

from .helpers import write_config

UTC = dt.timezone.utc


def requests_on(config, utc_day: dt.date) -> list[tuple[str, str]]:
    """Every schedule's tick on `utc_day` at its own cron time (every cron here is daily, in UTC)."""
    definitions = build_definitions(config)
    requested = []
    for grain in ("daily", "weekly", "monthly"):
        schedule = definitions.resolve_schedule_def(schedule_name(grain))
        assert schedule.execution_timezone == "UTC"
        minute, hour, *every_day = schedule.cron_schedule.split()
        assert every_day == ["*", "*", "*"]
        when = dt.datetime.combine(utc_day, dt.time(int(hour), int(minute)), UTC)
        with dg.build_schedule_context(scheduled_execution_time=when,
                                       repository_def=definitions.get_repository_def()) as context:
            data = schedule.evaluate_tick(context)
        for request in data.run_requests or []:
            assert request.tags[CHAIN_TAG] == "scheduled"
            requested.append((schedule.job_name, request.partition_key))
    return requested


def test_the_daily_tick_comes_after_the_folders_delivery_and_the_periods_an_hour_later(tmp_path):
    definitions = build_definitions(write_config(tmp_path, source={"path": "raw", "delivery_delay_minutes": 45}))
    crons = {g: definitions.resolve_schedule_def(schedule_name(g)).cron_schedule for g in ("daily", "weekly")}
    assert crons == {"daily": "45 0 * * *", "weekly": "45 1 * * *"}


@pytest.mark.parametrize(
    ("utc_day", "expected"),
    [
        (dt.date(2025, 3, 5), [("daily_assets", "2025-03-04")]),  # a Wednesday
        (dt.date(2025, 3, 10), [("daily_assets", "2025-03-09"), ("weekly_assets", "2025-03-03")]),  # a Monday
        (dt.date(2025, 4, 1), [("daily_assets", "2025-03-31"), ("monthly_assets", "2025-03-01")]),  # the 1st
        (dt.date(2025, 9, 1), [("daily_assets", "2025-08-31"), ("weekly_assets", "2025-08-25"),
                               ("monthly_assets", "2025-08-01")]),  # a Monday the 1st
    ],
)
def test_in_utc_the_ticks_request_yesterday_and_the_periods_that_just_closed(tmp_path, utc_day, expected):
    assert requests_on(write_config(tmp_path), utc_day) == expected


def test_a_seoul_day_is_requested_once_its_second_utc_folder_is_complete(tmp_path):
    config = write_config(tmp_path, timezone="Asia/Seoul")
    # Seoul's 2025-03-04 ends at 03-04 15:00 UTC, inside folder 03-04, complete at 03-05 01:30 UTC.
    assert latest_complete_day(config, dt.datetime(2025, 3, 5, 1, 29, tzinfo=UTC)) == dt.date(2025, 3, 3)
    assert latest_complete_day(config, dt.datetime(2025, 3, 5, 1, 30, tzinfo=UTC)) == dt.date(2025, 3, 4)
    assert requests_on(config, dt.date(2025, 3, 5)) == [("daily_assets", "2025-03-04")]


def test_a_new_york_day_waits_for_the_utc_folder_its_evening_falls_in(tmp_path):
    config = write_config(tmp_path, timezone="America/New_York")
    # New York's 2025-03-04 ends at 03-05 05:00 UTC: folder 03-05 is complete at 03-06 01:30 UTC
    # (20:30 in New York on 03-05), so at 03-05 01:30 UTC only 03-03 is whole.
    assert requests_on(config, dt.date(2025, 3, 5)) == [("daily_assets", "2025-03-03")]
    assert latest_complete_day(config, dt.datetime(2025, 3, 6, 1, 30, tzinfo=UTC)) == dt.date(2025, 3, 4)


def test_sunday_weeks_close_on_saturday_in_the_reporting_timezone(tmp_path):
    config = write_config(tmp_path, week_start="sunday", timezone="Asia/Seoul")
    assert requests_on(config, dt.date(2025, 3, 9)) == [("daily_assets", "2025-03-08"), ("weekly_assets", "2025-03-02")]


def test_no_week_is_requested_before_the_first_whole_week(tmp_path):
    config = write_config(tmp_path, start_date="2025-01-01")  # a Wednesday
    assert requests_on(config, dt.date(2025, 1, 6)) == [("daily_assets", "2025-01-05")]
