"""A partition refuses to compute from incomplete inputs and names what is missing."""

import datetime as dt

import dagster as dg
import pytest

from activation_assets.definitions import build_definitions
from activation_assets.jobs import job_name
from activation_assets.runner import PlannedRun, execute_runs

from .helpers import event, run_range, write_config, write_raw_log


def failure_of(config, grain, keys, partitions):
    *_, result = execute_runs(build_definitions(config), [PlannedRun(job_name(grain), tuple(keys), tuple(partitions))],
                              dg.DagsterInstance.ephemeral(), progress=lambda _: None)
    assert not result.success
    return str(next(e.step_failure_data.error for e in result.all_events if e.is_failure and e.step_failure_data))


@pytest.fixture
def config(tmp_path):
    write_raw_log(tmp_path / "raw", [event("a", f"2025-01-{d:02d} 10:00") for d in range(1, 15)])
    return write_config(tmp_path, facts=[{"name": "visit", "events": "all", "grains": ["daily", "weekly"]}])


def test_first_last_refuses_a_day_whose_previous_snapshot_is_missing(config):
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 1))
    daily = [dg.AssetKey(["base", "events"]), dg.AssetKey(["base", "events_rejected"]),
             dg.AssetKey(["fact", "visit"]), dg.AssetKey(["activation", "visit_first_last"])]
    message = failure_of(config, "daily", daily, ["2025-01-03"])
    assert "Refusing to compute activation__visit_first_last 2025-01-03" in message
    assert "activation.visit_first_last is missing 2025-01-02" in message


def test_a_week_refuses_to_compute_while_one_of_its_days_is_missing(config):
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 11))  # week of 01-06 lacks Sunday 01-12
    message = failure_of(config, "weekly", [dg.AssetKey(["activation", "visit_activation_weekly"])], ["2025-01-06"])
    assert "fact.visit is missing 2025-01-12" in message
