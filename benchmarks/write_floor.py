"""The writing floor: what storing the backfill's rows costs, with nothing computed.

Each partitioned table's latest chunk (as many consecutive partitions as a range run
writes in one statement, `backfill.chunk_days`) is copied into memory, then inserted in
one statement into an empty table of the same definition in a scratch database with the
graph's DuckDB settings and checkpointed (the fastest of a few tries). Its time per row,
times the rows the table holds after the backfill, estimates what writing that table
alone costs over the whole range: a cost no design that stores the same rows avoids on this machine, so
it says how much of a backfill time budget is left for reading, computing and checking.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import duckdb

from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.tables import CatalogueEntry, Table, partitioned_tables
from benchmarks.scratch import scratch_database


def stored_tables(config: ActivationConfig) -> list[CatalogueEntry]:
    """The tables the graph writes partition by partition (a fact is a view over
    base.events, and stores nothing of its own)."""
    return [entry for entry in partitioned_tables(config) if entry.kind != "fact"]


def write_floor(config: ActivationConfig, scratch: Path, through: dt.date, tries: int = 3) -> dict[str, Any]:
    """Per table and in total: seconds to write the rows of every partition that starts by
    `through`, estimated per row from writing the largest of them `tries` times into
    `scratch` (deleted afterwards)."""
    with scratch_database(scratch, config.warehouse_path, config.duckdb_settings) as conn:
        rows = [_table_floor(conn, entry.table, Grain.of(entry.grain, config).periods_per_chunk, through, tries)
                for entry in stored_tables(config)]
    rows = [row for row in rows if row is not None]
    total = sum(row["year_seconds"] for row in rows)
    return {"seconds": round(total, 1), "minutes": round(total / 60, 2), "tries": tries,
            "tables": sorted(rows, key=lambda row: -row["year_seconds"])}


def _table_floor(
    conn: duckdb.DuckDBPyConnection, table: Table, chunk_partitions: int, through: dt.date, tries: int
) -> dict[str, Any] | None:
    exists = conn.execute(
        "select count(*) from duckdb_tables() where database_name = 'source' and schema_name = ? and table_name = ?",
        [table.schema, table.name],
    ).fetchone()[0]
    if not exists:  # a table is created with its first partition
        return None
    source, column = f"source.{table.qualified_name}", table.partition_column
    chunk = conn.execute(
        f"select min({column}), max({column}), sum(rows), any_value(total_rows) from ("
        f"  select {column}, count(*) as rows, sum(count(*)) over () as total_rows from {source}"
        f"  where {column} <= ? group by all order by {column} desc limit ?)",
        [through, chunk_partitions],
    ).fetchone()
    if chunk[0] is None:
        return None
    first, last, chunk_rows, total_rows = chunk
    conn.execute(f"create or replace temp table chunk_copy as select * from {source} "
                 f"where {column} between ? and ?", [first, last])
    conn.execute(f"create schema if not exists {table.schema}")
    seconds = min(_write_once(conn, table) for _ in range(tries))
    conn.execute("drop table chunk_copy")
    return {
        "table": table.qualified_name,
        "chunk": f"{first} … {last}",
        "chunk_rows": int(chunk_rows),
        "chunk_seconds": round(seconds, 3),
        "rows": int(total_rows),
        "year_seconds": round(total_rows * seconds / chunk_rows, 1),
    }


def _write_once(conn: duckdb.DuckDBPyConnection, table: Table) -> float:
    """Seconds to insert the chunk's copy into a new, empty copy of the table, in one
    statement, and checkpoint it."""
    conn.execute(f"drop table if exists {table.qualified_name}")
    conn.execute(table.create_sql())
    conn.execute("checkpoint")
    began = time.perf_counter()
    conn.execute(f"insert into {table.qualified_name} by name select * from chunk_copy")
    conn.execute("checkpoint")
    return time.perf_counter() - began
