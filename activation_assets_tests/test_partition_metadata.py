"""SPEC §6 "True metadata": after one range run, every partition's materialization in the
Dagster instance carries that partition's own row count, summary and preview, as a
single-partition run would."""

import base64
import datetime as dt
import re
import struct

import dagster as dg
import duckdb
import pytest

from .helpers import run_range, write_config, write_raw_log
from .random_log import random_raw_rows

START = dt.date(2025, 1, 1)
END = dt.date(2025, 3, 2)  # 61 days: two whole months and eight whole weeks


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("metadata")
    write_raw_log(tmp_path / "raw", random_raw_rows(21, start=START, days=(END - START).days + 1, users=60),
                  span=(START, END))
    config = write_config(tmp_path, start_date=START.isoformat(), funnels=[
        {"name": "first_purchase", "steps": [{"event": "add_to_cart", "window_days": 1},
                                             {"event": "purchase", "window_days": 7}]}])
    instance = dg.DagsterInstance.ephemeral()
    run_range(config, START, END, instance)
    return config, instance


def latest_by_partition(instance: dg.DagsterInstance, key: list[str]) -> dict[str, dict]:
    """Each partition's latest materialization metadata, read from the instance."""
    records = instance.fetch_materializations(dg.AssetKey(key), limit=10_000).records
    latest: dict[str, dict] = {}
    for record in records:  # newest first
        latest.setdefault(record.partition_key, record.asset_materialization.metadata)
    return latest


def warehouse_rows(config, sql: str) -> dict[str, tuple]:
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        return {row[0].isoformat(): row[1:] for row in conn.execute(sql).fetchall()}


def values(metadata: dict, names: tuple[str, ...]) -> tuple:
    return tuple(metadata[name].value for name in names)


@pytest.mark.parametrize(("key", "sql", "names"), [
    (["activation", "visit_active_users_daily"],
     "select period_start, 1, active_users, new_users, retained_users, reactivated_users, churned_users "
     "from activation.visit_active_users_daily",
     ("dagster/row_count", "active_users", "new_users", "retained_users", "reactivated_users", "churned_users")),
    (["activation", "visit_active_users_weekly"],
     "select period_start, 1, active_users, new_users, churned_users from activation.visit_active_users_weekly",
     ("dagster/row_count", "active_users", "new_users", "churned_users")),
    (["activation", "purchase_activation_status_monthly"],
     "select period_start, count(*), count(*) filter (where status = 'inactive') "
     "from activation.purchase_activation_status_monthly group by all",
     ("dagster/row_count", "inactive_users")),
    (["activation", "visit_first_last"],
     "select snapshot_date, count(*), count(*), count(*) filter (where first_date = snapshot_date) "
     "from activation.visit_first_last group by all",
     ("dagster/row_count", "known_users", "new_users")),
    (["activation", "visit_activation_daily"],
     "select period_start, count(*), count(*) filter (where state = 'retained') "
     "from activation.visit_activation_daily group by all",
     ("dagster/row_count", "retained_users")),
    (["base", "events"],
     "select event_date, count(*), count(distinct user_id) from base.events group by all",
     ("dagster/row_count", "distinct_users")),
    (["mart", "dim_users"],
     "with firsts as (select first_date, count(*) as n from mart.dim_users group by all) "
     "select e.event_date, count(distinct e.user_id), coalesce(any_value(f.n), 0) "
     "from base.events as e left join firsts as f on f.first_date = e.event_date group by e.event_date",
     ("dagster/row_count", "new_users")),
    (["mart", "fact_first_activation_events"],
     "select date, count(*), count(*) filter (where event_name = 'first_visit') "
     "from mart.fact_first_activation_events group by all",
     ("dagster/row_count", "new_users")),
])
def test_every_partition_of_a_range_run_shows_its_own_numbers(ran, key, sql, names):
    config, instance = ran
    recorded = latest_by_partition(instance, key)
    expected = warehouse_rows(config, sql)
    assert set(expected) <= set(recorded)
    assert len(recorded) >= 2
    nothing = (0,) * len(names)  # a partition without rows has none to count
    assert {p: values(m, names) for p, m in recorded.items()} == {p: expected.get(p, nothing) for p in recorded}
    assert len({values(m, names) for m in recorded.values()}) > 1, "every partition shows the same numbers"


