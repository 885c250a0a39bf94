"""The asset factory: every asset of the graph, generated from the configuration."""

from __future__ import annotations

import dagster as dg

from activation_assets.assets.activation import build_activation_assets
from activation_assets.assets.base import build_base_asset
from activation_assets.assets.fact import build_fact_asset
from activation_assets.assets.mart import (
    build_dim_users_asset,
    build_first_activation_events_asset,
    build_funnel_asset,
)
from activation_assets.assets.raw import build_raw_events_source
from activation_assets.assets.serving import build_serving_asset
from activation_assets.config import ActivationConfig


def build_assets(config: ActivationConfig) -> list[dg.AssetsDefinition | dg.SourceAsset]:
    """The raw source, base, each fact's table and activation layer, the mart, then the
    serving copy."""
    assets = [build_raw_events_source(config), build_base_asset(config)]
    for fact in config.facts:
        assets.append(build_fact_asset(config=config, fact=fact))
        assets.extend(build_activation_assets(config=config, fact=fact))
    assets += [build_dim_users_asset(config), build_first_activation_events_asset(config)]
    assets.extend(build_funnel_asset(config=config, funnel=funnel) for funnel in config.funnels)
    if config.serving:
        assets.append(build_serving_asset(config))
    return assets
