"""Scheduled runs, in the reporting timezone.

Each morning the daily job observes the raw log, materializes yesterday's partitions of
the whole graph and rebuilds the funnel reports, in one run; an hour later, on the first
day of a week or month, the weekly or monthly job computes the period that has just
ended. All three carry one tag that the shipped instance settings limit to one run at a
time, so a period never starts while its last day still runs.
"""

from __future__ import annotations

import dagster as dg

CHAIN_TAG = "activation/chain"
_START_HOUR = {"daily": 1, "weekly": 2, "monthly": 2}
_START_MINUTE = 30


def schedule_name(grain: str) -> str:
    return f"{grain}_assets_schedule"


def build_schedules(jobs: list[dg.UnresolvedAssetJobDefinition]) -> list[dg.ScheduleDefinition]:
    """One schedule per grain job, each requesting the partition that closed last (the
    daily job's run also observes the raw log and rebuilds the funnel reports)."""
    schedules = []
    for job in jobs:
        grain = job.name.removesuffix("_assets")
        schedules.append(
            dg.build_schedule_from_partitioned_job(
                job,
                name=schedule_name(grain),
                hour_of_day=_START_HOUR[grain],
                minute_of_hour=_START_MINUTE,
                tags={CHAIN_TAG: "scheduled"},
                description=f"Materializes the {grain} partition that ended last.",
            )
        )
    return schedules
