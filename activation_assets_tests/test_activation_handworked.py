"""Activation states, statuses and decompositions on tiny logs, expected rows by hand."""

import datetime as dt

from .helpers import event, read_rows, run_range, write_config, write_raw_log

STATUS_COLUMNS = ["period_start", "user_id", "status", "previous_status", "transition",
                  "consecutive_active_periods", "inactive_periods", "periods_since_first_active",
                  "first_active_date", "last_active_date", "inactivity_bucket"]
ACTIVATION_COLUMNS = ["period_start", "user_id", "state", "first_active_date", "previous_active_date",
                      "return_interval", "active_days"]
TRANSITION_COLUMNS = ["period_start", "previous_status", "status", "users", "share_of_previous"]
RETENTION_COLUMNS = ["cohort_start", "period_start", "age", "cohort_users", "active_users", "retention_rate"]
UNBOUNDED_COLUMNS = ["cohort_start", "age", "cohort_users", "returned_users", "retention_rate", "is_mature"]
STICKINESS_COLUMNS = ["period_start", "active_days", "users", "cumulative_share"]
ENGAGEMENT_COLUMNS = ["date", "dau", "wau", "mau", "dau_mau", "wau_mau", "new_users", "current_users",
                      "reactivated_users", "resurrected_users", "at_risk_wau_users", "at_risk_mau_users",
                      "dormant_users", "curr", "nurr", "rurr", "surr", "iwaurr", "imaurr"]
ACTIVE_USERS_COLUMNS = ["period_start", "active_users", "new_users", "retained_users", "reactivated_users",
                        "churned_users", "retention_rate", "quick_ratio"]


def visits(tmp_path, days_by_user: dict[str, list[str]], span: tuple[dt.date, dt.date] | None = None,
           grains: tuple[str, ...] = ("daily", "weekly", "monthly"), reports: tuple[str, ...] | None = None,
           **config):
    """A log of visits at noon UTC, reported at the given grains (with the given report
    families, else all); every day of `span` without visits is a declared empty day."""
    rows = [event(user, f"{day} 12:00") for user, days in days_by_user.items() for day in days]
    write_raw_log(tmp_path / "raw", rows, span=span)
    fact = {"name": "visit", "events": "all", "grains": list(grains)}
    return write_config(tmp_path, facts=[fact if reports is None else {**fact, "reports": list(reports)}], **config)


def table_rows(config, table, columns, order="period_start, user_id"):
    return read_rows(config, f"activation.{table}", columns, order)


