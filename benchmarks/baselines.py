"""The two yardsticks of a daily run, measured in the benchmark's own process on the
warehouse the run just wrote: the naive design (the day's FirstLast and daily
activation recomputed from the whole history) and the floor (the day's events to
distinct users plus one scan of yesterday's snapshot)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from activation_assets.query_profile import ProfiledConnection
from activation_assets.tables import fact_tables

SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class Measured:
    seconds: float
    rows_scanned: int


def _sql(name: str, **identifiers: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text().format(**identifiers)


def _measure(conn: ProfiledConnection, statements: list[tuple[str, dict]]) -> Measured:
    before = conn.totals()
    began = time.perf_counter()
    for sql, params in statements:
        conn.execute(sql, params).fetchall()
    return Measured(time.perf_counter() - began, conn.totals().rows_scanned - before.rows_scanned)


def naive_recomputation(conn: ProfiledConnection, facts: list[str], day: dt.date) -> tuple[Measured, list[str]]:
    """Recompute each fact's FirstLast and daily activation of `day` from all history
    into temp tables; returns the cost and any disagreement with the stored partitions."""
    statements = []
    for fact in facts:
        for name in ("naive_first_last", "naive_activation_daily"):
            statements.append((f"create or replace temp table {name}_{fact} as {_sql(name, **fact_tables(fact))}",
                               {"day": day}))
    measured = _measure(conn, statements)
    disagreements = []
    for fact in facts:
        stored_tables = fact_tables(fact, "daily")
        for name, table, column in (("naive_first_last", stored_tables["first_last"], "snapshot_date"),
                                    ("naive_activation_daily", stored_tables["activation"], "period_start")):
            stored = f"select * exclude ({column}) from {table} where {column} = $day"
            naive = f"select * exclude ({column}) from {name}_{fact}"
            differing = conn.execute(
                f"select count(*) from (({stored} except all {naive}) union all ({naive} except all {stored}))",
                {"day": day}).fetchone()[0]
            if differing:
                disagreements.append(f"{table} {day}: {differing} rows differ from the naive recomputation")
    return measured, disagreements


def floor(conn: ProfiledConnection, facts: list[str], day: dt.date) -> Measured:
    """Distinct active users of the day, plus one scan of each fact's previous snapshot."""
    statements = [(_sql("floor_active_users"), {"day": day})]
    statements += [(_sql("floor_previous_snapshot", **fact_tables(fact)), {"day": day}) for fact in facts]
    return _measure(conn, statements)


def open_warehouse(path: str, settings: dict) -> ProfiledConnection:
    conn = duckdb.connect(path, read_only=True, config={k: str(v) for k, v in settings.items()})
    conn.execute("set TimeZone = 'UTC'")
    return ProfiledConnection(conn)
