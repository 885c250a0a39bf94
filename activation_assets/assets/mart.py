"""The first-activation mart: the user dimension, first occurrences of the funnel
events, and the funnels.

mart.fact_first_activation_events is daily and self-dependent like FirstLast: a pair
(user, event) is new on D exactly when no earlier partition holds it. The funnel tables
are small and are rebuilt whole from it, because a cohort keeps converting for as long
as its longest window.
"""

import dagster as dg

from activation_assets import chart_data, charts
from activation_assets.assets.partition_metadata import cost_metadata, cost_shares, partition_summaries, summary_sql
from activation_assets.assets.table_asset import (
    TableAssetSpec,
    Window,
    build_table_asset,
    previous_partition_dep,
    previous_partition_loaded,
    windows_of,
)
from activation_assets.config import ActivationConfig, FunnelSpec
from activation_assets.engines import EngineResource, Warehouse, step_pool
from activation_assets.grains import Grain
from activation_assets.markdown import query_as_markdown
from activation_assets.sql import load_sql
from activation_assets.tables import (
    Table,
    base_events,
    dim_users_recency_table,
    dim_users_table,
    first_activation_events_table,
    funnel_frozen_segments_table,
    funnel_segment_freezes_table,
    funnel_table,
)
from activation_assets.warehouse import Prerequisite, TableWrite, require_loaded


def build_first_activation_events_asset(config: ActivationConfig) -> dg.AssetsDefinition:
    """mart.fact_first_activation_events, daily and self-dependent."""
    table, events = first_activation_events_table(), base_events()
    sql = load_sql("mart/fact_first_activation_events")
    daily = Grain.of("daily", config)

    def prerequisites(window: Window) -> list[Prerequisite]:
        return [Prerequisite(events.qualified_name, window.days), *previous_partition_loaded(table, window)]

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="mart",
            engine=config.engine,
            grain=daily,
            deps=(dg.AssetDep(events.asset_key), previous_partition_dep(table)),
            writes=lambda conn, windows: [TableWrite(table, sql, {
                "first_day": windows[0].start, "last_day": windows[-1].start,
                "key_events": list(config.funnel_events)})],
            partitions_per_statement=daily.periods_per_chunk,
            prerequisites=prerequisites,
            summaries={table.qualified_name: summary_sql("fact_first_activation_events", table)},
            description_suffix=" Rows for first_visit and for every funnel event.",
        )
    )


def funnel_reach_sql(funnel: FunnelSpec) -> str:
    """Who of each cohort reached which step: one CTE and one flag per step (the steps
    come from config)."""
    steps = range(1, len(funnel.steps) + 1)
    step_ctes = "".join(
        f""",

step_{k} as (
    select p.user_id
    from {"cohort" if k == 1 else f"step_{k - 1}"} as p
    join firsts as f
      on f.user_id = p.user_id and f.event_name = $event_{k} and f.days_from_first_visit <= $window_{k}
)"""
        for k in steps
    )
    return load_sql(
        "mart/funnel_reach", step_ctes=step_ctes,
        reached_columns="".join(f", s{k}.user_id is not null as reached_{k}" for k in steps),
        step_joins="\n".join(f"left join step_{k} as s{k} on s{k}.user_id = c.user_id" for k in steps),
    )


def funnel_sql(funnel: FunnelSpec, *, by_segment: bool) -> str:
    """The funnel's report from temp table funnel_reach: one count per step, by cohort
    date, and by segment too when asked."""
    steps = range(1, len(funnel.steps) + 1)
    step_counts = "".join(f",\n        count(*) filter (where r.reached_{k}) as step_{k}_users" for k in steps)
    step_rates = "".join(
        f",\n    step_{k}_users,\n    step_{k}_users / cohort_users as step_{k}_rate,"
        f"\n    step_{k}_users / nullif({'cohort_users' if k == 1 else f'step_{k - 1}_users'}, 0)"
        f" as step_{k}_from_previous_rate"
        for k in steps
    )
    return load_sql(
        "mart/funnel", step_counts=step_counts, step_rates=step_rates,
        segment_columns=",\n        g.segment, g.segment_value" if by_segment else "",
        segment_join="\njoin funnel_user_segments as g on g.user_id = r.user_id" if by_segment else "",
        segment_output=", segment, segment_value" if by_segment else "",
    )


def funnel_step_params(funnel: FunnelSpec) -> dict[str, object]:
    """Each step's event and window, the parameters of funnel_reach_sql."""
    params: dict[str, object] = {}
    for k, step in enumerate(funnel.steps, start=1):
        params[f"event_{k}"] = step.event_name
        params[f"window_{k}"] = step.window_days
    return params