def test_daily_states_transitions_streaks_and_buckets(tmp_path, on_engine):
    config = visits(tmp_path, **on_engine, grains=("daily",), days_by_user={
        "a": ["2025-01-01", "2025-01-02", "2025-01-05"],
        "b": ["2025-01-02"],
        "c": ["2025-01-03", "2025-01-04"],
    })
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 5))

    assert table_rows(config, "visit_activation_daily", ACTIVATION_COLUMNS) == [
        ("2025-01-01", "a", "new", "2025-01-01", None, None, 1),
        ("2025-01-02", "a", "retained", "2025-01-01", "2025-01-01", 1, 1),
        ("2025-01-02", "b", "new", "2025-01-02", None, None, 1),
        ("2025-01-03", "c", "new", "2025-01-03", None, None, 1),
        ("2025-01-04", "c", "retained", "2025-01-03", "2025-01-03", 1, 1),
        ("2025-01-05", "a", "reactivated", "2025-01-01", "2025-01-02", 3, 1),
    ]
    assert table_rows(config, "visit_activation_status_daily", STATUS_COLUMNS) == [
        ("2025-01-01", "a", "new", None, "none_to_new", 1, 0, 0, "2025-01-01", "2025-01-01", None),
        ("2025-01-02", "a", "retained", "new", "new_to_retained", 2, 0, 1, "2025-01-01", "2025-01-02", None),
        ("2025-01-02", "b", "new", None, "none_to_new", 1, 0, 0, "2025-01-02", "2025-01-02", None),
        ("2025-01-03", "a", "inactive", "retained", "retained_to_inactive", 0, 1, 2, "2025-01-01", "2025-01-02", "1"),
        ("2025-01-03", "b", "inactive", "new", "new_to_inactive", 0, 1, 1, "2025-01-02", "2025-01-02", "1"),
        ("2025-01-03", "c", "new", None, "none_to_new", 1, 0, 0, "2025-01-03", "2025-01-03", None),
        ("2025-01-04", "a", "inactive", "inactive", "inactive_to_inactive", 0, 2, 3, "2025-01-01", "2025-01-02", "2-7"),
        ("2025-01-04", "b", "inactive", "inactive", "inactive_to_inactive", 0, 2, 2, "2025-01-02", "2025-01-02", "2-7"),
        ("2025-01-04", "c", "retained", "new", "new_to_retained", 2, 0, 1, "2025-01-03", "2025-01-04", None),
        ("2025-01-05", "a", "reactivated", "inactive", "inactive_to_reactivated", 1, 0, 4, "2025-01-01", "2025-01-05", "2-7"),
        ("2025-01-05", "b", "inactive", "inactive", "inactive_to_inactive", 0, 3, 3, "2025-01-02", "2025-01-02", "2-7"),
        ("2025-01-05", "c", "inactive", "retained", "retained_to_inactive", 0, 1, 2, "2025-01-03", "2025-01-04", "1"),
    ]
    assert table_rows(config, "visit_active_users_daily", ACTIVE_USERS_COLUMNS, "period_start") == [
        ("2025-01-01", 1, 1, 0, 0, 0, None, None),
        ("2025-01-02", 2, 1, 1, 0, 0, 1.0, None),
        ("2025-01-03", 1, 1, 0, 0, 2, 0.0, 0.5),
        ("2025-01-04", 1, 0, 1, 0, 0, 1.0, None),
        ("2025-01-05", 1, 0, 0, 1, 1, 0.0, 1.0),
    ]
    assert table_rows(config, "visit_transitions_daily", TRANSITION_COLUMNS,
                      "period_start, coalesce(previous_status, ''), status") == [
        ("2025-01-01", None, "new", 1, None),
        ("2025-01-02", None, "new", 1, None),
        ("2025-01-02", "new", "retained", 1, 1.0),
        ("2025-01-03", None, "new", 1, None),
        ("2025-01-03", "new", "inactive", 1, 1.0),
        ("2025-01-03", "retained", "inactive", 1, 1.0),
        ("2025-01-04", "inactive", "inactive", 2, 1.0),
        ("2025-01-04", "new", "retained", 1, 1.0),
        ("2025-01-05", "inactive", "inactive", 1, 0.5),
        ("2025-01-05", "inactive", "reactivated", 1, 0.5),
        ("2025-01-05", "retained", "inactive", 1, 1.0),
    ]
    # a's cohort is 01-01, b's 01-02, c's 01-03; a returns on 01-05, c on 01-04.
    assert table_rows(config, "visit_retention_daily", RETENTION_COLUMNS, "period_start, cohort_start") == [
        ("2025-01-01", "2025-01-01", 0, 1, 1, 1.0),
        ("2025-01-01", "2025-01-02", 1, 1, 1, 1.0),
        ("2025-01-02", "2025-01-02", 0, 1, 1, 1.0),
        ("2025-01-01", "2025-01-03", 2, 1, 0, 0.0),
        ("2025-01-02", "2025-01-03", 1, 1, 0, 0.0),
        ("2025-01-03", "2025-01-03", 0, 1, 1, 1.0),
        ("2025-01-01", "2025-01-04", 3, 1, 0, 0.0),
        ("2025-01-02", "2025-01-04", 2, 1, 0, 0.0),
        ("2025-01-03", "2025-01-04", 1, 1, 1, 1.0),
        ("2025-01-01", "2025-01-05", 4, 1, 1, 1.0),
        ("2025-01-02", "2025-01-05", 3, 1, 0, 0.0),
        ("2025-01-03", "2025-01-05", 2, 1, 0, 0.0),
    ]
    # "On or after": a counts at every age up to 4 (back on 01-05), c at ages 0 and 1; the
    # snapshot day has ended, so every cell is mature.
    assert table_rows(config, "visit_retention_unbounded_daily", UNBOUNDED_COLUMNS, "cohort_start, age") == [
        ("2025-01-01", 0, 1, 1, 1.0, True),
        ("2025-01-01", 1, 1, 1, 1.0, True),
        ("2025-01-01", 2, 1, 1, 1.0, True),
        ("2025-01-01", 3, 1, 1, 1.0, True),
        ("2025-01-01", 4, 1, 1, 1.0, True),
        ("2025-01-02", 0, 1, 1, 1.0, True),
        ("2025-01-02", 1, 1, 0, 0.0, True),
        ("2025-01-02", 2, 1, 0, 0.0, True),
        ("2025-01-02", 3, 1, 0, 0.0, True),
        ("2025-01-03", 0, 1, 1, 1.0, True),
        ("2025-01-03", 1, 1, 1, 1.0, True),
        ("2025-01-03", 2, 1, 0, 0.0, True),
    ]


