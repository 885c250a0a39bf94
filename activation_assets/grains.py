"""Grains: the one place where a reporting period is defined.

A grain gives its Dagster partitions, the SQL that maps a day to its period and counts
periods between two days, and the labels of its inactivity buckets. The SQL is
installed as temporary macros on a connection (`period_start`, `periods_between`,
`inactivity_bucket`), so the activation SQL is written once for every grain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import duckdb

from activation_assets.config import ActivationConfig


@dataclass(frozen=True)
class Grain:
    """A reporting grain (daily, weekly or monthly) under one configuration."""

    name: str
    timezone: str
    start_date: dt.date
    week_start_day_offset: int
    bucket_bounds: tuple[int, ...]
    # Days of one-row-per-user partitions a range run computes, or checks, per statement.
    chunk_days: int = 31

    @classmethod
    def of(cls, name: str, config: ActivationConfig) -> Grain:
        return cls(
            name=name,
            timezone=config.timezone,
            start_date=config.start_date,
            week_start_day_offset=config.week_start_day_offset,
            bucket_bounds=config.inactivity_buckets[name],
            chunk_days=config.chunk_days,
        )

    @property
    def partitions_def(self) -> dg.TimeWindowPartitionsDefinition:
        """Partitions of whole periods, the first being the first whole one on or after start_date."""
        start = self.start_date.isoformat()
        if self.name == "daily":
            return dg.DailyPartitionsDefinition(start_date=start, timezone=self.timezone)
        if self.name == "weekly":
            return dg.WeeklyPartitionsDefinition(
                start_date=start, day_offset=self.week_start_day_offset, timezone=self.timezone
            )
        return dg.MonthlyPartitionsDefinition(start_date=start, timezone=self.timezone)

    @property
    def longest_period_days(self) -> int:
        return {"daily": 1, "weekly": 7, "monthly": 31}[self.name]

    def first_period_start(self) -> dt.date:
        """The first whole period on or after start_date: the first partition's start."""
        period = self.period_start(self.start_date)
        if period == self.start_date:
            return period
        return self.period_start(period + dt.timedelta(days=self.longest_period_days))

    @property
    def periods_per_chunk(self) -> int:
        """Periods computed (or checked) by one statement of a range run: as many as fit in
        `chunk_days` days, at least one."""
        return max(1, self.chunk_days // self.longest_period_days)

    @property
    def period_noun(self) -> str:
        return {"daily": "day", "weekly": "week", "monthly": "month"}[self.name]

    def period_start(self, day: dt.date) -> dt.date:
        if self.name == "daily":
            return day
        if self.name == "weekly":
            days_into_week = (_sunday_based_weekday(day) - self.week_start_day_offset) % 7
            return day - dt.timedelta(days=days_into_week)
        return day.replace(day=1)

    def bucket_labels(self) -> list[str]:
        """`a` for a bucket of one value, `a-b` for a bounded one, `a+` for the last."""
        bounds = self.bucket_bounds
        labels = []
        for i, lower in enumerate(bounds):
            if i == len(bounds) - 1:
                labels.append(f"{lower}+")
            elif bounds[i + 1] - 1 == lower:
                labels.append(str(lower))
            else:
                labels.append(f"{lower}-{bounds[i + 1] - 1}")
        return labels

    def bucket_of(self, periods: int) -> str:
        index = sum(1 for lower in self.bucket_bounds if lower <= periods) - 1
        return self.bucket_labels()[index]

    def install_macros(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Define this grain's period macros on the connection."""
        conn.execute(f"create or replace temp macro period_start(d) as {self._period_start_sql('d')}")
        conn.execute(
            "create or replace temp macro periods_between(a, b) as "
            + self._periods_between_sql("a", "b")
        )
        conn.execute(f"create or replace temp macro next_period_start(d) as {self._next_period_start_sql('d')}")
        whens = " ".join(
            f"when n >= {lower} then '{label}'"
            for lower, label in reversed(list(zip(self.bucket_bounds, self.bucket_labels())))
        )
        conn.execute(f"create or replace temp macro inactivity_bucket(n) as case {whens} end")

    def _period_start_sql(self, d: str) -> str:
        if self.name == "daily":
            return f"cast({d} as date)"
        if self.name == "weekly":
            return (
                f"cast({d} as date) - cast((dayofweek({d}) - {self.week_start_day_offset} + 7) % 7 as integer)"
            )
        return f"cast(date_trunc('month', {d}) as date)"

    def _next_period_start_sql(self, d: str) -> str:
        step = {"daily": "interval 1 day", "weekly": "interval 7 day", "monthly": "interval 1 month"}[self.name]
        return f"cast(cast({d} as date) + {step} as date)"

    def _periods_between_sql(self, a: str, b: str) -> str:
        if self.name == "daily":
            return f"date_diff('day', cast({a} as date), cast({b} as date))"
        if self.name == "weekly":
            return f"date_diff('day', period_start({a}), period_start({b})) // 7"
        return f"date_diff('month', cast({a} as date), cast({b} as date))"


def _sunday_based_weekday(day: dt.date) -> int:
    return (day.weekday() + 1) % 7
