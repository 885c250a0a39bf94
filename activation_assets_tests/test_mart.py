"""The first-activation mart on a hand-built log, expected rows written by hand."""

import datetime as dt
from pathlib import Path

import pandas as pd

from .helpers import event, read_rows, run_range, write_config, write_raw_log


def plain(value):
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


FUNNEL = [{"name": "first_activation", "steps": [{"event": "add_to_cart", "window_days": 1},
                                                 {"event": "purchase", "window_days": 7}]}]
LOG = [
    # u1: the SPEC example (visit 01-01 01:00, purchase 01-02 01:01 -> 25 hours, 2 days)
    event("u1", "2025-01-01 01:00", "app_open"), event("u1", "2025-01-01 05:00", "add_to_cart"),
    event("u1", "2025-01-02 01:01", "purchase"), event("u1", "2025-01-03 08:00", "purchase"),
    # u2: add_to_cart on day 2 misses the 1-day window, so the purchase does not count
    event("u2", "2025-01-01 10:00", "app_open"), event("u2", "2025-01-02 09:00", "add_to_cart"),
    event("u2", "2025-01-02 09:30", "purchase"),
    # u3: purchase on day 8 misses the 7-day window
    event("u3", "2025-01-01 23:00", "app_open"), event("u3", "2025-01-01 23:30", "add_to_cart"),
    event("u3", "2025-01-08 12:00", "purchase"),
    # u4: purchase on day 7, the window's inclusive edge
    event("u4", "2025-01-02 08:00", "view_item"), event("u4", "2025-01-02 08:10", "add_to_cart"),
    event("u4", "2025-01-08 20:00", "purchase"),
    # u5: purchases without ever adding to cart
    event("u5", "2025-01-01 12:00", "purchase"),
    # u6: a cohort whose 7-day window has not elapsed by 2025-01-08
    event("u6", "2025-01-05 12:00", "app_open"), event("u6", "2025-01-05 12:05", "add_to_cart"),
]
END = dt.date(2025, 1, 8)


COUNTRY = {"u1": "KR", "u2": "US", "u3": "KR", "u4": "KR", "u5": "US", "u6": "KR"}


def build(tmp_path, log=LOG):
    write_raw_log(tmp_path / "raw", [dict(row, country=COUNTRY[row["user_id"]]) for row in log])
    config = write_config(tmp_path, funnels=FUNNEL, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, dt.date(2025, 1, 1), END)
    return config


def test_first_activation_events_have_hours_and_days_from_the_first_visit(tmp_path):
    config = build(tmp_path)
    columns = ["date", "datetime", "user_id", "event_name", "first_visit_date", "first_visit_datetime",
               "hours_from_first_visit", "days_from_first_visit"]
    rows = read_rows(config, "mart.fact_first_activation_events", columns, "user_id, datetime, event_name")
    assert [r for r in rows if r[2] == "u1"] == [
        ("2025-01-01", "2025-01-01 01:00:00", "u1", "first_visit", "2025-01-01", "2025-01-01 01:00:00", 1, 1),
        ("2025-01-01", "2025-01-01 05:00:00", "u1", "add_to_cart", "2025-01-01", "2025-01-01 01:00:00", 5, 1),
        ("2025-01-02", "2025-01-02 01:01:00", "u1", "purchase", "2025-01-01", "2025-01-01 01:00:00", 25, 2),
    ]
    assert [r for r in rows if r[2] == "u5"] == [
        ("2025-01-01", "2025-01-01 12:00:00", "u5", "first_visit", "2025-01-01", "2025-01-01 12:00:00", 1, 1),
        ("2025-01-01", "2025-01-01 12:00:00", "u5", "purchase", "2025-01-01", "2025-01-01 12:00:00", 1, 1),
    ]
    assert [(r[2], r[3], r[7]) for r in rows if r[2] in ("u3", "u4") and r[3] == "purchase"] == [
        ("u3", "purchase", 8), ("u4", "purchase", 7)]
    assert len(rows) == len({(r[2], r[3]) for r in rows}) == 16  # view_item is not a funnel event


HOURS_FUNNEL = [{"name": "hours", "steps": [{"event": "add_to_cart", "window_days": 7}]}]


