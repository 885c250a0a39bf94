"""The project's Dagster instance: where runs are recorded, with the shipped settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from activation_assets.config import ActivationConfig

INSTANCE_TEMPLATE = Path(__file__).parent / "dagster.yaml"


def dagster_home(config: ActivationConfig) -> Path:
    """$DAGSTER_HOME, else `dagster_home/` beside the warehouse (in the data folder)."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    return config.data_dir / "dagster_home"


def ensure_dagster_home(home: Path) -> Path:
    """Create the folder and install the shipped dagster.yaml unless one is there."""
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        shutil.copyfile(INSTANCE_TEMPLATE, settings)
    return home


def persistent_instance(config: ActivationConfig) -> dg.DagsterInstance:
    """The instance the UI shows, so command-line runs appear in it."""
    home = ensure_dagster_home(dagster_home(config))
    return dg.DagsterInstance.from_config(str(home))
