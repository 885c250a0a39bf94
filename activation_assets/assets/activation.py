"""The activation layer of one fact: FirstLast snapshots, then per grain the activation
states, every known user's status, the active-user decomposition and the transitions.

FirstLast of day D and the status of period P each read their own previous partition,
so they are self-dependent assets; everything else reads only its own period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg

from activation_assets import chart_data, charts
from activation_assets.assets.partition_metadata import summary_sql
from activation_assets.assets.table_asset import (
    TableAssetSpec,
    Window,
    build_table_asset,
    previous_partition_dep,
    previous_partition_loaded,
)
from activation_assets.config import ActivationConfig, FactSpec
from activation_assets.engines import Warehouse
from activation_assets.grains import Grain
from activation_assets.sql import load_sql
from activation_assets.tables import (
    Table,
    activation_status_table,
    activation_table,
    active_users_table,
    fact_table,
    fact_tables,
    first_last_table,
    transitions_table,
)
from activation_assets.warehouse import Prerequisite, TableWrite

_ONE_DAY = dt.timedelta(days=1)



def build_activation_assets(*, config: ActivationConfig, fact: FactSpec) -> list[dg.AssetsDefinition]:
    """Every activation asset of one fact: FirstLast, then four tables per grain."""
    assets = [build_first_last_asset(config=config, fact=fact)]
    for grain_name in fact.grains:
        grain = Grain.of(grain_name, config)
        assets += [
            build_activation_grain_asset(config=config, fact=fact, grain=grain),
            build_status_asset(config=config, fact=fact, grain=grain),
            build_active_users_asset(config=config, fact=fact, grain=grain),
            build_transitions_asset(config=config, fact=fact, grain=grain),
        ]
    return assets


def build_first_last_asset(*, config: ActivationConfig, fact: FactSpec) -> dg.AssetsDefinition:
    """<fact>_first_last, daily and self-dependent: the snapshot before the range merged with
    the range's facts, a chunk of days per statement."""
    table, facts = first_last_table(fact.name), fact_table(fact.name)
    sql = load_sql("activation/first_last", **fact_tables(fact.name))
    daily = Grain.of("daily", config)

    def prerequisites(window: Window) -> list[Prerequisite]:
        return [Prerequisite(facts.qualified_name, window.days), *previous_partition_loaded(table, window)]

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=daily,
            deps=(dg.AssetDep(facts.asset_key), previous_partition_dep(table)),
            writes=lambda conn, windows: [TableWrite(table, sql, {
                "first_day": windows[0].start, "last_day": windows[-1].start})],
            partitions_per_statement=daily.periods_per_chunk,
            prerequisites=prerequisites,
            summaries=_summaries(table, "first_last"),
            description_suffix=" Built from the previous day's snapshot and the day's facts only.",
        )
    )


def build_activation_grain_asset(
    *, config: ActivationConfig, fact: FactSpec, grain: Grain
) -> dg.AssetsDefinition:
    """<fact>_activation_<grain>: the period's active users and their state."""
    table = activation_table(fact.name, grain.name)
    facts, first_last = fact_table(fact.name), first_last_table(fact.name)
    sql = load_sql("activation/activation", **fact_tables(fact.name, grain.name))

    def prerequisites(window: Window) -> list[Prerequisite]:
        needed = [Prerequisite(facts.qualified_name, window.days)]
        if window.start > config.start_date:
            needed.append(Prerequisite(first_last.qualified_name, (window.start - _ONE_DAY,)))
        return needed

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=grain,
            deps=(dg.AssetDep(facts.asset_key), dg.AssetDep(first_last.asset_key)),
            writes=lambda conn, windows: [TableWrite(table, sql, {
                "range_end": windows[-1].end,
                "first_snapshot": windows[0].start - _ONE_DAY,
                "last_snapshot": windows[-1].start - _ONE_DAY,
            })],
            partitions_per_statement=grain.periods_per_chunk,
            prerequisites=prerequisites,
            summaries=_summaries(table, "activation"),
        )
    )


def build_status_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_activation_status_<grain>, self-dependent: every known user's status in each
    period, a chunk of periods per statement."""
    table, activation = activation_status_table(fact.name, grain.name), activation_table(fact.name, grain.name)
    first_last = first_last_table(fact.name)
    sql = load_sql("activation/activation_status", **fact_tables(fact.name, grain.name))

    def prerequisites(window: Window) -> list[Prerequisite]:
        return [
            Prerequisite(activation.qualified_name, (window.start,) if window.is_first
                         else (window.previous_start, window.start)),
            Prerequisite(first_last.qualified_name, (window.end - _ONE_DAY,)),
            *previous_partition_loaded(table, window),
        ]

    def writes(conn, windows: list[Window]) -> list[TableWrite]:
        params = {
            "first_period": windows[0].start,
            "last_period": windows[-1].start,
            "seed_period": windows[0].previous_start,
            "is_first_partition": windows[0].is_first,
        }
        return [TableWrite(table, sql, params)]

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=grain,
            deps=(
                dg.AssetDep(activation.asset_key),
                dg.AssetDep(first_last.asset_key),
                previous_partition_dep(table),
            ),
            writes=writes,
            partitions_per_statement=grain.periods_per_chunk,
            prerequisites=prerequisites,
            summaries=_summaries(table, "activation_status"),
            description_suffix=(" Built from FirstLast, the activation of the period and of the one before, and the"
                                " previous period's status (for the run of active periods)."),
        )
    )


def build_active_users_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_active_users_<grain>: the period's active-user decomposition."""
    return _counted_from_status_asset(
        config, fact, grain, active_users_table(fact.name, grain.name), "active_users",
        chart=lambda conn, window: decomposition_chart_metadata(conn, fact.name, grain, window.start))


def build_transitions_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_transitions_<grain>: the period's users by previous status and status."""
    return _counted_from_status_asset(config, fact, grain, transitions_table(fact.name, grain.name), "transitions")


def _counted_from_status_asset(
    config: ActivationConfig, fact: FactSpec, grain: Grain, table: Table, name: str,
    chart: Callable[[Warehouse, Window], dict[str, dg.MetadataValue]] | None = None,
) -> dg.AssetsDefinition:
    """A small table of counts per period, each period read from its status partition alone
    (`sql/activation/<name>.sql`): the run's periods in one statement."""
    status = activation_status_table(fact.name, grain.name)
    sql = load_sql(f"activation/{name}", **fact_tables(fact.name, grain.name))
    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=grain,
            deps=(dg.AssetDep(status.asset_key),),
            writes=lambda conn, windows: [TableWrite(table, sql, {"period_starts": [w.start for w in windows]})],
            partitions_per_statement=None,
            prerequisites=lambda window: [Prerequisite(status.qualified_name, (window.start,))],
            summaries=_summaries(table, name),
            chart=chart,
        )
    )


def decomposition_chart_metadata(conn: Warehouse, fact: str, grain: Grain, through: dt.date) -> dict[str, dg.MetadataValue]:
    """The decomposition and ratio charts of the latest periods up to `through`, as the
    markdown images the asset's page shows."""
    rows = chart_data.latest_periods(conn, fact, grain, through)
    images = [charts.png_markdown(c.spec, c.name) for c in chart_data.decomposition_charts(rows, fact, grain)]
    return {"chart": dg.MetadataValue.md(f"The {len(rows)} {grain.period_noun}s up to {through}:\n\n"
                                         + "\n\n".join(images))}


def _summaries(table: Table, name: str) -> dict[str, str]:
    return {table.qualified_name: summary_sql(name, table)}
