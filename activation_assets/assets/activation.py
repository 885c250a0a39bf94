"""The activation layer of one fact: FirstLast snapshots, then per grain the activation
states, every known user's status and the active-user decomposition, and the reports
configured for the fact (transitions, retention, stickiness, rolling engagement).

FirstLast of day D and the status of period P each read their own previous partition,
so they are self-dependent assets; everything else reads only its own period (the
engagement of day D: the snapshots of D and the two days before), except the "on or
after" retention, rebuilt whole from the latest snapshot.
"""

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
from activation_assets.engines import EngineResource, Warehouse, step_pool
from activation_assets.grains import Grain
from activation_assets.markdown import query_as_markdown
from activation_assets.sql import load_sql
from activation_assets.tables import (
    Table,
    activation_status_table,
    activation_table,
    active_users_table,
    engagement_daily_table,
    fact_table,
    fact_tables,
    first_last_table,
    per_grain_kinds,
    retention_table,
    retention_unbounded_table,
    stickiness_table,
    transitions_table,
)
from activation_assets.warehouse import Prerequisite, TableWrite

_ONE_DAY = dt.timedelta(days=1)


def build_activation_assets(*, config: ActivationConfig, fact: FactSpec) -> list[dg.AssetsDefinition]:
    """Every activation asset of one fact: FirstLast, the tables of each grain (the kinds
    the catalogue lists for the fact), and its engagement and "on or after" retention
    when configured."""
    builders = {
        "activation": build_activation_grain_asset,
        "status": build_status_asset,
        "active_users": build_active_users_asset,
        "transitions": build_transitions_asset,
        "retention": build_retention_asset,
        "stickiness": build_stickiness_asset,
    }
    assets = [build_first_last_asset(config=config, fact=fact)]
    for grain_name in fact.grains:
        grain = Grain.of(grain_name, config)
        assets += [builders[kind](config=config, fact=fact, grain=grain) for kind in per_grain_kinds(fact, grain_name)]
    if fact.reports_on("engagement"):
        assets.append(build_engagement_asset(config=config, fact=fact))
    if fact.reports_on("retention"):
        assets.append(build_unbounded_retention_asset(config=config, fact=fact))
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
    return _counted_per_period_asset(
        config, fact, grain, active_users_table(fact.name, grain.name), "active_users",
        chart=lambda conn, window: decomposition_chart_metadata(conn, fact.name, grain, window.start))


def build_transitions_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_transitions_<grain>: the period's users by previous status and status."""
    return _counted_per_period_asset(config, fact, grain, transitions_table(fact.name, grain.name), "transitions")


def build_retention_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_retention_<grain>: each cohort's users active in the period (N-period retention)."""
    return _counted_per_period_asset(config, fact, grain, retention_table(fact.name, grain.name), "retention")


def build_stickiness_asset(*, config: ActivationConfig, fact: FactSpec, grain: Grain) -> dg.AssetsDefinition:
    """<fact>_stickiness_<grain>: the period's active users by their number of active days."""
    return _counted_per_period_asset(
        config, fact, grain, stickiness_table(fact.name, grain.name), "stickiness",
        source=activation_table(fact.name, grain.name),
        params={"day_counts": list(range(1, grain.longest_period_days + 1))})


def _counted_per_period_asset(
    config: ActivationConfig, fact: FactSpec, grain: Grain, table: Table, name: str, *,
    source: Table | None = None, params: dict[str, object] | None = None,
    chart: Callable[[Warehouse, Window], dict[str, dg.MetadataValue]] | None = None,
) -> dg.AssetsDefinition:
    """A small table of counts per period, each period read from its own partition of one
    table (the status table unless `source` says otherwise) with `sql/activation/<name>.sql`:
    the run's periods in one statement."""
    source = source or activation_status_table(fact.name, grain.name)
    sql = load_sql(f"activation/{name}", **fact_tables(fact.name, grain.name))
    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=grain,
            deps=(dg.AssetDep(source.asset_key),),
            writes=lambda conn, windows: [TableWrite(table, sql, {
                "period_starts": [w.start for w in windows], **(params or {})})],
            partitions_per_statement=None,
            prerequisites=lambda window: [Prerequisite(source.qualified_name, (window.start,))],
            summaries=_summaries(table, name),
            chart=chart,
        )
    )


