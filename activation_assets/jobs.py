"""One asset job per partitioning (daily, weekly, monthly): the units that range runs,
the command line and the schedule execute.

The daily job is the whole day in one run: it observes the raw log first (so changed
days show as stale), then every daily-partitioned asset, then rebuilds the unpartitioned
reports ("on or after" retention, funnels). Each run costs Dagster a second or so of its
own (creating the run and its database, planning its materializations) before any step,
so a day is one run.
"""

from __future__ import annotations

import dagster as dg

from activation_assets.assets.raw import RAW_EVENTS_KEY
from activation_assets.assets.serving import SERVING_KEY
from activation_assets.config import GRAINS, ActivationConfig
from activation_assets.tables import dim_users_table, funnel_table, partitioned_tables, unbounded_retention_tables


def job_name(grain: str) -> str:
    return f"{grain}_assets"


def asset_keys_by_grain(config: ActivationConfig) -> dict[str, list[dg.AssetKey]]:
    """The asset keys partitioned by each grain in use, inputs first."""
    keys: dict[str, list[dg.AssetKey]] = {g: [] for g in GRAINS}
    for entry in partitioned_tables(config):
        keys[entry.grain].append(entry.table.asset_key)
    keys["daily"].append(dim_users_table().asset_key)
    return {g: k for g, k in keys.items() if k}


MART_JOB = "mart_assets"


def unpartitioned_keys(config: ActivationConfig) -> list[dg.AssetKey]:
    """The reports rebuilt whole after the partitioned assets: the "on or after" retention
    tables and the funnel reports."""
    return [table.asset_key for table in unbounded_retention_tables(config)] + [
        funnel_table(funnel.name, len(funnel.steps), by_segment=by_segment).asset_key
        for funnel in config.funnels
        for by_segment in (False, True)
    ]


OBSERVE_RAW_JOB = "observe_raw_events"


def build_observation_job() -> dg.UnresolvedAssetJobDefinition:
    """Observes the raw log: new data versions mark the days whose files changed as stale."""
    return dg.define_asset_job(
        OBSERVE_RAW_JOB, selection=dg.AssetSelection.assets(RAW_EVENTS_KEY),
        description="Record a data version per day of the raw event log.",
    )


def build_mart_job(config: ActivationConfig) -> dg.UnresolvedAssetJobDefinition | None:
    """Rebuilds the reports that are not partitioned and the serving copy; None without any."""
    keys = [*unpartitioned_keys(config), *serving_keys(config)]
    if not keys:
        return None
    return dg.define_asset_job(MART_JOB, selection=dg.AssetSelection.assets(*keys),
                               description="Rebuild the unpartitioned reports (\"on or after\" retention, funnels) and "
                                           "the serving copy.")


def serving_keys(config: ActivationConfig) -> list[dg.AssetKey]:
    """The serving copy, refreshed at the end of every job's run (none on Spark)."""
    return [SERVING_KEY] if config.serving else []


def job_keys(config: ActivationConfig, grain: str) -> list[dg.AssetKey]:
    """What the grain's job selects: its assets, for the daily job the raw log's
    observation before them and the unpartitioned reports after them, then the serving
    copy."""
    keys = asset_keys_by_grain(config)[grain]
    if grain == "daily":
        keys = [RAW_EVENTS_KEY, *keys, *unpartitioned_keys(config)]
    return [*keys, *serving_keys(config)]


def build_jobs(config: ActivationConfig) -> list[dg.UnresolvedAssetJobDefinition]:
    """A job for each grain in use, selecting every asset partitioned by that grain."""
    descriptions = {
        "daily": "The day: observe the raw log, every daily-partitioned asset, then rebuild the unpartitioned "
                 "reports.",
    }
    return [
        dg.define_asset_job(
            job_name(grain),
            selection=dg.AssetSelection.assets(*job_keys(config, grain)),
            description=descriptions.get(grain, f"Every {grain}-partitioned asset of the activation layer."),
        )
        for grain in asset_keys_by_grain(config)
    ]
