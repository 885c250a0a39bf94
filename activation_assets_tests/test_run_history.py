"""The shipped instance's run history: Dagster's SQLite files, written on open connections."""

import shutil

import dagster as dg

from activation_assets.instance import INSTANCE_TEMPLATE
from activation_assets.instance.run_history import ActivationInstance, PooledSqliteEventLogStorage

_DAYS = dg.DailyPartitionsDefinition(start_date="2025-01-01", end_date="2025-01-11")


@dg.asset(partitions_def=_DAYS, backfill_policy=dg.BackfillPolicy.single_run())
def daily_numbers(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)})


def _shipped_instance_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home


def _materialize_every_day(instance: dg.DagsterInstance) -> None:
    keys = _DAYS.get_partition_keys()
    result = dg.materialize(
        [daily_numbers], instance=instance,
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
    assert result.success


def test_shipped_settings_store_the_event_log_on_open_connections(tmp_path):
    with dg.DagsterInstance.from_config(str(_shipped_instance_home(tmp_path))) as instance:
        assert isinstance(instance, ActivationInstance)
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_run_history_is_readable_by_dagsters_own_sqlite_storage(tmp_path):
    """The UI and `dagster` commands of another setup read the same files."""
    home = _shipped_instance_home(tmp_path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        _materialize_every_day(instance)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(home)) as stock:
        assert type(stock) is dg.DagsterInstance
        (run,) = stock.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        materialized = stock.get_materialized_partitions(daily_numbers.key)
        assert materialized == set(_DAYS.get_partition_keys())


def test_only_a_few_run_databases_stay_open_and_disposing_closes_them(tmp_path):
    with dg.DagsterInstance.from_config(str(_shipped_instance_home(tmp_path))) as instance:
        storage = instance.event_log_storage
        for _ in range(12):
            _materialize_every_day(instance)
        assert len(instance.get_runs()) == 12
        assert "index" in storage._engines
        assert len(storage._engines) == 1 + 8
        storage.dispose()
        assert not storage._engines
