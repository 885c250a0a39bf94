"""The Apache Spark engine: the same statements, translated, on a local or cluster session.

Statements are the project's DuckDB SQL translated by spark_sql; partitions are replaced
by spark_warehouse with the load record written last. Spark has no session-local tables
and no transactions, so a step's temp tables are tables of their own in `meta`, dropped
when the step ends, and `transaction()` promises nothing beyond the load record.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from activation_assets import raw_source, spark_warehouse
from activation_assets.config import SparkSettings
from activation_assets.engines import EngineResource, Warehouse
from activation_assets.query_profile import Totals
from activation_assets.spark_sql import to_spark
from activation_assets.sql import Macro, load_sql
from activation_assets.tables import Table
from activation_assets.warehouse import SCHEMAS, TableWrite

VARIANTS_DIR = Path(__file__).parent / "spark_variants"
_READ_OPTIONS = {".parquet": ("parquet", {}), ".csv": ("csv", {"header": "true"}),
                 ".jsonl": ("json", {}), ".json": ("json", {})}


class SparkUnavailable(dg.Failure):
    """Raised when no Spark session can be started (no Java runtime, a wrong master)."""


class SparkEngine(EngineResource):
    """The warehouse as tables of a Spark catalog, one database per layer schema."""

    master: str | None = "local[*]"
    remote: str | None = None
    catalog: str = "spark_catalog"
    warehouse_dir: str | None = None
    table_format: str = "parquet"
    settings: dict[str, str] = {}

    @classmethod
    def of(cls, settings: SparkSettings) -> SparkEngine:
        return cls(master=settings.master, remote=settings.remote, catalog=settings.catalog,
                   warehouse_dir=settings.warehouse_dir, table_format=settings.table_format,
                   settings=dict(settings.settings))

    @contextmanager
    def open(self) -> Iterator[SparkWarehouse]:
        spark = self.session()
        if self.catalog != "spark_catalog":
            spark.sql(f"use catalog {self.catalog}")
        spark_warehouse.prepare_warehouse(spark)
        _drop_leftovers_once(spark, self.catalog)
        warehouse = SparkWarehouse(spark, self.table_format)
        try:
            yield warehouse
        finally:
            warehouse.drop_temp_tables()

    def session(self) -> SparkSession:
        """The process's Spark session (started on first use: 8–15 s locally)."""
        builder = SparkSession.builder.appName("activation-assets")
        if self.remote:
            builder = builder.remote(self.remote)
        else:
            _require_java()
            builder = builder.master(self.master or "local[*]")
        builder = builder.config("spark.sql.session.timeZone", "UTC")
        if self.warehouse_dir:
            home = Path(self.warehouse_dir).resolve()
            builder = (builder.config("spark.sql.warehouse.dir", str(home))
                       .config("spark.sql.catalogImplementation", "hive")
                       .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                               f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true")
                       .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}"))
        for name, value in self.settings.items():
            builder = builder.config(name, value)
        try:
            return builder.getOrCreate()
        except Exception as exc:
            where = self.remote or self.master
            raise SparkUnavailable(description=f"Cannot start a Spark session on {where}: {exc}") from exc


# Older than any step could still be running: a day.
LEFTOVER_AGE = dt.timedelta(days=1)
_swept_catalogs: set[tuple[int, str]] = set()


def _drop_leftovers_once(spark: SparkSession, catalog: str) -> None:
    """Once per process and catalog, the step tables killed steps left behind."""
    if (id(spark), catalog) in _swept_catalogs:
        return
    _swept_catalogs.add((id(spark), catalog))
    dropped = spark_warehouse.drop_leftovers(spark, LEFTOVER_AGE)
    if dropped:
        dg.get_dagster_logger().info(f"dropped {len(dropped)} tables left by killed steps: {', '.join(dropped)}")


def _require_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").exists()):
        return
    raise SparkUnavailable(description=(
        "engine: spark needs a Java 17+ runtime for a local Spark session, and there is none on PATH or in "
        "JAVA_HOME. Install one (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install "
        "openjdk@17), or set spark.remote to a Spark Connect server, or use engine: duckdb."))


class SparkResult:
    """A statement's rows, collected to the driver (results read here are small)."""

    def __init__(self, frame: DataFrame) -> None:
        self.description = [(field.name,) for field in frame.schema.fields]
        self._rows = [tuple(row) for row in frame.collect()]

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows


