"""Small query results as markdown tables for the UI's metadata panels."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from activation_assets.engines import Warehouse


def query_as_markdown(conn: Warehouse, sql: str, params: object = None) -> str:
    """Run a query and render its rows (dates as dates, nulls empty) as a markdown table."""
    result = conn.execute(sql, params)
    return markdown_table([d[0] for d in result.description], result.fetchall())


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    """Rows under their column names (dates as dates, nulls empty), as a markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
