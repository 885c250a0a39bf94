"""A fixed DuckDB workload, timed at the start and at the end of every benchmark.

It is the same on every run, so two runs' figures can be compared for the speed of the
machine itself before a change in the code is credited or blamed. It mixes what the
graph spends its time on (writing a million-row-per-day table to a database file,
checkpointing it, grouping by user) on data that fits in memory, so it measures the
processor and memory, not the disk: a slower disk shows in the naive recomputation (d),
which reads the whole one-year warehouse.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb

_ROWS = 3_000_000

_WRITE = f"""
create table calibration as
select
    'u' || lpad(cast(hash(i) % 1000000 as varchar), 8, '0') as user_id,
    date '2025-01-01' + cast(i % 365 as integer) as day,
    cast(i % 7 as integer) as streak
from range({_ROWS}) as t(i)
"""

_GROUP = "select count(*), sum(streak) from (select user_id, max(day) as day, sum(streak) as streak from calibration group by all)"


def calibration_seconds(work_dir: Path, settings: dict[str, Any], repeats: int = 3) -> float:
    """Fastest of `repeats` runs of the fixed workload, each in a new scratch database
    under `work_dir` with the benchmark's DuckDB settings (deleted afterwards)."""
    return min(_one_run(work_dir / "calibration.duckdb", settings) for _ in range(repeats))


def _one_run(path: Path, settings: dict[str, Any]) -> float:
    scratch = (path, path.with_name(path.name + ".wal"))
    for stale in scratch:
        stale.unlink(missing_ok=True)
    began = time.perf_counter()
    with duckdb.connect(str(path), config=settings) as conn:
        conn.execute("set enable_progress_bar = false")
        conn.execute(_WRITE)
        conn.execute("checkpoint")
        conn.execute(_GROUP).fetchall()
    seconds = time.perf_counter() - began
    for stale in scratch:
        stale.unlink(missing_ok=True)
    return seconds