class SparkWarehouse(Warehouse):
    """A step's statements on the Spark session."""

    engine = "spark"
    row_id = "raw_row"

    def __init__(self, spark: SparkSession, table_format: str) -> None:
        self.spark = spark
        self.table_format = table_format
        self.macros: tuple[Macro, ...] = ()
        self._temp_tables: list[str] = []
        self._totals = Totals()

    def _run(self, spark_sql: str) -> SparkResult:
        started = time.monotonic()
        result = SparkResult(self.spark.sql(spark_sql))
        self._totals = self._totals.plus(Totals(1, 0, time.monotonic() - started))
        return result

    def translate(self, sql: str, params: Any = None) -> str:
        return to_spark(sql, params, self.macros)

    def execute(self, sql: str, params: Any = None) -> SparkResult:
        return self._run(self.translate(sql, params))

    def query_with_variables(self, sql: str, variables: dict[str, str]) -> SparkResult:
        return self._run(to_spark(sql, variables=variables))

    def use_macros(self, macros: Collection[Macro]) -> None:
        self.macros = tuple(macros)

    def load_sql(self, name: str, **identifiers: str) -> str:
        variant = VARIANTS_DIR / f"{name}.sql"
        return variant.read_text().format(**identifiers) if variant.exists() else load_sql(name, **identifiers)

    def temp_table(self, name: str, select_sql: str, params: Any = None) -> None:
        stored = spark_warehouse.stamped(f"meta.tmp_{name}")
        self._run(f"create table {stored} using parquet as {self.translate(select_sql, params)}")
        self._temp_tables.append(stored)
        self._run(f"create or replace temporary view {name} as select * from {stored}")

    def temp_view(self, name: str, select_sql: str, params: Any = None) -> None:
        self._run(f"create or replace temporary view {name} as {self.translate(select_sql, params)}")

    def temp_dates(self, name: str, column: str, dates: Sequence[dt.date]) -> None:
        self.spark.createDataFrame([(d,) for d in dates], f"{column} date").createOrReplaceTempView(name)

    def drop_temp_tables(self) -> None:
        for stored in self._temp_tables:
            self.spark.sql(f"drop table if exists {stored}")
        self._temp_tables = []

    def create_table(self, table: Table) -> None:
        self._run(spark_warehouse.create_table_sql(table, self.table_format))

    def replace_partitions(
        self, partition_starts: list[dt.date], writes: list[TableWrite]
    ) -> dict[str, dict[dt.date, int]]:
        rows: dict[str, dict[dt.date, int]] = {}
        for write in (w for w in writes if w.as_view):
            rows[write.table.qualified_name] = self._define_view(partition_starts, write)
        tables = [w for w in writes if not w.as_view]
        if tables:
            started = time.monotonic()
            rows |= spark_warehouse.replace_partitions(self.spark, partition_starts, tables, self.macros,
                                                       self.table_format)
            self._totals = self._totals.plus(Totals(len(tables), 0, time.monotonic() - started))
        return rows

    def _define_view(self, partition_starts: list[dt.date], write: TableWrite) -> dict[dt.date, int]:
        table = write.table
        if table.qualified_name in self.existing_tables(views=False):
            self._run(f"drop table {table.qualified_name}")
        self._run(f"create or replace view {table.qualified_name} as {self.translate(write.select_sql)}")
        counts = dict(self.execute(
            f"select {table.partition_column}, count(*) from {table.qualified_name} "
            f"where list_contains($starts, {table.partition_column}) group by 1", {"starts": partition_starts},
        ).fetchall())
        rows = {start: counts.get(start, 0) for start in partition_starts}
        self.record_loads(table.qualified_name, rows)
        return rows

    def first_rows(self, table: Table, partition_starts: Sequence[dt.date], rows: int) -> SparkResult:
        """One job rather than one per partition (a union of limits is a job per branch, half
        a second each): Spark cuts each partition to its first rows before the shuffle
        (WindowGroupLimit), so only those rows move."""
        columns = ", ".join(c.name for c in table.columns)
        return self.execute(
            f"select {columns} from (select {columns}, row_number() over (partition by {table.partition_column} "
            f"order by {table.partition_column}) as preview_row from {table.qualified_name} "
            f"where list_contains($starts, {table.partition_column})) where preview_row <= {rows}",
            {"starts": list(partition_starts)})

    def replace_table(self, table: Table, select_sql: str, params: Any = None) -> None:
        spark_warehouse.finish_interrupted_swap(self.spark, table)
        self._swap_in(table, self.translate(select_sql, params))

    def upsert(self, table: Table, select_sql: str, params: Any = None, *, keep_existing: bool = False) -> None:
        spark_warehouse.finish_interrupted_swap(self.spark, table)
        self.create_table(table)
        columns = ", ".join(c.name for c in table.columns)
        key = ", ".join(table.primary_key)
        self.temp_table("upserted_rows", f"select {columns} from ({select_sql})", params)
        old, new = table.qualified_name, "upserted_rows"
        kept, added = (old, new) if keep_existing else (new, old)
        self._swap_in(table, f"select {columns} from {kept} union all "
                             f"select {columns} from {added} left anti join {kept} using ({key})")

    def _swap_in(self, table: Table, spark_select: str) -> None:
        """Replace the table by the select's rows: computed first into a table beside it,
        so a failing select changes nothing."""
        staged = spark_warehouse.stamped(f"{table.schema}.staging_{table.name}")
        self._run(f"create table {staged} using {self.table_format} as {spark_select}")
        self._run(f"drop table if exists {table.qualified_name}")
        self._run(f"alter table {staged} rename to {table.qualified_name}")

    def record_loads(self, table_name: str, rows: dict[dt.date, int]) -> None:
        spark_warehouse.record_loads(self.spark, table_name, rows)

    def loaded_partitions(self, table_name: str) -> list[dt.date]:
        return sorted(row.partition_start for row in self.spark.sql(
            f"select partition_start from {spark_warehouse.PARTITION_LOADS} where table_name = ?",
            args=[table_name]).collect())

    def existing_tables(self, *, views: bool = True) -> set[str]:
        return {f"{schema}.{t.name}" for schema in SCHEMAS for t in self.spark.catalog.listTables(schema)
                if not t.isTemporary and not spark_warehouse.is_step_table(t.name)
                and (views or t.tableType != "VIEW")}

    def missing_folders(self, root: str, utc_dates: list[dt.date]) -> list[str]:
        return [folder for folder in (raw_source.folder_of(root, d) for d in utc_dates) if not _exists(folder)]

    def stage_raw_events(self, root: str, utc_dates: list[dt.date]) -> dict[dt.date, list[str]]:
        frames, files = [], {}
        for utc_date in utc_dates:
            files[utc_date] = _list_files(raw_source.folder_of(root, utc_date))
            frames += [self._read_raw_file(path, utc_date) for path in files[utc_date]]
        if frames:
            raw = frames[0]
            for frame in frames[1:]:
                raw = raw.unionByName(frame)
        else:
            raw = self.spark.sql(
                "select cast(null as string) as source_file, cast(null as date) as folder_date, "
                + ", ".join(f"cast(null as string) as {c}" for c in raw_source.STAGED_COLUMNS)
                + ", cast(null as timestamp) as event_ts limit 0")
        raw.withColumn("raw_row", F.monotonically_increasing_id()).createOrReplaceTempView("raw_events")
        return files

    def _read_raw_file(self, path: str, utc_date: dt.date) -> DataFrame:
        """One raw file's rows as text, with its timestamp read as an instant: from the
        file's own type when it has one, else parsed from the text (null when it cannot be)."""
        reader_format, options = _READ_OPTIONS[raw_source.suffix(path)]
        try:
            frame = self.spark.read.format(reader_format).options(**options).load(path)
        except Exception as exc:
            raise raw_source.RawSourceError(f"{path}: cannot be read as {reader_format}: {exc}") from exc
        types = {field.name: field.dataType.typeName() for field in frame.schema.fields}
        missing = [c for c in raw_source.REQUIRED_COLUMNS if c not in types]
        if missing:
            raise raw_source.RawSourceError(
                f"{path}: missing required column {', '.join(repr(c) for c in missing)} "
                f"(found: {', '.join(sorted(types)) or 'none'})")
        texts = [F.col(c).cast("string").alias(c) if c in types else F.lit(None).cast("string").alias(c)
                 for c in raw_source.STAGED_COLUMNS]
        kind = types["event_timestamp"]
        event_ts = (F.col("event_timestamp").cast("timestamp") if kind in ("timestamp", "timestamp_ntz", "date")
                    else F.expr("try_cast(cast(event_timestamp as string) as timestamp)"))
        return frame.select(F.lit(path).alias("source_file"), F.lit(utc_date).alias("folder_date"), *texts,
                            event_ts.alias("event_ts"))

    def transaction(self):
        return nullcontext()

    def totals(self) -> Totals:
        return self._totals

    def cost_metadata(self, cost: Totals) -> dict[str, dg.MetadataValue]:
        return {name: value for name, value in cost.as_metadata(self.engine).items()
                if name != "spark_rows_scanned"}


def _exists(folder: str) -> bool:
    if "://" not in folder:
        return Path(folder).is_dir()
    return bool(_list_files(folder, every_file=True))


def _list_files(folder: str, *, every_file: bool = False) -> list[str]:
    """The event files in a folder (markers and other files ignored), sorted."""
    if "://" in folder:
        from pyspark import SparkContext

        jvm = SparkContext._active_spark_context._jvm
        path = jvm.org.apache.hadoop.fs.Path(folder)
        fs = path.getFileSystem(SparkContext._active_spark_context._jsc.hadoopConfiguration())
        names = [str(s.getPath()) for s in fs.listStatus(path)] if fs.exists(path) else []
    else:
        names = [str(p) for p in Path(folder).glob("*") if p.is_file()]
    return sorted(n for n in names if every_file or raw_source.suffix(n) in _READ_OPTIONS)
