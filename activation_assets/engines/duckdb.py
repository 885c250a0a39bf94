"""The embedded DuckDB engine: one database file, transactions, the default.

`meta.partition_loads` is written in the same transaction as the partition itself, so
"is day D loaded?" is answered by the warehouse, not by run history, and an empty
partition (a day with no purchases) is told apart from a missing one.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from activation_assets import raw_source
from activation_assets.engines import EngineResource, Warehouse, WarehouseBusy
from activation_assets.query_profile import ProfiledConnection, Totals
from activation_assets.sql import Macro
from activation_assets.tables import Table
from activation_assets.warehouse import SCHEMAS, Prerequisite, TableWrite

_PARTITION_LOADS_DDL = """
create table if not exists meta.partition_loads (
    table_name varchar not null,
    partition_start date not null,
    row_count bigint not null,
    loaded_at timestamptz not null,
    primary key (table_name, partition_start)
)
"""


class DuckDBEngine(EngineResource):
    """The warehouse in one DuckDB file, with the given DuckDB settings on each connection."""

    database: str
    connection_config: dict[str, Any] = {}
    # For reading only (the report, analysts' queries): the file is opened beside other
    # readers, and nothing is created in it.
    read_only: bool = False
    # How long a run waits for another process to let go of the file: a scheduled run,
    # and any other.
    lock_wait_seconds: int = 0
    schedule_lock_wait_seconds: int = 0

    @contextmanager
    def open(self) -> Iterator[DuckDBWarehouse]:
        if self.read_only:
            try:
                opened = duckdb.connect(self.database, read_only=True)
            except duckdb.IOException as exc:
                holder = _lock_holder(str(exc))
                if holder is None:
                    raise
                raise _busy(self.database, holder) from None
            with opened as conn:
                conn.execute("set TimeZone = 'UTC'")
                yield DuckDBWarehouse(ProfiledConnection(conn))
            return
        resource = DuckDBResource(database=self.database, connection_config=self.connection_config)
        with _connection(resource) as conn:
            prepare_connection(conn)
            yield DuckDBWarehouse(ProfiledConnection(conn))

    def claim(self, wait_seconds: float, progress: Callable[[str], None]) -> None:
        """Open the file for the runs of this process (`shared_database_in_process`), so
        that DuckDB's single-writer lock is taken before any run is created and held
        until they end."""
        if _open_databases is None or self.read_only:
            return
        resource = DuckDBResource(database=self.database, connection_config=self.connection_config)
        _open_databases.adopt(resource, self._connect_when_free(wait_seconds, progress))

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Before a run's first step (a run of the UI or of a schedule; a command's runs
        have claimed the file already): make sure the file is free, waiting as configured
        (a scheduled run `schedule_lock_wait_seconds`, others `lock_wait_seconds`), else
        fail the run saying who holds it."""
        if _open_databases is not None or self.read_only:
            return
        run = context.dagster_run
        scheduled = run is not None and "dagster/schedule_name" in run.tags
        wait = self.schedule_lock_wait_seconds if scheduled else self.lock_wait_seconds
        self._connect_when_free(wait, context.log.info if context.log else print).close()

    def _connect_when_free(self, wait_seconds: float, progress: Callable[[str], None]) -> duckdb.DuckDBPyConnection:
        """A writing connection, waiting up to `wait_seconds` while another process holds
        the file (with a progress line every few seconds), else WarehouseBusy. Opened
        directly, not through DuckDBResource, whose connect retries a held file silently
        for about a hundred seconds."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return duckdb.connect(self.database, config={"custom_user_agent": "dagster", **self.connection_config})
            except duckdb.IOException as exc:
                holder = _lock_holder(str(exc))
                if holder is None:
                    raise
                if time.monotonic() >= deadline:
                    raise _busy(self.database, holder) from None
                progress(f"the warehouse {self.database} is held by {holder}; waiting "
                         f"{deadline - time.monotonic():.0f} s more for it")
                time.sleep(min(_LOCK_POLL_SECONDS, max(deadline - time.monotonic(), 0)))


_LOCK_POLL_SECONDS = 5
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def _busy(database: str, holder: str) -> WarehouseBusy:
    return WarehouseBusy(
        f"the warehouse {database} is held by another process ({holder}): a run, the UI's runs or a client "
        "such as a BI tool or notebook. Wait for its run to end or close that client, then run again; nothing "
        "was started.")


def _lock_holder(message: str) -> str | None:
    """`PID n, program` from DuckDB's lock-conflict message, or None for another error."""
    found = _LOCK_HOLDER.search(message)
    return f"PID {found['pid']}, {found['program']}" if found else None


def prepare_connection(conn: duckdb.DuckDBPyConnection) -> None:
    """UTC session time zone, the layer schemas and the load record."""
    conn.execute("set TimeZone = 'UTC'")
    for schema in SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
    conn.execute(_PARTITION_LOADS_DDL)