def hours_of(tmp_path, first_visit: str, add_to_cart: str, timezone: str = "UTC") -> int:
    """hours_from_first_visit of an add_to_cart after a first visit (times in UTC)."""
    write_raw_log(tmp_path / "raw", [event("u", first_visit, "app_open"), event("u", add_to_cart, "add_to_cart")])
    config = write_config(tmp_path, timezone=timezone, start_date="2025-03-08", funnels=HOURS_FUNNEL,
                          facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, dt.date(2025, 3, 8), dt.date(2025, 3, 10))
    (hours,) = read_rows(config, "mart.fact_first_activation_events", ["hours_from_first_visit"],
                         "event_name = 'first_visit'")[0]
    return hours


def test_hours_from_first_visit_in_the_same_hour_is_1(tmp_path):
    assert hours_of(tmp_path, "2025-03-09 10:05", "2025-03-09 10:55") == 1


def test_hours_from_first_visit_truncates_both_times_to_the_hour(tmp_path):
    # 01:26 -> 23:06: 21 h 40 min elapsed, but hour 23 minus hour 1, plus 1, is 23.
    assert hours_of(tmp_path, "2025-03-09 01:26", "2025-03-09 23:06") == 23


def test_hours_from_first_visit_of_the_spec_example_is_25(tmp_path):
    assert hours_of(tmp_path, "2025-03-08 01:00", "2025-03-09 01:01") == 25


def test_hours_from_first_visit_count_the_wall_clock_across_a_dst_change(tmp_path):
    # New York, 2025-03-09: 01:30 EST (06:30 UTC) -> 03:10 EDT (07:10 UTC), 40 min elapsed
    # on the clock of the instant but hours 1 and 3 on the wall clock: 3 - 1 + 1 = 3.
    assert hours_of(tmp_path, "2025-03-09 06:30", "2025-03-09 07:10", timezone="America/New_York") == 3


def test_funnel_counts_steps_sequentially_with_inclusive_windows_and_marks_immature_cohorts(tmp_path):
    config = build(tmp_path)
    columns = ["cohort_date", "cohort_users", "step_1_users", "step_1_rate", "step_1_from_previous_rate",
               "step_2_users", "step_2_rate", "step_2_from_previous_rate", "is_mature"]
    assert read_rows(config, "mart.funnel_first_activation", columns, "cohort_date") == [
        ("2025-01-01", 4, 2, 0.5, 0.5, 1, 0.25, 0.5, True),   # u1 both; u3 step 1; u2, u5 none
        ("2025-01-02", 1, 1, 1.0, 1.0, 1, 1.0, 1.0, True),    # u4: day 7 is inside the window
        ("2025-01-05", 1, 1, 1.0, 1.0, 0, 0.0, 0.0, False),   # u6: window open until 01-11
    ]


def test_late_data_moving_a_first_occurrence_earlier_leaves_no_duplicate(tmp_path, monkeypatch):
    from activation_assets.cli import main

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = build(tmp_path)
    write_raw_log(tmp_path / "raw", [event("u2", "2025-01-01 11:00", "add_to_cart")], name="late")
    assert main(["--config", str(tmp_path / "activation.yaml"), "reprocess", "--since", "2025-01-01"]) == 0
    rows = read_rows(config, "mart.fact_first_activation_events", ["user_id", "event_name", "date"], "1, 2")
    assert ("u2", "add_to_cart", "2025-01-01") in rows and ("u2", "add_to_cart", "2025-01-02") not in rows
    assert len(rows) == len({(u, e) for u, e, _ in rows})
    funnel = read_rows(config, "mart.funnel_first_activation", ["cohort_date", "step_1_users", "step_2_users"], "1")
    assert funnel[0] == ("2025-01-01", 3, 2)  # u2 now converts on both steps


