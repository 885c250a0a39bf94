"""The benchmark harness at a tiny scale: it runs end to end and writes valid results.

Figures are not asserted (timings belong in benchmarks); what is asserted is that every
section is there, that the numbers are consistent with each other, and that the naive
recomputation agrees with what the incremental graph stored.
"""

import datetime as dt
import json

import duckdb
import pytest

from benchmarks.__main__ import main
from benchmarks.results_file import evaluate_targets, render_markdown
from benchmarks.scales import TARGETS


def test_a_tiny_benchmark_writes_every_section_and_its_numbers_hang_together(tmp_path, capsys):
    results_dir = tmp_path / "results"
    assert main(["--users", "400", "--days", "14", "--work-dir", str(tmp_path / "work"),
                 "--results-dir", str(results_dir), "--memory-limit", "1GB", "--repeats", "1"]) == 0

    results = json.loads((results_dir / "custom.json").read_text())
    assert results["scale"] == {"name": "custom", "users": 400, "days": 14, "raw_rows": results["scale"]["raw_rows"]}
    assert results["scale"]["raw_rows"] > 0
    assert results["duckdb_settings"]["memory_limit"] == "1GB"
    calibration = results["machine"]["calibration_seconds"]
    assert calibration["before"] > 0 and calibration["after"] > 0
    disk = results["machine"]["disk_mib_per_second"]
    assert all(rate > 0 for when in ("before", "after") for rate in disk[when].values())
    assert not list((tmp_path / "work" / "custom").glob("calibration*"))  # its scratch files are removed

    backfill = results["backfill"]
    assert backfill["seconds"] > 0 and backfill["peak_gib"] > 0 and backfill["duckdb_file_gib"] >= 0
    steps = {s["step"]: s for s in backfill["steps"]}
    assert {"base__events", "activation__visit_first_last", "mart__dim_users", "base__events__checks"} <= set(steps)
    with duckdb.connect() as conn:
        backfilled_raw_rows = conn.execute(
            "select count(*) from read_parquet(?, filename = true) where filename not like '%date=2025-01-15%'",
            [str(tmp_path / "work" / "custom" / "raw" / "date=*" / "*.parquet")],
        ).fetchone()[0]
    assert steps["base__events"]["rows_out"] == backfilled_raw_rows  # kept + rejected
    kinds = {k["kind"]: k for k in backfill["time_by_kind"]}
    assert sum(k["seconds"] for k in kinds.values()) == pytest.approx(  # each kind rounded to 0.1 s
        sum(s["seconds"] for s in steps.values()), abs=0.05 * len(kinds))
    assert kinds["asset checks"]["rows_out"] == 0
    assert kinds["asset checks"]["duckdb_seconds"] == pytest.approx(
        sum(s["duckdb_seconds"] for name, s in steps.items() if name.endswith("__checks")), abs=0.05)
    for run in (backfill, results["daily_run"], results["daily_run"]["repeat"]):
        # wall time = DuckDB + rest of the steps + outside the steps
        split = run["time_split"]
        assert sum(split.values()) == pytest.approx(run["seconds"], abs=0.2)
        assert 0 <= run["closing_seconds"] <= split["outside_steps"] + 0.1  # reported by the command itself
    for run in (backfill, results["daily_run"]):
        assert run["time_split"]["inside_duckdb"] == pytest.approx(
            sum(s["duckdb_seconds"] for s in run["steps"]), abs=0.05)
    assert kinds["FirstLast snapshots (one row per known user per day)"]["rows_out"] == sum(
        s["rows_out"] for name, s in steps.items() if name.endswith("_first_last"))

    daily = results["daily_run"]
    assert daily["day"] == "2025-01-15"
    assert 0 < daily["daily_asset_compute_seconds"] < daily["seconds"]
    assert daily["rows_scanned"] > 0

    history = results["history"]
    assert (history["early_day"], history["late_day"]) == (13, 14)
    assert all(not s["step"].endswith("_checks") for s in history["steps"])
    assert history["worst_ratio"] == max(s["ratio"] for s in history["steps"])
    assert all(s["early_rows_scanned"] > 0 and s["late_rows_scanned"] > 0 for s in history["steps"])
    probed = {s["step"]: s for s in history["steps"]}
    with duckdb.connect(str(tmp_path / "work" / "custom" / "warehouse.duckdb"), read_only=True) as conn:
        known_users = {day: conn.execute("select count(*) from activation.visit_first_last where snapshot_date = ?",
                                         [dt.date(2025, 1, 1) + dt.timedelta(days=day - 1)]).fetchone()[0]
                       for day in (13, 14)}
    first_last = probed["activation__visit_first_last"]
    assert (first_last["early_rows_out"], first_last["late_rows_out"]) == (known_users[13], known_users[14])

    naive = results["naive"]
    assert naive["same_rows_as_stored"], naive["disagreements"]
    assert naive["rows_scanned"] > 0 and naive["incremental_rows_scanned"] > 0
    assert naive["rows_ratio"] == round(naive["rows_scanned"] / naive["incremental_rows_scanned"], 2)

    assert results["floor"]["rows_scanned"] > 0

    written = results["write_floor"]
    floors = {t["table"]: t for t in written["tables"]}
    with duckdb.connect(str(tmp_path / "work" / "custom" / "warehouse.duckdb"), read_only=True) as conn:
        for table, column in (("activation.visit_first_last", "snapshot_date"), ("base.events", "event_date")):
            per_partition = dict(conn.execute(
                f"select {column}, count(*) from {table} where {column} <= date '2025-01-14' group by all").fetchall())
            assert floors[table]["rows"] == sum(per_partition.values())  # the backfill's rows, not the next day's
            # a chunk is the latest 31 days' partitions (backfill.chunk_days): here all fourteen
            assert floors[table]["chunk_rows"] == sum(per_partition.values())
            assert floors[table]["chunk"] == f"{min(per_partition)} … {max(per_partition)}"
    # Fourteen days from a Wednesday hold one whole week and no whole month: no monthly rows to write.
    assert {"activation.purchase_activation_status_weekly", "mart.fact_first_activation_events"} <= set(floors)
    assert not [table for table in floors if table.endswith("_monthly")]
    assert written["seconds"] == pytest.approx(sum(t["year_seconds"] for t in floors.values()), abs=0.05 * len(floors))
    for t in floors.values():  # seconds per row of the chunk written, times the table's rows
        assert t["year_seconds"] == pytest.approx(t["rows"] * t["chunk_seconds"] / t["chunk_rows"], abs=0.06)
    assert written["share_of_backfill"] == round(written["seconds"] / backfill["seconds"], 3)
    assert not list((tmp_path / "work" / "custom").glob("write_floor*"))  # its scratch database is removed
    bare = results["bare_first_last"]
    assert bare["same_rows_as_stored"]  # an independent computation agrees with the backfill
    assert {f["table"] for f in bare["facts"]} == {"activation.visit_first_last", "activation.purchase_first_last"}
    for f in bare["facts"]:
        assert f["rows"] == floors[f["table"]]["rows"]  # every snapshot row of the backfilled days
        assert f["chunks"] == 1  # fourteen days, one 31-day chunk
        assert f["backfill_step_seconds"] == steps["__".join(f["table"].split("."))]["seconds"]
    assert bare["ratio"] == round(bare["backfill_step_seconds"] / bare["seconds"], 2)
    assert not list((tmp_path / "work" / "custom").glob("bare_first_last*"))
    reprocess = results["reprocess"]  # fifteen loaded days: all of them are the last thirty
    assert (reprocess["since"], reprocess["days"]) == ("2025-01-01", 15) and reprocess["seconds"] > 0
    assert reprocess["share_of_backfill"] == round(reprocess["seconds"] / backfill["seconds"], 3)
    assert reprocess["days_share"] == 1.0  # the backfill's fourteen days and the next day
    assert [t["figure"] for t in results["targets"]] == [t.figure for t in TARGETS]
    assert not any(t["binding"] for t in results["targets"])  # targets bind at scale L only

    markdown = (results_dir / "custom.md").read_text()
    for heading in ("## (a)", "## (b)", "## (c)", "## (d)", "## (e)", "## (f)", "## (g)", "## (h)", "## Targets", "| kind of step |",
                    "is DuckDB executing the statements", f"took {calibration['before']} s before the runs",
                    f"The disk wrote and synced {disk['before']['write_and_sync']} MiB/s",
                    f"the first run wrote): {daily['repeat']['seconds']} s end to end",
                    f"{daily['closing_seconds']} s of it closing the warehouse"):
        assert heading in markdown
    printed = capsys.readouterr().out
    for target in results["targets"]:
        assert f"{target['target']}: {target['value']:g}" in printed

    # At scale L the targets bind: a missed one is named with where the time went.
    results["scale"]["name"] = "L"
    results["backfill"]["minutes"] = 99.0
    results["history"]["worst_step"] = "activation__visit_first_last"  # its rows out are checked above
    results["targets"] = evaluate_targets(results)
    missed = render_markdown(results).split("## Missed targets", 1)[1]
    assert "- full backfill, minutes: 99, bound ≤ 15." in missed
    for target in results["targets"]:
        assert (f"- {target['target']}: " in missed) == (not target["met"])
    assert "one row per known user per day (FirstLast and daily status) took" in missed
    assert (f"storing the backfill's rows alone takes {written['minutes']} min, "
            f"{written['minutes'] / 15:.0%} of the 15-minute bound") in missed
    assert (f"History: the worst ratio is activation__visit_first_last's, {first_last['ratio']}, while the rows "
            f"it wrote grew {known_users[14] / known_users[13]:.2f}× ({known_users[13]:,} → {known_users[14]:,}") in missed
