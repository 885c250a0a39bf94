"""The one asset body shared by every table: replace partitions in order, atomically.

Each layer describes its tables as a `TableAssetSpec` (what to write for a partition,
what must be loaded first, what to report); this module turns that into a Dagster
asset. Every asset has a single-run backfill policy, so a range arrives as one run,
written in chunks of consecutive partitions, one statement and one atomic replace per
chunk: a table that reads its own previous partition (FirstLast, status) gets the
partition before the chunk as its seed, so a daily run is a range of one.
"""


import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import dagster as dg

from activation_assets.assets.partition_metadata import (
    cost_metadata,
    cost_shares,
    partition_summaries,
    previews,
)
from activation_assets.engines import EngineResource, Warehouse, step_pool
from activation_assets.grains import Grain
from activation_assets.tables import Table
from activation_assets.warehouse import (
    Prerequisite,
    TableWrite,
    merge_prerequisites,
    require_loaded,
)


@dataclass(frozen=True)
class Window:
    """One partition: the days [start, end) of its period."""

    key: str
    start: dt.date
    end: dt.date
    previous_start: dt.date
    is_first: bool

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days))


@dataclass(frozen=True)
class TableAssetSpec:
    """What an asset writes for one partition and what it needs first."""

    tables: tuple[Table, ...]
    group: str
    # The engine that runs the step ("duckdb" or "spark", from config): its kind in the
    # UI and its pool.
    engine: str
    grain: Grain
    deps: tuple[dg.AssetDep, ...]
    writes: Callable[[Warehouse, list[Window]], list[TableWrite]]
    prerequisites: Callable[[Window], list[Prerequisite]]
    # Per table, the query of each partition's summary numbers (see partition_metadata).
    summaries: dict[str, str]
    description_suffix: str = ""
    # Raises, before anything is written, when the run's inputs outside the warehouse are
    # not all there (the raw folders of base.events); given every window of the run.
    inputs_ready: Callable[[Warehouse, list[Window]], None] | None = None
    # Consecutive partitions written per statement (`writes` gets that many windows, in
    # date order; None = every window of the run): bounded where a chunk holds a row per
    # known user per partition, so that its memory stays bounded.
    partitions_per_statement: int | None = 1
    # Charts of the run's latest partition, attached to its materialization once per run
    # (drawn from a small table, so a range run pays for one drawing, not one per partition).
    chart: Callable[[Warehouse, Window], dict[str, dg.MetadataValue]] | None = None


_PREVIOUS_PARTITION = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)


def previous_partition_dep(table: Table) -> dg.AssetDep:
    """The dependency of a self-dependent table on its own previous partition."""
    return dg.AssetDep(table.asset_key, partition_mapping=_PREVIOUS_PARTITION)


def previous_partition_loaded(table: Table, window: Window) -> list[Prerequisite]:
    """A self-dependent table needs its previous partition, except in its first one."""
    return [] if window.is_first else [Prerequisite(table.qualified_name, (window.previous_start,))]


def windows_of(grain: Grain, partition_keys: list[str]) -> list[Window]:
    """The windows of the given partition keys, in date order."""
    partitions_def = grain.partitions_def
    first_key = partitions_def.get_first_partition_key()
    windows = []
    for key in sorted(partition_keys):
        window = partitions_def.time_window_for_partition_key(key)
        start = window.start.date()
        windows.append(
            Window(
                key=key,
                start=start,
                end=window.end.date(),
                previous_start=grain.period_start(start - dt.timedelta(days=1)),
                is_first=key == first_key,
            )
        )
    return windows


def build_table_asset(spec: TableAssetSpec) -> dg.AssetsDefinition:
    """A Dagster asset (one or more tables) that replaces its partitions in order."""
    asset_specs = [
        dg.AssetSpec(
            key=table.asset_key,
            deps=list(spec.deps),
            group_name=spec.group,
            description=f"{table.description}{spec.description_suffix}",
            kinds={spec.engine},
            metadata={"dagster/column_schema": table.column_schema, "dagster/table_name": table.qualified_name},
        )
        for table in spec.tables
    ]
    name = "__".join([spec.tables[0].schema, spec.tables[0].name])

    @dg.multi_asset(
        name=name,
        specs=asset_specs,
        partitions_def=spec.grain.partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=step_pool(spec.engine),
    )
    def _table_asset(
        context: dg.AssetExecutionContext, engine: EngineResource
    ) -> Iterator[dg.MaterializeResult]:
        windows = windows_of(spec.grain, context.partition_keys)
        with engine.open() as conn:
            conn.use_macros(spec.grain.macros())
            if spec.inputs_ready:
                spec.inputs_ready(conn, windows)
            size = spec.partitions_per_statement or len(windows)
            batches = [windows[i:i + size] for i in range(0, len(windows), size)]
            done = 0
            for batch in batches:
                written = _write_batch(context, conn, spec, batch, name=name)
                done += len(batch)
                if worth_reporting(done, len(batch), len(windows)):
                    context.log.info(
                        f"{name} {batch[-1].key} ({done}/{len(windows)}): "
                        + ", ".join(f"{sum(rows.values())} rows in {t}" for t, rows in written.items())
                    )
            if spec.chart:
                context.add_asset_metadata(spec.chart(conn, windows[-1]), asset_key=spec.tables[0].asset_key,
                                           partition_key=windows[-1].key)
        for table in spec.tables:
            yield dg.MaterializeResult(
                asset_key=table.asset_key,
                metadata={"partitions_in_run": dg.MetadataValue.int(len(windows))},
            )

    return _table_asset


def _write_batch(
    context: dg.AssetExecutionContext, conn: Warehouse, spec: TableAssetSpec, batch: list[Window],
    *, name: str,
) -> dict[str, dict[dt.date, int]]:
    """Replace one batch of partitions once their inputs are loaded, then attach to each
    partition's materialization its own rows, summary, preview and share of the batch's
    cost on the engine."""
    starts = [w.start for w in batch]
    before = conn.totals()
    label = batch[0].key if len(batch) == 1 else f"{batch[0].key} … {batch[-1].key}"
    needed = merge_prerequisites(
        [p for window in batch for p in spec.prerequisites(window)],
        computed_here=[t.qualified_name for t in spec.tables], partition_starts=starts)
    require_loaded(conn, needed, computing=f"{name} {label}")
    written = conn.replace_partitions(starts, spec.writes(conn, batch))
    described = {}
    for table in spec.tables:
        sql = spec.summaries.get(table.qualified_name)
        summaries = partition_summaries(conn, sql, starts) if sql else {start: {} for start in starts}
        shown = previews(conn, table, starts)
        described[table] = {
            start: {
                "dagster/row_count": dg.MetadataValue.int(written[table.qualified_name][start]),
                **summaries[start],
                "preview": shown[start],
            }
            for start in starts
        }
    rows_by_partition = {start: sum(rows[start] for rows in written.values()) for start in starts}
    shares = cost_shares(conn.totals().minus(before), rows_by_partition)
    for table, by_start in described.items():
        for window in batch:
            context.add_asset_metadata(
                {**by_start[window.start], **cost_metadata(conn, shares[window.start], len(batch))},
                asset_key=table.asset_key,
                partition_key=window.key,
            )
    return written


def worth_reporting(done: int, just_done: int, total: int) -> bool:
    """About ten progress lines per run: the first batch, each tenth passed, the last."""
    return done in (just_done, total) or done * 10 // total > (done - just_done) * 10 // total
