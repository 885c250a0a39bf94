"""What a step writes and what it needs first, whichever engine runs it: the writes of a
batch of partitions, the upstream partitions that must be loaded before, and the refusal
that names what is missing. The engines (activation_assets.engines) carry them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import dagster as dg

from activation_assets.tables import Table

if TYPE_CHECKING:
    from activation_assets.engines import Warehouse

SCHEMAS = ("base", "fact", "activation", "mart", "meta")


@dataclass(frozen=True)
class TableWrite:
    """The rows of one table's partition, as a select and its parameters.

    With `as_view` the table is a view defined by the select (no parameters): nothing is
    copied, and its partitions are recorded as loaded with the rows the view shows.
    """

    table: Table
    select_sql: str
    params: dict[str, Any] = field(default_factory=dict)
    as_view: bool = False


@dataclass(frozen=True)
class Prerequisite:
    """Partitions of an upstream table that must be loaded before a partition is computed."""

    table_name: str
    partition_starts: tuple[dt.date, ...]


class MissingUpstreamPartitions(dg.Failure):
    """Raised instead of computing a partition from incomplete inputs."""


def merge_prerequisites(
    prerequisites: list[Prerequisite], *, computed_here: Collection[str] = (),
    partition_starts: Collection[dt.date] = (),
) -> list[Prerequisite]:
    """One prerequisite per table, so a batch of partitions is checked in one query a
    table. A self-dependent table's partitions that the batch itself computes (all but the
    seed before its first) are not prerequisites."""
    starts: dict[str, set[dt.date]] = {}
    for prerequisite in prerequisites:
        needed = set(prerequisite.partition_starts)
        if prerequisite.table_name in computed_here:
            needed -= set(partition_starts)
        starts.setdefault(prerequisite.table_name, set()).update(needed)
    return [Prerequisite(table_name, tuple(sorted(days))) for table_name, days in starts.items() if days]


def require_loaded(warehouse: Warehouse, prerequisites: list[Prerequisite], *, computing: str) -> None:
    """Fail, naming the missing partitions, unless every prerequisite is loaded."""
    problems = []
    for prerequisite in prerequisites:
        missing = warehouse.missing_partitions(prerequisite)
        if missing:
            shown = ", ".join(d.isoformat() for d in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            problems.append(f"{prerequisite.table_name} is missing {shown}{more}")
    if problems:
        raise MissingUpstreamPartitions(
            description=f"Refusing to compute {computing}: " + "; ".join(problems)
            + ". Materialize those partitions first.",
            metadata={"missing": "; ".join(problems)},
        )