def test_the_funnel_reports_are_checked_once_by_the_daily_run_that_rebuilds_them(tmp_path):
    import dagster as dg

    from activation_assets.definitions import build_definitions
    from activation_assets.runner import execute_runs, plan_runs

    write_raw_log(tmp_path / "raw", LOG)
    config = write_config(tmp_path, funnels=FUNNEL, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    (run,) = execute_runs(build_definitions(config), plan_runs(config, dt.date(2025, 1, 1), END),
                          dg.DagsterInstance.ephemeral(), progress=lambda _: None)
    funnel_checks = [e for e in run.get_asset_check_evaluations() if "funnel" in e.asset_key.to_user_string()]
    assert funnel_checks and all(e.passed for e in funnel_checks)
    # the whole report once, not once per day of the run
    assert {e.metadata["partitions_checked"].value for e in funnel_checks} == {0}


def test_report_prints_the_last_mature_cohorts_of_each_funnel(tmp_path):
    from activation_assets.report import render_report

    report = render_report(build(tmp_path), periods=5)
    funnel_section = report.split("funnel first_activation (add_to_cart ≤ 1d, then purchase ≤ 7d)")[1]
    assert "2025-01-01" in funnel_section and "2025-01-02" in funnel_section
    assert "2025-01-05" not in funnel_section  # immature


DIM_COLUMNS = ["user_id", "first_date", "first_datetime", "first_source", "first_medium", "first_campaign",
               "country", "device_os", "app_version"]


def test_dim_users_keeps_first_touch_and_latest_attributes_and_older_days_never_win(tmp_path):
    log = [
        event("u1", "2025-01-01 10:00", utm_source="google", utm_medium="cpc", utm_campaign="c1",
              country="KR", device_os="ios", app_version="1.0"),
        event("u1", "2025-01-01 12:00", country="KR", device_os="ios", app_version="1.0"),
        event("u1", "2025-01-03 09:00", country="US", device_os="android", app_version="1.1"),
        event("u2", "2025-01-02 08:00", utm_source="facebook", utm_medium="social", utm_campaign="c2",
              country="JP", device_os="web", app_version="1.1"),
    ]
    write_raw_log(tmp_path / "raw", log)
    config = write_config(tmp_path, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 3))
    expected = [
        ("u1", "2025-01-01", "2025-01-01 10:00:00", "google", "cpc", "c1", "US", "android", "1.1"),
        ("u2", "2025-01-02", "2025-01-02 08:00:00", "facebook", "social", "c2", "JP", "web", "1.1"),
    ]
    assert read_rows(config, "mart.dim_users", DIM_COLUMNS, "user_id") == expected

    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 1))  # an older day again
    assert read_rows(config, "mart.dim_users", DIM_COLUMNS, "user_id") == expected

    # u2 turns out to have come a day earlier: first touch moves, latest attributes stay
    write_raw_log(tmp_path / "raw", [event("u2", "2025-01-01 20:00", utm_source="tiktok", country="DE")], name="late")
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 1))
    assert read_rows(config, "mart.dim_users", DIM_COLUMNS, "user_id")[1] == (
        "u2", "2025-01-01", "2025-01-01 20:00:00", "tiktok", None, None, "JP", "web", "1.1")



QUERIES = Path(__file__).resolve().parents[1] / "docs" / "queries"


def query_rows(config, name: str, **variables) -> list[tuple]:
    from activation_assets.report import run_query_file

    frame = run_query_file(config, QUERIES / f"{name}.sql", variables)
    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]


def test_documented_queries_answer_the_analysts_questions(tmp_path):
    config = build(tmp_path)
    assert query_rows(config, "first_add_to_cart_per_day") == [
        ("2025-01-01", 2), ("2025-01-02", 2), ("2025-01-05", 1)]
    assert query_rows(config, "add_to_cart_within_1_day_by_cohort") == [
        ("2025-01-01", 4, 2, 0.5), ("2025-01-02", 1, 1, 1.0), ("2025-01-05", 1, 1, 1.0)]
    assert query_rows(config, "sequential_funnel_by_cohort") == [
        ("2025-01-01", 4, 2, 1, 0.25), ("2025-01-02", 1, 1, 1, 1.0), ("2025-01-05", 1, 1, 0, 0.0)]
    assert query_rows(config, "sequential_funnel_for_one_country", country="KR") == [
        ("2025-01-01", 2, 2, 1), ("2025-01-02", 1, 1, 1), ("2025-01-05", 1, 1, 0)]


