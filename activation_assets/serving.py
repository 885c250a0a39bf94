"""The serving copy: what analysts query, in a DuckDB file of its own.

DuckDB lets one process write a file or several read it, never both, so a BI tool
left open on the warehouse would block the daily run (and a run would block the tool).
After each run the tables analysts read are copied into a new file beside the
warehouse, which then replaces the serving copy by rename: a reader holding the old
copy open keeps reading it, unlocked and whole, and the next connection sees the new one.

The report tables and the mart are copied whole; the one-row-per-user status and
activation tables only for their latest loaded partition, which is what a dashboard of
"users now" reads.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from activation_assets.config import ActivationConfig
from activation_assets.engines import Warehouse
from activation_assets.tables import (
    Table,
    dim_users_table,
    funnel_table,
    partitioned_tables,
    unbounded_retention_tables,
)

# Kinds of partitioned table copied whole: a row per period, cohort cell or day, and the
# mart's first occurrences (a row per user and key event), which analysts' funnels read.
_WHOLE_KINDS = ("active_users", "transitions", "retention", "stickiness", "engagement", "first_activation_events")
# Kinds of one-row-per-user table copied for their latest partition only.
_PER_USER_KINDS = ("status", "activation")


@dataclass(frozen=True)
class ServedTable:
    """A table of the serving copy, and whether only its latest partition is copied."""

    table: Table
    latest_partition_only: bool = False


def serving_path(config: ActivationConfig) -> Path:
    """The serving copy: `serving.path`, else `<warehouse>.serving.duckdb` beside the warehouse."""
    if config.serving_path:
        return Path(config.serving_path)
    warehouse = Path(config.warehouse_path)
    return warehouse.with_name(f"{warehouse.stem}.serving.duckdb")


def served_tables(config: ActivationConfig) -> list[ServedTable]:
    """Every table the serving copy holds, from the catalogue."""
    entries = partitioned_tables(config)
    served = [ServedTable(e.table) for e in entries if e.kind in _WHOLE_KINDS]
    served += [ServedTable(t) for t in unbounded_retention_tables(config)]
    served += [ServedTable(dim_users_table())]
    served += [ServedTable(funnel_table(f.name, len(f.steps), by_segment=by_segment))
               for f in config.funnels for by_segment in (False, True)]
    if config.serve_latest_user_partitions:
        served += [ServedTable(e.table, latest_partition_only=True) for e in entries if e.kind in _PER_USER_KINDS]
    return served


@dataclass(frozen=True)
class Published:
    path: Path
    tables: int
    rows: int
    seconds: float


def publish(conn: Warehouse, path: Path, served: list[ServedTable]) -> Published:
    """Write the served tables that exist into a new file and rename it over `path`."""
    started = time.monotonic()
    staging = path.with_name(f".{path.name}.{os.getpid()}.new")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    existing = conn.existing_tables()
    present = [s for s in served if s.table.qualified_name in existing]
    rows = 0
    conn.execute(f"attach '{staging}' as serving_copy")
    try:
        for schema in sorted({s.table.schema for s in present}):
            conn.execute(f"create schema serving_copy.{schema}")
        for s in present:
            name = s.table.qualified_name
            where = ""
            if s.latest_partition_only:
                # A literal, so that DuckDB skips every row group of the other partitions.
                loaded = conn.loaded_partitions(name)
                where = f" where {s.table.partition_column} = date '{loaded[-1]}'" if loaded else " where false"
            conn.execute(f"create table serving_copy.{name} as select * from {name}{where}")
            rows += conn.execute(f"select count(*) from serving_copy.{name}").fetchone()[0]
        conn.execute("checkpoint serving_copy")
    finally:
        conn.execute("detach serving_copy")
    os.replace(staging, path)
    return Published(path, len(present), rows, time.monotonic() - started)
