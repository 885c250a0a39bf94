"""Loads the SQL files kept beside the package, one statement per purpose."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Macro:
    """A DuckDB macro, `name(params) as body`: how the grains give the activation SQL its
    period arithmetic (inlined for engines without macros, see spark_sql)."""

    name: str
    params: tuple[str, ...]
    body: str

    def create_sql(self) -> str:
        """The DuckDB statement that defines it on a connection."""
        return f"create or replace temp macro {self.name}({', '.join(self.params)}) as {self.body}"
