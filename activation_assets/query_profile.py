"""What an asset's queries cost, from DuckDB's own profiler.

Every materialization and check reports the rows its statements scanned and the time
DuckDB spent on them, so a day's cost can be compared with another day's (it should not
grow with the length of history) without timing anything outside the database.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import dagster as dg
import duckdb


class Totals(NamedTuple):
    statements: int = 0
    rows_scanned: int = 0
    query_seconds: float = 0.0

    def plus(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(self, other)))

    def minus(self, other: Totals) -> Totals:
        return Totals(*(a - b for a, b in zip(self, other)))

    def as_metadata(self, engine: str = "duckdb") -> dict[str, dg.MetadataValue]:
        """Rows scanned, the engine's seconds and statements, as Dagster metadata."""
        return {
            f"{engine}_rows_scanned": dg.MetadataValue.int(self.rows_scanned),
            f"{engine}_query_seconds": dg.MetadataValue.float(round(self.query_seconds, 3)),
            f"{engine}_statements": dg.MetadataValue.int(self.statements),
        }


class ProfiledConnection:
    """A DuckDB connection that adds up the profile of each statement it runs.

    DuckDB keeps the profile of the last finished statement only, so a statement is
    counted when the next one starts (its result has been read by then) or when the
    totals are asked for. A profile is only complete once the whole result has been
    read, so `fetchone` reads the rest of the result too.
    """

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn
        self._pending = False
        self._totals = Totals()
        conn.execute("set enable_profiling = 'no_output'")

    def execute(self, sql: str, params: Any = None) -> ProfiledConnection:
        self._count_previous()
        self._conn.execute(sql, params)
        self._pending = True
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._conn.fetchone()
        self._conn.fetchall()
        return row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def totals(self) -> Totals:
        """Statements, rows scanned and DuckDB time so far."""
        self._count_previous()
        return self._totals

    def metadata(self) -> dict[str, dg.MetadataValue]:
        """The totals so far, as Dagster metadata."""
        return self.totals().as_metadata()

    def _count_previous(self) -> None:
        if not self._pending:
            return
        self._pending = False
        query = json.loads(self._conn.get_profiling_information(format="json")).get("query")
        if query:
            self._totals = Totals(
                self._totals.statements + 1,
                self._totals.rows_scanned + int(query.get("total_rows_scanned", 0)),
                self._totals.query_seconds + float(query.get("total_time", 0.0)),
            )