def test_query_command_prints_a_documented_query(tmp_path, capsys):
    from activation_assets.cli import main

    build(tmp_path)
    capsys.readouterr()
    assert main(["--config", str(tmp_path / "activation.yaml"), "query",
                 str(QUERIES / "sequential_funnel_for_one_country.sql"), "--set", "country=US"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["cohort_date", "cohort_users", "add_to_cart_users", "purchase_users"]
    assert lines[1].split() == ["2025-01-01", "2", "0", "0"]  # u2 and u5


def test_funnel_checks_pass_on_good_data_and_fail_on_a_broken_report(tmp_path):
    import shutil

    import dagster as dg
    import duckdb
    from activation_assets.engines.duckdb import DuckDBEngine

    from activation_assets.checks import build_all_checks

    config = build(tmp_path)  # the run fails if a blocking check fails
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(config.warehouse_path, broken)
    with duckdb.connect(str(broken)) as conn:
        conn.execute("update mart.funnel_first_activation set step_2_users = cohort_users + 1, cohort_users = cohort_users + 1 "
                     "where cohort_date = '2025-01-01'")
    (checks,) = [c for c in build_all_checks(config)
                 if any(s.asset_key == dg.AssetKey(["mart", "funnel_first_activation"]) for s in c.check_specs)]
    result = dg.materialize([checks], selection=dg.AssetSelection.all_asset_checks(),
                            resources={"engine": DuckDBEngine(database=str(broken))}, raise_on_error=False)
    failed = sorted(e.check_name for e in result.get_asset_check_evaluations() if not e.passed)
    assert failed == ["cohort_users_match_dim_users", "step_counts_never_increase"]


def test_changing_a_step_window_in_yaml_changes_the_report_not_the_code(tmp_path):
    config = build(tmp_path)
    wider = [{"name": "first_activation", "steps": [{"event": "add_to_cart", "window_days": 2},
                                                    {"event": "purchase", "window_days": 8}]}]
    config = write_config(tmp_path, funnels=wider, facts=[{"name": "visit", "events": "all", "grains": ["daily"]}])
    run_range(config, END, END)  # the report is rebuilt whole on every run
    assert read_rows(config, "mart.funnel_first_activation", ["cohort_date", "step_1_users", "step_2_users"], "1") == [
        ("2025-01-01", 3, 3),  # u2 now adds to cart in time (day 2), u3 purchases in time (day 8)
        ("2025-01-02", 1, 1),
        ("2025-01-05", 1, 0),
    ]


def test_breakdown_by_segment_freezes_mature_cohorts_and_follows_immature_ones(tmp_path):
    config = build(tmp_path)
    columns = ["cohort_date", "segment_value", "cohort_users", "step_1_users", "step_2_users", "is_mature"]

    def by_country():
        return [r for r in read_rows(config, "mart.funnel_first_activation_by_segment", ["segment", *columns],
                                     "cohort_date, segment, segment_value") if r[0] == "country"]

    assert [r[1:] for r in by_country()] == [
        ("2025-01-01", "KR", 2, 2, 1, True), ("2025-01-01", "US", 2, 0, 0, True),
        ("2025-01-02", "KR", 1, 1, 1, True),
        ("2025-01-05", "KR", 1, 1, 0, False),
    ]
    # u1 (mature cohort) moves to US and u6 (immature cohort) to JP
    write_raw_log(tmp_path / "raw", [event("u1", "2025-01-09 10:00", country="US"),
                                     event("u6", "2025-01-09 11:00", country="JP")], name="later")
    run_range(config, dt.date(2025, 1, 9), dt.date(2025, 1, 9))
    assert read_rows(config, "mart.dim_users", ["user_id", "country"], "1")[0] == ("u1", "US")
    assert [r[1:] for r in by_country()] == [
        ("2025-01-01", "KR", 2, 2, 1, True), ("2025-01-01", "US", 2, 0, 0, True),   # frozen: no drift
        ("2025-01-02", "KR", 1, 1, 1, True),
        ("2025-01-05", "JP", 1, 1, 0, False),                                      # still open: follows
    ]
    segments = {r[0] for r in read_rows(config, "mart.funnel_first_activation_by_segment", ["segment"], "1")}
    assert segments == {"first_source", "country", "device_os"}


def test_a_late_user_of_a_frozen_cohort_is_counted_in_its_breakdown_after_reprocessing(tmp_path):
    config = build(tmp_path)  # cohort 2025-01-01 is mature and frozen by now

    def country_counts(cohort: str) -> dict[str, int]:
        rows = read_rows(config, "mart.funnel_first_activation_by_segment",
                         ["cohort_date", "segment", "segment_value", "cohort_users"], "1")
        return {r[2]: r[3] for r in rows if r[0] == cohort and r[1] == "country"}

    assert country_counts("2025-01-01") == {"KR": 2, "US": 2}
    write_raw_log(tmp_path / "raw", [event("u9", "2025-01-01 15:00", country="FR")], name="late")
    run_range(config, dt.date(2025, 1, 1), END)  # what `reprocess --since 2025-01-01` runs
    overall = {r[0]: r[1] for r in read_rows(config, "mart.funnel_first_activation", ["cohort_date", "cohort_users"], "1")}
    assert overall["2025-01-01"] == 5
    assert country_counts("2025-01-01") == {"KR": 2, "US": 2, "FR": 1}
