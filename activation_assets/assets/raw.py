"""raw/events: the raw event log as an observable source, so Dagster can tell which
days are stale after late or corrected files.

Observing it gives each local day a data version made from the names (within the log's
folder, so a moved log keeps its versions), sizes and modification times of the files
in the UTC folders that day overlaps. A changed
version marks that day's base partition, and what depends on it, as stale in the UI.
Only days whose version differs from the one last recorded are reported, so a daily
observation records the new day, not the whole history again.
"""

import datetime as dt
import hashlib
from collections import defaultdict

import dagster as dg
import duckdb

from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.raw_source import utc_dates_of_local_day

RAW_EVENTS_KEY = dg.AssetKey(["raw", "events"])


def raw_file_versions(config: ActivationConfig, partition_keys: list[str]) -> dict[str, str]:
    """A version per local-day partition key that has raw files."""
    with duckdb.connect() as conn:
        listed = conn.execute(
            "select filename, size, last_modified from read_blob(?)",
            [f"{config.source_path.rstrip('/')}/date=*/*"],
        ).fetchall()
    files_by_folder: dict[dt.date, list[str]] = defaultdict(list)
    for filename, size, modified in listed:
        # Named from the folder down, so that the log moved elsewhere keeps its versions.
        within_root = "date=" + filename.rsplit("date=", 1)[-1]
        folder = within_root.removeprefix("date=").split("/", 1)[0]
        try:
            files_by_folder[dt.date.fromisoformat(folder)].append(f"{within_root}|{size}|{modified}")
        except ValueError:
            continue
    versions = {}
    for key in partition_keys:
        files = sorted(f for d in utc_dates_of_local_day(dt.date.fromisoformat(key), config.timezone)
                       for f in files_by_folder.get(d, []))
        if files:
            versions[key] = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    return versions


def recorded_versions(instance: dg.DagsterInstance) -> dict[str, str]:
    """The latest data version observed for each partition of raw/events."""
    latest: dict[str, str] = {}
    cursor = None
    while True:
        page = instance.fetch_observations(dg.AssetRecordsFilter(asset_key=RAW_EVENTS_KEY), limit=10_000, cursor=cursor)
        for record in page.records:
            observation = record.asset_observation
            if record.partition_key and observation is not None and observation.data_version:
                latest.setdefault(record.partition_key, observation.data_version)
        if not page.has_more:
            return latest
        cursor = page.cursor


def build_raw_events_source(config: ActivationConfig) -> dg.SourceAsset:
    """raw/events: observable, one data version per local day."""
    partitions_def = Grain.of("daily", config).partitions_def

    @dg.observable_source_asset(
        key=RAW_EVENTS_KEY,
        partitions_def=partitions_def,
        group_name="base",
        description=f"The raw event log at {config.source_path} (Hive folders by UTC date), per local day. "
                    "Observe it to see which days changed since they were loaded.",
    )
    def _raw_events(context) -> dg.DataVersionsByPartition:
        versions = raw_file_versions(config, partitions_def.get_partition_keys())
        recorded = recorded_versions(context.instance)
        changed = {key: v for key, v in versions.items() if recorded.get(key) != v}
        context.log.info(f"{len(changed)} of {len(versions)} days with raw files are new or changed")
        return dg.DataVersionsByPartition({key: dg.DataVersion(v) for key, v in changed.items()})

    return _raw_events
