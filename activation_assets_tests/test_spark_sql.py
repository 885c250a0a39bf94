"""The project's DuckDB SQL run on Spark through spark_sql: each rewrite rule evaluated on
both engines (and shown to be needed), then the activation chain's own statements on
Spark against the independent recomputation from the whole history."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from activation_assets.engines.duckdb import install_macros
from activation_assets.grains import Grain
from activation_assets.spark_sql import RULES, UnsupportedSql, column_type, to_spark
from activation_assets.spark_warehouse import prepare_warehouse, replace_partitions
from activation_assets.sql import load_sql
from activation_assets.tables import (
    Table,
    activation_status_table,
    activation_table,
    active_users_table,
    fact_table,
    fact_tables,
    first_last_table,
)
from activation_assets.warehouse import TableWrite

from . import reference
from .helpers import plain, read_rows, run_range, write_config, write_raw_log
from .random_log import random_raw_rows


def on_duckdb(sql: str) -> list[tuple]:
    with duckdb.connect() as conn:
        return [tuple(plain(v) for v in row) for row in conn.execute(sql).fetchall()]


def on_spark(spark, sql: str, **kwargs) -> list[tuple]:
    return [tuple(plain(v) for v in row) for row in spark.sql(to_spark(sql, **kwargs)).collect()]


def without(name: str):
    assert name in {r.name for r in RULES}
    return tuple(r for r in RULES if r.name != name)


DAYS_OF_A_WEEK = "select d, dayofweek(d) from (values " + ", ".join(
    f"(date '2025-01-{day:02d}')" for day in range(5, 12)) + ") as t(d) order by d"


def test_dayofweek_is_zero_on_sunday_on_both_engines(spark):
    expected = on_duckdb(DAYS_OF_A_WEEK)
    assert expected[0] == ("2025-01-05", 0) and expected[-1] == ("2025-01-11", 6)  # a Sunday to a Saturday
    assert on_spark(spark, DAYS_OF_A_WEEK) == expected
    assert on_spark(spark, DAYS_OF_A_WEEK, rules=without("dayofweek_from_sunday_zero")) != expected


DATE_DIFFS = """
select date_diff('month', a, b), date_diff('year', a, b), date_diff('day', ta, tb)
from (values
    (date '2025-01-31', date '2025-02-01', timestamp '2025-01-01 23:00', timestamp '2025-01-02 01:00'),
    (date '2024-12-31', date '2025-01-01', timestamp '2025-01-01 00:00', timestamp '2025-01-03 23:59'),
    (date '2025-01-01', date '2025-03-31', timestamp '2025-03-09 01:30', timestamp '2025-03-09 03:30')
) as t(a, b, ta, tb)
order by a
"""


def test_date_diff_counts_unit_boundaries_on_both_engines(spark):
    expected = on_duckdb(DATE_DIFFS)
    assert expected == [(1, 1, 2), (2, 0, 0), (1, 0, 1)]
    assert on_spark(spark, DATE_DIFFS) == expected
    assert on_spark(spark, DATE_DIFFS, rules=without("date_diff_counts_boundaries")) != expected


def test_a_construct_without_a_rule_is_refused_by_name():
    with pytest.raises(UnsupportedSql, match=r"date_diff\('week'"):
        to_spark("select date_diff('week', a, b) from t")
    with pytest.raises(UnsupportedSql, match="no ASOF join .joining r AS a"):
        to_spark("select * from t asof left join r as a on a.k = t.k and a.d <= t.d")


DAYS_BETWEEN = ("select cast(unnest(generate_series(date '2025-01-30', date '2025-02-02', interval 1 day)) as date)"
                " as d order by d")


def test_a_cast_generator_becomes_a_generator_of_a_cast_array(spark):
    expected = on_duckdb(DAYS_BETWEEN)
    assert expected == [("2025-01-30",), ("2025-01-31",), ("2025-02-01",), ("2025-02-02",)]
    assert on_spark(spark, DAYS_BETWEEN) == expected
    with pytest.raises(Exception, match="(?i)generator"):
        on_spark(spark, DAYS_BETWEEN, rules=without("generator_outside_cast"))


def test_a_timestamp_is_a_wall_clock_time_whatever_the_session_time_zone(spark):
    """DuckDB's timestamp is a wall-clock time, and sqlglot writes it as Spark's
    TIMESTAMP_NTZ (no rule of ours): written in Seoul's session time zone and read in
    UTC's, it keeps its value, where Spark's own TIMESTAMP, an instant, moves."""
    shown = {}
    for label, column in (("ours", column_type("timestamp")), ("instant", "timestamp")):
        name = f"default.wall_clock_{label}"
        spark.sql(f"drop table if exists {name}")
        spark.sql(f"create table {name} (t {column}) using parquet")
        spark.conf.set("spark.sql.session.timeZone", "Asia/Seoul")
        try:
            spark.sql(f"insert into {name} " + to_spark("select cast('2025-03-09 02:30:00' as timestamp)"))
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
        shown[label] = spark.sql(f"select cast(t as string) from {name}").collect()[0][0]
    assert shown == {"ours": "2025-03-09 02:30:00", "instant": "2025-03-08 17:30:00"}
    assert column_type("varchar") == "STRING"


def test_parameters_are_bound_as_typed_literals_and_a_missing_one_is_named(spark):
    sql = "select $day + 1, list_contains($days, $day), not $flag, $label"
    params = {"day": dt.date(2025, 1, 31), "days": [dt.date(2025, 1, 30), dt.date(2025, 1, 31)], "flag": True,
              "label": "it's"}
    assert on_spark(spark, sql, params=params) == [("2025-02-01", True, False, "it's")]
    with pytest.raises(UnsupportedSql, match=r"\$flag has no value"):
        to_spark(sql, params={"day": dt.date(2025, 1, 1), "days": []})


@pytest.mark.parametrize("grain_name", ["weekly", "monthly"])
def test_the_grain_macros_inlined_on_spark_equal_them_on_duckdb(spark, grain_name):
    grain = Grain(grain_name, "UTC", dt.date(2025, 1, 1), 2, (1, 2, 4, 8))
    sql = ("select d, period_start(d), next_period_start(d), periods_between(date '2024-12-15', d), "
           "inactivity_bucket(cast(day(d) as integer) % 10) from (select cast(unnest(generate_series("
           "date '2025-01-01', date '2025-03-31', interval 1 day)) as date) as d) order by d")
    with duckdb.connect() as conn:
        install_macros(conn, grain.macros())
        expected = [tuple(plain(v) for v in row) for row in conn.execute(sql).fetchall()]
    assert len({row[1] for row in expected}) > 2  # several periods
    assert on_spark(spark, sql, macros=grain.macros()) == expected


START = dt.date(2025, 1, 1)
DAYS = 45


def test_the_activation_chain_on_spark_equals_the_recomputation_from_whole_history(tmp_path, spark):
    """FirstLast in chunks seeded from the chunk before, then per grain activation,
    status and active users: the statements the assets run, written to Spark tables by
    spark_warehouse as a range run writes them."""
    rows = random_raw_rows(5, start=START, days=DAYS)
    write_raw_log(tmp_path / "raw", rows)
    end = START + dt.timedelta(days=DAYS - 1)
    config = write_config(tmp_path, timezone="Asia/Seoul", facts=[
        {"name": "visit", "events": "all", "grains": ["daily", "weekly", "monthly"]}])
    run_range(config, START, end)
    facts = fact_table("visit")
    fact_rows = tmp_path / "fact_visit.parquet"
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        conn.execute(f"copy (select * from {facts.qualified_name}) to '{fact_rows}' (format parquet)")
    prepare_warehouse(spark)
    spark.sql(f"create or replace temp view fact_visit as select * from parquet.`{fact_rows}`")

    first_last = first_last_table("visit")
    sql = load_sql("activation/first_last", **fact_tables("visit") | {"facts": "fact_visit"})
    for first in (START, START + dt.timedelta(days=31)):
        last = min(end, first + dt.timedelta(days=30))
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        replace_partitions(spark, days, [TableWrite(first_last, sql, {"first_day": first, "last_day": last})])
    events = reference.local_events(rows, config.timezone)
    expected = reference.expected_first_last(events, event_names=None, start_date=START, end_date=end)
    assert spark_rows(spark, first_last, "snapshot_date, user_id") == [tuple(map(plain, r)) for r in expected]

    for grain_name in ("daily", "weekly", "monthly"):
        grain = Grain.of(grain_name, config)
        names = fact_tables("visit", grain_name) | {"facts": "fact_visit"}
        periods = loaded_periods(config, activation_table("visit", grain_name))
        period_end = grain.period_start(periods[-1] + dt.timedelta(days=grain.longest_period_days))
        steps = (
            (activation_table, "activation/activation", {
                "range_end": period_end, "first_snapshot": periods[0] - dt.timedelta(days=1),
                "last_snapshot": periods[-1] - dt.timedelta(days=1)}),
            (activation_status_table, "activation/activation_status", {
                "first_period": periods[0], "last_period": periods[-1],
                "seed_period": grain.period_start(periods[0] - dt.timedelta(days=1)), "is_first_partition": True}),
            (active_users_table, "activation/active_users", {"period_starts": periods}),
        )
        for table_of, sql_name, params in steps:
            replace_partitions(spark, periods, [TableWrite(table_of("visit", grain_name), load_sql(sql_name, **names),
                                                           params)], grain.macros())
        expected_tables = reference.expected_tables(
            events, event_names=None, grain=grain_name, week_start=config.week_start_day_offset,
            start_date=START, end_date=end, buckets=config.inactivity_buckets[grain_name])
        for kind, order, table_of in (("activation", "period_start, user_id", activation_table),
                                      ("activation_status", "period_start, user_id", activation_status_table),
                                      ("active_users", "period_start", active_users_table)):
            table = table_of("visit", grain_name)
            assert expected_tables[kind], (table.qualified_name, "the test log is too small")
            assert spark_rows(spark, table, order) == [
                tuple(map(plain, r)) for r in expected_tables[kind]], table.qualified_name
            assert spark_rows(spark, table, order) == read_rows(
                config, table.qualified_name, [c.name for c in table.columns], order), table.qualified_name


def spark_rows(spark, table: Table, order: str) -> list[tuple]:
    columns = ", ".join(c.name for c in table.columns)
    return [tuple(plain(v) for v in row)
            for row in spark.sql(f"select {columns} from {table.qualified_name} order by {order}").collect()]


def loaded_periods(config, table: Table) -> list[dt.date]:
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        return [r[0] for r in conn.execute(
            "select partition_start from meta.partition_loads where table_name = ? order by 1",
            [table.qualified_name]).fetchall()]

