"""Loads the SQL files kept beside the package, one statement per purpose."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"


@cache
def _read(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def load_sql(name: str, **identifiers: str) -> str:
    """The statement in `sql/<name>.sql` with `{identifier}` placeholders filled.

    Only identifiers from validated configuration are substituted; values are always
    bound as parameters by the caller.
    """
    return _read(name).format(**identifiers)


def sql_literal(text: str) -> str:
    """`text` as a SQL string literal, for the few places a value cannot be a parameter
    (a view's definition, a COPY target)."""
    return "'" + text.replace("'", "''") + "'"
