"""fact.<fact>: the events of base.events that count for one configured core action."""

from __future__ import annotations

import dagster as dg

from activation_assets.assets.partition_metadata import summary_sql
from activation_assets.assets.table_asset import TableAssetSpec, Window, build_table_asset
from activation_assets.config import ActivationConfig, FactSpec
from activation_assets.grains import Grain
from activation_assets.sql import load_sql, sql_literal
from activation_assets.tables import base_events, fact_table
from activation_assets.warehouse import Prerequisite, TableWrite


def fact_event_filter(fact: FactSpec) -> str:
    """The condition on base.events of the events that count for the fact."""
    if fact.event_names is None:
        return "true"
    return f"event_name in ({', '.join(map(sql_literal, fact.event_names))})"


def build_fact_asset(*, config: ActivationConfig, fact: FactSpec) -> dg.AssetsDefinition:
    """fact.<fact>, daily: the day's base events whose name counts for the fact."""
    table = fact_table(fact.name)
    events = base_events()
    counted = "every event" if fact.event_names is None else "events " + ", ".join(fact.event_names)
    view_sql = load_sql("fact/fact", event_filter=fact_event_filter(fact))

    def writes(conn, windows: list[Window]) -> list[TableWrite]:
        return [TableWrite(table, view_sql, as_view=True)]

    return build_table_asset(
        TableAssetSpec(
            tables=(table,),
            group="fact",
            engine=config.engine,
            grain=Grain.of("daily", config),
            deps=(dg.AssetDep(events.asset_key),),
            writes=writes,
            partitions_per_statement=None,
            prerequisites=lambda window: [Prerequisite(events.qualified_name, window.days)],
            summaries={table.qualified_name: summary_sql("fact", table)},
            description_suffix=f" Counts {counted}. {fact.description}".rstrip(),
        )
    )