def test_engagement_states_and_rates_at_the_window_edges(tmp_path):
    # W = 7, M = 30. a: back exactly 7 days after its first day (current), then exactly 30
    # days after (reactivated), then the next day (current). r: back after 31 days
    # (resurrected). n: new on 01-09, current on 01-10, dormant 30 days after 01-10.
    config = visits(tmp_path, grains=("daily",), span=(dt.date(2025, 1, 1), dt.date(2025, 2, 9)), days_by_user={
        "a": ["2025-01-01", "2025-01-08", "2025-02-07", "2025-02-08"],
        "r": ["2025-01-01", "2025-02-01"],
        "n": ["2025-01-09", "2025-01-10"],
    }, reports=("engagement",))
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 2, 9))
    rows = {r[0]: r[1:] for r in table_rows(config, "visit_engagement_daily", ENGAGEMENT_COLUMNS, "date")}
    assert len(rows) == 40
    third = 1 / 3
    #            dau wau mau dau/mau wau/mau  new cur rea res arW arM dor   curr  nurr  rurr  surr  iwaurr imaurr
    assert {day: rows[day] for day in ("2025-01-01", "2025-01-02", "2025-01-07", "2025-01-08", "2025-01-10",
                                       "2025-01-31", "2025-02-01", "2025-02-02", "2025-02-07", "2025-02-08",
                                       "2025-02-09")} == {
        "2025-01-01": (2, 2, 2, 1.0, 1.0, 2, 0, 0, 0, 0, 0, 0, None, None, None, None, None, None),
        "2025-01-02": (0, 2, 2, 0.0, 1.0, 0, 0, 0, 0, 2, 0, 0, None, 0.0, None, None, None, None),
        # Last active 6 days ago: still weekly active.
        "2025-01-07": (0, 2, 2, 0.0, 1.0, 0, 0, 0, 0, 2, 0, 0, None, None, None, None, 0.0, None),
        # a was last active exactly 7 days ago: current; r, 7 days ago: no longer weekly active.
        "2025-01-08": (1, 1, 2, 0.5, 0.5, 0, 1, 0, 0, 0, 1, 0, None, None, None, None, 0.5, None),
        "2025-01-10": (1, 2, 3, third, 2 * third, 0, 1, 0, 0, 1, 1, 0, None, 1.0, None, None, 0.0, 0.0),
        # r was last active exactly 30 days ago: dormant (at-risk MAU the day before).
        "2025-01-31": (0, 0, 2, 0.0, 0.0, 0, 0, 0, 0, 0, 2, 1, None, None, None, None, None, 0.0),
        # Back after 31 days: resurrected.
        "2025-02-01": (1, 1, 3, third, third, 0, 0, 0, 1, 0, 2, 0, None, None, None, None, None, 0.0),
        "2025-02-02": (0, 1, 3, 0.0, third, 0, 0, 0, 0, 1, 2, 0, None, None, None, 0.0, None, 0.0),
        # Back exactly 30 days after the last time: reactivated.
        "2025-02-07": (1, 2, 3, third, 2 * third, 0, 0, 1, 0, 1, 1, 0, None, None, None, None, 0.0, 0.5),
        "2025-02-08": (1, 1, 3, third, third, 0, 1, 0, 0, 0, 2, 0, None, None, 1.0, None, 0.0, 0.0),
        "2025-02-09": (0, 1, 2, 0.0, 0.5, 0, 0, 0, 0, 1, 1, 1, 0.0, None, None, None, None, 0.0),
    }


