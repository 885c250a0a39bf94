"""Writing to the embedded DuckDB warehouse: atomic partition replacement and the
record of which partitions are loaded.

`meta.partition_loads` is written in the same transaction as the partition itself, so
"is day D loaded?" is answered by the warehouse, not by run history, and an empty
partition (a day with no purchases) is told apart from a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from activation_assets.query_profile import ProfiledConnection
from activation_assets.tables import Table

SCHEMAS = ("base", "fact", "activation", "mart", "meta")

_PARTITION_LOADS_DDL = """
create table if not exists meta.partition_loads (
    table_name varchar not null,
    partition_start date not null,
    row_count bigint not null,
    loaded_at timestamptz not null,
    primary key (table_name, partition_start)
)
"""


@dataclass(frozen=True)
class TableWrite:
    """The rows of one table's partition, as a select and its parameters.

    With `as_view` the table is a view defined by the select (no parameters): nothing is
    copied, and its partitions are recorded as loaded with the rows the view shows.
    """

    table: Table
    select_sql: str
    params: dict[str, Any] = field(default_factory=dict)
    as_view: bool = False


@dataclass(frozen=True)
class Prerequisite:
    """Partitions of an upstream table that must be loaded before a partition is computed."""

    table_name: str
    partition_starts: tuple[dt.date, ...]


class MissingUpstreamPartitions(dg.Failure):
    """Raised instead of computing a partition from incomplete inputs."""


def prepare_connection(conn: duckdb.DuckDBPyConnection) -> None:
    """UTC session time zone, the layer schemas and the load record."""
    conn.execute("set TimeZone = 'UTC'")
    for schema in SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
    conn.execute(_PARTITION_LOADS_DDL)


@contextmanager
def warehouse_connection(resource: DuckDBResource) -> Iterator[ProfiledConnection]:
    """A prepared connection whose statements are profiled (see query_profile)."""
    with _connection(resource) as conn:
        prepare_connection(conn)
        yield ProfiledConnection(conn)


@dataclass
class _OpenDatabases:
    """The databases held open by `shared_database_in_process`, one per resource setting."""

    stack: ExitStack = field(default_factory=ExitStack)
    connections: dict[str, duckdb.DuckDBPyConnection] = field(default_factory=dict)

    def cursor(self, resource: DuckDBResource) -> duckdb.DuckDBPyConnection:
        key = repr((resource.database, sorted(resource.connection_config.items())))
        if key not in self.connections:
            self.connections[key] = self.stack.enter_context(resource.get_connection())
        return self.connections[key].cursor()


_open_databases: _OpenDatabases | None = None


@contextmanager
def shared_database_in_process() -> Iterator[None]:
    """Within this block, the steps executed in this process share one open database,
    each step on its own cursor (so its own temp tables and settings).

    Opening the one-year warehouse takes tens of milliseconds, and closing it after a
    write checkpoints its log (about 0.1 s): once per step, that was 3 s of a 30-step
    daily run. Only around runs executed in process, and only while they run: the
    database, and with it DuckDB's single-writer lock, is released when the block ends.
    """
    global _open_databases
    _open_databases = _OpenDatabases()
    try:
        yield
    finally:
        databases, _open_databases = _open_databases, None
        databases.stack.close()


@contextmanager
def _connection(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    if _open_databases is None:
        with resource.get_connection() as conn:
            yield conn
        return
    cursor = _open_databases.cursor(resource)
    try:
        yield cursor
    finally:
        cursor.close()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of the block's statements, or none of them."""
    conn.execute("begin transaction")
    try:
        yield
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def replace_partitions(
    conn: duckdb.DuckDBPyConnection, partition_starts: list[dt.date], writes: list[TableWrite]
) -> dict[str, dict[dt.date, int]]:
    """Delete and re-insert the given partitions of each table in a single transaction.

    Returns the rows written per table and partition. Either every partition is replaced
    and recorded as loaded (with its own row count), or nothing changes.
    """
    for write in writes:
        if write.as_view:
            _define_view(conn, write)
        else:
            conn.execute(write.table.create_sql())
    rows: dict[str, dict[dt.date, int]] = {}
    with transaction(conn):
        for write in writes:
            table = write.table
            in_partitions = f"list_contains($starts, {table.partition_column})"
            if not write.as_view:
                conn.execute(f"delete from {table.qualified_name} where {in_partitions}", {"starts": partition_starts})
                # Several partitions are inserted in partition order, so each row group
                # holds few partitions and a later read of one partition skips the rest.
                order = f" order by {table.partition_column}" if len(partition_starts) > 1 else ""
                conn.execute(f"insert into {table.qualified_name} by name "
                             f"select * from ({write.select_sql}){order}", write.params)
            counts = dict(conn.execute(
                f"select {table.partition_column}, count(*) from {table.qualified_name} "
                f"where {in_partitions} group by all",
                {"starts": partition_starts},
            ).fetchall())
            conn.execute(
                "insert or replace into meta.partition_loads "
                "select $table_name, unnest($starts), unnest($row_counts), now()",
                {"table_name": table.qualified_name, "starts": partition_starts,
                 "row_counts": [counts.get(start, 0) for start in partition_starts]},
            )
            rows[table.qualified_name] = {start: counts.get(start, 0) for start in partition_starts}
    return rows


