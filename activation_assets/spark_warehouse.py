"""Writing a Spark warehouse of partitioned tables with the DuckDB warehouse's guarantees.

Parquet tables in Spark's catalog have no transaction, no DELETE and no MERGE, and a
dynamic partition overwrite leaves a partition whose new result is empty with its old
rows. So a chunk of partitions is replaced in steps whose order is the guarantee:

1. the new rows are computed into a staging table (a failure here changes nothing);
2. the chunk's partitions recorded as loaded are un-recorded in `meta.partition_loads`;
3. the chunk's partitions are dropped and the staged rows inserted;
4. the chunk's partitions are recorded as loaded, with their row counts, last.

A run killed in 2–4 leaves partitions that are not recorded as loaded, which every
reader refuses (the prerequisite check) and the next run recomputes. Delta and Iceberg
tables make 2–4 one atomic commit; on Parquet they are not atomic for readers that do
not consult the load record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence

from pyspark.sql import SparkSession

from activation_assets.spark_sql import column_type, sql_value, to_spark
from activation_assets.sql import Macro
from activation_assets.tables import Table
from activation_assets.warehouse import SCHEMAS, Prerequisite, TableWrite

PARTITION_LOADS = "meta.partition_loads"
_PARTITION_LOADS_DDL = (
    f"create table if not exists {PARTITION_LOADS} (partition_start date, row_count bigint, "
    "loaded_at timestamp, table_name string) using parquet partitioned by (table_name)"
)


def prepare_warehouse(spark: SparkSession) -> None:
    """The layer's databases and the load record."""
    for schema in SCHEMAS:
        spark.sql(f"create database if not exists {schema}")
    spark.sql(_PARTITION_LOADS_DDL)


def stamped(prefix: str) -> str:
    """A name for a table of one step's own (staged rows, temp tables), unique, and
    ordered by when it was made: `<prefix>__<UTC yyyymmddHHMMSS>_<random>`."""
    return f"{prefix}__{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:6]}"


