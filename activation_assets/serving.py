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
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from activation_assets.config import ActivationConfig
from activation_assets.engines import Warehouse
from activation_assets.sql import load_sql
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
    """What a publication wrote: of the tables served, how many were written and their rows."""

    path: Path
    tables: int
    tables_copied: int
    rows_copied: int
    seconds: float


_PUBLISHED = "meta.serving_tables"
# The partitions of the tables copied whole, each with the load it holds.
_PUBLISHED_PARTITIONS = "meta.serving_loads"
_BOOKKEEPING = {_PUBLISHED, _PUBLISHED_PARTITIONS}


def publish(conn: Warehouse, path: Path, served: list[ServedTable]) -> Published:
    """Bring a copy of the serving file up to date and rename it over `path`.

    The new file starts as a file copy of the current one, so only what changed since the
    last publication is written: the partitions whose load record changed, of a table
    copied whole; a table copied for its latest partition, or not partitioned, when its
    load records changed; a report rebuilt whole (no load records), every time. A daily
    run's publication costs about its day's rows, not the tables'.
    """
    started = time.monotonic()
    staging = path.with_name(f".{path.name}.{os.getpid()}.new")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if path.is_file():
        shutil.copyfile(path, staging)
    existing = conn.existing_tables()
    present = [s for s in served if s.table.qualified_name in existing]
    versions = dict(conn.execute(load_sql("serving/load_versions")).fetchall())
    copied = rows = 0
    conn.execute(f"attach '{staging}' as serving_copy")
    try:
        for schema in sorted({s.table.schema for s in present} | {"meta"}):
            conn.execute(f"create schema if not exists serving_copy.{schema}")
        conn.execute(f"create table if not exists serving_copy.{_PUBLISHED} (table_name varchar primary key, "
                     "load_version varchar, published_at timestamptz)")
        conn.execute(f"create table if not exists serving_copy.{_PUBLISHED_PARTITIONS} (table_name varchar, "
                     "partition_start date, loaded_at timestamptz)")
        published = dict(conn.execute(f"select table_name, load_version from serving_copy.{_PUBLISHED}").fetchall())
        _drop_unserved(conn, {s.table.qualified_name for s in present})
        for s in present:
            written = _publish_table(conn, s, versions.get(s.table.qualified_name), published)
            if written is not None:
                rows += written
                copied += 1
        conn.execute("checkpoint serving_copy")
    finally:
        conn.execute("detach serving_copy")
    os.replace(staging, path)
    return Published(path, len(present), copied, rows, time.monotonic() - started)


def _drop_unserved(conn: Warehouse, served_names: set[str]) -> None:
    """Drop from the copy the tables no longer served (a report switched off)."""
    for name in _tables_in(conn, "serving_copy") - served_names - _BOOKKEEPING:
        conn.execute(f"drop table serving_copy.{name}")
        for bookkeeping in _BOOKKEEPING:
            conn.execute(f"delete from serving_copy.{bookkeeping} where table_name = $name", {"name": name})


def _publish_table(conn: Warehouse, served: ServedTable, version: str | None,
                   published: dict[str, str]) -> int | None:
    """Bring one table of the copy up to date; the rows written, None when it was."""
    name = served.table.qualified_name
    if served.table.partition_column and not served.latest_partition_only:
        written = _sync_partitions(conn, served.table)
    elif version is None or published.get(name) != version:
        conn.execute(f"create or replace table serving_copy.{name} as select * from {name}{_latest_only(conn, served)}")
        written = conn.execute(f"select count(*) from serving_copy.{name}").fetchone()[0]
    else:
        return None
    if written is not None:
        conn.execute(f"insert or replace into serving_copy.{_PUBLISHED} values ($name, $version, now())",
                     {"name": name, "version": version})
    return written


def _sync_partitions(conn: Warehouse, table: Table) -> int | None:
    """Rewrite in the copy the partitions of `table` whose load record changed, and drop
    those no longer loaded; the rows written, None when nothing changed."""
    name, column = table.qualified_name, table.partition_column
    conn.execute(f"create table if not exists serving_copy.{name} as select * from {name} limit 0")
    conn.temp_table("serving_changed", load_sql("serving/changed_partitions"), {"name": name})
    conn.temp_table("serving_gone", load_sql("serving/gone_partitions"), {"name": name})
    stale = "(select partition_start from serving_changed union all select partition_start from serving_gone)"
    if not conn.execute(f"select count(*) from {stale}").fetchone()[0]:
        return None
    conn.execute(f"delete from serving_copy.{name} where {column} in {stale}")
    conn.execute(f"insert into serving_copy.{name} select * from {name} "
                 f"where {column} in (select partition_start from serving_changed)")
    conn.execute(f"delete from serving_copy.{_PUBLISHED_PARTITIONS} where table_name = $name "
                 f"and partition_start in {stale}", {"name": name})
    conn.execute(f"insert into serving_copy.{_PUBLISHED_PARTITIONS} "
                 "select $name, partition_start, loaded_at from serving_changed", {"name": name})
    return conn.execute("select coalesce(sum(l.row_count), 0) from meta.partition_loads as l "
                        "semi join serving_changed as c using (partition_start) where l.table_name = $name",
                        {"name": name}).fetchone()[0]


def _latest_only(conn: Warehouse, served: ServedTable) -> str:
    """The filter to a table's latest loaded partition, as a literal date, so that DuckDB
    skips every row group of the other partitions."""
    if not served.latest_partition_only:
        return ""
    loaded = conn.loaded_partitions(served.table.qualified_name)
    return f" where {served.table.partition_column} = date '{loaded[-1]}'" if loaded else " where false"


def _tables_in(conn: Warehouse, catalog: str) -> set[str]:
    return {f"{schema}.{name}" for schema, name in conn.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = $catalog",
        {"catalog": catalog}).fetchall()}
