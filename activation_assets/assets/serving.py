"""The serving copy as an asset: refreshed at the end of every daily, weekly, monthly and
mart run, after the tables it copies (see activation_assets.serving)."""

import dagster as dg

from activation_assets.config import ActivationConfig
from activation_assets.engines import EngineResource, step_pool
from activation_assets.serving import publish, served_tables, serving_path

SERVING_KEY = dg.AssetKey(["serving", "copy"])


def build_serving_asset(config: ActivationConfig) -> dg.AssetsDefinition:
    """serving/copy: the analysts' tables copied into their own DuckDB file."""
    served = served_tables(config)
    path = serving_path(config)

    @dg.asset(
        key=SERVING_KEY,
        deps=[s.table.asset_key for s in served],
        group_name="serving",
        kinds={"duckdb"},
        pool=step_pool(config.engine),
        description=f"The tables analysts query, copied into {path} after each run (replaced by rename, so a "
                    "reader holding it open never blocks a run): every report table whole, the latest partition "
                    "of the per-user tables.",
    )
    def _serving_copy(context: dg.AssetExecutionContext, engine: EngineResource) -> dg.MaterializeResult:
        with engine.open() as conn:
            published = publish(conn, path, served)
        context.log.info(f"serving copy {path}: {published.tables} tables, {published.tables_copied} of them "
                         f"changed and copied ({published.rows_copied} rows) in {published.seconds:.1f} s")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(path)),
            "tables": dg.MetadataValue.int(published.tables),
            "tables_copied": dg.MetadataValue.int(published.tables_copied),
            "rows_copied": dg.MetadataValue.int(published.rows_copied),
            "publish_seconds": dg.MetadataValue.float(round(published.seconds, 3)),
        })

    return _serving_copy