def _stamp_of(name: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(name.rsplit("__", 1)[1][:14], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except (IndexError, ValueError):
        return None


def is_step_table(name: str) -> bool:
    """Whether a table is one step's own (see `stamped`), not one of the layer's."""
    return name.startswith(("tmp_", "staging_")) and _stamp_of(name) is not None


def drop_leftovers(spark: SparkSession, older_than: dt.timedelta) -> list[str]:
    """Drop the step tables in `meta` (staged partitions, temp tables) that steps killed
    before their end left behind, once older than any step still running could be."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    leftovers = [f"meta.{t.name}" for t in spark.catalog.listTables("meta")
                 if is_step_table(t.name) and _stamp_of(t.name) < cutoff]
    for name in leftovers:
        spark.sql(f"drop table if exists {name}")
    return leftovers


def finish_interrupted_swap(spark: SparkSession, table: Table) -> None:
    """A table is replaced by writing its new rows beside it, dropping it and renaming
    them into place. A swap killed after the drop left only the new rows (complete,
    since they were written before it): they are renamed into place. New rows beside a
    table that still exists are a swap killed before the drop: they are dropped."""
    prefix = f"staging_{table.name}__"
    staged = sorted(t.name for t in spark.catalog.listTables(table.schema) if t.name.startswith(prefix))
    if staged and not spark.catalog.tableExists(table.qualified_name):
        spark.sql(f"alter table {table.schema}.{staged.pop()} rename to {table.qualified_name}")
    for name in staged:
        spark.sql(f"drop table if exists {table.schema}.{name}")


def create_table_sql(table: Table, table_format: str = "parquet") -> str:
    """The catalogue's table as a Spark table, partitioned by its partition column if it has one."""
    columns = ", ".join(f"{c.name} {column_type(c.type)}" for c in table.columns)
    partitioned = f" partitioned by ({table.partition_column})" if table.partition_column else ""
    return f"create table if not exists {table.qualified_name} ({columns}) using {table_format}{partitioned}"


def replace_partitions(
    spark: SparkSession, partition_starts: Sequence[dt.date], writes: Sequence[TableWrite],
    macros: Collection[Macro] = (), table_format: str = "parquet",
) -> dict[str, dict[dt.date, int]]:
    """Replace the given partitions of each table by its write's rows, then record them
    as loaded; returns the rows written per table and partition."""
    if any(write.as_view for write in writes):
        raise ValueError("views are defined by the engine's define_view, not replaced as partitions")
    starts = sorted(partition_starts)
    staged = {}
    try:
        for write in writes:
            spark.sql(create_table_sql(write.table, table_format))
            staged[write.table.qualified_name] = _stage(spark, write, starts, macros)
        rows = {}
        for write in writes:
            table, staging = write.table, staged[write.table.qualified_name]
            records = _load_records(spark, table.qualified_name)
            kept = [record for record in records if record[0] not in starts]
            if len(kept) < len(records):
                _write_load_records(spark, table.qualified_name, kept)
            spark.sql(f"alter table {table.qualified_name} drop if exists " + ", ".join(
                f"partition ({table.partition_column} = '{start.isoformat()}')" for start in starts))
            columns = ", ".join(c.name for c in table.columns)
            spark.sql(f"insert into {table.qualified_name} ({columns}) select {columns} from {staging}")
            counts = dict(spark.sql(
                f"select {table.partition_column}, count(*) from {staging} group by 1").collect())
            rows[table.qualified_name] = {start: counts.get(start, 0) for start in starts}
            _write_load_records(spark, table.qualified_name, kept + _loaded_now(rows[table.qualified_name]))
        return rows
    finally:
        for staging in staged.values():
            spark.sql(f"drop table if exists {staging}")


def _stage(spark: SparkSession, write: TableWrite, starts: list[dt.date], macros: Collection[Macro]) -> str:
    """The write's rows of the given partitions, in a table of their own."""
    table = write.table
    staging = stamped(f"meta.staging_{table.schema}_{table.name}")
    select_sql = to_spark(write.select_sql, write.params, macros)
    in_partitions = f"array_contains({sql_value(starts).sql(dialect='spark')}, {table.partition_column})"
    spark.sql(f"create table {staging} using parquet as select * from ({select_sql}) where {in_partitions}")
    return staging


def record_loads(spark: SparkSession, table_name: str, counts: dict[dt.date, int]) -> None:
    """Record the table's partitions as loaded now, with their row counts."""
    starts = set(counts)
    kept = [record for record in _load_records(spark, table_name) if record[0] not in starts]
    _write_load_records(spark, table_name, kept + _loaded_now(counts))


_LoadRecord = tuple[dt.date, int, dt.datetime]


def _load_records(spark: SparkSession, table_name: str) -> list[_LoadRecord]:
    """The table's load records. A few rows per partition, collected to the driver so the
    record is not read while it is overwritten."""
    return [tuple(row) for row in spark.sql(
        f"select partition_start, row_count, loaded_at from {PARTITION_LOADS} where table_name = ?",
        args=[table_name]).collect()]


def _loaded_now(counts: dict[dt.date, int]) -> list[_LoadRecord]:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return [(start, rows, now) for start, rows in counts.items()]


def _write_load_records(spark: SparkSession, table_name: str, records: list[_LoadRecord]) -> None:
    """Rewrite the table's load records as the given ones."""
    frame = spark.createDataFrame(records, "partition_start date, row_count bigint, loaded_at timestamp")
    frame.createOrReplaceTempView("_partition_loads_rewrite")
    spark.sql(f"insert overwrite table {PARTITION_LOADS} partition (table_name = "
              f"{sql_value(table_name).sql(dialect='spark')}) "
              "select partition_start, row_count, loaded_at from _partition_loads_rewrite")


def missing_partitions(spark: SparkSession, prerequisite: Prerequisite) -> list[dt.date]:
    """The prerequisite's partitions that have no load record."""
    loaded = {row.partition_start for row in spark.sql(
        f"select partition_start from {PARTITION_LOADS} where table_name = ?",
        args=[prerequisite.table_name]).collect()}
    return [d for d in prerequisite.partition_starts if d not in loaded]
