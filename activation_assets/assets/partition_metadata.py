"""What each partition's materialization says: its own row count, summary, preview and
engine's cost, also when one run writes many partitions.

Dagster records one materialization per partition of a range run; whatever the asset
returns is copied onto each of them, so the numbers of one partition are attached to
that partition's event alone (`add_asset_metadata(..., partition_key=)`). The summaries
are one grouped query per batch of partitions written together, not one per partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import dagster as dg

from activation_assets.engines import Warehouse
from activation_assets.markdown import markdown_table
from activation_assets.query_profile import Totals
from activation_assets.sql import load_sql
from activation_assets.tables import Table

PREVIEW_ROWS = 5


def summary_sql(name: str, table: Table) -> str:
    """The summary query `sql/summaries/<name>.sql` for a table: one row per partition
    between $first_start and $last_start, its first column `partition_start`."""
    return load_sql(f"summaries/{name}", table=table.qualified_name)


def partition_summaries(
    conn: Warehouse, sql: str, partition_starts: list[dt.date]
) -> dict[dt.date, dict[str, dg.MetadataValue]]:
    """Each partition's summary numbers. A partition without rows in the result has no
    rows to count: each of its counts is 0."""
    result = conn.execute(sql, {"first_start": min(partition_starts), "last_start": max(partition_starts)})
    names = [d[0] for d in result.description][1:]
    found = {row[0]: row[1:] for row in result.fetchall()}
    return {
        start: {
            name: _number(value)
            for name, value in zip(names, found.get(start, (0,) * len(names)))
            if value is not None
        }
        for start in partition_starts
    }


def previews(conn: Warehouse, table: Table, partition_starts: list[dt.date]) -> dict[dt.date, dg.MetadataValue]:
    """The first rows of each partition, as a markdown table titled with the partition:
    one statement for the batch."""
    result = conn.first_rows(table, partition_starts, PREVIEW_ROWS)
    names = [d[0] for d in result.description]
    by_start: dict[dt.date, list[tuple]] = {start: [] for start in partition_starts}
    at = names.index(table.partition_column)
    for row in result.fetchall():
        by_start[row[at]].append(row)
    return {start: dg.MetadataValue.md(f"Partition {start}:\n\n{markdown_table(names, rows)}")
            for start, rows in by_start.items()}


def cost_shares(cost: Totals, rows_by_partition: Mapping[dt.date, int]) -> dict[dt.date, Totals]:
    """The cost of statements that wrote several partitions at once, shared among them
    in proportion to the rows each received (equally when none received any)."""
    total_rows = sum(rows_by_partition.values())
    shares = {}
    for start, rows in rows_by_partition.items():
        weight = rows / total_rows if total_rows else 1 / len(rows_by_partition)
        shares[start] = Totals(
            statements=cost.statements,
            rows_scanned=round(cost.rows_scanned * weight),
            query_seconds=cost.query_seconds * weight,
        )
    return shares


def cost_metadata(warehouse: Warehouse, share: Totals, partitions_sharing: int) -> dict[str, dg.MetadataValue]:
    """A partition's cost on the engine, and how many partitions its statements computed."""
    return {**warehouse.cost_metadata(share),
            f"{warehouse.engine}_partitions_per_statement": dg.MetadataValue.int(partitions_sharing)}


def _number(value: object) -> dg.MetadataValue:
    if isinstance(value, float):
        return dg.MetadataValue.float(value)
    return dg.MetadataValue.int(int(value))
