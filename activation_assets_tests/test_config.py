from pathlib import Path

import dagster as dg
import pytest

from activation_assets.definitions import build_definitions

from activation_assets.config import ConfigError, load_config

from .helpers import write_config

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_has_visit_and_purchase_at_three_grains_and_the_funnel():
    config = load_config(ROOT / "activation.yaml")
    assert [(f.name, f.event_names, f.grains) for f in config.facts] == [
        ("visit", None, ("daily", "weekly", "monthly")),
        ("purchase", ("purchase",), ("daily", "weekly", "monthly")),
    ]
    assert [(s.event_name, s.window_days) for s in config.funnels[0].steps] == [("add_to_cart", 1), ("purchase", 7)]
    assert config.week_start == "monday" and config.timezone == "UTC"
    assert config.inactivity_buckets["daily"] == (1, 2, 8, 15, 31, 91)


def test_defaults_apply_when_optional_keys_are_absent(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "start_date: 2025-01-01\nsource: {path: raw}\nwarehouse: {path: w.duckdb}\n"
        "facts: [{name: visit, events: all}]\n"
    )
    config = load_config(tmp_path / "a.yaml")
    assert (config.timezone, config.week_start, config.funnels) == ("UTC", "monday", ())
    assert config.facts[0].grains == ("daily", "weekly", "monthly")
    assert config.inactivity_buckets["monthly"] == (1, 2, 4, 7, 13)
    assert config.source_path == str(tmp_path / "raw")
    assert config.duckdb_settings == {"checkpoint_threshold": "512MB", "max_vacuum_tasks": 0}
    assert config.facts[0].reports == ("transitions", "retention", "engagement", "stickiness")
    assert (config.engagement.week_days, config.engagement.month_days) == (7, 30)


