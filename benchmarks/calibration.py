"""Fixed workloads, timed at the start and at the end of every benchmark.

They are the same on every run, so two runs' figures can be compared for the speed of
the machine itself before a change in the code is credited or blamed. The DuckDB
workload mixes what the graph spends its time on (writing a million-row-per-day table to
a database file, checkpointing it, grouping by user) on data that fits in memory: it
measures the processor and memory. The disk, which on a shared machine drifts the most,
is measured apart: a file written and synced, then read back after it is dropped from
the page cache.
"""

from __future__ import annotations

import os
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


_DISK_FILE_BYTES = 512 * 1024**2
_DISK_BLOCK_BYTES = 8 * 1024**2


def disk_mib_per_second(work_dir: Path, repeats: int = 3) -> dict[str, float]:
    """The fastest of `repeats` rates, in MiB/s, of writing 512 MiB under `work_dir` and
    syncing it to disk, and of reading it back once the page cache no longer holds it."""
    rates = [_one_disk_run(work_dir / "calibration.bin") for _ in range(repeats)]
    return {"write_and_sync": round(max(w for w, _ in rates)), "cold_read": round(max(r for _, r in rates))}


def _one_disk_run(path: Path) -> tuple[float, float]:
    block = os.urandom(_DISK_BLOCK_BYTES)
    mebibytes = _DISK_FILE_BYTES / 1024**2
    try:
        began = time.perf_counter()
        with open(path, "wb") as file:
            for _ in range(_DISK_FILE_BYTES // _DISK_BLOCK_BYTES):
                file.write(block)
            file.flush()
            os.fsync(file.fileno())
        write_rate = mebibytes / (time.perf_counter() - began)
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            began = time.perf_counter()
            while os.read(descriptor, _DISK_BLOCK_BYTES):
                pass
            read_rate = mebibytes / (time.perf_counter() - began)
        finally:
            os.close(descriptor)
    finally:
        path.unlink(missing_ok=True)
    return write_rate, read_rate
