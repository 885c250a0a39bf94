"""Grains: the one place where a reporting period is defined.

A grain gives its Dagster partitions, the SQL that maps a day to its period and counts
periods between two days, and the labels of its inactivity buckets. The SQL is
installed as temporary macros on a connection (`period_start`, `periods_between`,
`inactivity_bucket`), so the activation SQL is written once for every grain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from activation_assets.config import ActivationConfig
from activation_assets.sql import Macro


@dataclass(frozen=True)
class _Cadence:
    """What makes daily, weekly and monthly periods differ, as data."""

    noun: str
    longest_period_days: int
    # Periods a chart of the latest periods shows: four weeks of days, a quarter of weeks, a year of months.
    charted_periods: int
    step_sql: str
    partitions: Callable[..., dg.TimeWindowPartitionsDefinition]
    takes_week_offset: bool
    start_of: Callable[[dt.date, int], dt.date]
    start_of_sql: Callable[[str, int], str]
    periods_between_sql: Callable[[str, str], str]


def _sunday_based_weekday(day: dt.date) -> int:
    return (day.weekday() + 1) % 7


_CADENCES = {
    "daily": _Cadence(
        noun="day", longest_period_days=1, charted_periods=28, step_sql="interval 1 day",
        partitions=dg.DailyPartitionsDefinition, takes_week_offset=False,
        start_of=lambda day, _offset: day,
        start_of_sql=lambda d, _offset: f"cast({d} as date)",
        periods_between_sql=lambda a, b: f"date_diff('day', cast({a} as date), cast({b} as date))",
    ),
    "weekly": _Cadence(
        noun="week", longest_period_days=7, charted_periods=13, step_sql="interval 7 day",
        partitions=dg.WeeklyPartitionsDefinition, takes_week_offset=True,
        start_of=lambda day, offset: day - dt.timedelta(days=(_sunday_based_weekday(day) - offset) % 7),
        start_of_sql=lambda d, offset: f"cast({d} as date) - cast((dayofweek({d}) - {offset} + 7) % 7 as integer)",
        periods_between_sql=lambda a, b: f"date_diff('day', period_start({a}), period_start({b})) // 7",
    ),
    "monthly": _Cadence(
        noun="month", longest_period_days=31, charted_periods=12, step_sql="interval 1 month",
        partitions=dg.MonthlyPartitionsDefinition, takes_week_offset=False,
        start_of=lambda day, _offset: day.replace(day=1),
        start_of_sql=lambda d, _offset: f"cast(date_trunc('month', {d}) as date)",
        periods_between_sql=lambda a, b: f"date_diff('month', cast({a} as date), cast({b} as date))",
    ),
}


def spans_several_days(grain: str) -> bool:
    """Whether a period of the grain can hold more than one active day (stickiness is
    counted only there)."""
    return _CADENCES[grain].longest_period_days > 1


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
    def _cadence(self) -> _Cadence:
        return _CADENCES[self.name]

    @property
    def partitions_def(self) -> dg.TimeWindowPartitionsDefinition:
        """Partitions of whole periods, the first being the first whole one on or after start_date."""
        offset = {"day_offset": self.week_start_day_offset} if self._cadence.takes_week_offset else {}
        return self._cadence.partitions(start_date=self.start_date.isoformat(), timezone=self.timezone, **offset)

    @property
    def longest_period_days(self) -> int:
        return self._cadence.longest_period_days

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
        return self._cadence.noun

    @property
    def charted_periods(self) -> int:
        return self._cadence.charted_periods

    def period_start(self, day: dt.date) -> dt.date:
        return self._cadence.start_of(day, self.week_start_day_offset)
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

    def macros(self) -> tuple[Macro, ...]:
        """This grain's period macros, which the activation SQL is written against."""
        whens = " ".join(
            f"when n >= {lower} then '{label}'"
            for lower, label in reversed(list(zip(self.bucket_bounds, self.bucket_labels())))
        )
        return (
            Macro("period_start", ("d",), self._period_start_sql("d")),
            Macro("periods_between", ("a", "b"), self._periods_between_sql("a", "b")),
            Macro("next_period_start", ("d",), self._next_period_start_sql("d")),
            Macro("inactivity_bucket", ("n",), f"case {whens} end"),
        )

    def _period_start_sql(self, d: str) -> str:
        return self._cadence.start_of_sql(d, self.week_start_day_offset)

    def _next_period_start_sql(self, d: str) -> str:
        return f"cast(cast({d} as date) + {self._cadence.step_sql} as date)"

    def _periods_between_sql(self, a: str, b: str) -> str:
        return self._cadence.periods_between_sql(a, b)
