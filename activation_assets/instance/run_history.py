"""The run history's storage: Dagster's SQLite storage, with its event log kept on open
connections.

Dagster's SQLite event log opens a new engine and connection for every event, commits it
with a sync to disk, and closes the connection, which checkpoints the write-ahead log:
twice per materialization (the run's database and the cross-run index). A year-long
range run records one materialization per asset per partition, several thousand of
them, at 20–60 ms each while DuckDB keeps the disk busy: minutes of a backfill and a
third of a one-day run. Here each database keeps one open connection (the storage
already serialises its use with a lock), and commits do not wait for the disk
(`synchronous = normal`, which SQLite documents as safe in WAL mode: a power cut can
lose the last events, never corrupt the file). The files and their layout are Dagster's
own, so the UI and `dagster` commands read them as usual.

`dagster.yaml` selects it with `instance_class`; the instance's folder is known only to
the instance, which is why the storage is chosen there and not in the storage section.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
import sqlalchemy as sa
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import StaticPool

# The index and the most recently used run databases stay open; a run writes to its own
# database and the index, so a handful covers the runs of one process.
_OPEN_RUN_DATABASES = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, each database on one open connection."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> sa.Engine:
        """The shard's open engine (called with `_db_lock` held)."""
        if shard in self._engines:
            self._engines.move_to_end(shard)
            return self._engines[shard]
        engine = sa.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _commit_without_waiting_for_disk)
        self._engines[shard] = engine
        run_shards = [s for s in self._engines if s != INDEX_SHARD_NAME]
        for stale in run_shards[:-_OPEN_RUN_DATABASES]:
            self._engines.pop(stale).dispose()
        return engine

    def _close_databases(self, *, keep_index: bool) -> None:
        with self._db_lock:
            for shard in [s for s in self._engines if not (keep_index and s == INDEX_SHARD_NAME)]:
                self._engines.pop(shard).dispose()

    def wipe(self) -> None:
        self._close_databases(keep_index=True)
        super().wipe()

    def dispose(self) -> None:
        self._close_databases(keep_index=False)
        super().dispose()


def _commit_without_waiting_for_disk(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("pragma synchronous = normal")


class RunHistoryStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage in the instance's folder, with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> RunHistoryStorage:
        return cls.from_local(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return ConfigurableClassData(
            __name__, PooledSqliteEventLogStorage.__name__,
            yaml.dump({"base_dir": _event_logs_directory(self.base_dir)}, default_flow_style=False),
        )


class ActivationInstance(dg.DagsterInstance):
    """Dagster's instance, storing its run history in `RunHistoryStorage` by default."""

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        return {
            **InstanceRef.config_defaults(base_dir),
            "storage": ConfigurableClassData(
                __name__, RunHistoryStorage.__name__, yaml.dump({"base_dir": base_dir}, default_flow_style=False)
            ),
        }