class DuckDBWarehouse(Warehouse):
    """A step's profiled connection to the DuckDB file."""

    engine = "duckdb"
    row_id = "rowid"

    def __init__(self, conn: ProfiledConnection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Any = None) -> ProfiledConnection:
        return self.conn.execute(sql, params)

    def query_with_variables(self, sql: str, variables: dict[str, str]) -> ProfiledConnection:
        for name, value in variables.items():
            self.conn.execute(f"set variable {name} = $value", {"value": value})
        return self.conn.execute(sql)

    def use_macros(self, macros: Collection[Macro]) -> None:
        install_macros(self.conn, macros)

    def temp_table(self, name: str, select_sql: str, params: Any = None) -> None:
        self.conn.execute(f"create or replace temp table {name} as {select_sql}", params)

    def temp_view(self, name: str, select_sql: str, params: Any = None) -> None:
        self.conn.execute(f"create or replace temp view {name} as {select_sql}", params)

    def temp_dates(self, name: str, column: str, dates: Sequence[dt.date]) -> None:
        self.temp_table(name, f"select unnest(cast($dates as date[])) as {column}", {"dates": list(dates)})

    def create_table(self, table: Table) -> None:
        self.conn.execute(table.create_sql())

    def replace_partitions(
        self, partition_starts: list[dt.date], writes: list[TableWrite]
    ) -> dict[str, dict[dt.date, int]]:
        return replace_partitions(self.conn, partition_starts, writes)

    def replace_table(self, table: Table, select_sql: str, params: Any = None) -> None:
        self.conn.execute(f"create or replace table {table.qualified_name} as {select_sql}", params)

    def upsert(self, table: Table, select_sql: str, params: Any = None, *, keep_existing: bool = False) -> None:
        self.create_table(table)
        columns = ", ".join(c.name for c in table.columns)
        self.conn.execute(f"insert or {'ignore' if keep_existing else 'replace'} into {table.qualified_name} "
                          f"select {columns} from ({select_sql})", params)

    def record_loads(self, table_name: str, rows: dict[dt.date, int]) -> None:
        _record_loads(self.conn, table_name, rows)

    def loaded_partitions(self, table_name: str) -> list[dt.date]:
        if "meta.partition_loads" not in self.existing_tables():
            return []
        return [start for (start,) in self.conn.execute(
            "select partition_start from meta.partition_loads where table_name = ? order by partition_start",
            [table_name]).fetchall()]

    def missing_partitions(self, prerequisite: Prerequisite) -> list[dt.date]:
        if not prerequisite.partition_starts:
            return []
        loaded = {row[0] for row in self.conn.execute(
            "select partition_start from meta.partition_loads "
            "where table_name = $table_name and list_contains($starts, partition_start)",
            {"table_name": prerequisite.table_name, "starts": list(prerequisite.partition_starts)},
        ).fetchall()}
        return [d for d in prerequisite.partition_starts if d not in loaded]

    def existing_tables(self) -> set[str]:
        return {f"{schema}.{name}" for schema, name in self.conn.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary and list_contains($schemas, "
            "schema_name) union all select schema_name, view_name from duckdb_views() "
            "where not temporary and list_contains($schemas, schema_name)", {"schemas": list(SCHEMAS)}).fetchall()}

    def missing_folders(self, root: str, utc_dates: list[dt.date]) -> list[str]:
        return raw_source.missing_folders(self.conn, root, utc_dates)

    def stage_raw_events(self, root: str, utc_dates: list[dt.date]) -> dict[dt.date, list[str]]:
        return raw_source.stage_raw_events(self.conn, root, utc_dates)

    def transaction(self):
        return transaction(self.conn)

    def totals(self) -> Totals:
        return self.conn.totals()


def install_macros(conn: duckdb.DuckDBPyConnection, macros: Collection[Macro]) -> None:
    """Define the macros (a grain's period arithmetic) on the connection."""
    for macro in macros:
        conn.execute(macro.create_sql())


@dataclass
class _OpenDatabases:
    """The databases held open by `shared_database_in_process`, one per resource setting."""

    stack: ExitStack = field(default_factory=ExitStack)
    connections: dict[str, duckdb.DuckDBPyConnection] = field(default_factory=dict)

    def cursor(self, resource: DuckDBResource) -> duckdb.DuckDBPyConnection:
        key = self._key(resource)
        if key not in self.connections:
            self.connections[key] = self.stack.enter_context(resource.get_connection())
        return self.connections[key].cursor()

    def adopt(self, resource: DuckDBResource, conn: duckdb.DuckDBPyConnection) -> None:
        """Hold a connection opened elsewhere as the resource's database."""
        self.stack.callback(conn.close)
        self.connections[self._key(resource)] = conn

    @staticmethod
    def _key(resource: DuckDBResource) -> str:
        return repr((resource.database, sorted(resource.connection_config.items())))


_open_databases: _OpenDatabases | None = None


@contextmanager
def shared_database_in_process() -> Iterator[_OpenDatabases]:
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
        yield _open_databases
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
            rows[table.qualified_name] = {start: counts.get(start, 0) for start in partition_starts}
            _record_loads(conn, table.qualified_name, rows[table.qualified_name])
    return rows


def _record_loads(conn: duckdb.DuckDBPyConnection, table_name: str, rows: dict[dt.date, int]) -> None:
    conn.execute(
        "insert or replace into meta.partition_loads "
        "select $table_name, unnest($starts), unnest($row_counts), now()",
        {"table_name": table_name, "starts": list(rows), "row_counts": list(rows.values())},
    )


def _define_view(conn: duckdb.DuckDBPyConnection, write: TableWrite) -> None:
    """(Re)define the view, replacing a table of that name left by an earlier version."""
    table = write.table
    is_table = conn.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [table.schema, table.name]
    ).fetchone()[0]
    if is_table:
        conn.execute(f"drop table {table.qualified_name}")
    conn.execute(f"create or replace view {table.qualified_name} as {write.select_sql}")
