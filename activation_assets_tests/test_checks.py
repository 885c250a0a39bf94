"""Asset checks: all pass on good data, and each fails on a deliberately broken table,
saying how many rows are wrong and showing some."""

import datetime as dt
import shutil

import dagster as dg
import duckdb
import pytest
from activation_assets.engines.duckdb import DuckDBEngine

from activation_assets.checks import build_all_checks
from activation_assets.config import ConfigError
from activation_assets.definitions import build_definitions
from activation_assets.runner import execute_runs, plan_runs

from .helpers import write_config, write_raw_log
from .random_log import random_raw_rows

START = dt.date(2024, 2, 20)
END = dt.date(2024, 3, 31)

# (table, check, statement that breaks the rule)
CORRUPTIONS = [
    ("base.events", "unique_event_date_event", "insert into base.events select * from base.events limit 1"),
    ("base.events", "not_null_keys", "update base.events set user_id = null where event_id = (select min(event_id) from base.events)"),
    ("base.events", "rows_read_equal_kept_plus_rejected", "delete from base.events where event_id = (select min(event_id) from base.events)"),
    ("base.events_rejected", "not_null_keys", "update base.events_rejected set reject_reason = null"),
    # fact.visit is a view of base.events: its uniqueness is base's, once its rows are base's rows.
    ("fact.visit", "fact_rows_are_base_events_that_count", "create or replace view fact.visit as select user_id, event_date, event_datetime, event_name, event_id from base.events union all (select user_id, event_date, event_datetime, event_name, event_id from base.events limit 1)"),
    ("fact.purchase", "fact_rows_are_base_events_that_count", "create or replace view fact.purchase as select user_id, event_date, event_datetime, event_name, event_id from base.events where event_name in ('purchase', 'add_to_cart')"),
    ("activation.visit_first_last", "first_last_dates_are_ordered", "update activation.visit_first_last set first_date = last_date + 1 where snapshot_date = '2024-03-01'"),
    ("activation.visit_first_last", "first_last_keeps_every_user_once", "delete from activation.visit_first_last where snapshot_date = '2024-03-05' and last_date < snapshot_date"),
    ("activation.visit_first_last", "first_last_active_users_have_last_date_today", "update activation.visit_first_last set last_date = last_date - 1 where snapshot_date = last_date and snapshot_date = '2024-03-02'"),
    ("activation.visit_first_last", "first_last_new_users_are_first_seen_today", "update activation.visit_first_last set first_date = snapshot_date where snapshot_date = '2024-03-10' and first_date < snapshot_date"),
    # A repeated user: the snapshot's uniqueness is proven by first_last_keeps_every_user_once.
    ("activation.visit_first_last", "first_last_keeps_every_user_once", "insert into activation.visit_first_last select * from activation.visit_first_last limit 1"),
    # A user repeated in place of another known one: the row count is right, only the hashes tell.
    ("activation.visit_first_last", "first_last_keeps_every_user_once", "update activation.visit_first_last set user_id = (select max(user_id) from activation.visit_first_last where snapshot_date = '2024-03-06' and first_date < snapshot_date) where snapshot_date = '2024-03-06' and user_id = (select min(user_id) from activation.visit_first_last where snapshot_date = '2024-03-06' and first_date < snapshot_date)"),
    ("activation.visit_activation_weekly", "states_sum_to_active_users", "delete from activation.visit_activation_weekly where user_id = (select min(user_id) from activation.visit_activation_weekly)"),
    ("activation.visit_activation_weekly", "not_null_keys", "update activation.visit_activation_weekly set state = null where user_id = (select min(user_id) from activation.visit_activation_weekly)"),
    ("activation.visit_activation_status_monthly", "every_known_user_once", "delete from activation.visit_activation_status_monthly where status = 'inactive'"),
    # Same number of rows, one user replaced by an unknown one: only the id hashes tell.
    ("activation.visit_activation_status_daily", "every_known_user_once", "update activation.visit_activation_status_daily set user_id = 'not-a-known-user' where period_start = '2024-03-03' and user_id = (select min(user_id) from activation.visit_activation_status_daily where period_start = '2024-03-03')"),
    ("activation.visit_first_last", "first_last_active_users_have_last_date_today", "update activation.visit_first_last set user_id = 'not-an-active-user' where snapshot_date = '2024-03-02' and user_id = (select min(user_id) from activation.visit_first_last where snapshot_date = '2024-03-02' and last_date = snapshot_date)"),
    ("activation.visit_first_last", "first_last_new_users_are_first_seen_today", "update activation.visit_first_last set user_id = 'not-a-new-user' where snapshot_date = '2024-02-20' and user_id = (select min(user_id) from activation.visit_first_last where snapshot_date = '2024-02-20' and first_date = snapshot_date)"),
    ("activation.visit_activation_status_daily", "previous_active_equal_retained_plus_churned", "update activation.visit_activation_status_daily set status = 'reactivated' where status = 'retained' and period_start = '2024-03-03'"),
    # A repeated user: the status tables' uniqueness is proven by every_known_user_once.
    ("activation.visit_activation_status_daily", "every_known_user_once", "insert into activation.visit_activation_status_daily select * from activation.visit_activation_status_daily limit 1"),
    # A user repeated in place of another: the row count is right, only the hashes tell.
    ("activation.purchase_activation_status_weekly", "every_known_user_once", "update activation.purchase_activation_status_weekly set user_id = (select max(user_id) from activation.purchase_activation_status_weekly where period_start = '2024-03-04') where period_start = '2024-03-04' and user_id = (select min(user_id) from activation.purchase_activation_status_weekly where period_start = '2024-03-04')"),
    ("fact.visit", "not_null_keys", "update base.events set event_datetime = null where event_id = (select min(event_id) from base.events)"),
    ("activation.visit_first_last", "not_null_keys", "update activation.visit_first_last set last_datetime = null where snapshot_date = '2024-03-03'"),
    ("activation.visit_activation_weekly", "unique_period_start_user", "insert into activation.visit_activation_weekly select * from activation.visit_activation_weekly limit 1"),
    ("activation.visit_activation_status_daily", "not_null_keys", "update activation.visit_activation_status_daily set transition = null where period_start = '2024-03-03'"),
    ("activation.purchase_active_users_weekly", "not_null_keys", "update activation.purchase_active_users_weekly set churned_users = null"),
    ("mart.fact_first_activation_events", "first_events_follow_first_visit", "update mart.fact_first_activation_events set days_from_first_visit = 0 where event_name = 'first_visit' and user_id = (select min(user_id) from mart.fact_first_activation_events)"),
    ("mart.fact_first_activation_events", "unique_user_event_name", "insert into mart.fact_first_activation_events select * from mart.fact_first_activation_events limit 1"),
    ("activation.purchase_active_users_weekly", "counts_match_status", "update activation.purchase_active_users_weekly set new_users = new_users + 1"),
    ("activation.purchase_active_users_weekly", "unique_period_start", "insert into activation.purchase_active_users_weekly select * from activation.purchase_active_users_weekly limit 1"),
    ("activation.visit_transitions_weekly", "unique_period_start_previous_status_status", "insert into activation.visit_transitions_weekly select * from activation.visit_transitions_weekly where previous_status is not null limit 1"),
    # Users in their first period have no previous status: a repeated row of theirs is a duplicate too.
    ("activation.visit_transitions_weekly", "unique_period_start_previous_status_status", "insert into activation.visit_transitions_weekly select * from activation.visit_transitions_weekly where previous_status is null limit 1"),
    ("activation.visit_transitions_weekly", "not_null_keys", "update activation.visit_transitions_weekly set users = null where status = 'new'"),
    ("activation.visit_transitions_weekly", "transitions_sum_to_status_counts", "update activation.visit_transitions_weekly set users = users + 1 where status = 'new'"),
    ("activation.visit_transitions_weekly", "transitions_sum_to_previous_status_counts", "update activation.visit_transitions_weekly set users = users + 1 where previous_status = 'new'"),
    ("activation.visit_retention_weekly", "unique_period_start_cohort_start", "insert into activation.visit_retention_weekly select * from activation.visit_retention_weekly limit 1"),
    ("activation.visit_retention_weekly", "not_null_keys", "update activation.visit_retention_weekly set retention_rate = null where age = 1"),
    ("activation.visit_retention_weekly", "retention_age_zero_is_new_users", "update activation.visit_retention_weekly set cohort_users = cohort_users + 1 where age = 0"),
    ("activation.visit_retention_daily", "retention_cells_within_their_cohort", "update activation.visit_retention_daily set active_users = cohort_users + 1 where age = 2"),
    ("activation.visit_retention_unbounded_monthly", "unique_cohort_start_age", "insert into activation.visit_retention_unbounded_monthly select * from activation.visit_retention_unbounded_monthly limit 1"),
    ("activation.visit_retention_unbounded_monthly", "not_null_keys", "update activation.visit_retention_unbounded_monthly set is_mature = null where age = 0"),
    ("activation.visit_retention_unbounded_daily", "unbounded_retention_never_grows_with_age", "update activation.visit_retention_unbounded_daily set returned_users = cohort_users + 1 where age = 1"),
    ("activation.visit_stickiness_weekly", "unique_period_start_active_days", "insert into activation.visit_stickiness_weekly select * from activation.visit_stickiness_weekly limit 1"),
    ("activation.visit_stickiness_weekly", "not_null_keys", "update activation.visit_stickiness_weekly set users = null where active_days = 3"),
    ("activation.visit_stickiness_monthly", "stickiness_counts_the_active_users", "update activation.visit_stickiness_monthly set users = users + 1 where active_days = 2"),
    ("activation.visit_engagement_daily", "unique_date", "insert into activation.visit_engagement_daily select * from activation.visit_engagement_daily limit 1"),
    ("activation.visit_engagement_daily", "not_null_keys", "update activation.visit_engagement_daily set dormant_users = null where date = '2024-03-01'"),
    ("activation.visit_engagement_daily", "engagement_states_cover_every_known_user", "update activation.visit_engagement_daily set current_users = current_users + 1 where date = '2024-03-10'"),
    # A half-delivered day: most of its events never arrived.
    ("base.events", "day_volume_not_far_below_recent_days", "delete from base.events where event_date = '2024-03-20' and event_id not in (select min(event_id) from base.events where event_date = '2024-03-20')"),
]

