"""The engine boundary: what the assets, checks, runner and command line ask of a
warehouse, whichever engine holds it.

A `Warehouse` is one step's session on the engine. Statements are written once, in
DuckDB's dialect (the `.sql` files); the DuckDB engine runs them as they are, the Spark
engine translates them (see spark_sql). What cannot be one statement on both engines —
replacing partitions with their load record, upserting, staging the raw files, temp
tables — is a method here, implemented by each engine in its own module.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

import dagster as dg

from activation_assets.query_profile import Totals
from activation_assets.sql import Macro, load_sql
from activation_assets.tables import Table
from activation_assets.warehouse import Prerequisite, TableWrite

if TYPE_CHECKING:
    from activation_assets.config import ActivationConfig

class QueryResult(Protocol):
    """The rows of one statement, read the DB-API way."""

    description: Sequence[tuple[Any, ...]]

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Warehouse(ABC):
    """One step's session on the warehouse."""

    engine: str
    # How a row of a session table is identified: DuckDB's rowid, or a column the engine
    # gives its staged raw rows.
    row_id: str

    @abstractmethod
    def execute(self, sql: str, params: Any = None) -> QueryResult:
        """Run one statement of the project's dialect (DuckDB's) with its parameters."""

    @abstractmethod
    def query_with_variables(self, sql: str, variables: dict[str, str]) -> QueryResult:
        """Run an analyst's statement that reads `variables` with getvariable('NAME')."""

    @abstractmethod
    def use_macros(self, macros: Collection[Macro]) -> None:
        """Make the grain's period macros available to the following statements."""

    @abstractmethod
    def temp_table(self, name: str, select_sql: str, params: Any = None) -> None:
        """(Re)create a session-local table holding the select's rows, computed once."""

    @abstractmethod
    def temp_view(self, name: str, select_sql: str, params: Any = None) -> None:
        """(Re)define a session-local view: read where it is used, never copied."""

    @abstractmethod
    def temp_dates(self, name: str, column: str, dates: Sequence[dt.date]) -> None:
        """(Re)create a session-local relation of a few dates in one column (a check's
        partitions), held in the session rather than written as a table."""

    @abstractmethod
    def create_table(self, table: Table) -> None:
        """Create the catalogue's table unless it exists."""

    @abstractmethod
    def replace_partitions(
        self, partition_starts: list[dt.date], writes: list[TableWrite]
    ) -> dict[str, dict[dt.date, int]]:
        """Replace the given partitions of each write's table and record them as loaded,
        with the guarantees of SPEC §6; returns the rows written per table and partition."""

    @abstractmethod
    def replace_table(self, table: Table, select_sql: str, params: Any = None) -> None:
        """Replace an unpartitioned table's whole contents by the select's rows."""

    @abstractmethod
    def upsert(self, table: Table, select_sql: str, params: Any = None, *, keep_existing: bool = False) -> None:
        """Insert the select's rows into the table keyed by its primary key: a row whose
        key exists replaces it, or (keep_existing) is dropped."""

    @abstractmethod
    def record_loads(self, table_name: str, rows: dict[dt.date, int]) -> None:
        """Record the partitions as loaded with their row counts (now)."""

    @abstractmethod
    def loaded_partitions(self, table_name: str) -> list[dt.date]:
        """The table's partitions with a load record, in date order."""

    @abstractmethod
    def existing_tables(self) -> set[str]:
        """The qualified names of the tables and views in the layer's schemas."""

    @abstractmethod
    def missing_folders(self, root: str, utc_dates: list[dt.date]) -> list[str]:
        """The raw folders of the given UTC dates that do not exist."""

    @abstractmethod
    def stage_raw_events(self, root: str, utc_dates: list[dt.date]) -> dict[dt.date, list[str]]:
        """The session view `raw_events` over the raw files of the given UTC dates; returns
        the files read per date."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All of the block's statements or none, where the engine has transactions."""

    @abstractmethod
    def totals(self) -> Totals:
        """Statements run so far and what they cost."""

    def load_sql(self, name: str, **identifiers: str) -> str:
        """The statement `sql/<name>.sql`, or the engine's own version of it where one
        statement cannot serve both engines."""
        return load_sql(name, **identifiers)

    def first_rows(self, table: Table, partition_starts: Sequence[dt.date], rows: int) -> QueryResult:
        """Up to `rows` rows of each given partition (its preview), in one statement: each
        partition's part stops at its first rows."""
        columns = ", ".join(c.name for c in table.columns)
        parts = " union all ".join(
            f"(select {columns} from {table.qualified_name} where {table.partition_column} = $p{i} limit {rows})"
            for i in range(len(partition_starts)))
        return self.execute(parts, {f"p{i}": start for i, start in enumerate(partition_starts)})

    def missing_partitions(self, prerequisite: Prerequisite) -> list[dt.date]:
        """The prerequisite's partitions that have no load record."""
        loaded = set(self.loaded_partitions(prerequisite.table_name)) if prerequisite.partition_starts else set()
        return [d for d in prerequisite.partition_starts if d not in loaded]

    def cost_metadata(self, cost: Totals) -> dict[str, dg.MetadataValue]:
        """What the statements cost, as Dagster metadata named after the engine."""
        return cost.as_metadata(self.engine)


class EngineResource(dg.ConfigurableResource):
    """The Dagster resource `engine`: opens a step's session on the configured engine."""

    def open(self) -> AbstractContextManager[Warehouse]:
        raise NotImplementedError

    def claim(self, wait_seconds: float, progress: Callable[[str], None]) -> None:
        """Before a command's runs: take the warehouse for them, waiting up to `wait_seconds`
        while another process holds it, or raise WarehouseBusy saying who holds it. An
        engine without a single-writer lock has nothing to take."""


class WarehouseBusy(RuntimeError):
    """The warehouse is held by another process: raised before any run is created."""


def engine_resource(config: ActivationConfig, *, read_only: bool = False) -> EngineResource:
    """The resource of the configured engine (pyspark is imported only for Spark).
    Read-only, a DuckDB file is opened beside other readers, as a BI tool would."""
    if config.engine == "spark":
        from activation_assets.engines.spark import SparkEngine

        return SparkEngine.of(config.spark)
    from activation_assets.engines.duckdb import DuckDBEngine

    return DuckDBEngine(database=config.warehouse_path, connection_config=dict(config.duckdb_settings),
                        read_only=read_only, lock_wait_seconds=config.lock_wait_seconds,
                        schedule_lock_wait_seconds=config.schedule_lock_wait_seconds)


def step_pool(engine: str) -> str | None:
    """The Dagster pool a step of this engine runs in: DuckDB allows one writing process,
    so its steps run one at a time; Spark schedules its own work."""
    return "duckdb" if engine == "duckdb" else None

