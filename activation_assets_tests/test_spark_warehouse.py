"""Replacing partitions of a Spark (Parquet) warehouse keeps the DuckDB warehouse's
guarantees: an emptied partition ends empty, other partitions are untouched, the load
record is written last, and a write that fails leaves the previous contents or
partitions recorded as not loaded."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from activation_assets import spark_warehouse
from activation_assets.engines.spark import SparkWarehouse
from activation_assets.spark_warehouse import (
    missing_partitions,
    prepare_warehouse,
    replace_partitions,
)
from activation_assets.tables import Column, Table
from activation_assets.warehouse import Prerequisite, TableWrite

JAN = [dt.date(2025, 1, d) for d in (1, 2, 3)]

ROWS = """
select cast(day as date) as day, user_id, n
from (values ('2025-01-01', 'a', 1), ('2025-01-01', 'b', 2), ('2025-01-02', 'a', 3), ('2025-01-03', 'c', 4))
    as t(day, user_id, n)
where n >= $min_n
"""


@pytest.fixture
def table(spark) -> Table:
    prepare_warehouse(spark)
    return Table(schema="base", name=f"t_{uuid.uuid4().hex[:8]}", description="a test table",
                 partition_column="day",
                 columns=(Column("day", "date", ""), Column("user_id", "varchar", ""), Column("n", "bigint", "")))


def contents(spark, table: Table) -> list[tuple]:
    return [tuple(r) for r in spark.sql(f"select day, user_id, n from {table.qualified_name} order by n").collect()]


def loads(spark, table: Table) -> list[tuple]:
    return [tuple(r) for r in spark.sql(
        "select partition_start, row_count from meta.partition_loads where table_name = ? order by 1",
        args=[table.qualified_name]).collect()]


def test_partitions_are_replaced_and_recorded_with_their_own_row_counts(spark, table):
    rows = replace_partitions(spark, JAN, [TableWrite(table, ROWS, {"min_n": 0})])
    assert rows == {table.qualified_name: {JAN[0]: 2, JAN[1]: 1, JAN[2]: 1}}
    assert contents(spark, table) == [(JAN[0], "a", 1), (JAN[0], "b", 2), (JAN[1], "a", 3), (JAN[2], "c", 4)]
    assert loads(spark, table) == [(JAN[0], 2), (JAN[1], 1), (JAN[2], 1)]


def test_a_partition_whose_new_result_is_empty_ends_empty_and_others_are_kept(spark, table):
    replace_partitions(spark, JAN, [TableWrite(table, ROWS, {"min_n": 0})])
    replace_partitions(spark, JAN[:2], [TableWrite(table, ROWS, {"min_n": 3})])  # 2025-01-01 has none left
    assert contents(spark, table) == [(JAN[1], "a", 3), (JAN[2], "c", 4)]
    assert loads(spark, table) == [(JAN[0], 0), (JAN[1], 1), (JAN[2], 1)]
    assert missing_partitions(spark, Prerequisite(table.qualified_name, (JAN[0], dt.date(2025, 1, 4)))) == [
        dt.date(2025, 1, 4)]


def test_a_write_that_fails_while_computing_changes_nothing(spark, table):
    replace_partitions(spark, JAN, [TableWrite(table, ROWS, {"min_n": 0})])
    failing = "select day, user_id, cast(raise_error('boom') as bigint) as n from (" + ROWS + ")"
    with pytest.raises(Exception, match="boom"):
        replace_partitions(spark, JAN, [TableWrite(table, failing, {"min_n": 0})])
    assert contents(spark, table) == [(JAN[0], "a", 1), (JAN[0], "b", 2), (JAN[1], "a", 3), (JAN[2], "c", 4)]
    assert loads(spark, table) == [(JAN[0], 2), (JAN[1], 1), (JAN[2], 1)]
    assert not spark.sql("show tables in meta like 'staging_*'").collect()  # its staging table is gone


def test_a_write_cut_off_while_swapping_leaves_its_partitions_unrecorded(spark, table, monkeypatch):
    replace_partitions(spark, JAN, [TableWrite(table, ROWS, {"min_n": 0})])
    rewrite_records = spark_warehouse._write_load_records

    def cut_off_after_unrecording(spark_, table_name, records):
        if any(start in JAN[1:] for start, _, _ in records):
            raise KeyboardInterrupt("killed")
        rewrite_records(spark_, table_name, records)

    monkeypatch.setattr(spark_warehouse, "_write_load_records", cut_off_after_unrecording)
    with pytest.raises(KeyboardInterrupt):
        replace_partitions(spark, JAN[1:], [TableWrite(table, ROWS, {"min_n": 4})])
    assert loads(spark, table) == [(JAN[0], 2)]  # the chunk's partitions are no longer loaded
    assert missing_partitions(spark, Prerequisite(table.qualified_name, tuple(JAN))) == JAN[1:]


@pytest.fixture
def users_table() -> Table:
    return Table(schema="mart", name=f"u_{uuid.uuid4().hex[:8]}", description="an unpartitioned test table",
                 partition_column="", primary_key=("user_id",),
                 columns=(Column("user_id", "varchar", ""), Column("n", "bigint", "")))


def users(spark, table: Table) -> list[tuple]:
    return [tuple(r) for r in spark.sql(f"select user_id, n from {table.qualified_name} order by 1").collect()]


def test_an_upsert_cut_off_between_drop_and_rename_is_finished_by_the_next_one(spark, users_table, monkeypatch):
    prepare_warehouse(spark)
    warehouse = SparkWarehouse(spark, "parquet")
    warehouse.upsert(users_table, "select 'a' as user_id, 1 as n")
    run = SparkWarehouse._run

    def cut_off_before_renaming(self, sql):
        if " rename to " in sql:
            raise KeyboardInterrupt("killed")
        return run(self, sql)

    monkeypatch.setattr(SparkWarehouse, "_run", cut_off_before_renaming)
    with pytest.raises(KeyboardInterrupt):
        warehouse.upsert(users_table, "select 'b' as user_id, 2 as n")
    assert not spark.catalog.tableExists(users_table.qualified_name)  # dropped, its new rows beside it
    monkeypatch.setattr(SparkWarehouse, "_run", run)
    warehouse.upsert(users_table, "select 'c' as user_id, 3 as n", keep_existing=True)
    assert users(spark, users_table) == [("a", 1), ("b", 2), ("c", 3)]
    assert not [t for t in spark.catalog.listTables("mart") if t.name.startswith(f"staging_{users_table.name}")]
    warehouse.drop_temp_tables()


def test_step_tables_left_by_killed_steps_are_dropped_once_old(spark):
    prepare_warehouse(spark)
    old, recent = "meta.tmp_rows__20200101000000_abcdef", spark_warehouse.stamped("meta.tmp_rows")
    for name in (old, recent):
        spark.sql(f"create table {name} using parquet as select 1 as n")
    assert spark_warehouse.drop_leftovers(spark, dt.timedelta(days=1)) == [old]
    assert spark.catalog.tableExists(recent) and not spark.catalog.tableExists(old)
    spark.sql(f"drop table {recent}")