def current_segments_sql(funnel: FunnelSpec) -> str:
    """The open users' breakdown values from mart.dim_users, one row per (user, attribute)."""
    return "\nunion all\n".join(
        f"select user_id, '{attribute}' as segment, coalesce({attribute}, '(none)') as segment_value "
        f"from mart.dim_users semi join funnel_open_users using (user_id)"
        for attribute in funnel.breakdowns
    )


def build_funnel_asset(*, config: ActivationConfig, funnel: FunnelSpec) -> dg.AssetsDefinition:
    """mart.funnel_<name> and mart.funnel_<name>_by_segment, rebuilt whole on each run.

    A user's segment values are frozen when their cohort matures, so a mature cohort's
    breakdown never drifts; immature cohorts use the current values of mart.dim_users.
    """
    overall = funnel_table(funnel.name, len(funnel.steps))
    segmented = funnel_table(funnel.name, len(funnel.steps), by_segment=True)
    frozen, freezes = funnel_frozen_segments_table(funnel.name), funnel_segment_freezes_table()
    steps = ", then ".join(f"{s.event_name} within {s.window_days} days" for s in funnel.steps)
    longest_window = max(s.window_days for s in funnel.steps)
    specs = [
        dg.AssetSpec(
            key=table.asset_key,
            deps=[first_activation_events_table().asset_key, dim_users_table().asset_key],
            group_name="mart",
            kinds={config.engine},
            description=f"{table.description} {steps} (days from the first visit).",
            metadata={"dagster/column_schema": table.column_schema, "dagster/table_name": table.qualified_name},
        )
        for table in (overall, segmented)
    ]

    @dg.multi_asset(name=f"mart__funnel_{funnel.name}", specs=specs, pool=step_pool(config.engine))
    def _funnel(context: dg.AssetExecutionContext, engine: EngineResource):
        with engine.open() as conn:
            for table in (frozen, freezes):
                conn.create_table(table)
            frozen_through, frozen_at = conn.execute(
                f"select frozen_through, frozen_at from {freezes.qualified_name} where funnel = $funnel",
                {"funnel": funnel.name}).fetchone() or (None, None)
            mature_through = conn.execute(
                "select max(partition_start) - cast($longest_window as integer) + 1 from meta.partition_loads "
                "where table_name = 'mart.fact_first_activation_events'",
                {"longest_window": longest_window}).fetchone()[0]
            with conn.transaction():
                conn.temp_table("funnel_open_users", load_sql("mart/funnel_open_users"),
                                {"frozen_through": frozen_through, "frozen_at": frozen_at})
                conn.temp_table("current_user_segments", current_segments_sql(funnel))
                if mature_through is not None:
                    conn.upsert(frozen, load_sql("mart/freeze_funnel_segments"),
                                {"mature_through": mature_through}, keep_existing=True)
                    conn.upsert(freezes, "select $funnel as funnel, greatest($mature_through, "
                                "coalesce($frozen_through, $mature_through)) as frozen_through, now() as frozen_at",
                                {"funnel": funnel.name, "mature_through": mature_through,
                                 "frozen_through": frozen_through})
                conn.temp_table(
                    "immature_user_segments",
                    "select s.* from current_user_segments as s join funnel_open_users as o using (user_id) "
                    "where cast($mature_through as date) is null or o.cohort_date > $mature_through",
                    {"mature_through": mature_through},
                )
                # A view: the frozen segments, millions of rows, are read where counted, not copied.
                conn.temp_view("funnel_user_segments", f"select * from {frozen.qualified_name} "
                               "union all select * from immature_user_segments")
                conn.temp_table("funnel_reach", funnel_reach_sql(funnel), funnel_step_params(funnel))
                for table, by_segment in ((overall, False), (segmented, True)):
                    conn.replace_table(table, funnel_sql(funnel, by_segment=by_segment),
                                       {"longest_window": longest_window})
            for table, by_segment in ((overall, False), (segmented, True)):
                rows, mature = conn.execute(
                    f"select count(*), count(*) filter (where is_mature) from {table.qualified_name}").fetchone()
                yield dg.MaterializeResult(asset_key=table.asset_key, metadata={
                    "dagster/row_count": dg.MetadataValue.int(rows), "mature_rows": dg.MetadataValue.int(mature),
                    **funnel_report_metadata(conn, table, len(funnel.steps), by_segment=by_segment),
                    **({} if by_segment else funnel_chart_metadata(conn, funnel)),
                    **conn.cost_metadata(conn.totals())})

    return _funnel


_PREVIEW_COHORTS = 10
_PREVIEW_ROWS = 30


