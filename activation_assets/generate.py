"""A realistic, deterministic sample event log in the raw layout (Parquet, Hive folders
by UTC date), generated inside DuckDB in chunks of days.

Every draw is a hash of (seed, user, day, ...), so the output depends only on the
parameters, not on threads or chunking. A finished chunk leaves a marker file, so an
interrupted generation resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from activation_assets.sql import load_sql, sql_literal

MARKER_DIR = "_generator"
PROFILES = ("growth", "steady")


@dataclass(frozen=True)
class GenerateParams:
    users: int = 20_000
    days: int = 90
    start_date: dt.date = dt.date(2025, 1, 1)
    seed: int = 42
    chunk_days: int = 30
    profile: str = "growth"

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown generator profile {self.profile!r}; expected one of {', '.join(PROFILES)}")


def generate_events(
    out: str | Path,
    params: GenerateParams,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    progress: Callable[[str], None] = print,
) -> int:
    """Write the event log under `out`; returns the rows written by this call."""
    out = Path(out)
    markers = out / MARKER_DIR
    _claim_folder(out, markers, params)
    conn = duckdb.connect()
    if threads:
        conn.execute("set threads = $threads", {"threads": int(threads)})
    if memory_limit:
        conn.execute("set memory_limit = $limit", {"limit": memory_limit})
    conn.execute("set TimeZone = 'UTC'")
    conn.execute("set enable_progress_bar = false")
    conn.execute("set preserve_insertion_order = false")  # lets COPY stream instead of buffering
    conn.execute(f"create macro unit(a, b := 0, c := 0, d := 0, e := 0) as "
                 f"(hash({int(params.seed)}, a, b, c, d, e) % 1000003) / 1000003.0")
    conn.execute("create table users as " + load_sql("generate/users"),
                 {"users": params.users, "days": params.days, "profile": params.profile})
    written = 0
    chunks = [(first, min(first + params.chunk_days, params.days) - 1)
              for first in range(0, params.days, params.chunk_days)]
    for number, (first, last) in enumerate(chunks, start=1):
        marker = markers / f"chunk_{first:05d}_{last:05d}.done"
        days = f"{params.start_date + dt.timedelta(days=first)}..{params.start_date + dt.timedelta(days=last)}"
        if marker.exists():
            progress(f"chunk {number}/{len(chunks)} ({days}) already written, skipped")
            continue
        began = time.monotonic()
        for day_num in range(first, last + 1):
            shutil.rmtree(out / f"date={params.start_date + dt.timedelta(days=day_num)}", ignore_errors=True)
        rows = conn.execute(
            f"copy ({load_sql('generate/events')}) to {sql_literal(str(out))} "
            f"(format parquet, partition_by (date), overwrite_or_ignore, filename_pattern 'events_{{i}}')",
            {"first_day": first, "last_day": last, "start_date": params.start_date},
        ).fetchone()[0]
        for day_num in range(first, last + 1):
            # A day that drew no event still has its folder: a delivered day without events.
            (out / f"date={params.start_date + dt.timedelta(days=day_num)}").mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"rows": rows}))
        written += rows
        progress(f"chunk {number}/{len(chunks)} ({days}): {rows:,} rows in {time.monotonic() - began:.1f}s")
    conn.close()
    return written


def _claim_folder(out: Path, markers: Path, params: GenerateParams) -> None:
    """Refuse to mix two generations in one folder, of other parameters or of another
    version of the generator's SQL; remember the parameters of this one."""
    markers.mkdir(parents=True, exist_ok=True)
    params_file = markers / "params.json"
    generator = hashlib.sha256("".join(load_sql(f"generate/{name}") for name in ("users", "events")).encode())
    wanted = json.dumps({**asdict(params), "generator_sql": generator.hexdigest()[:16]}, default=str, sort_keys=True)
    if params_file.exists() and params_file.read_text() != wanted:
        raise ValueError(
            f"{out} already holds events generated with {params_file.read_text()}; "
            f"remove the folder or choose another to generate with {wanted}"
        )
    params_file.write_text(wanted)