def test_each_partition_previews_its_own_rows(ran):
    _, instance = ran
    for partition, metadata in latest_by_partition(instance, ["activation", "visit_first_last"]).items():
        text = metadata["preview"].value
        assert text.startswith(f"Partition {partition}:")
        rows = [line for line in text.splitlines() if line.startswith(f"| {partition} |")]
        assert len(rows) == min(5, metadata["known_users"].value)


def test_each_partition_reports_its_share_of_the_duckdb_cost(ran):
    _, instance = ran
    daily = latest_by_partition(instance, ["activation", "visit_first_last"])
    assert {m["duckdb_partitions_per_statement"].value for m in daily.values()} == {31, 30}  # chunks of 31 days
    assert all(m["duckdb_rows_scanned"].value > 0 for m in daily.values())
    weekly = latest_by_partition(instance, ["activation", "visit_activation_status_weekly"])
    assert {m["duckdb_partitions_per_statement"].value for m in weekly.values()} == {4}  # 8 weeks, 4 a chunk
    base = latest_by_partition(instance, ["base", "events"])
    assert {m["duckdb_partitions_per_statement"].value for m in base.values()} == {7, 5}  # 61 days: 8 × 7 + 5
    seconds = {m["duckdb_query_seconds"].value for m in base.values()}
    assert len(seconds) > 1, "days cleaned by one statement share its cost by their rows"


def test_the_funnel_report_shows_its_latest_mature_cohorts(ran):
    config, instance = ran
    (record,) = instance.fetch_materializations(dg.AssetKey(["mart", "funnel_first_purchase"]), limit=1).records
    metadata = record.asset_materialization.metadata
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        cohorts, users, step_1, step_2, latest = conn.execute(
            "select count(*), sum(cohort_users), sum(step_1_users), sum(step_2_users), max(cohort_date) from ("
            "select * from mart.funnel_first_purchase where is_mature order by cohort_date desc limit 7)").fetchone()
    assert metadata["latest_mature_cohort_date"].value == latest.isoformat()
    assert metadata["mature_cohorts_summarized"].value == cohorts == 7
    assert metadata["mature_cohort_users"].value == users
    assert metadata["step_1_rate"].value == pytest.approx(step_1 / users)
    assert metadata["step_2_rate"].value == pytest.approx(step_2 / users)
    assert f"| {latest} |" in metadata["preview"].value


def png_images(markdown: str) -> list[tuple[int, int]]:
    """The width and height of each inline PNG image of a markdown text, from its header."""
    sizes = []
    for encoded in re.findall(r"!\[[^\]]*\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown):
        png = base64.b64decode(encoded)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        sizes.append(struct.unpack(">II", png[16:24]))
    return sizes


@pytest.mark.parametrize(("grain", "last", "periods"), [
    ("daily", "2025-03-02", "28 days"), ("weekly", "2025-02-24", "8 weeks"), ("monthly", "2025-02-01", "2 months")])
def test_the_runs_latest_active_users_partition_shows_its_charts(ran, grain, last, periods):
    """One drawing per run: on the latest partition written, of the periods up to it."""
    _, instance = ran
    charted = {partition: m["chart"].value
               for partition, m in latest_by_partition(instance, ["activation", f"visit_active_users_{grain}"]).items()
               if "chart" in m}
    assert list(charted) == [last]
    assert charted[last].startswith(f"The {periods} up to {last}:")
    assert [width > 500 and height > 200 for width, height in png_images(charted[last])] == [True, True]


def test_the_funnel_report_shows_its_charts(ran):
    _, instance = ran
    (record,) = instance.fetch_materializations(dg.AssetKey(["mart", "funnel_first_purchase"]), limit=1).records
    sizes = png_images(record.asset_materialization.metadata["chart"].value)
    assert [width > 500 and height > 200 for width, height in sizes] == [True, True]
