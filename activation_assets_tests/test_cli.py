"""The activation-assets command line, end to end on a small generated log."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from activation_assets.cli import main
from activation_assets.config import load_config
from activation_assets.definitions import build_definitions
from activation_assets.demo import prepare_demo

from .helpers import read_rows, write_config

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "activation.yaml"


def test_generate_materialize_report_records_runs_in_the_persistent_instance(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    config = write_config(tmp_path, start_date="2025-01-01")
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    assert main([*cfg, "generate", "--users", "300", "--days", "35"]) == 0
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-02-04"]) == 0
    home = tmp_path / "dagster_home"
    assert (home / "dagster.yaml").is_file()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert sorted(r.job_name for r in runs) == ["daily_assets", "monthly_assets", "weekly_assets"]
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    assert read_rows(config, "activation.visit_active_users_monthly", ["period_start"], "1") == [("2025-01-01",)]
    capsys.readouterr()
    assert main([*cfg, "report", "--periods", "2"]) == 0
    out = capsys.readouterr().out
    assert "visit · weekly — activation.visit_active_users_weekly" in out
    assert "2025-01-27" in out and "quick_ratio" in out
    # The weekly triangle: the two latest cohorts, the latest at age 0 only (all of it).
    triangle = out.split("visit · weekly retention by cohort (share active at each age)")[1].splitlines()[1:4]
    assert triangle[0].split() == ["cohort_start", "age", "0", "age", "1"]
    older = read_rows(config, "(select * from activation.visit_retention_weekly where cohort_start = '2025-01-20' "
                              "and age = 1)", ["retention_rate"], "1")
    assert triangle[1].split() == ["2025-01-20", "1.0", str(round(older[0][0], 3))]
    assert triangle[2].split() == ["2025-01-27", "1.0"]
    (dau, wau, mau, dormant), = read_rows(config, "(select * from activation.visit_engagement_daily "
                                                   "where date = '2025-02-04')",
                                          ["dau", "wau", "mau", "dormant_users"], "1")
    engagement = out.split("visit engagement states (W = 7 days, M = 30)")[1].splitlines()
    latest = next(line.split() for line in engagement if line.startswith("2025-02-04"))
    assert latest[1:4] == [str(dau), str(wau), str(mau)] and latest[-1] == str(dormant)


def test_materialize_with_a_selection_runs_only_those_assets(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    write_config(tmp_path)
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "50", "--days", "3"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-03",
                 "--select", 'key:"base/events"']) == 0
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        (run,) = instance.get_runs()
        assert run.asset_selection == {dg.AssetKey(["raw", "events"]), dg.AssetKey(["base", "events"]),
                                       dg.AssetKey(["base", "events_rejected"])}
        observed = instance.fetch_observations(dg.AssetRecordsFilter(asset_key=dg.AssetKey(["raw", "events"])), limit=10)
        assert {r.partition_key for r in observed.records} == {"2025-01-01", "2025-01-02", "2025-01-03"}
        assert {r.run_id for r in observed.records} == {run.run_id}


def test_bad_arguments_are_reported_not_raised(tmp_path, capsys):
    write_config(tmp_path)
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    assert main([*cfg, "materialize", "--start", "2024-01-01", "--end", "2024-01-02"]) == 2
    assert "2024-01-01 is before the configured start_date 2025-01-01" in capsys.readouterr().err
    assert main(["--config", str(tmp_path / "none.yaml"), "report"]) == 2
    assert "none.yaml: configuration file not found" in capsys.readouterr().err


def test_reprocess_after_late_data_restores_a_clean_run(tmp_path, monkeypatch):
    """Late events for a past day (one moving a user's first visit earlier): reprocessing
    from that day gives exactly the tables of a clean run over the corrected data."""
    import datetime as dt

    from .helpers import dump_warehouse, event, run_range, write_raw_log
    from .random_log import random_raw_rows

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    start, end = dt.date(2025, 1, 1), dt.date(2025, 2, 2)
    rows = random_raw_rows(21, start=start, days=(end - start).days + 1, users=25)
    late = [event("user003", "2025-01-08 09:00", "purchase"), event("late_user", "2025-01-08 10:00"),
            event("user010", "2025-01-09 23:00", "add_to_cart")]
    for name, log in (("incremental", rows), ("clean", rows + late)):
        write_raw_log(tmp_path / name / "raw", log, span=(start, end))
        write_config(tmp_path / name)
    clean = write_config(tmp_path / "clean")
    run_range(clean, start, end)
    incremental = write_config(tmp_path / "incremental")
    run_range(incremental, start, end)
    write_raw_log(tmp_path / "incremental" / "raw", late, name="late_arrivals")
    assert dump_warehouse(incremental) != dump_warehouse(clean)
    assert main(["--config", str(tmp_path / "incremental" / "activation.yaml"), "reprocess", "--since", "2025-01-08"]) == 0
    assert dump_warehouse(incremental) == dump_warehouse(clean)


def test_the_demo_materializes_every_day_up_to_yesterday(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    folder = tmp_path / "demo"
    assert main(["--config", str(SHIPPED_CONFIG), "demo", "--users", "200", "--days", "8", "--dir", str(folder)]) == 0
    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    config = load_config(folder / "activation.yaml")
    assert config.start_date == yesterday - dt.timedelta(days=7)
    assert config.source_path == str(folder / "raw") and config.warehouse_path == str(folder / "warehouse.duckdb")
    with duckdb.connect(config.warehouse_path, read_only=True) as conn:
        loaded = [d for (d,) in conn.execute("select partition_start from meta.partition_loads "
                                             "where table_name = 'activation.visit_active_users_daily' "
                                             "order by 1").fetchall()]
    assert loaded == [config.start_date + dt.timedelta(days=i) for i in range(8)]
    with dg.DagsterInstance.from_config(str(folder / "dagster_home")) as instance:
        assert {r.status for r in instance.get_runs()} == {dg.DagsterRunStatus.SUCCESS}
    out = capsys.readouterr().out
    assert "visit · daily — activation.visit_active_users_daily" in out and yesterday.isoformat() in out


def test_a_demo_whose_window_moved_starts_over_and_one_that_did_not_is_kept(tmp_path):
    folder = tmp_path / "demo"
    monday = dt.datetime(2026, 3, 2, 12, tzinfo=dt.timezone.utc)
    first = prepare_demo(SHIPPED_CONFIG, folder, 30, now=monday, progress=lambda _: None)
    assert first.start_date == dt.date(2026, 1, 31)
    (folder / "raw" / "date=2026-01-31").mkdir(parents=True)
    (folder / "warehouse.duckdb").write_text("the warehouse of that window")
    prepare_demo(SHIPPED_CONFIG, folder, 30, now=monday + dt.timedelta(hours=6), progress=lambda _: None)
    assert (folder / "warehouse.duckdb").exists(), "the same day's demo keeps its data"
    said = []
    moved = prepare_demo(SHIPPED_CONFIG, folder, 30, now=monday + dt.timedelta(days=1), progress=said.append)
    assert moved.start_date == dt.date(2026, 2, 1)
    assert not (folder / "raw").exists() and not (folder / "warehouse.duckdb").exists()
    assert said == [f"the demo window moved to start 2026-02-01: removing the previous demo's data in {folder}"]


def hold_the_warehouse(path: str, seconds: float) -> subprocess.Popen:
    """A reader (as a BI tool would be) holding the DuckDB file open for `seconds`."""
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print('open', flush=True); time.sleep(float(sys.argv[2]))", path, str(seconds)],
        stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "open"
    return reader


def test_a_held_warehouse_stops_a_run_before_it_starts_saying_who_holds_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = write_config(tmp_path)
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "30", "--days", "2"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-01"]) == 0
    reader = hold_the_warehouse(config.warehouse_path, 60)
    try:
        capsys.readouterr()
        for command in (["materialize", "--start", "2025-01-02", "--end", "2025-01-02"],
                        ["reprocess", "--since", "2025-01-01"]):
            assert main([*cfg, *command]) == 2
            (line,) = capsys.readouterr().err.splitlines()
            assert f"the warehouse {config.warehouse_path} is held by another process (PID {reader.pid}," in line
            assert "nothing was started" in line
    finally:
        reader.kill()
        reader.wait()
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        assert len(instance.get_runs()) == 1  # the first materialize's; the refused ones created none


def test_a_run_told_to_wait_for_the_warehouse_starts_once_it_is_let_go(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = write_config(tmp_path, warehouse={"path": "warehouse.duckdb", "lock_wait_seconds": 60})
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "30", "--days", "2"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-01"]) == 0
    reader = hold_the_warehouse(config.warehouse_path, 3)
    capsys.readouterr()
    assert main([*cfg, "materialize", "--start", "2025-01-02", "--end", "2025-01-02"]) == 0
    reader.wait()
    out = capsys.readouterr().out
    assert f"is held by PID {reader.pid}," in out and "waiting" in out
    assert read_rows(config, "meta.partition_loads", ["partition_start"],
                     "1 desc")[0] == ("2025-01-02",)


def test_a_run_of_the_ui_on_a_held_warehouse_fails_before_its_steps_and_a_scheduled_one_waits(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = write_config(tmp_path, warehouse={"path": "warehouse.duckdb", "schedule_lock_wait_seconds": 60})
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "30", "--days", "3"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-01"]) == 0
    job = build_definitions(config).resolve_job_def("daily_assets")

    reader = hold_the_warehouse(config.warehouse_path, 60)
    try:
        result = job.execute_in_process(partition_key="2025-01-02", raise_on_error=False,
                                        instance=dg.DagsterInstance.ephemeral())
    finally:
        reader.kill()
        reader.wait()
    assert not result.success
    assert result.get_step_success_events() == [] and result.get_asset_materialization_events() == []
    # What the run's page shows: the resources' failure, before any step, and why.
    (init_failure,) = [e for e in result.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE"]
    assert (f"the warehouse {config.warehouse_path} is held by another process (PID {reader.pid},"
            in init_failure.event_specific_data.error.to_string())

    reader = hold_the_warehouse(config.warehouse_path, 3)
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(partition_key="2025-01-02", raise_on_error=False, instance=instance,
                                    tags={"dagster/schedule_name": "daily_assets_schedule"})
    reader.wait()
    assert result.success
    assert any(f"is held by PID {reader.pid}," in entry.user_message and "waiting" in entry.user_message
               for entry in instance.all_logs(result.run_id))  # the run's log in the UI
