"""The bare set-based FirstLast: the year's snapshots of one fact computed and written
with nothing around them (no Dagster, no checks, no metadata, no load record), the
yardstick of the backfill's FirstLast steps.

It is written independently of the graph's SQL: each user's active days become
intervals of days over which the running first/last values hold (window functions
over the whole history, once), and each chunk of `backfill.chunk_days` days is one
insert of the intervals covering its days into a scratch database with the graph's
DuckDB settings. Its rows are compared with the stored snapshots (count and a hash sum).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from activation_assets.config import ActivationConfig
from activation_assets.grains import Grain
from activation_assets.tables import fact_tables, first_last_table
from benchmarks.scratch import row_hash_sql, scratch_database

_SQL_DIR = Path(__file__).parent / "sql"


def _sql(name: str, **identifiers: str) -> str:
    return (_SQL_DIR / f"{name}.sql").read_text().format(**identifiers)


def bare_first_last(config: ActivationConfig, fact: str, scratch: Path, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Seconds to compute and store `fact`'s snapshots of [first, last], and whether they
    equal the stored ones."""
    chunk_days = Grain.of("daily", config).periods_per_chunk
    table = first_last_table(fact)
    hashed = row_hash_sql(table)
    with scratch_database(scratch, config.warehouse_path, config.duckdb_settings) as conn:
        conn.execute(f"create schema {table.schema}")
        conn.execute(table.create_sql())
        began = time.perf_counter()
        conn.execute("create temp table bare_intervals as " + _sql("bare_first_last_intervals", **fact_tables(fact)),
                     {"last_day": last})
        chunks = 0
        start = first
        while start <= last:
            end = min(last, start + dt.timedelta(days=chunk_days - 1))
            conn.execute(f"insert into {table.qualified_name} " + _sql("bare_first_last_chunk"),
                         {"first_day": start, "last_day": end})
            chunks += 1
            start = end + dt.timedelta(days=1)
        conn.execute("checkpoint")
        seconds = time.perf_counter() - began
        rows, mine = conn.execute(f"select count(*), sum({hashed}) from {table.qualified_name}").fetchone()
        theirs = conn.execute(f"select sum({hashed}) from source.{table.qualified_name} "
                              "where snapshot_date between ? and ?", [first, last]).fetchone()[0]
    return {"table": table.qualified_name, "seconds": round(seconds, 3), "rows": int(rows), "chunks": chunks,
            "same_rows_as_stored": mine == theirs}