def funnel_report_metadata(
    conn: Warehouse, table: Table, steps: int, *, by_segment: bool
) -> dict[str, object]:
    """What a person opening a report in the UI reads first: the conversion per step of
    the latest mature cohorts taken together, and the latest cohorts' rows (for the
    breakdown, the latest mature cohort's segments)."""
    if by_segment:
        rows = query_as_markdown(conn, f"select * from {table.qualified_name} where cohort_date = "
                                       f"(select max(cohort_date) from {table.qualified_name} where is_mature) "
                                       f"order by segment, segment_value limit {_PREVIEW_ROWS}")
        return {"preview": dg.MetadataValue.md(f"Latest mature cohort by segment:\n\n{rows}")}
    sums = ", ".join(f"sum(step_{k}_users)" for k in range(1, steps + 1))
    latest, cohorts, users, *reached = conn.execute(load_sql(
        "summaries/funnel_latest_mature_cohorts", table=table.qualified_name, step_sums=sums),
        {"cohorts": chart_data.FUNNEL_COHORTS_TOGETHER}).fetchone()
    metadata: dict[str, object] = {}
    if latest is not None:
        metadata |= {
            "latest_mature_cohort_date": dg.MetadataValue.text(latest.isoformat()),
            "mature_cohorts_summarized": dg.MetadataValue.int(cohorts),
            "mature_cohort_users": dg.MetadataValue.int(users),
        }
        metadata |= {f"step_{k}_rate": dg.MetadataValue.float(n / users if users else 0.0)
                     for k, n in enumerate(reached, start=1)}
    rows = query_as_markdown(conn, f"select * from {table.qualified_name} order by cohort_date desc "
                                   f"limit {_PREVIEW_COHORTS}")
    metadata["preview"] = dg.MetadataValue.md(f"Latest cohorts (newest first):\n\n{rows}")
    return metadata


def funnel_chart_metadata(conn: Warehouse, funnel: FunnelSpec) -> dict[str, dg.MetadataValue]:
    """The funnel's conversion and step-rate charts, as the markdown images its page shows."""
    cohorts = chart_data.funnel_cohorts(conn, funnel)
    if not cohorts:
        return {}
    images = [charts.png_markdown(c.spec, c.name) for c in chart_data.funnel_charts(cohorts, funnel)]
    return {"chart": dg.MetadataValue.md("\n\n".join(images))}


def build_dim_users_asset(config: ActivationConfig) -> dg.AssetsDefinition:
    """mart.dim_users: loaded days merged into one row per user (SCD type 1).

    The table is not partitioned; its daily partitions say which days were merged (a
    range run merges all its days in one statement). Merging keeps the earliest first
    event and the latest last event, so days can be merged in any order and again
    without older values winning.
    """
    dim, recency, events = dim_users_table(), dim_users_recency_table(), base_events()
    sql = load_sql("mart/dim_users_merge")
    grain = Grain.of("daily", config)
    columns = ", ".join(c.name for c in dim.columns)

    @dg.asset(
        key=dim.asset_key,
        deps=[events.asset_key],
        partitions_def=grain.partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="mart",
        kinds={config.engine},
        pool=step_pool(config.engine),
        description=f"{dim.description} First-touch attributes at the first event, latest attributes at the latest.",
        metadata={"dagster/column_schema": dim.column_schema, "dagster/table_name": dim.qualified_name},
    )
    def _dim_users(context: dg.AssetExecutionContext, engine: EngineResource) -> dg.MaterializeResult:
        windows = windows_of(grain, context.partition_keys)
        with engine.open() as conn:
            for table in (dim, recency):
                conn.create_table(table)
            days = [day for window in windows for day in window.days]
            require_loaded(conn, [Prerequisite(events.qualified_name, tuple(days))],
                           computing=f"mart.dim_users {windows[0].key} … {windows[-1].key}")
            conn.temp_table("merged_users", sql, {"first_date": days[0], "last_date": days[-1]})
            with conn.transaction():
                conn.upsert(dim, f"select {columns} from merged_users")
                conn.upsert(recency, "select user_id, latest_event_ts from merged_users")
                users_of_day = dict(conn.execute(load_sql("mart/dim_users_loads"), {"days": days}).fetchall())
                conn.record_loads(dim.qualified_name, {day: users_of_day.get(day, 0) for day in days})
            summaries = partition_summaries(conn, summary_sql("dim_users", dim), [w.start for w in windows])
            users = conn.execute(f"select count(*) from {dim.qualified_name}").fetchone()[0]
            merged = {w.start: summaries[w.start]["users_merged"].value for w in windows}
            shares = cost_shares(conn.totals(), merged)
        for window in windows:
            context.add_asset_metadata({
                "dagster/row_count": dg.MetadataValue.int(merged[window.start]),
                **summaries[window.start],
                **cost_metadata(conn, shares[window.start], len(windows)),
            }, partition_key=window.key)
        return dg.MaterializeResult(metadata={
            "users_in_table_after_run": dg.MetadataValue.int(users),
            "days_merged_in_run": dg.MetadataValue.int(len(windows))})

    return _dim_users
