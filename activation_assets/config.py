"""The project's one configuration file: a validated, immutable model of the YAML.

Every value is checked when definitions load, and a bad value raises `ConfigError`
naming the file, the key, the value and what is allowed, so a typo never turns into
an obscure failure halfway through a backfill.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_ENV_VAR = "ACTIVATION_CONFIG"
DEFAULT_CONFIG_PATH = "activation.yaml"

GRAINS = ("daily", "weekly", "monthly")
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
DEFAULT_INACTIVITY_BUCKETS: dict[str, tuple[int, ...]] = {
    "daily": (1, 2, 8, 15, 31, 91),
    "weekly": (1, 2, 5, 13),
    "monthly": (1, 2, 4, 7, 13),
}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B|%)$", re.IGNORECASE)
BYTE_SIZE = re.compile(r"^\d+(\.\d+)?\s*[KMGT]i?B$", re.IGNORECASE)
# DuckDB checkpoints (writes the WAL into the database file) once the WAL passes this size.
# Its own default, 16MB, checkpoints after nearly every partition of a one-row-per-user
# snapshot; this lets several partitions share a checkpoint (a day-by-day walk of
# FirstLast and status runs about 30% faster) while the WAL stays small next to memory.
DEFAULT_CHECKPOINT_THRESHOLD = "512MB"
# DuckDB's checkpoint merges ("vacuums") neighbouring row groups that would fit in fewer.
# A partition's insert ends in one or two part-filled row groups, and to absorb them the
# merge rewrites the full row groups beside them as well: about 260k rows per
# one-row-per-user table per day at 1M users. At most 100 merges per table run in one
# checkpoint, so a year's backfill left the rest to later runs: at 1M users each next-day
# run spent 7-12 s closing the warehouse on them, 0.4 s without. Row groups a reprocess
# empties are still dropped; part-filled ones are kept as they are.
ROW_GROUP_MERGES_OFF = {"max_vacuum_tasks": 0}
ALL_EVENTS = "all"
DEFAULT_DELIVERY_DELAY_MINUTES = 90
# A month of daily snapshots per statement: at 1M users about 31M rows, which DuckDB
# computes and writes within a 4GB memory limit.
DEFAULT_CHUNK_DAYS = 31


ENGINES = ("duckdb", "spark")
TABLE_FORMATS = ("parquet", "delta", "iceberg")
SPARK_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\s*\d+)?\])?|(spark|yarn|k8s|mesos)(://.+)?)$")


class ConfigError(ValueError):
    """A configuration value is missing or not allowed."""


# The report tables a fact can have beyond its decomposition (SPEC §5), each switchable per fact.
REPORTS = ("transitions", "retention", "engagement", "stickiness")


@dataclass(frozen=True)
class EngagementWindows:
    """The trailing windows of the rolling engagement states: a user is weekly active when
    active in the last `week_days` days, monthly active in the last `month_days`."""

    week_days: int = 7
    month_days: int = 30


@dataclass(frozen=True)
class FactSpec:
    """A core action: which events count for it and at which grains it is reported."""

    name: str
    event_names: tuple[str, ...] | None
    grains: tuple[str, ...]
    description: str = ""
    # The report families built for the fact (REPORTS; all by default).
    reports: tuple[str, ...] = REPORTS

    def reports_on(self, family: str) -> bool:
        return family in self.reports


@dataclass(frozen=True)
class FunnelStep:
    event_name: str
    window_days: int


BREAKDOWN_ATTRIBUTES = ("first_source", "first_medium", "first_campaign", "country", "device_os", "app_version")
DEFAULT_BREAKDOWNS = ("first_source", "country", "device_os")


@dataclass(frozen=True)
class FunnelSpec:
    name: str
    steps: tuple[FunnelStep, ...]
    breakdowns: tuple[str, ...] = DEFAULT_BREAKDOWNS


@dataclass(frozen=True)
class DayVolumeCheck:
    """base.events' check against a half-delivered day: a day with fewer events than
    `min_ratio` of the median of its `trailing_days` loaded days before it fails, once
    that median is at least `min_median_rows` (a tiny log varies too much to judge)."""

    min_ratio: float = 0.1
    trailing_days: int = 7
    min_median_rows: int = 1000


@dataclass(frozen=True)
class SparkSettings:
    """Where the Spark engine runs and keeps the layer's tables.

    `master` (a local or cluster master URL) or `remote` (a Spark Connect URL, sc://…) says
    where statements run; the layer's schemas are databases of `catalog`; tables are
    written in `table_format`. `settings` are passed to the session as they are.
    """

    master: str | None = "local[*]"
    remote: str | None = None
    catalog: str = "spark_catalog"
    # Tables and, for a local session, the catalogue's metastore (None: the cluster's).
    warehouse_dir: str | None = None
    table_format: str = "parquet"
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActivationConfig:
    """Everything the asset factory needs to generate the graph."""

    source_path: str
    warehouse_path: str
    start_date: dt.date
    facts: tuple[FactSpec, ...]
    timezone: str = "UTC"
    week_start: str = "monday"
    funnels: tuple[FunnelSpec, ...] = ()
    inactivity_buckets: dict[str, tuple[int, ...]] = field(
        default_factory=lambda: dict(DEFAULT_INACTIVITY_BUCKETS)
    )
    config_path: str = ""
    # Minutes after a UTC day ends until its raw folder is complete (what the schedules wait for).
    delivery_delay_minutes: int = DEFAULT_DELIVERY_DELAY_MINUTES
    day_volume: DayVolumeCheck = DayVolumeCheck()
    # Days of the one-row-per-user tables a range run computes per statement (see README).
    chunk_days: int = DEFAULT_CHUNK_DAYS
    # DuckDB settings for every connection to the warehouse (memory_limit, threads, temp_directory,
    # checkpoint_threshold, and row-group merges off).
    duckdb_settings: dict[str, Any] = field(default_factory=dict)
    # The engine that holds the warehouse: the embedded DuckDB file, or Spark.
    engine: str = "duckdb"
    spark: SparkSettings = SparkSettings()
    engagement: EngagementWindows = EngagementWindows()
    # Seconds a run waits for another process to let go of the DuckDB file (a scheduled run:
    # schedule_lock_wait_seconds).
    lock_wait_seconds: int = 0
    schedule_lock_wait_seconds: int = 900
    # The serving copy analysts query (engine duckdb): on, its file ("" = beside the
    # warehouse), and whether it holds the latest partition of the per-user tables.
    serving: bool = True
    serving_path: str = ""
    serve_latest_user_partitions: bool = True

    @property
    def data_dir(self) -> Path:
        """The folder of the warehouse's local state: the DuckDB file's, or the Spark
        warehouse directory's (else the configuration file's)."""
        if self.engine == "duckdb":
            return Path(self.warehouse_path).resolve().parent
        location = self.spark.warehouse_dir or self.config_path
        return Path(location).resolve().parent

    @property
    def week_start_day_offset(self) -> int:
        """Day of week the weeks start on, 0 = Sunday (Dagster's `day_offset`)."""
        return WEEKDAYS.index(self.week_start)

    @property
    def funnel_events(self) -> tuple[str, ...]:
        """Every event name used by a funnel step, sorted."""
        return tuple(sorted({step.event_name for funnel in self.funnels for step in funnel.steps}))


def config_path_from_env() -> Path:
    """The configuration file named by $ACTIVATION_CONFIG, else ./activation.yaml."""
    return Path(os.environ.get(CONFIG_ENV_VAR, DEFAULT_CONFIG_PATH))


def load_config(path: str | Path) -> ActivationConfig:
    """Read and validate a configuration file; relative paths in it are relative to it."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuration file not found (set ${CONFIG_ENV_VAR} to its path)"
        )
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(raw, source=str(path), base_dir=path.resolve().parent)


def parse_config(raw: Any, *, source: str, base_dir: Path) -> ActivationConfig:
    """Validate an already-parsed YAML document."""
    reader = _Reader(source)
    top = reader.mapping(raw, "")
    reader.no_unknown_keys(
        top,
        "",
        {"timezone", "start_date", "week_start", "source", "warehouse", "facts",
         "funnels", "inactivity_buckets", "checks", "backfill", "engine", "spark", "engagement",
         "serving"},
    )
    timezone = reader.timezone(top.get("timezone", "UTC"), "timezone")
    week_start = reader.choice(top.get("week_start", "monday"), "week_start", WEEKDAYS)
    start_date = reader.date(reader.required(top, "start_date", ""), "start_date")

    source_section = reader.mapping(reader.required(top, "source", ""), "source")
    reader.no_unknown_keys(source_section, "source", {"path", "delivery_delay_minutes"})
    source_path = _resolve(
        reader.string(reader.required(source_section, "path", "source"), "source.path"), base_dir
    )

    delivery_delay_minutes = reader.positive_int(
        source_section.get("delivery_delay_minutes", DEFAULT_DELIVERY_DELAY_MINUTES), "source.delivery_delay_minutes")

    engine = reader.choice(top.get("engine", "duckdb"), "engine", ENGINES)
    spark = _parse_spark(reader, top.get("spark", {}) or {}, "spark", base_dir)

    # The DuckDB file is the warehouse of the duckdb engine only.
    warehouse = reader.mapping(top.get("warehouse") or {} if engine == "spark" else
                               reader.required(top, "warehouse", ""), "warehouse")
    reader.no_unknown_keys(warehouse, "warehouse",
                           {"path", "memory_limit", "threads", "temp_directory", "checkpoint_threshold",
                            "lock_wait_seconds", "schedule_lock_wait_seconds"})
    warehouse_path = _resolve(
        reader.string(reader.required(warehouse, "path", "warehouse"), "warehouse.path"), base_dir
    ) if engine == "duckdb" or warehouse.get("path") is not None else ""
    duckdb_settings: dict[str, Any] = {}
    if warehouse.get("memory_limit") is not None:
        duckdb_settings["memory_limit"] = reader.memory_size(warehouse["memory_limit"], "warehouse.memory_limit")
    if warehouse.get("threads") is not None:
        duckdb_settings["threads"] = reader.positive_int(warehouse["threads"], "warehouse.threads")
    if warehouse.get("temp_directory") is not None:
        duckdb_settings["temp_directory"] = _resolve(
            reader.string(warehouse["temp_directory"], "warehouse.temp_directory"), base_dir)
    duckdb_settings["checkpoint_threshold"] = reader.byte_size(
        warehouse.get("checkpoint_threshold", DEFAULT_CHECKPOINT_THRESHOLD), "warehouse.checkpoint_threshold")
    duckdb_settings.update(ROW_GROUP_MERGES_OFF)

    facts = tuple(
        _parse_fact(reader, item, f"facts[{i}]")
        for i, item in enumerate(reader.sequence(reader.required(top, "facts", ""), "facts", min_len=1))
    )
    reader.unique([f.name for f in facts], "facts[].name")

    funnels = tuple(
        _parse_funnel(reader, item, f"funnels[{i}]")
        for i, item in enumerate(reader.sequence(top.get("funnels", []) or [], "funnels"))
    )
    reader.unique([f.name for f in funnels], "funnels[].name")

    buckets = dict(DEFAULT_INACTIVITY_BUCKETS)
    configured = reader.mapping(top.get("inactivity_buckets", {}) or {}, "inactivity_buckets")
    reader.no_unknown_keys(configured, "inactivity_buckets", set(GRAINS))
    for grain, bounds in configured.items():
        buckets[grain] = _parse_buckets(reader, bounds, f"inactivity_buckets.{grain}")

    backfill = reader.mapping(top.get("backfill", {}) or {}, "backfill")
    reader.no_unknown_keys(backfill, "backfill", {"chunk_days"})
    chunk_days = reader.positive_int(backfill.get("chunk_days", DEFAULT_CHUNK_DAYS), "backfill.chunk_days")

    checks = reader.mapping(top.get("checks", {}) or {}, "checks")
    reader.no_unknown_keys(checks, "checks", {"day_volume"})
    day_volume = _parse_day_volume(reader, checks.get("day_volume", {}) or {}, "checks.day_volume")

    engagement = _parse_engagement(reader, top.get("engagement", {}) or {}, "engagement")
    lock_wait_seconds = reader.non_negative_int(warehouse.get("lock_wait_seconds", 0), "warehouse.lock_wait_seconds")
    schedule_lock_wait_seconds = reader.non_negative_int(
        warehouse.get("schedule_lock_wait_seconds", 900), "warehouse.schedule_lock_wait_seconds")
    serving = reader.mapping(top.get("serving", {}) or {}, "serving")
    reader.no_unknown_keys(serving, "serving", {"enabled", "path", "latest_user_partitions"})
    serving_path = _resolve(reader.string(serving["path"], "serving.path"), base_dir) if serving.get("path") else ""

    return ActivationConfig(
        source_path=source_path,
        delivery_delay_minutes=delivery_delay_minutes,
        warehouse_path=warehouse_path,
        start_date=start_date,
        facts=facts,
        timezone=timezone,
        week_start=week_start,
        funnels=funnels,
        inactivity_buckets=buckets,
        config_path=source,
        day_volume=day_volume,
        chunk_days=chunk_days,
        duckdb_settings=duckdb_settings,
        engine=engine,
        spark=spark,
        engagement=engagement,
        lock_wait_seconds=lock_wait_seconds,
        schedule_lock_wait_seconds=schedule_lock_wait_seconds,
        serving=reader.boolean(serving.get("enabled", True), "serving.enabled") and engine == "duckdb",
        serving_path=serving_path,
        serve_latest_user_partitions=reader.boolean(serving.get("latest_user_partitions", True),
                                                    "serving.latest_user_partitions"),
    )


def _resolve(value: str, base_dir: Path) -> str:
    if "://" in value or Path(value).is_absolute():
        return value
    return str(base_dir / value)


def _parse_fact(reader: _Reader, raw: Any, key: str) -> FactSpec:
    item = reader.mapping(raw, key)
    reader.no_unknown_keys(item, key, {"name", "events", "grains", "description", "reports"})
    name = reader.identifier(reader.required(item, "name", key), f"{key}.name")
    events_raw = reader.required(item, "events", key)
    if events_raw == ALL_EVENTS:
        event_names = None
    else:
        events = reader.sequence(events_raw, f"{key}.events", min_len=1, allowed=f"'{ALL_EVENTS}' or a list of event names")
        event_names = tuple(reader.string(e, f"{key}.events[{i}]") for i, e in enumerate(events))
    grains_raw = reader.sequence(item.get("grains", list(GRAINS)), f"{key}.grains", min_len=1)
    grains = tuple(reader.choice(g, f"{key}.grains[{i}]", GRAINS) for i, g in enumerate(grains_raw))
    reader.unique(list(grains), f"{key}.grains")
    description = reader.string(item.get("description", ""), f"{key}.description", allow_empty=True)
    reports_raw = item.get("reports", list(REPORTS))
    reports_raw = reader.sequence([] if reports_raw is None else reports_raw, f"{key}.reports")
    reports = tuple(reader.choice(r, f"{key}.reports[{i}]", REPORTS) for i, r in enumerate(reports_raw))
    reader.unique(list(reports), f"{key}.reports")
    return FactSpec(name=name, event_names=event_names, grains=grains, description=description, reports=reports)


def _parse_engagement(reader: _Reader, raw: Any, key: str) -> EngagementWindows:
    item = reader.mapping(raw, key)
    reader.no_unknown_keys(item, key, {"week_days", "month_days"})
    windows = EngagementWindows(
        week_days=reader.positive_int(item.get("week_days", EngagementWindows.week_days), f"{key}.week_days"),
        month_days=reader.positive_int(item.get("month_days", EngagementWindows.month_days), f"{key}.month_days"),
    )
    if windows.month_days <= windows.week_days:
        reader.fail(f"{key}.month_days", windows.month_days, f"more days than week_days ({windows.week_days})")
    return windows


def _parse_funnel(reader: _Reader, raw: Any, key: str) -> FunnelSpec:
    item = reader.mapping(raw, key)
    reader.no_unknown_keys(item, key, {"name", "steps", "breakdowns"})
    name = reader.identifier(reader.required(item, "name", key), f"{key}.name")
    steps = []
    for i, step_raw in enumerate(reader.sequence(reader.required(item, "steps", key), f"{key}.steps", min_len=1)):
        step_key = f"{key}.steps[{i}]"
        step = reader.mapping(step_raw, step_key)
        reader.no_unknown_keys(step, step_key, {"event", "window_days"})
        event = reader.string(reader.required(step, "event", step_key), f"{step_key}.event")
        window = reader.positive_int(reader.required(step, "window_days", step_key), f"{step_key}.window_days")
        steps.append(FunnelStep(event_name=event, window_days=window))
    breakdowns_raw = reader.sequence(item.get("breakdowns", list(DEFAULT_BREAKDOWNS)), f"{key}.breakdowns")
    breakdowns = tuple(reader.choice(b, f"{key}.breakdowns[{i}]", BREAKDOWN_ATTRIBUTES)
                       for i, b in enumerate(breakdowns_raw))
    reader.unique(list(breakdowns), f"{key}.breakdowns")
    return FunnelSpec(name=name, steps=tuple(steps), breakdowns=breakdowns)


def _parse_spark(reader: _Reader, raw: Any, key: str, base_dir: Path) -> SparkSettings:
    item = reader.mapping(raw, key)
    reader.no_unknown_keys(item, key, {"master", "remote", "catalog", "warehouse_dir", "table_format", "settings"})
    default = SparkSettings()
    if item.get("master") is not None and item.get("remote") is not None:
        raise ConfigError(f"{reader.source}: {key}.master and {key}.remote exclude each other: "
                          "give a master URL, or a Spark Connect URL (sc://host:port)")
    remote = None
    if item.get("remote") is not None:
        remote = reader.string(item["remote"], f"{key}.remote")
        if not remote.startswith("sc://"):
            reader.fail(f"{key}.remote", remote, "a Spark Connect URL such as sc://spark-host:15002")
    master = None if remote else str(item.get("master", default.master))
    if master is not None and not SPARK_MASTER.match(master):
        reader.fail(f"{key}.master", master, "a Spark master URL such as local[*], local[4], spark://host:7077, yarn")
    settings = reader.mapping(item.get("settings", {}) or {}, f"{key}.settings")
    for name, value in settings.items():
        if not str(name).startswith("spark.") or isinstance(value, (dict, list)) or value is None:
            reader.fail(f"{key}.settings.{name}", value, "a Spark setting named spark.… with a single value")
    # A local session keeps its tables and catalogue beside the configuration; a cluster's
    # session, where its administrators put them.
    warehouse_dir = item.get("warehouse_dir", "spark-warehouse" if master and master.startswith("local") else None)
    return SparkSettings(
        master=master,
        remote=remote,
        catalog=reader.identifier(item.get("catalog", default.catalog), f"{key}.catalog"),
        warehouse_dir=_resolve(reader.string(warehouse_dir, f"{key}.warehouse_dir"), base_dir)
        if warehouse_dir is not None else None,
        table_format=reader.choice(item.get("table_format", default.table_format), f"{key}.table_format",
                                   TABLE_FORMATS),
        settings={str(name): str(value).lower() if isinstance(value, bool) else str(value)
                  for name, value in settings.items()},
    )


def _parse_day_volume(reader: _Reader, raw: Any, key: str) -> DayVolumeCheck:
    item = reader.mapping(raw, key)
    reader.no_unknown_keys(item, key, {"min_ratio", "trailing_days", "min_median_rows"})
    default = DayVolumeCheck()
    return DayVolumeCheck(
        min_ratio=reader.fraction(item.get("min_ratio", default.min_ratio), f"{key}.min_ratio"),
        trailing_days=reader.positive_int(item.get("trailing_days", default.trailing_days), f"{key}.trailing_days"),
        min_median_rows=reader.positive_int(item.get("min_median_rows", default.min_median_rows),
                                            f"{key}.min_median_rows"),
    )


def _parse_buckets(reader: _Reader, raw: Any, key: str) -> tuple[int, ...]:
    bounds = tuple(
        reader.positive_int(b, f"{key}[{i}]")
        for i, b in enumerate(reader.sequence(raw, key, min_len=1))
    )
    if bounds[0] != 1 or any(a >= b for a, b in zip(bounds, bounds[1:])):
        reader.fail(key, bounds, "ascending lower bounds starting at 1, e.g. [1, 2, 8, 15]")
    return bounds


class _Reader:
    """Typed accessors that raise ConfigError naming the file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, value: Any, allowed: str) -> None:
        where = key or "(top level)"
        raise ConfigError(f"{self.source}: {where} = {value!r} is not allowed; expected {allowed}")

    def required(self, mapping: dict, name: str, parent: str) -> Any:
        if name not in mapping or mapping[name] is None:
            key = f"{parent}.{name}" if parent else name
            raise ConfigError(f"{self.source}: missing required key '{key}'")
        return mapping[name]

    def mapping(self, value: Any, key: str) -> dict:
        if not isinstance(value, dict):
            self.fail(key, value, "a mapping of keys to values")
        return value

    def sequence(self, value: Any, key: str, *, min_len: int = 0, allowed: str = "a list") -> list:
        if not isinstance(value, list) or len(value) < min_len:
            self.fail(key, value, allowed if min_len == 0 else f"{allowed} with at least {min_len} item")
        return value

    def no_unknown_keys(self, mapping: dict, key: str, known: set[str]) -> None:
        unknown = sorted(set(map(str, mapping)) - known)
        if unknown:
            where = f"{key}.{unknown[0]}" if key else unknown[0]
            raise ConfigError(
                f"{self.source}: unknown key '{where}'; allowed keys here: {', '.join(sorted(known))}"
            )

    def string(self, value: Any, key: str, *, allow_empty: bool = False) -> str:
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            self.fail(key, value, "a non-empty string")
        return value

    def identifier(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.fail(key, value, "a SQL identifier matching [a-z][a-z0-9_]*")
        return value

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(key, value, "one of " + ", ".join(allowed))
        return value

    def positive_int(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(key, value, "a whole number ≥ 1")
        return value

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail(key, value, "true or false")
        return value

    def non_negative_int(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, value, "a whole number ≥ 0")
        return value

    def fraction(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            self.fail(key, value, "a number from 0 (off) up to but not including 1, e.g. 0.1")
        return float(value)

    def memory_size(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not MEMORY_SIZE.match(value.strip()):
            self.fail(key, value, "a size such as 4GB, 512MB or 80%")
        return value.strip()

    def byte_size(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not BYTE_SIZE.match(value.strip()):
            self.fail(key, value, "a size such as 512MB or 1GB")
        return value.strip()

    def date(self, value: Any, key: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, value, "a date written YYYY-MM-DD")
        raise AssertionError("unreachable")

    def timezone(self, value: Any, key: str) -> str:
        try:
            zoneinfo.ZoneInfo(str(value))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.fail(key, value, "an IANA time zone name such as UTC, Asia/Seoul or America/New_York")
        return str(value)

    def unique(self, names: list[str], key: str) -> None:
        seen = set()
        for name in names:
            if name in seen:
                raise ConfigError(f"{self.source}: {key} has '{name}' twice; names must be unique")
            seen.add(name)