# The checks SPEC §6 asks of each kind of table, by name.
_FACT = {"not_null_keys", "fact_rows_are_base_events_that_count"}
_FIRST_LAST = {"not_null_keys", "first_last_dates_are_ordered", "first_last_keeps_every_user_once",
               "first_last_active_users_have_last_date_today", "first_last_new_users_are_first_seen_today"}
_ACTIVATION = {"unique_period_start_user", "not_null_keys", "states_sum_to_active_users"}
_STATUS = {"not_null_keys", "every_known_user_once", "previous_active_equal_retained_plus_churned"}
_ACTIVE_USERS = {"unique_period_start", "not_null_keys", "counts_match_status"}
_TRANSITIONS = {"unique_period_start_previous_status_status", "not_null_keys", "transitions_sum_to_status_counts",
                "transitions_sum_to_previous_status_counts"}
_RETENTION = {"unique_period_start_cohort_start", "not_null_keys", "retention_age_zero_is_new_users",
              "retention_cells_within_their_cohort"}
_UNBOUNDED_RETENTION = {"unique_cohort_start_age", "not_null_keys", "unbounded_retention_never_grows_with_age"}
_STICKINESS = {"unique_period_start_active_days", "not_null_keys", "stickiness_counts_the_active_users"}
_ENGAGEMENT = {"unique_date", "not_null_keys", "engagement_states_cover_every_known_user"}
EXPECTED_CHECKS = {
    "base/events": {"unique_event_date_event", "not_null_keys", "rows_read_equal_kept_plus_rejected",
                    "day_volume_not_far_below_recent_days"},
    "base/events_rejected": {"not_null_keys"},
    "mart/fact_first_activation_events": {"unique_user_event_name", "not_null_keys",
                                          "first_events_follow_first_visit"},
    **{f"fact/{fact}": _FACT for fact in ("visit", "purchase")},
    **{f"activation/{fact}_first_last": _FIRST_LAST for fact in ("visit", "purchase")},
    **{f"activation/{fact}_{kind}_{grain}": names
       for fact in ("visit", "purchase") for grain in ("daily", "weekly", "monthly")
       for kind, names in (("activation", _ACTIVATION), ("activation_status", _STATUS),
                           ("active_users", _ACTIVE_USERS), ("transitions", _TRANSITIONS),
                           ("retention", _RETENTION), ("retention_unbounded", _UNBOUNDED_RETENTION))},
    **{f"activation/{fact}_stickiness_{grain}": _STICKINESS
       for fact in ("visit", "purchase") for grain in ("weekly", "monthly")},
    **{f"activation/{fact}_engagement_daily": _ENGAGEMENT for fact in ("visit", "purchase")},
}
# Small enough for the day-volume rule to judge this log's days (about 20 events each).
VOLUME = {"day_volume": {"min_ratio": 0.1, "trailing_days": 7, "min_median_rows": 5}}


