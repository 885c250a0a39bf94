"""raw/events: per-day data versions of the raw log, and staleness after files change."""

import datetime as dt

import dagster as dg

from activation_assets.assets.raw import RAW_EVENTS_KEY, raw_file_versions
from activation_assets.definitions import build_definitions
from activation_assets.jobs import OBSERVE_RAW_JOB

from .helpers import event, run_range, write_config, write_raw_log

KEYS = ["2025-01-01", "2025-01-02", "2025-01-03"]


def test_a_changed_folder_changes_the_version_of_exactly_the_local_days_it_overlaps(tmp_path):
    write_raw_log(tmp_path / "raw", [event("a", f"2025-01-0{d} 10:00") for d in (1, 2, 3)])
    utc, seoul = write_config(tmp_path / "u", source={"path": str(tmp_path / "raw")}), write_config(
        tmp_path / "s", source={"path": str(tmp_path / "raw")}, timezone="Asia/Seoul")
    before = {c.timezone: raw_file_versions(c, KEYS) for c in (utc, seoul)}
    assert set(before["UTC"]) == set(KEYS)
    write_raw_log(tmp_path / "raw", [event("b", "2025-01-02 11:00")], name="late")
    after = {c.timezone: raw_file_versions(c, KEYS) for c in (utc, seoul)}
    changed = {tz: [k for k in KEYS if before[tz].get(k) != after[tz].get(k)] for tz in before}
    assert changed == {"UTC": ["2025-01-02"], "Asia/Seoul": ["2025-01-02", "2025-01-03"]}


def test_a_moved_log_keeps_its_versions(tmp_path):
    write_raw_log(tmp_path / "raw", [event("a", f"2025-01-0{d} 10:00") for d in (1, 2, 3)])
    here = raw_file_versions(write_config(tmp_path / "here", source={"path": str(tmp_path / "raw")}), KEYS)
    (tmp_path / "raw").rename(tmp_path / "elsewhere")
    there = raw_file_versions(write_config(tmp_path / "there", source={"path": str(tmp_path / "elsewhere")}), KEYS)
    assert set(here) == set(KEYS) and there == here


def test_observing_after_a_file_changes_marks_that_day_stale(tmp_path):
    # Reads staleness the way the UI does, through Dagster's resolver (an internal API).
    from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
    from dagster._core.loader import LoadingContextForTest

    write_raw_log(tmp_path / "raw", [event("a", f"2025-01-0{d} 10:00") for d in (1, 2, 3)])
    config = write_config(tmp_path)
    instance = dg.DagsterInstance.ephemeral()
    run_range(config, dt.date(2025, 1, 1), dt.date(2025, 1, 3), instance)
    definitions = build_definitions(config)
    base = dg.AssetKey(["base", "events"])

    def status(key: str) -> StaleStatus:
        resolver = CachingStaleStatusResolver(instance, definitions.resolve_asset_graph(),
                                              LoadingContextForTest(instance))
        return resolver.get_status(base, key)

    assert [status(k) for k in KEYS] == [StaleStatus.FRESH] * 3
    write_raw_log(tmp_path / "raw", [event("b", "2025-01-02 11:00")], name="late")
    assert definitions.resolve_job_def(OBSERVE_RAW_JOB).execute_in_process(instance=instance).success
    assert [status(k) for k in KEYS] == [StaleStatus.FRESH, StaleStatus.STALE, StaleStatus.FRESH]
    assert instance.fetch_observations(RAW_EVENTS_KEY, limit=1).records


def test_an_observation_records_only_the_days_that_are_new_or_changed(tmp_path):
    write_raw_log(tmp_path / "raw", [event("a", f"2025-01-0{d} 10:00") for d in (1, 2, 3)])
    definitions = build_definitions(write_config(tmp_path))
    instance = dg.DagsterInstance.ephemeral()

    def observe() -> list[str]:
        before = {r.storage_id for r in instance.fetch_observations(RAW_EVENTS_KEY, limit=100).records}
        assert definitions.resolve_job_def(OBSERVE_RAW_JOB).execute_in_process(instance=instance).success
        records = instance.fetch_observations(RAW_EVENTS_KEY, limit=100).records
        return sorted(r.partition_key for r in records if r.storage_id not in before)

    assert observe() == KEYS
    assert observe() == []
    write_raw_log(tmp_path / "raw", [event("b", "2025-01-02 11:00")], name="late")
    assert observe() == ["2025-01-02"]