def _define_view(conn: duckdb.DuckDBPyConnection, write: TableWrite) -> None:
    """(Re)define the view, replacing a table of that name left by an earlier version."""
    table = write.table
    is_table = conn.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [table.schema, table.name]
    ).fetchone()[0]
    if is_table:
        conn.execute(f"drop table {table.qualified_name}")
    conn.execute(f"create or replace view {table.qualified_name} as {write.select_sql}")


def merge_prerequisites(
    prerequisites: list[Prerequisite], *, computed_here: Collection[str] = (),
    partition_starts: Collection[dt.date] = (),
) -> list[Prerequisite]:
    """One prerequisite per table, so a batch of partitions is checked in one query a
    table. A self-dependent table's partitions that the batch itself computes (all but the
    seed before its first) are not prerequisites."""
    starts: dict[str, set[dt.date]] = {}
    for prerequisite in prerequisites:
        needed = set(prerequisite.partition_starts)
        if prerequisite.table_name in computed_here:
            needed -= set(partition_starts)
        starts.setdefault(prerequisite.table_name, set()).update(needed)
    return [Prerequisite(table_name, tuple(sorted(days))) for table_name, days in starts.items() if days]


def missing_partitions(
    conn: duckdb.DuckDBPyConnection, prerequisite: Prerequisite
) -> list[dt.date]:
    """The prerequisite's partitions that have no load record."""
    if not prerequisite.partition_starts:
        return []
    loaded = {
        row[0]
        for row in conn.execute(
            "select partition_start from meta.partition_loads "
            "where table_name = $table_name and list_contains($starts, partition_start)",
            {"table_name": prerequisite.table_name, "starts": list(prerequisite.partition_starts)},
        ).fetchall()
    }
    return [d for d in prerequisite.partition_starts if d not in loaded]


def require_loaded(
    conn: duckdb.DuckDBPyConnection, prerequisites: list[Prerequisite], *, computing: str
) -> None:
    """Fail, naming the missing partitions, unless every prerequisite is loaded."""
    problems = []
    for prerequisite in prerequisites:
        missing = missing_partitions(conn, prerequisite)
        if missing:
            shown = ", ".join(d.isoformat() for d in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            problems.append(f"{prerequisite.table_name} is missing {shown}{more}")
    if problems:
        raise MissingUpstreamPartitions(
            description=f"Refusing to compute {computing}: " + "; ".join(problems)
            + ". Materialize those partitions first.",
            metadata={"missing": "; ".join(problems)},
        )
