"""`make demo`: the shipped configuration on a generated log of the days ending yesterday.

The demo's configuration is a copy of the given one whose `start_date` is the first
generated day and whose raw log and warehouse live in the demo's folder, so the UI shows
every partition materialized and the daily schedule's next day is today. Run again on a
later day, the window has moved: the previous demo's log, warehouse and run history are
removed first, because a generated log is never mixed with another.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import yaml

from activation_assets.config import ActivationConfig, load_config

CONFIG_NAME = "activation.yaml"
RAW_FOLDER = "raw"
WAREHOUSE_FILE = "warehouse.duckdb"
DASHBOARD_FILE = "dashboard.html"
# What a demo folder holds; only these are removed when the window moves.
_DEMO_FILES = (RAW_FOLDER, WAREHOUSE_FILE, f"{WAREHOUSE_FILE}.wal", "dagster_home", DASHBOARD_FILE)


def demo_window(days: int, timezone: str, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The `days` local days ending yesterday in the reporting timezone."""
    if days < 1:
        raise ValueError(f"--days {days}: the demo needs at least one day")
    today = (now or dt.datetime.now(dt.timezone.utc)).astimezone(zoneinfo.ZoneInfo(timezone)).date()
    end = today - dt.timedelta(days=1)
    return end - dt.timedelta(days=days - 1), end


def prepare_demo(
    template: Path, folder: Path, days: int, *, now: dt.datetime | None = None,
    progress: Callable[[str], None] = print,
) -> ActivationConfig:
    """Write the demo's configuration into `folder` (clearing a previous demo whose window
    has moved) and return it loaded."""
    start, _ = demo_window(days, load_config(template).timezone, now)
    raw = yaml.safe_load(template.read_text())
    config_path = folder / CONFIG_NAME
    if config_path.exists() and load_config(config_path).start_date != start:
        progress(f"the demo window moved to start {start}: removing the previous demo's data in {folder}")
        for name in _DEMO_FILES:
            path = folder / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    raw.update(start_date=start.isoformat(), source={"path": RAW_FOLDER})
    raw["warehouse"] = {**(raw.get("warehouse") or {}), "path": WAREHOUSE_FILE}
    folder.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f"# Written by `activation-assets demo` from {template}: its first day is {start}.\n"
        + yaml.safe_dump(raw, sort_keys=False)
    )
    return load_config(config_path)
