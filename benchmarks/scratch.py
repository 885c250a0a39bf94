"""A scratch DuckDB database with the benchmark warehouse attached read-only: where the
benchmark's yardsticks (the writing floor, the bare FirstLast, statement A/Bs) write,
so nothing they do touches the warehouse measured."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from activation_assets.sql import sql_literal
from activation_assets.tables import Table


@contextmanager
def scratch_database(scratch: Path, warehouse: str, settings: Mapping[str, Any]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A new database at `scratch` with the graph's DuckDB `settings` and `warehouse`
    attached as `source`; `scratch` and its log are deleted when the block ends."""
    _remove(scratch)
    conn = duckdb.connect(str(scratch), config={k: str(v) for k, v in settings.items()})
    try:
        conn.execute(f"attach {sql_literal(warehouse)} as source (read_only)")
        yield conn
    finally:
        conn.close()
        _remove(scratch)


def _remove(scratch: Path) -> None:
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)


def row_hash_sql(table: Table) -> str:
    """The hash of one row of `table` over all its columns: summed, it tells whether two
    computations stored the same rows."""
    return f"hash({', '.join(c.name for c in table.columns)})"