def test_weekly_stickiness_retention_and_an_immature_cell(tmp_path):
    # Monday weeks. Week 01-01: u1 on 3 days, u2 on 1, u3 on all 7; u3 is back on 01-09,
    # a day of a week that has not ended when the data stops (01-10).
    config = visits(tmp_path, grains=("weekly",), span=(dt.date(2024, 1, 1), dt.date(2024, 1, 10)),
                    start_date="2024-01-01", days_by_user={
        "u1": ["2024-01-01", "2024-01-02", "2024-01-03"],
        "u2": ["2024-01-01"],
        "u3": [f"2024-01-0{d}" for d in range(1, 10)],
    })
    run_range(config, dt.date(2024, 1, 1), dt.date(2024, 1, 10))
    assert table_rows(config, "visit_stickiness_weekly", STICKINESS_COLUMNS, "period_start, active_days") == [
        ("2024-01-01", 1, 1, 1.0),
        ("2024-01-01", 2, 0, 2 / 3),
        ("2024-01-01", 3, 1, 2 / 3),
        ("2024-01-01", 4, 0, 1 / 3),
        ("2024-01-01", 5, 0, 1 / 3),
        ("2024-01-01", 6, 0, 1 / 3),
        ("2024-01-01", 7, 1, 1 / 3),
    ]
    assert table_rows(config, "visit_retention_weekly", RETENTION_COLUMNS, "period_start, cohort_start") == [
        ("2024-01-01", "2024-01-01", 0, 3, 3, 1.0)]
    assert table_rows(config, "visit_retention_unbounded_weekly", UNBOUNDED_COLUMNS, "cohort_start, age") == [
        ("2024-01-01", 0, 3, 3, 1.0, True),
        ("2024-01-01", 1, 3, 1, 1 / 3, False),
    ]


def test_first_last_snapshot_carries_first_and_latest_activity(tmp_path):
    rows = [event("a", "2025-01-01 08:00"), event("a", "2025-01-01 21:00"), event("a", "2025-01-03 07:00"),
            event("b", "2025-01-02 10:00")]
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 3))
    assert read_rows(config, "activation.visit_first_last",
                     ["snapshot_date", "user_id", "first_date", "first_datetime", "last_date", "last_datetime",
                      "active_days"], "snapshot_date, user_id") == [
        ("2025-01-01", "a", "2025-01-01", "2025-01-01 08:00:00", "2025-01-01", "2025-01-01 21:00:00", 1),
        ("2025-01-02", "a", "2025-01-01", "2025-01-01 08:00:00", "2025-01-01", "2025-01-01 21:00:00", 1),
        ("2025-01-02", "b", "2025-01-02", "2025-01-02 10:00:00", "2025-01-02", "2025-01-02 10:00:00", 1),
        ("2025-01-03", "a", "2025-01-01", "2025-01-01 08:00:00", "2025-01-03", "2025-01-03 07:00:00", 2),
        ("2025-01-03", "b", "2025-01-02", "2025-01-02 10:00:00", "2025-01-02", "2025-01-02 10:00:00", 1),
    ]


WEEKLY_LOG = {"x": ["2024-01-02", "2024-01-09", "2024-01-30"], "y": ["2024-01-07", "2024-01-14"]}


