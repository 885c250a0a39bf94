"""Scheduled runs: each morning yesterday, and on the first day of a week or month the
period that just ended, in the reporting timezone."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from activation_assets.definitions import build_definitions
from activation_assets.schedules import CHAIN_TAG, schedule_name

from .helpers import write_config


def requests_on(config, day: dt.date) -> list[tuple[str, str]]:
    """Every schedule's tick on `day` at its own cron time."""
    definitions = build_definitions(config)
    requested = []
    for grain in ("daily", "weekly", "monthly"):
        schedule = definitions.resolve_schedule_def(schedule_name(grain))
        assert schedule.execution_timezone == config.timezone
        minute, hour = (int(x) for x in schedule.cron_schedule.split()[:2])
        when = dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(config.timezone))
        if not _cron_matches(schedule, when):
            continue
        with dg.build_schedule_context(scheduled_execution_time=when) as context:
            data = schedule.evaluate_tick(context)
        for request in data.run_requests or []:
            assert request.tags[CHAIN_TAG] == "scheduled"
            requested.append((schedule.job_name, request.partition_key))
    return requested


def _cron_matches(schedule: dg.ScheduleDefinition, when: dt.datetime) -> bool:
    """Whether the day-of-month and day-of-week fields of the cron string admit `when`."""
    day_of_month, _, day_of_week = schedule.cron_schedule.split()[2:]
    sunday_based = (when.weekday() + 1) % 7
    return day_of_month in ("*", str(when.day)) and day_of_week in ("*", str(sunday_based))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 3, 5), [("daily_assets", "2025-03-04")]),  # a Wednesday
        (dt.date(2025, 3, 10), [("daily_assets", "2025-03-09"), ("weekly_assets", "2025-03-03")]),  # a Monday
        (dt.date(2025, 4, 1), [("daily_assets", "2025-03-31"), ("monthly_assets", "2025-03-01")]),  # the 1st
        (dt.date(2025, 9, 1), [("daily_assets", "2025-08-31"), ("weekly_assets", "2025-08-25"),
                               ("monthly_assets", "2025-08-01")]),  # a Monday the 1st
    ],
)
def test_the_morning_ticks_request_yesterday_and_the_periods_that_just_closed(tmp_path, day, expected):
    assert requests_on(write_config(tmp_path), day) == expected


def test_sunday_weeks_close_on_saturday_in_the_reporting_timezone(tmp_path):
    config = write_config(tmp_path, week_start="sunday", timezone="Asia/Seoul")
    assert requests_on(config, dt.date(2025, 3, 9)) == [("daily_assets", "2025-03-08"), ("weekly_assets", "2025-03-02")]


def test_no_week_is_requested_before_the_first_whole_week(tmp_path):
    config = write_config(tmp_path, start_date="2025-01-01")  # a Wednesday
    assert requests_on(config, dt.date(2025, 1, 6)) == [("daily_assets", "2025-01-05")]
