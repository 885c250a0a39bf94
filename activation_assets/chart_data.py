"""The charts of one fact and grain, or of one funnel, drawn from the warehouse.

Each function reads the few rows its charts show (a period's decomposition row, a
period's status counts, a funnel's latest cohorts) and returns the charts' specs;
nothing here reads per-user rows except grouped, for one period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from activation_assets import charts
from activation_assets.config import EngagementWindows, FunnelSpec
from activation_assets.engines import QueryResult, Warehouse
from activation_assets.grains import Grain
from activation_assets.sql import load_sql
from activation_assets.tables import (
    activation_status_table,
    active_users_table,
    engagement_daily_table,
    funnel_table,
    retention_table,
)

# Mature cohorts taken together in the funnel's conversion chart, and cohorts drawn by date.
FUNNEL_COHORTS_TOGETHER = 7
FUNNEL_COHORTS_DRAWN = 60
# Days drawn by the engagement chart: a quarter.
ENGAGEMENT_DAYS_DRAWN = 90


@dataclass(frozen=True)
class Chart:
    """One chart: a name unique on its page, and its Vega-Lite specification."""

    name: str
    spec: charts.Spec


def as_dicts(result: QueryResult) -> list[dict]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def latest_periods(conn: Warehouse, fact: str, grain: Grain, through: dt.date | None = None) -> list[dict]:
    """The active-users rows of the latest charted periods up to `through` (default: all loaded)."""
    table = active_users_table(fact, grain.name)
    return as_dicts(conn.execute(load_sql("charts/latest_periods", table=table.qualified_name),
                                 {"through": through or dt.date.max, "periods": grain.charted_periods}))


def decomposition_charts(rows: list[dict], fact: str, grain: Grain) -> list[Chart]:
    """The decomposition and its ratios over the given active-users rows."""
    labels = {"fact": fact, "grain": grain.name, "period_noun": grain.period_noun}
    return [Chart(f"{fact}_{grain.name}_decomposition", charts.decomposition(rows, **labels)),
            Chart(f"{fact}_{grain.name}_ratios", charts.growth_ratios(rows, **labels))]


def status_charts(conn: Warehouse, fact: str, grain: Grain, period_start: dt.date) -> list[Chart]:
    """The transitions into one period and the inactivity buckets of its inactive users,
    each one grouped query of that period's status rows."""
    table = activation_status_table(fact, grain.name).qualified_name
    params = {"period_start": period_start}
    moves = as_dicts(conn.execute(load_sql("charts/transitions", table=table), params))
    away = as_dicts(conn.execute(load_sql("charts/inactivity_buckets", table=table), params))
    return [
        Chart(f"{fact}_{grain.name}_transitions",
              charts.transitions(moves, fact=fact, grain=grain.name, period_start=period_start)),
        Chart(f"{fact}_{grain.name}_inactivity",
              charts.inactivity_buckets(away, fact=fact, grain=grain.name, period_noun=grain.period_noun,
                                        period_start=period_start, bucket_order=grain.bucket_labels())),
    ]


def retention_charts(conn: Warehouse, fact: str, grain: Grain) -> list[Chart]:
    """The retention triangle of the latest charted cohorts (none before the first)."""
    rows = as_dicts(conn.execute(load_sql("charts/retention_triangle",
                                          table=retention_table(fact, grain.name).qualified_name),
                                 {"cohorts": grain.charted_periods}))
    if not rows:
        return []
    return [Chart(f"{fact}_{grain.name}_retention",
                  charts.retention_triangle(rows, fact=fact, grain=grain.name, period_noun=grain.period_noun))]


def engagement_charts(conn: Warehouse, fact: str, windows: EngagementWindows) -> list[Chart]:
    """DAU, WAU and MAU of the latest drawn days (none before the first)."""
    rows = as_dicts(conn.execute(load_sql("charts/latest_engagement",
                                          table=engagement_daily_table(fact).qualified_name),
                                 {"days": ENGAGEMENT_DAYS_DRAWN}))
    if not rows:
        return []
    return [Chart(f"{fact}_engagement", charts.engagement(rows, fact=fact, week_days=windows.week_days,
                                                          month_days=windows.month_days))]


def step_labels(funnel: FunnelSpec) -> list[str]:
    """Step 0 (the first visit) then each step's event and window."""
    return ["0 first visit", *(f"{k} {s.event_name} ≤ {s.window_days}d"
                               for k, s in enumerate(funnel.steps, start=1))]


def funnel_cohorts(conn: Warehouse, funnel: FunnelSpec) -> list[dict]:
    """The funnel report's latest drawn cohorts, oldest first."""
    table = funnel_table(funnel.name, len(funnel.steps)).qualified_name
    return as_dicts(conn.execute(load_sql("charts/funnel_cohorts", table=table), {"cohorts": FUNNEL_COHORTS_DRAWN}))


def funnel_charts(cohorts: list[dict], funnel: FunnelSpec) -> list[Chart]:
    """Conversion per step of the latest mature cohorts taken together, and each step's
    rate by cohort date (immature cohorts marked)."""
    labels = step_labels(funnel)
    mature = [c for c in cohorts if c["is_mature"]][-FUNNEL_COHORTS_TOGETHER:]
    users = sum(c["cohort_users"] for c in mature)
    reached = [users] + [sum(c[f"step_{k}_users"] for c in mature) for k in range(1, len(labels))]
    conversion = [{"step": k, "step_label": label, "users": n, "rate": n / users if users else None}
                  for k, (label, n) in enumerate(zip(labels, reached))]
    described = (f"{len(mature)} latest mature cohorts ({mature[0]['cohort_date']} to {mature[-1]['cohort_date']})"
                 if mature else "no mature cohort yet")
    by_cohort = [{"cohort_date": c["cohort_date"], "step_label": labels[k], "rate": c[f"step_{k}_rate"],
                  "is_mature": c["is_mature"]}
                 for c in cohorts for k in range(1, len(labels))]
    return [Chart(f"funnel_{funnel.name}_conversion",
                  charts.funnel_conversion(conversion, funnel=funnel.name, cohorts=described)),
            Chart(f"funnel_{funnel.name}_by_cohort", charts.funnel_rates_by_cohort(by_cohort, funnel=funnel.name))]