def test_weekly_states_with_monday_weeks(tmp_path):
    config = visits(tmp_path, WEEKLY_LOG, (dt.date(2024, 1, 1), dt.date(2024, 2, 4)), ("weekly",),
                    start_date="2024-01-01", week_start="monday")
    run_range(config, dt.date(2024, 1, 1), dt.date(2024, 2, 4))
    assert table_rows(config, "visit_activation_weekly", ACTIVATION_COLUMNS) == [
        ("2024-01-01", "x", "new", "2024-01-02", None, None, 1),
        ("2024-01-01", "y", "new", "2024-01-07", None, None, 1),  # Sunday ends a Monday week
        ("2024-01-08", "x", "retained", "2024-01-02", "2024-01-02", 1, 1),
        ("2024-01-08", "y", "retained", "2024-01-07", "2024-01-07", 1, 1),
        ("2024-01-29", "x", "reactivated", "2024-01-02", "2024-01-09", 3, 1),
    ]
    x_status = [r for r in table_rows(config, "visit_activation_status_weekly", STATUS_COLUMNS) if r[1] == "x"]
    assert x_status == [
        ("2024-01-01", "x", "new", None, "none_to_new", 1, 0, 0, "2024-01-02", "2024-01-02", None),
        ("2024-01-08", "x", "retained", "new", "new_to_retained", 2, 0, 1, "2024-01-02", "2024-01-09", None),
        ("2024-01-15", "x", "inactive", "retained", "retained_to_inactive", 0, 1, 2, "2024-01-02", "2024-01-09", "1"),
        ("2024-01-22", "x", "inactive", "inactive", "inactive_to_inactive", 0, 2, 3, "2024-01-02", "2024-01-09", "2-4"),
        ("2024-01-29", "x", "reactivated", "inactive", "inactive_to_reactivated", 1, 0, 4, "2024-01-02", "2024-01-30", "2-4"),
    ]
    assert table_rows(config, "visit_active_users_weekly", ACTIVE_USERS_COLUMNS, "period_start") == [
        ("2024-01-01", 2, 2, 0, 0, 0, None, None),
        ("2024-01-08", 2, 0, 2, 0, 0, 1.0, None),
        ("2024-01-15", 0, 0, 0, 0, 2, 0.0, 0.0),
        ("2024-01-22", 0, 0, 0, 0, 0, None, None),  # nobody active: the period still has its row
        ("2024-01-29", 1, 0, 0, 1, 0, None, None),
    ]


def test_weekly_states_with_sunday_weeks_count_the_partial_week_before_the_first_partition(tmp_path):
    config = visits(tmp_path, WEEKLY_LOG, (dt.date(2024, 1, 1), dt.date(2024, 2, 3)), ("weekly",),
                    start_date="2024-01-01", week_start="sunday")
    run_range(config, dt.date(2024, 1, 1), dt.date(2024, 2, 3))
    assert table_rows(config, "visit_activation_weekly", ACTIVATION_COLUMNS) == [
        ("2024-01-07", "x", "retained", "2024-01-02", "2024-01-02", 1, 1),  # 01-02 is in the week of 12-31
        ("2024-01-07", "y", "new", "2024-01-07", None, None, 1),
        ("2024-01-14", "y", "retained", "2024-01-07", "2024-01-07", 1, 1),
        ("2024-01-28", "x", "reactivated", "2024-01-02", "2024-01-09", 3, 1),
    ]
    assert table_rows(config, "visit_activation_status_weekly", STATUS_COLUMNS)[:2] == [
        ("2024-01-07", "x", "retained", "new", "new_to_retained", 2, 0, 1, "2024-01-02", "2024-01-09", None),
        ("2024-01-07", "y", "new", None, "none_to_new", 1, 0, 0, "2024-01-07", "2024-01-07", None),
    ]


