"""The benchmark scales and the targets the incremental design promises at scale L."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Users and days of the backfill; one more day is generated for the daily run.

    `early_day` and `late_day` (1-based) are the days whose daily runs are compared to
    show that a day's cost does not grow with the history before it.
    """

    name: str
    users: int
    days: int
    early_day: int = 30
    late_day: int = 360


SCALES = {
    "S": Scale("S", users=20_000, days=90, late_day=89),
    "M": Scale("M", users=200_000, days=365),
    "L": Scale("L", users=1_000_000, days=365),
}


@dataclass(frozen=True)
class Target:
    """A figure of the results file and the bound it must stay within."""

    name: str
    figure: str
    bound: float
    at_most: bool = True

    def met(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound

    @property
    def wording(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.bound:g}"


TARGETS = (
    Target("full backfill, minutes", "backfill.minutes", 15),
    Target("full backfill, peak memory of the process tree, GiB", "backfill.peak_gib", 6),
    Target("next-day run end to end, seconds", "daily_run.seconds", 20),
    Target("late day / early day compute, worst daily asset", "history.worst_ratio", 1.3),
    Target("naive / incremental rows scanned", "naive.rows_ratio", 5, at_most=False),
    Target("backfill FirstLast steps / bare set-based FirstLast", "bare_first_last.ratio", 1.5),
)
TARGET_SCALE = "L"
