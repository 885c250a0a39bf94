"""The writing floor: what storing the backfill's rows costs, with nothing computed.

Each partitioned table's largest partition is copied into memory, then inserted into an
empty table of the same definition in a scratch database with the graph's DuckDB
settings and checkpointed (the fastest of a few tries). Its time per row, times the rows
the table holds after the backfill, estimates what writing that table alone costs over
the whole range: a cost no design that stores the same rows avoids on this machine, so
it says how much of a backfill time budget is left for reading, computing and checking.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import duckdb

from activation_assets.config import ActivationConfig
from activation_assets.sql import sql_literal
from activation_assets.tables import (
    Table,
    activation_status_table,
    activation_table,
    active_users_table,
    base_events,
    base_events_rejected,
    first_activation_events_table,
    first_last_table,
)


def partitioned_tables(config: ActivationConfig) -> list[Table]:
    """The tables the graph writes partition by partition, for this configuration (a fact
    is a view over base.events, and stores nothing of its own)."""
    tables = [base_events(), base_events_rejected()]
    for fact in config.facts:
        tables.append(first_last_table(fact.name))
        for grain in fact.grains:
            tables += [activation_table(fact.name, grain), activation_status_table(fact.name, grain),
                       active_users_table(fact.name, grain)]
    return tables + [first_activation_events_table()]


def write_floor(config: ActivationConfig, scratch: Path, through: dt.date, tries: int = 3) -> dict[str, Any]:
    """Per table and in total: seconds to write the rows of every partition that starts by
    `through`, estimated per row from writing the largest of them `tries` times into
    `scratch` (deleted afterwards)."""
    scratch.unlink(missing_ok=True)
    conn = duckdb.connect(str(scratch), config={k: str(v) for k, v in config.duckdb_settings.items()})
    try:
        conn.execute(f"attach {sql_literal(config.warehouse_path)} as source (read_only)")
        rows = [_table_floor(conn, table, through, tries) for table in partitioned_tables(config)]
    finally:
        conn.close()
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
    rows = [row for row in rows if row is not None]
    total = sum(row["year_seconds"] for row in rows)
    return {"seconds": round(total, 1), "minutes": round(total / 60, 2), "tries": tries,
            "tables": sorted(rows, key=lambda row: -row["year_seconds"])}


def _table_floor(
    conn: duckdb.DuckDBPyConnection, table: Table, through: dt.date, tries: int
) -> dict[str, Any] | None:
    exists = conn.execute(
        "select count(*) from duckdb_tables() where database_name = 'source' and schema_name = ? and table_name = ?",
        [table.schema, table.name],
    ).fetchone()[0]
    if not exists:  # a table is created with its first partition
        return None
    source = f"source.{table.qualified_name}"
    largest = conn.execute(
        f"select {table.partition_column}, count(*) as rows, sum(count(*)) over () as total_rows "
        f"from {source} where {table.partition_column} <= ? group by all order by rows desc limit 1",
        [through],
    ).fetchone()
    if largest is None:
        return None
    partition, partition_rows, total_rows = largest
    conn.execute(f"create or replace temp table partition_copy as select * from {source} "
                 f"where {table.partition_column} = ?", [partition])
    conn.execute(f"create schema if not exists {table.schema}")
    seconds = min(_write_once(conn, table) for _ in range(tries))
    conn.execute("drop table partition_copy")
    return {
        "table": table.qualified_name,
        "partition": str(partition),
        "partition_rows": partition_rows,
        "partition_seconds": round(seconds, 3),
        "rows": int(total_rows),
        "year_seconds": round(total_rows * seconds / partition_rows, 1),
    }


def _write_once(conn: duckdb.DuckDBPyConnection, table: Table) -> float:
    """Seconds to insert the partition copy into a new, empty copy of the table and checkpoint it."""
    conn.execute(f"drop table if exists {table.qualified_name}")
    conn.execute(table.create_sql())
    conn.execute("checkpoint")
    began = time.perf_counter()
    conn.execute(f"insert into {table.qualified_name} by name select * from partition_copy")
    conn.execute("checkpoint")
    return time.perf_counter() - began