def test_monthly_states_across_month_ends_and_a_leap_day(tmp_path):
    config = visits(tmp_path, {"z": ["2024-01-31", "2024-02-29", "2024-04-01"]},
                    (dt.date(2024, 1, 1), dt.date(2024, 4, 30)), ("daily", "monthly"), start_date="2024-01-01")
    run_range(config, dt.date(2024, 1, 1), dt.date(2024, 4, 30))
    assert table_rows(config, "visit_activation_monthly", ACTIVATION_COLUMNS) == [
        ("2024-01-01", "z", "new", "2024-01-31", None, None, 1),
        ("2024-02-01", "z", "retained", "2024-01-31", "2024-01-31", 1, 1),
        ("2024-04-01", "z", "reactivated", "2024-01-31", "2024-02-29", 2, 1),
    ]
    assert table_rows(config, "visit_activation_status_monthly", STATUS_COLUMNS) == [
        ("2024-01-01", "z", "new", None, "none_to_new", 1, 0, 0, "2024-01-31", "2024-01-31", None),
        ("2024-02-01", "z", "retained", "new", "new_to_retained", 2, 0, 1, "2024-01-31", "2024-02-29", None),
        ("2024-03-01", "z", "inactive", "retained", "retained_to_inactive", 0, 1, 2, "2024-01-31", "2024-02-29", "1"),
        ("2024-04-01", "z", "reactivated", "inactive", "inactive_to_reactivated", 1, 0, 3, "2024-01-31", "2024-04-01", "1"),
    ]
    assert table_rows(config, "visit_activation_daily", ACTIVATION_COLUMNS)[1] == (
        "2024-02-29", "z", "reactivated", "2024-01-31", "2024-01-31", 29, 1)
    # A slot per possible number of active days: 29 in the leap February.
    assert read_rows(config, "(select period_start, count(*) as slots, sum(users) as users from "
                             "activation.visit_stickiness_monthly group by all)", ["period_start", "slots", "users"],
                     "period_start") == [
        ("2024-01-01", 31, 1), ("2024-02-01", 29, 1), ("2024-03-01", 31, 0), ("2024-04-01", 30, 1)]


def test_purchase_fact_counts_only_purchases(tmp_path):
    rows = [event("a", "2025-01-01 10:00", "app_open"), event("a", "2025-01-02 10:00", "purchase"),
            event("b", "2025-01-02 11:00", "add_to_cart")]
    write_raw_log(tmp_path / "raw", rows)
    config = write_config(tmp_path)
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 2))
    assert read_rows(config, "fact.purchase", ["user_id", "event_date", "event_name"], "user_id") == [
        ("a", "2025-01-02", "purchase")]
    assert table_rows(config, "purchase_activation_daily", ["period_start", "user_id", "state"]) == [
        ("2025-01-02", "a", "new")]


def test_materializations_carry_counts_and_a_preview(tmp_path):
    import dagster as dg

    from activation_assets.definitions import build_definitions
    from activation_assets.runner import execute_runs, plan_runs

    config = visits(tmp_path, {"a": ["2025-01-01", "2025-01-02"], "b": ["2025-01-02"]})
    results = execute_runs(build_definitions(config), plan_runs(config, dt.date(2025, 1, 1), dt.date(2025, 1, 2)),
                           dg.DagsterInstance.ephemeral(), progress=lambda _: None)
    materializations = {
        (m.asset_key.to_user_string(), m.partition): m.metadata
        for r in results for m in r.asset_materializations_for_node("activation__visit_active_users_daily")
    }
    latest = materializations[("activation/visit_active_users_daily", "2025-01-02")]
    assert (latest["active_users"].value, latest["new_users"].value, latest["retained_users"].value) == (2, 1, 1)
    assert latest["retention_rate"].value == 1.0
    assert "| 2025-01-02 |" in latest["preview"].value
    engagement = {m.partition: m.metadata for r in results
                  for m in r.asset_materializations_for_node("activation__visit_engagement_daily")}
    assert [engagement["2025-01-02"][k].value for k in ("dau", "wau", "mau", "current_users")] == [2, 2, 2, 1]
    (unbounded,) = [m.metadata for r in results
                    for m in r.asset_materializations_for_node("activation__visit_retention_unbounded")
                    if m.asset_key.to_user_string() == "activation/visit_retention_unbounded_daily"]
    # a's cohort (01-01) at ages 0 and 1, b's (01-02) at age 0.
    assert (unbounded["dagster/row_count"].value, unbounded["as_of_snapshot"].value) == (3, "2025-01-02")
