"""base.events and base.events_rejected: one computation, two tables.

A local day is read from every UTC folder it overlaps; each raw row ends in exactly
one of the two tables of exactly one partition, so rows read = kept + rejected (the
count read is kept in meta.raw_reads for the check that says so).
"""

from __future__ import annotations

import dagster as dg

from activation_assets.assets.partition_metadata import summary_sql
from activation_assets.assets.raw import RAW_EVENTS_KEY
from activation_assets.assets.table_asset import (
    TableAssetSpec,
    Window,
    build_table_asset,
)
from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.engines import Warehouse
from activation_assets.raw_source import utc_dates_of_local_day
from activation_assets.tables import base_events, base_events_rejected, raw_reads
from activation_assets.warehouse import TableWrite

# Days cleaned by one statement in a range run: enough to keep both cores busy, few
# enough that a year's backfill holds only about a week of raw rows at a time.
BASE_DAYS_PER_STATEMENT = 7


class MissingRawFolders(dg.Failure):
    """Raised instead of loading a day whose raw folders are not all delivered."""


def build_base_asset(config: ActivationConfig) -> dg.AssetsDefinition:
    """base.events and base.events_rejected, daily: the raw rows of a local day, cleaned."""
    events, rejected, reads = base_events(), base_events_rejected(), raw_reads()

    def writes(conn: Warehouse, windows: list[Window]) -> list[TableWrite]:
        folders_of = {w.start: utc_dates_of_local_day(w.start, config.timezone) for w in windows}
        files = conn.stage_raw_events(config.source_path, sorted({d for dates in folders_of.values() for d in dates}))
        conn.temp_table("rule_checked_events", conn.load_sql("base/classify_raw_events"),
                        {"timezone": config.timezone, "first_date": windows[0].start, "last_date": windows[-1].start})
        conn.temp_table("duplicate_copies", conn.load_sql("base/duplicate_copies", row_id=conn.row_id))
        conn.temp_view("classified_events", conn.load_sql("base/classified_events", row_id=conn.row_id))
        reads_params = {
            "partition_dates": [w.start for w in windows],
            "files_read": [sum(len(files[d]) for d in folders_of[w.start]) for w in windows],
        }
        return [
            TableWrite(events, conn.load_sql("base/events")),
            TableWrite(rejected, conn.load_sql("base/events_rejected")),
            TableWrite(reads, conn.load_sql("base/raw_reads"), reads_params),
        ]

    def inputs_ready(conn: Warehouse, windows: list[Window]) -> None:
        utc_dates = sorted({d for w in windows for d in utc_dates_of_local_day(w.start, config.timezone)})
        missing = conn.missing_folders(config.source_path, utc_dates)
        if missing:
            span = windows[0].key if len(windows) == 1 else f"{windows[0].key} … {windows[-1].key}"
            raise MissingRawFolders(
                description=f"Refusing to load base.events {span}: {len(missing)} raw folder(s) missing: "
                + ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
                + ". A local day is loaded only when every UTC folder it overlaps exists; a day without "
                "events is declared by an empty folder (or one holding a zero-row file).",
                metadata={"missing_folders": dg.MetadataValue.text("\n".join(missing))},
            )

    return build_table_asset(
        TableAssetSpec(
            tables=(events, rejected),
            group="base",
            engine=config.engine,
            grain=Grain.of("daily", config),
            deps=(dg.AssetDep(RAW_EVENTS_KEY),),
            writes=writes,
            prerequisites=lambda window: [],
            partitions_per_statement=BASE_DAYS_PER_STATEMENT,
            summaries={events.qualified_name: summary_sql("events", events),
                       rejected.qualified_name: summary_sql("events_rejected", rejected)},
            description_suffix=f" Read from {config.source_path}; local days in {config.timezone}.",
            inputs_ready=inputs_ready,
        )
    )