def fingerprint(conn: duckdb.DuckDBPyConnection, table: str) -> tuple:
    """The table's row count and the sum of its rows' hashes."""
    return conn.execute(f"select count(*), sum(hash(t)::hugeint) from (select * from {table}) as t").fetchone()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("checks")
    write_raw_log(tmp_path / "raw", random_raw_rows(11, start=START, days=(END - START).days + 1, users=30),
                  span=(START, END))
    config = write_config(tmp_path, start_date=START.isoformat(), checks=VOLUME)
    results = execute_runs(build_definitions(config), plan_runs(config, START, END),
                           dg.DagsterInstance.ephemeral(), progress=lambda _: None)
    return config, results


def test_every_check_of_every_table_runs_and_passes_on_good_data(built):
    config, results = built
    evaluations = [e for r in results for e in r.get_asset_check_evaluations()]
    expected = {(table, name) for table, names in EXPECTED_CHECKS.items() for name in names}
    assert {(e.asset_key.to_user_string(), e.check_name) for e in evaluations} == expected
    failed = [(e.asset_key.to_user_string(), e.check_name, e.metadata) for e in evaluations if not e.passed]
    assert failed == []


@pytest.mark.parametrize(("table", "check", "corruption"), CORRUPTIONS, ids=[f"{t}:{c}" for t, c, _ in CORRUPTIONS])
def test_a_corrupted_table_turns_its_check_red(built, tmp_path, table, check, corruption):
    config, _ = built
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(config.warehouse_path, broken)
    with duckdb.connect(str(broken)) as conn:
        before = fingerprint(conn, table)
        conn.execute(corruption)
        assert fingerprint(conn, table) != before, "the corruption left the table as it was"
    checks = next(c for c in build_all_checks(config) if any(s.asset_key.to_user_string().replace("/", ".") == table
                                                         for s in c.check_specs))
    result = dg.materialize([checks], selection=dg.AssetSelection.all_asset_checks(), resources={"engine": DuckDBEngine(database=str(broken))},
                            raise_on_error=False)
    by_name = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not by_name[check].passed
    assert by_name[check].metadata["offending_rows"].value > 0
    assert "sample" in by_name[check].metadata
    assert "offending rows" in by_name[check].description


def test_every_kind_of_check_has_a_corruption_case():
    assert {check for _, check, _ in CORRUPTIONS} == {name for names in EXPECTED_CHECKS.values() for name in names}


def test_the_day_volume_check_is_off_at_ratio_0_and_names_the_key_when_out_of_range(tmp_path):
    off = write_config(tmp_path / "off", checks={"day_volume": {"min_ratio": 0}})
    names = {spec.name for checks in build_all_checks(off) for spec in checks.check_specs}
    assert "day_volume_not_far_below_recent_days" not in names and "rows_read_equal_kept_plus_rejected" in names
    with pytest.raises(ConfigError, match=r"checks\.day_volume\.min_ratio = 1\.5 is not allowed"):
        write_config(tmp_path / "bad", checks={"day_volume": {"min_ratio": 1.5}})
