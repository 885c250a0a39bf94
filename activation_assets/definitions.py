"""Dagster entry point: the Definitions built from the configuration file.

The file is read when Dagster loads the code location (not at import), from
$ACTIVATION_CONFIG or ./activation.yaml.
"""

from __future__ import annotations

import dagster as dg

from activation_assets.checks import build_all_checks
from activation_assets.config import ActivationConfig, config_path_from_env, load_config
from activation_assets.engines import engine_resource
from activation_assets.factory import build_assets
from activation_assets.jobs import build_jobs, build_mart_job, build_observation_job
from activation_assets.schedules import build_schedules


def build_definitions(config: ActivationConfig) -> dg.Definitions:
    """Assets, checks, jobs, schedules and the engine resource for one configuration."""
    jobs = build_jobs(config)
    observation_job = build_observation_job()
    mart_job = build_mart_job(config)
    return dg.Definitions(
        assets=build_assets(config),
        asset_checks=build_all_checks(config),
        jobs=[*jobs, observation_job, *([mart_job] if mart_job else [])],
        schedules=build_schedules(config),
        resources={"engine": engine_resource(config)},
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(load_config(config_path_from_env()))