def build_engagement_asset(*, config: ActivationConfig, fact: FactSpec) -> dg.AssetsDefinition:
    """<fact>_engagement_daily: DAU, WAU, MAU and the rolling engagement states of each day,
    from the snapshots of the day and the two days before, a chunk of days per statement."""
    table, first_last = engagement_daily_table(fact.name), first_last_table(fact.name)
    sql = load_sql("activation/engagement", **fact_tables(fact.name))
    daily = Grain.of("daily", config)
    windows_config = config.engagement

    def prerequisites(window: Window) -> list[Prerequisite]:
        days = [window.start - dt.timedelta(days=n) for n in (2, 1, 0)]
        return [Prerequisite(first_last.qualified_name, tuple(d for d in days if d >= config.start_date))]

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="activation",
            engine=config.engine,
            grain=daily,
            deps=(dg.AssetDep(first_last.asset_key, partition_mapping=dg.TimeWindowPartitionMapping(
                start_offset=-2, end_offset=0)),),
            writes=lambda conn, windows: [TableWrite(table, sql, {
                "days": [w.start for w in windows], "first_day": windows[0].start, "last_day": windows[-1].start,
                "week_days": windows_config.week_days, "month_days": windows_config.month_days})],
            partitions_per_statement=daily.periods_per_chunk,
            prerequisites=prerequisites,
            summaries=_summaries(table, "engagement"),
            description_suffix=(f" W = {windows_config.week_days} days, M = {windows_config.month_days} days; built "
                                "from the FirstLast snapshots of the day and the two days before only."),
        )
    )


def build_unbounded_retention_asset(*, config: ActivationConfig, fact: FactSpec) -> dg.AssetsDefinition:
    """<fact>_retention_unbounded_<grain> for every grain of the fact, rebuilt whole from the
    latest FirstLast snapshot: a cohort keeps returning for as long as it has users."""
    first_last = first_last_table(fact.name)
    sql = load_sql("activation/retention_unbounded", **fact_tables(fact.name))
    tables = {grain: retention_unbounded_table(fact.name, grain) for grain in fact.grains}
    specs = [
        dg.AssetSpec(
            key=table.asset_key, deps=[first_last.asset_key], group_name="activation", kinds={config.engine},
            description=f"{table.description} Rebuilt whole from the latest loaded snapshot.",
            metadata={"dagster/column_schema": table.column_schema, "dagster/table_name": table.qualified_name},
        )
        for table in tables.values()
    ]

    @dg.multi_asset(name=f"activation__{fact.name}_retention_unbounded", specs=specs, pool=step_pool(config.engine))
    def _unbounded_retention(context: dg.AssetExecutionContext, engine: EngineResource):
        with engine.open() as conn:
            loaded = conn.loaded_partitions(first_last.qualified_name)
            if not loaded:
                raise dg.Failure(description=f"Refusing to compute the \"on or after\" retention of {fact.name}: "
                                             f"{first_last.qualified_name} has no loaded partition. Materialize it "
                                             "first.")
            snapshot = loaded[-1]
            for grain_name, table in tables.items():
                grain = Grain.of(grain_name, config)
                conn.use_macros(grain.macros())
                # Days since the first cohort's period: no cohort is older in periods (the SQL keeps
                # each cohort's ages up to the snapshot's period).
                age_bound = (snapshot - grain.period_start(config.start_date)).days
                conn.replace_table(table, sql, {"snapshot_date": snapshot, "ages": list(range(age_bound + 1))})
                rows, mature = conn.execute(
                    f"select count(*), count(*) filter (where is_mature) from {table.qualified_name}").fetchone()
                latest = query_as_markdown(conn, f"select * from {table.qualified_name} where age = 1 "
                                                 f"order by cohort_start desc limit 10")
                yield dg.MaterializeResult(asset_key=table.asset_key, metadata={
                    "dagster/row_count": dg.MetadataValue.int(rows), "mature_rows": dg.MetadataValue.int(mature),
                    "as_of_snapshot": dg.MetadataValue.text(snapshot.isoformat()),
                    "preview": dg.MetadataValue.md(f"Latest cohorts at age 1:\n\n{latest}"),
                    **conn.cost_metadata(conn.totals())})

    return _unbounded_retention


def decomposition_chart_metadata(conn: Warehouse, fact: str, grain: Grain, through: dt.date) -> dict[str, dg.MetadataValue]:
    """The decomposition and ratio charts of the latest periods up to `through`, as the
    markdown images the asset's page shows."""
    rows = chart_data.latest_periods(conn, fact, grain, through)
    images = [charts.png_markdown(c.spec, c.name) for c in chart_data.decomposition_charts(rows, fact, grain)]
    return {"chart": dg.MetadataValue.md(f"The {len(rows)} {grain.period_noun}s up to {through}:\n\n"
                                         + "\n\n".join(images))}


def _summaries(table: Table, name: str) -> dict[str, str]:
    return {table.qualified_name: summary_sql(name, table)}
