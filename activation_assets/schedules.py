"""Scheduled runs: each day the latest local day whose raw folders are all complete.

The raw log arrives in folders by UTC date, and a folder is complete once its UTC day
has ended plus the configured delivery delay. A local day of the reporting timezone
overlaps one or two such folders, so it can be loaded only after the later one is
complete: in UTC, Seoul or Berlin that is the morning after; in New York, the evening
after (its day ends at 05:00 UTC, inside the next UTC day). So every schedule ticks in
UTC just after the folders' delivery, the daily one requests the latest day that is
complete by then (never half a day), and the weekly and monthly ones, an hour later,
the period that this day closed, if it closed one. All three carry one tag that the
shipped instance settings limit to one run at a time, so a period never starts while
its last day still runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg

from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.jobs import asset_keys_by_grain, job_name
from activation_assets.raw_source import utc_dates_of_local_day

CHAIN_TAG = "activation/chain"
# The weekly and monthly runs start this long after the daily one, which loads their last day.
_PERIOD_RUN_LAG = dt.timedelta(hours=1)
_ONE_DAY = dt.timedelta(days=1)


def schedule_name(grain: str) -> str:
    return f"{grain}_assets_schedule"


def latest_complete_day(config: ActivationConfig, at: dt.datetime) -> dt.date:
    """The latest local day whose every UTC folder has been complete since before `at`."""
    delay = dt.timedelta(minutes=config.delivery_delay_minutes)
    day = at.astimezone(dt.timezone.utc).date()
    while _complete_at(config, day) + delay > at:
        day -= _ONE_DAY
    return day


def _complete_at(config: ActivationConfig, day: dt.date) -> dt.datetime:
    """When the last UTC folder of the local day ends."""
    last_folder = utc_dates_of_local_day(day, config.timezone)[-1]
    return dt.datetime.combine(last_folder + _ONE_DAY, dt.time(), dt.timezone.utc)


def tick_time(config: ActivationConfig, grain: str) -> dt.time:
    """The UTC time of day of the grain's tick: the folders' delivery delay after UTC
    midnight, and an hour later for weeks and months."""
    delay = dt.timedelta(minutes=config.delivery_delay_minutes) + (_PERIOD_RUN_LAG if grain != "daily" else dt.timedelta())
    return (dt.datetime.min + delay % _ONE_DAY).time()


def build_schedules(config: ActivationConfig) -> list[dg.ScheduleDefinition]:
    """One schedule per grain job in use."""
    return [_build_schedule(config, Grain.of(grain, config)) for grain in asset_keys_by_grain(config)]


def _build_schedule(config: ActivationConfig, grain: Grain) -> dg.ScheduleDefinition:
    at = tick_time(config, grain.name)
    first_period = grain.first_period_start()

    @dg.schedule(
        name=schedule_name(grain.name),
        job_name=job_name(grain.name),
        cron_schedule=f"{at.minute} {at.hour} * * *",
        execution_timezone="UTC",
        description=f"Materializes the {grain.period_noun} that the latest complete day of raw folders closes "
                    f"(folders complete {config.delivery_delay_minutes} min after their UTC day ends).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest | dg.SkipReason]:
        day = latest_complete_day(config, context.scheduled_execution_time)
        period = grain.period_start(day)
        closes = grain.period_start(day + _ONE_DAY) != period
        if not closes or period < first_period:
            yield dg.SkipReason(f"{day}, the latest day with complete raw folders, closes no whole "
                                f"{grain.period_noun} yet")
            return
        yield dg.RunRequest(run_key=f"{grain.name}:{period}", partition_key=period.isoformat(),
                            tags={CHAIN_TAG: "scheduled"})

    return _schedule