def test_duckdb_settings_reach_every_connection_of_the_graph(tmp_path):
    config = write_config(tmp_path, warehouse={"path": "w.duckdb", "memory_limit": "1GiB", "threads": 1,
                                               "temp_directory": "spill", "checkpoint_threshold": "64MB"})
    assert config.duckdb_settings == {"memory_limit": "1GiB", "threads": 1, "temp_directory": str(tmp_path / "spill"),
                                      "checkpoint_threshold": "64MB", "max_vacuum_tasks": 0}
    resource = build_definitions(config).resources["engine"]
    with resource.open() as conn:
        settings = dict(conn.execute(
            "select name, value from duckdb_settings() "
            "where name in ('memory_limit', 'threads', 'temp_directory', 'checkpoint_threshold', 'max_vacuum_tasks')"
        ).fetchall())
    assert settings == {"memory_limit": "1.0 GiB", "threads": "1", "temp_directory": str(tmp_path / "spill"),
                        "checkpoint_threshold": "61.0 MiB", "max_vacuum_tasks": "0"}


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone = 'Mars/Olympus'"),
        ({"week_start": "funday"}, "week_start = 'funday'"),
        ({"start_date": "2025-13-01"}, "start_date = '2025-13-01'"),
        ({"facts": [{"name": "Visit", "events": "all"}]}, "facts[0].name = 'Visit'"),
        ({"facts": [{"name": "visit", "events": "all", "grains": ["hourly"]}]}, "facts[0].grains[0] = 'hourly'"),
        ({"facts": [{"name": "visit", "events": "some"}]}, "facts[0].events = 'some'"),
        ({"facts": [{"name": "v", "events": "all"}, {"name": "v", "events": "all"}]}, "facts[].name has 'v' twice"),
        ({"inactivity_buckets": {"daily": [2, 5]}}, "inactivity_buckets.daily"),
        ({"funnels": [{"name": "f", "steps": [{"event": "x", "window_days": 0}]}]}, "funnels[0].steps[0].window_days = 0"),
        ({"colour": "blue"}, "unknown key 'colour'"),
        ({"warehouse": {"path": "w.duckdb", "memory_limit": "lots"}}, "warehouse.memory_limit = 'lots'"),
        ({"warehouse": {"path": "w.duckdb", "checkpoint_threshold": "50%"}}, "warehouse.checkpoint_threshold = '50%'"),
        ({"warehouse": {"path": "w.duckdb", "threads": 0}}, "warehouse.threads = 0"),
        ({"funnels": [{"name": "f", "steps": [{"event": "x", "window_days": 1}], "breakdowns": ["shoe_size"]}]},
         "funnels[0].breakdowns[0] = 'shoe_size'"),
        ({"engine": "postgres"}, "engine = 'postgres'"),
        ({"engine": "spark", "spark": {"master": "local[two]"}}, "spark.master = 'local[two]'"),
        ({"engine": "spark", "spark": {"remote": "http://host:15002"}}, "spark.remote = 'http://host:15002'"),
        ({"engine": "spark", "spark": {"master": "local[2]", "remote": "sc://h:15002"}},
         "spark.master and spark.remote exclude each other"),
        ({"engine": "spark", "spark": {"table_format": "orc"}}, "spark.table_format = 'orc'"),
        ({"engine": "spark", "spark": {"settings": {"shuffle.partitions": 8}}}, "spark.settings.shuffle.partitions = 8"),
        ({"engine": "spark", "spark": {"colour": "blue"}}, "unknown key 'spark.colour'"),
        ({"facts": [{"name": "visit", "events": "all", "reports": ["cohorts"]}]}, "facts[0].reports[0] = 'cohorts'"),
        ({"facts": [{"name": "visit", "events": "all", "reports": "retention"}]}, "facts[0].reports = 'retention'"),
        ({"engagement": {"week_days": 0}}, "engagement.week_days = 0"),
        ({"engagement": {"week_days": 7, "month_days": 7}}, "engagement.month_days = 7"),
        ({"engagement": {"days": 7}}, "unknown key 'engagement.days'"),
        ({"serving": {"enabled": "yes"}}, "serving.enabled = 'yes'"),
        ({"serving": {"tables": []}}, "unknown key 'serving.tables'"),
        ({"warehouse": {"path": "w.duckdb", "lock_wait_seconds": -1}}, "warehouse.lock_wait_seconds = -1"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_key_and_value(tmp_path, override, named):
    with pytest.raises(ConfigError) as error:
        write_config(tmp_path, **override)
    assert named in str(error.value)
    assert "activation.yaml" in str(error.value)


def test_malformed_yaml_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("facts: [visit\n  timezone: UTC")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_config(path)


def test_missing_required_key_is_named(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("start_date: 2025-01-01\nsource: {path: raw}\nfacts: [{name: visit, events: all}]\n")
    with pytest.raises(ConfigError, match="missing required key 'warehouse'"):
        load_config(path)


def test_missing_file_names_the_path_and_the_environment_variable(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml.*ACTIVATION_CONFIG"):
        load_config(tmp_path / "nope.yaml")


def test_engine_spark_gives_spark_steps_outside_the_duckdb_pool(tmp_path):
    from activation_assets.engines.spark import SparkEngine

    config = write_config(tmp_path, engine="spark", warehouse=None,
                          spark={"master": "local[2]", "settings": {"spark.sql.shuffle.partitions": 4}})
    assert config.spark.warehouse_dir == str(tmp_path / "spark-warehouse")  # a local session's tables beside the file
    defs = build_definitions(config)
    resource = defs.resources["engine"]
    assert isinstance(resource, SparkEngine)
    assert (resource.master, resource.settings) == ("local[2]", {"spark.sql.shuffle.partitions": "4"})
    graph = defs.resolve_asset_graph()
    node = graph.get(dg.AssetKey(["activation", "visit_first_last"]))
    assert node.kinds == {"spark"}
    assert node.pools == set()
    duckdb_graph = build_definitions(write_config(tmp_path / "d")).resolve_asset_graph()
    assert duckdb_graph.get(dg.AssetKey(["activation", "visit_first_last"])).pools == {"duckdb"}


def test_engine_spark_without_java_says_what_to_install(tmp_path, monkeypatch):
    from activation_assets.engines import spark as spark_engine

    config = write_config(tmp_path, engine="spark", warehouse=None)
    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(spark_engine.SparkUnavailable) as error:
        build_definitions(config).resources["engine"].session()
    assert "needs a Java 17+ runtime" in error.value.description
    assert "apt-get install openjdk-17-jre-headless" in error.value.description
