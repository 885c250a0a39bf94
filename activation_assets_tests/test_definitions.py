"""The Definitions built from configuration: loadable, the exact assets, and a new fact
in YAML adds its assets with no code change."""

from pathlib import Path

import dagster as dg
import pytest

from activation_assets.config import ConfigError
from activation_assets.definitions import build_definitions, defs

from .helpers import write_config

ROOT = Path(__file__).resolve().parents[1]


def keys_of(definitions: dg.Definitions) -> set[str]:
    return {k.to_user_string() for k in definitions.resolve_asset_graph().get_all_asset_keys()}


def expected_fact_keys(fact: str, grains=("daily", "weekly", "monthly"), *, reports: bool = True) -> set[str]:
    keys = {f"fact/{fact}", f"activation/{fact}_first_last"}
    if reports:
        keys.add(f"activation/{fact}_engagement_daily")
    for grain in grains:
        keys |= {f"activation/{fact}_activation_{grain}", f"activation/{fact}_activation_status_{grain}",
                 f"activation/{fact}_active_users_{grain}"}
        if reports:
            keys |= {f"activation/{fact}_transitions_{grain}", f"activation/{fact}_retention_{grain}",
                     f"activation/{fact}_retention_unbounded_{grain}"}
        if reports and grain != "daily":
            keys.add(f"activation/{fact}_stickiness_{grain}")
    return keys


def test_shipped_definitions_load_with_exactly_the_specified_assets(monkeypatch):
    monkeypatch.setenv("ACTIVATION_CONFIG", str(ROOT / "activation.yaml"))
    loaded = defs()
    dg.Definitions.validate_loadable(loaded)
    assert keys_of(loaded) == {"raw/events", "base/events", "base/events_rejected", "mart/dim_users", "serving/copy",
        "mart/fact_first_activation_events", "mart/funnel_first_activation",
        "mart/funnel_first_activation_by_segment"} | expected_fact_keys("visit") | expected_fact_keys("purchase")
    assert {job.name for job in loaded.jobs} == {
        "daily_assets", "weekly_assets", "monthly_assets", "observe_raw_events", "mart_assets"}
    assert {s.name for s in loaded.schedules} == {
        "daily_assets_schedule", "weekly_assets_schedule", "monthly_assets_schedule"}


def test_adding_a_fact_to_the_yaml_adds_its_assets(tmp_path):
    config = write_config(tmp_path, facts=[
        {"name": "visit", "events": "all"},
        {"name": "post", "events": ["post_created"], "grains": ["weekly"]},
    ])
    assert keys_of(build_definitions(config)) == (
        {"raw/events", "base/events", "base/events_rejected", "mart/dim_users", "mart/fact_first_activation_events",
         "serving/copy"} | expected_fact_keys("visit") | expected_fact_keys("post", ["weekly"])
    )


def test_a_fact_without_reports_has_only_its_decomposition(tmp_path):
    config = write_config(tmp_path, facts=[{"name": "visit", "events": "all", "reports": []},
                                           {"name": "post", "events": ["post_created"], "reports": ["stickiness"],
                                            "grains": ["daily", "monthly"]}])
    assert keys_of(build_definitions(config)) == (
        {"raw/events", "base/events", "base/events_rejected", "mart/dim_users", "mart/fact_first_activation_events",
         "activation/post_stickiness_monthly", "serving/copy"}
        | expected_fact_keys("visit", reports=False) | expected_fact_keys("post", ["daily", "monthly"], reports=False)
    )


def test_adding_a_funnel_to_the_yaml_adds_its_report(tmp_path):
    config = write_config(tmp_path, funnels=[
        {"name": "first_post", "steps": [{"event": "post_created", "window_days": 3}]}])
    keys = keys_of(build_definitions(config))
    assert {k for k in keys if k.startswith("mart/")} == {
        "mart/dim_users", "mart/fact_first_activation_events", "mart/funnel_first_post",
        "mart/funnel_first_post_by_segment"}


def test_assets_are_grouped_by_layer_and_partitioned_by_their_grain(tmp_path):
    graph = build_definitions(write_config(tmp_path)).resolve_asset_graph()
    node = graph.get(dg.AssetKey(["activation", "visit_activation_weekly"]))
    assert node.group_name == "activation"
    assert isinstance(node.partitions_def, dg.WeeklyPartitionsDefinition)
    assert graph.get(dg.AssetKey(["base", "events"])).group_name == "base"
    assert graph.get(dg.AssetKey(["fact", "purchase"])).group_name == "fact"
    assert "One row per user active in the weekly period" in node.description


def test_first_last_and_status_depend_on_their_own_previous_partition(tmp_path):
    graph = build_definitions(write_config(tmp_path)).resolve_asset_graph()
    for key in (["activation", "visit_first_last"], ["activation", "visit_activation_status_monthly"]):
        assert dg.AssetKey(key) in graph.get(dg.AssetKey(key)).parent_keys


def test_a_missing_config_file_fails_loading_with_its_path(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIVATION_CONFIG", str(tmp_path / "absent.yaml"))
    with pytest.raises(ConfigError, match=r"absent\.yaml: configuration file not found \(set \$ACTIVATION_CONFIG"):
        defs()
