"""A warehouse inspected (and optionally materialized) in a process of its own, as a
second process opens it after another one was killed.

    python -m activation_assets_tests.warehouse_process CONFIG OUT.json [START END]

writes to OUT.json the load records that disagree with their table's contents, then,
given START and END, materializes that range, and the warehouse's dump."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from activation_assets.config import ActivationConfig, load_config
from activation_assets.engines import engine_resource
from activation_assets.tables import partitioned_tables, raw_reads

from .helpers import dump_warehouse, run_range


def load_record_disagreements(config: ActivationConfig) -> list[str]:
    """Every partition recorded as loaded whose recorded row count is not its table's."""
    disagreements = []
    with engine_resource(config, read_only=True).open() as warehouse:
        existing = warehouse.existing_tables()
        for table in [entry.table for entry in partitioned_tables(config)] + [raw_reads()]:
            recorded = dict(warehouse.execute(
                "select partition_start, row_count from meta.partition_loads where table_name = ?",
                [table.qualified_name]).fetchall())
            if not recorded:
                continue
            if table.qualified_name not in existing:
                disagreements.append(f"{table.qualified_name}: recorded but missing")
                continue
            actual = dict(warehouse.execute(
                f"select {table.partition_column}, count(*) from {table.qualified_name} group by 1").fetchall())
            disagreements += [f"{table.qualified_name} {day}: recorded {count}, holds {actual.get(day, 0)}"
                              for day, count in sorted(recorded.items()) if actual.get(day, 0) != count]
    return disagreements


def dump_as_text(config: ActivationConfig) -> dict[str, list[str]]:
    """The warehouse's dump, rows as their repr: what a process of its own reports."""
    return {name: [repr(row) for row in rows] for name, rows in dump_warehouse(config).items()}


def inspect_in_a_process(config_path: Path, out: Path, *materialized_range: dt.date) -> dict:
    """The report of `python -m` this module on the configuration (and the range to
    materialize first, if given)."""
    subprocess.run([sys.executable, "-m", __name__, str(config_path), str(out), *map(str, materialized_range)],
                   check=True)
    return json.loads(out.read_text())


def main(argv: list[str]) -> None:
    config, out = load_config(Path(argv[0])), Path(argv[1])
    report: dict[str, object] = {"disagreements": load_record_disagreements(config)}
    if len(argv) == 4:
        run_range(config, dt.date.fromisoformat(argv[2]), dt.date.fromisoformat(argv[3]))
    report["dump"] = dump_as_text(config)
    out.write_text(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
