"""The active-user decomposition of the latest periods, for every fact and grain, and
the conversion of the latest mature cohorts of every funnel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from activation_assets.config import ActivationConfig
from activation_assets.engines import QueryResult, Warehouse, engine_resource
from activation_assets.sql import load_sql
from activation_assets.tables import active_users_table, funnel_table


def as_frame(result: QueryResult) -> pd.DataFrame:
    """A small result as a pandas frame, on either engine."""
    return pd.DataFrame.from_records(result.fetchall(), columns=[d[0] for d in result.description])


def latest_decomposition(conn: Warehouse, table_name: str, periods: int) -> pd.DataFrame:
    """The last `periods` rows of an active-users table, oldest first."""
    frame = as_frame(conn.execute(load_sql("charts/latest_periods", table=table_name),
                                  {"through": dt.date.max, "periods": periods}))
    return frame.round({"retention_rate": 3, "quick_ratio": 2})


def run_query_file(config: ActivationConfig, path: Path, variables: dict[str, str]) -> pd.DataFrame:
    """An analyst's SQL file (DuckDB's dialect), run read-only; it reads `variables` with
    getvariable('NAME')."""
    if not path.is_file():
        raise ValueError(f"{path}: no such SQL file")
    with engine_resource(config, read_only=True).open() as conn:
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
