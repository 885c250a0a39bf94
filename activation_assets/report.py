"""The active-user decomposition and the retention triangle of the latest periods, for
every fact and grain, the latest days' engagement states of every fact, and the
conversion of the latest mature cohorts of every funnel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from activation_assets.config import ActivationConfig
from activation_assets.engines import QueryResult, Warehouse, engine_resource
from activation_assets.engines.duckdb import DuckDBEngine
from activation_assets.serving import serving_path
from activation_assets.sql import load_sql
from activation_assets.tables import active_users_table, engagement_daily_table, funnel_table, retention_table

ENGAGEMENT_STATES = ("new_users", "current_users", "reactivated_users", "resurrected_users", "at_risk_wau_users",
                     "at_risk_mau_users", "dormant_users")
ENGAGEMENT_RATES = ("curr", "nurr", "rurr", "surr", "iwaurr", "imaurr")


def as_frame(result: QueryResult) -> pd.DataFrame:
    """A small result as a pandas frame, on either engine."""
    return pd.DataFrame.from_records(result.fetchall(), columns=[d[0] for d in result.description])


def latest_decomposition(conn: Warehouse, table_name: str, periods: int) -> pd.DataFrame:
    """The last `periods` rows of an active-users table, oldest first."""
    frame = as_frame(conn.execute(load_sql("charts/latest_periods", table=table_name),
                                  {"through": dt.date.max, "periods": periods}))
    return _as_numbers(frame, ("retention_rate", "quick_ratio")).round({"retention_rate": 3, "quick_ratio": 2})


def _as_numbers(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Rate columns as floats, so that a column of nulls prints as missing, not as None."""
    return frame.astype({column: "float64" for column in columns})


def retention_triangle(conn: Warehouse, table_name: str, cohorts: int) -> pd.DataFrame:
    """The latest cohorts' retention rate by age, one row per cohort, oldest first."""
    frame = as_frame(conn.execute(load_sql("charts/retention_triangle", table=table_name), {"cohorts": cohorts}))
    if frame.empty:
        return frame
    triangle = frame.pivot(index="cohort_start", columns="age", values="retention_rate").sort_index()
    triangle.columns = [f"age {age}" for age in triangle.columns]
    return triangle.round(3).reset_index()


def latest_engagement(conn: Warehouse, table_name: str, days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest days' active users and engagement states, and their retention rates."""
    frame = as_frame(conn.execute(load_sql("charts/latest_engagement", table=table_name), {"days": days}))
    states = _as_numbers(frame[["date", "dau", "wau", "mau", "dau_mau", *ENGAGEMENT_STATES]], ("dau_mau",))
    states = states.round({"dau_mau": 3})
    states.columns = [c.removesuffix("_users") for c in states.columns]
    return states, _as_numbers(frame[["date", *ENGAGEMENT_RATES]], ENGAGEMENT_RATES).round(3)


def run_query_file(config: ActivationConfig, path: Path, variables: dict[str, str], *,
                   from_warehouse: bool = False) -> pd.DataFrame:
    """An analyst's SQL file (DuckDB's dialect), run read-only on the serving copy (or,
    with `from_warehouse` or without a serving copy, the warehouse); it reads
    `variables` with getvariable('NAME')."""
    if not path.is_file():
        raise ValueError(f"{path}: no such SQL file")
    resource = engine_resource(config, read_only=True)
    if config.serving and not from_warehouse:
        copy = serving_path(config)
        if not copy.is_file():
            raise ValueError(f"no serving copy at {copy} yet: materialize first, or query the warehouse with "
                             "--warehouse")
        resource = DuckDBEngine(database=str(copy), read_only=True)
    with resource.open() as conn:
        return as_frame(conn.query_with_variables(path.read_text(), variables))


def render_report(config: ActivationConfig, periods: int = 5) -> str:
    """A readable text report; tables not yet materialized are named as such."""
    sections = []
    with engine_resource(config, read_only=True).open() as conn:
        existing = conn.existing_tables()
        for fact in config.facts:
            for grain in fact.grains:
                table = active_users_table(fact.name, grain)
                title = f"{fact.name} · {grain} — {table.qualified_name}"
                if table.qualified_name not in existing:
                    sections.append(f"{title}\n  (not materialized yet)")
                    continue
                frame = latest_decomposition(conn, table.qualified_name, periods)
                body = frame.to_string(index=False, na_rep="—") if len(frame) else "  (no periods yet)"
                sections.append(f"{title}\n{body}")
                retention = retention_table(fact.name, grain).qualified_name
                if fact.reports_on("retention") and retention in existing:
                    triangle = retention_triangle(conn, retention, periods)
                    body = triangle.to_string(index=False, na_rep="") if len(triangle) else "  (no cohorts yet)"
                    sections.append(f"{fact.name} · {grain} retention by cohort (share active at each age) — "
                                    f"{retention}\n{body}")
            engagement = engagement_daily_table(fact.name).qualified_name
            if fact.reports_on("engagement") and engagement in existing:
                states, rates = latest_engagement(conn, engagement, periods)
                windows = config.engagement
                sections.append(
                    f"{fact.name} engagement states (W = {windows.week_days} days, M = {windows.month_days}) — "
                    f"{engagement}\n{states.to_string(index=False, na_rep='—')}\n\n"
                    f"{fact.name} retention between states (share of the day before's state active that day)\n"
                    f"{rates.to_string(index=False, na_rep='—')}")
        for funnel in config.funnels:
            table_name = funnel_table(funnel.name, len(funnel.steps)).qualified_name
            steps = ", then ".join(f"{s.event_name} ≤ {s.window_days}d" for s in funnel.steps)
            title = f"funnel {funnel.name} ({steps}) — last mature cohorts of {table_name}"
            if table_name not in existing:
                sections.append(f"{title}\n  (not materialized yet)")
                continue
            frame = as_frame(conn.execute(
                f"select * from (select * from {table_name} where is_mature order by cohort_date desc limit $n) "
                "order by cohort_date",
                {"n": periods},
            )).drop(columns=["is_mature"])
            frame = frame.round({column: 3 for column in frame.columns if column.endswith("_rate")})
            body = frame.to_string(index=False, na_rep="—") if len(frame) else "  (no mature cohort yet)"
            sections.append(f"{title}\n{body}")
    return "\n\n".join(sections)
