"""The results of one scale as JSON (every figure) and markdown (the tables a reader wants),
with each target marked met or missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from activation_assets.config import ActivationConfig
from activation_assets.tables import partitioned_tables, unbounded_retention_tables
from benchmarks.scales import TARGET_SCALE, TARGETS

_BACKFILL_MINUTES = next(t for t in TARGETS if t.figure == "backfill.minutes")


def figure(results: dict[str, Any], dotted: str) -> float:
    value: Any = results
    for part in dotted.split("."):
        value = value[part]
    return float(value)


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its value and whether it is met (targets bind at scale L only)."""
    binding = results["scale"]["name"] == TARGET_SCALE
    return [
        {
            "target": target.name,
            "figure": target.figure,
            "bound": target.wording,
            "value": figure(results, target.figure),
            "met": target.met(figure(results, target.figure)),
            "binding": binding,
        }
        for target in TARGETS
    ]


def write_results(results: dict[str, Any], results_dir: Path, name: str) -> tuple[Path, Path]:
    """Write `<name>.json` and `<name>.md`; returns both paths."""
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = results_dir / f"{name}.json", results_dir / f"{name}.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    md_path.write_text(render_markdown(results))
    return json_path, md_path


def render_markdown(results: dict[str, Any]) -> str:
    scale, machine = results["scale"], results["machine"]
    backfill, daily, history = results["backfill"], results["daily_run"], results["history"]
    naive, floor = results["naive"], results["floor"]
    lines = [
        f"# Benchmark, scale {scale['name']}: {scale['users']:,} users × {scale['days']} days "
        f"({scale['raw_rows']:,} raw rows)",
        "",
        f"{machine['cpus']} CPUs, {machine['memory_gib']} GiB, Python {machine['python']}, "
        f"DuckDB {machine['duckdb']}, settings {results['duckdb_settings']}; measured {machine['measured_at']}"
        f" at commit {machine.get('commit', 'unknown')}.",
        "",
        *_calibration_markdown(machine),
        "## Targets" + ("" if scale["name"] == "L" else " (they bind at scale L; shown for reference)"),
        "",
        "| target | bound | value | met |",
        "|---|---|---|---|",
        *[f"| {t['target']} | {t['bound']} | {t['value']:g} | {'yes' if t['met'] else '**no**'} |"
          for t in results["targets"]],
        "",
        "## (a) Full backfill through Dagster",
        "",
        f"{backfill['minutes']} min wall time, peak memory {backfill['peak_gib']} GiB (whole process tree), "
        f"DuckDB file {backfill['duckdb_file_gib']} GiB.",
        "",
        "Where the time goes:",
        "",
        _split_sentence(time_split(backfill["seconds"], backfill["steps"]), backfill.get("closing_seconds")),
        "",
        *_kinds_markdown(backfill["steps"]),
        "",
        *_steps_markdown(backfill["steps"]),
        "",
        f"## (b) The next day ({daily['day']}), whole graph and checks",
        "",
        f"{daily['seconds']} s end to end (process start to exit), peak {daily['peak_gib']} GiB; "
        f"daily assets' compute {daily['daily_asset_compute_seconds']} s "
        f"(of which {daily['daily_asset_duckdb_seconds']} s inside DuckDB); "
        f"{daily['rows_scanned']:,} rows scanned by all of its queries.",
        "",
        _split_sentence(time_split(daily["seconds"], daily["steps"]), daily.get("closing_seconds")),
        "",
        *_repeat_markdown(daily),
        *_steps_markdown(daily["steps"]),
        "",
        f"## (c) History independence: day {history['early_day']} and day {history['late_day']}",
        "",
        f"Each day's daily assets re-run {history['repeats']} times, alternating days; "
        "each step's median run is shown. Rows out are the rows the step wrote: for the "
        "one-row-per-known-user tables they grow with the users known by that day, not with the days of history.",
        "",
        "| step | seconds, early | seconds, late | ratio | rows scanned, early | rows scanned, late | rows ratio "
        "| rows out, early | rows out, late |",
        "|---|---|---|---|---|---|---|---|---|",
        *[f"| {r['step']} | {r['early_seconds']} | {r['late_seconds']} | {r['ratio']} | "
          f"{r['early_rows_scanned']:,} | {r['late_rows_scanned']:,} | {r['rows_ratio']} | "
          f"{r.get('early_rows_out', 0):,} | {r.get('late_rows_out', 0):,} |" for r in history["steps"]],
        "",
        "## (d) Naive recomputation from the whole history (FirstLast + daily activation, every fact)",
        "",
        f"Naive: {naive['seconds']} s, {naive['rows_scanned']:,} rows scanned. "
        f"Incremental (the same assets in (b)): {naive['incremental_seconds']} s "
        f"({naive['incremental_duckdb_seconds']} s inside DuckDB), "
        f"{naive['incremental_rows_scanned']:,} rows scanned. "
        f"Naive / incremental: {naive['rows_ratio']}× rows, {naive['seconds_ratio']}× time. "
        f"Same rows as the stored partitions: {'yes' if naive['same_rows_as_stored'] else 'NO'}.",
        "",
        "## (e) Floor: the day's distinct active users plus one scan of each previous snapshot",
        "",
        f"{floor['seconds']} s, {floor['rows_scanned']:,} rows scanned. "
        f"Daily assets' compute in (b) is {floor['daily_compute_ratio']}× its time "
        f"({floor['daily_duckdb_ratio']}× counting DuckDB time only, without Dagster's per-step overhead) "
        f"and {floor['daily_rows_ratio']}× its rows.",
        "",
        *_write_floor_markdown(results.get("write_floor")),
        *_bare_first_last_markdown(results.get("bare_first_last")),
        *_reprocess_markdown(results.get("reprocess")),
    ]
    missed = [t for t in results["targets"] if not t["met"] and t["binding"]]
    if missed:
        lines += ["## Missed targets", "", *[f"- {t['target']}: {t['value']:g}, bound {t['bound']}." for t in missed],
                  "", "Slowest kinds of step in the backfill and slowest steps of the next-day run:", "",
                  *[f"- backfill, {k['kind']}: {k['seconds']} s ({k['share']:.0%})"
                    for k in time_by_kind(backfill["steps"])[:4]],
                  *[f"- next day, {s['step']}: {s['seconds']} s" for s in daily["steps"][:3]],
                  "", _per_user_day_share(backfill["steps"]), "", _worst_history_step(history), "",
                  *_write_floor_sentence(results.get("write_floor"), missed)]
    return "\n".join(lines)


def _steps_markdown(steps: list[dict[str, Any]]) -> list[str]:
    return [
        "| step | seconds | rows out | rows scanned | DuckDB seconds |",
        "|---|---|---|---|---|",
        *[f"| {s['step']} | {s['seconds']} | {s.get('rows_out', 0):,} | {s['rows_scanned']:,} | {s['duckdb_seconds']} |"
          for s in steps],
    ]


# The kind of table a step writes, from a part of its name (first match wins).
_KIND_LABELS = {
    "first_last": "FirstLast snapshots (one row per known user per day)",
    "status": "weekly and monthly status",
    "activation": "activation states",
    "active_users": "active-user decomposition",
    "transitions": "status transitions",
    "retention": "cohort retention",
    "stickiness": "stickiness",
    "engagement": "rolling engagement (DAU, WAU, MAU and their states)",
    "base": "base (cleaning the raw log)",
    "fact": "facts",
    "first_activation_events": "mart",
}
_DAILY_KIND_LABELS = {"status": "daily status (one row per known user per day)"}
_CHECKS = "asset checks"


def asset_kinds(config: ActivationConfig) -> dict[str, str]:
    """The kind of step that writes each partitioned table's asset, from the catalogue (and
    of the "on or after" retention, rebuilt whole by each daily run)."""
    return {
        **{entry.table.asset_key.to_user_string():
           (_DAILY_KIND_LABELS if entry.grain == "daily" else {}).get(entry.kind, _KIND_LABELS[entry.kind])
           for entry in partitioned_tables(config)},
        **{table.asset_key.to_user_string(): "on-or-after retention" for table in unbounded_retention_tables(config)},
    }


def step_kind(step: str, assets: list[str], kinds: dict[str, str]) -> str:
    """What a step computes: its checks, its tables' kind, or else its layer."""
    if step.endswith("__checks"):
        return _CHECKS
    if step == "raw__events":
        return "observing the raw log"
    return next((kinds[a] for a in assets if a in kinds), step.split("__", 1)[0])


def time_by_kind(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Step seconds and rows out summed per kind of step, largest first, with shares of the total."""
    kinds: dict[str, dict[str, Any]] = {}
    for s in steps:
        kind = kinds.setdefault(s["kind"], {"kind": s["kind"], "seconds": 0.0, "duckdb_seconds": 0.0, "rows_out": 0})
        kind["seconds"] += s["seconds"]
        kind["duckdb_seconds"] += s["duckdb_seconds"]
        kind["rows_out"] += s.get("rows_out", 0)
    total = sum(k["seconds"] for k in kinds.values()) or 1.0
    return [{**k, "seconds": round(k["seconds"], 1), "duckdb_seconds": round(k["duckdb_seconds"], 1),
             "share": round(k["seconds"] / total, 3)}
            for k in sorted(kinds.values(), key=lambda k: -k["seconds"])]


def time_split(wall_seconds: float, steps: list[dict[str, Any]]) -> dict[str, float]:
    """A run's wall time in three parts: DuckDB executing the statements; the steps' time
    outside DuckDB (Dagster's events, one materialization per asset per partition, and the
    Python around the statements); and the time outside any step (process start, loading
    the definitions, planning and recording the runs)."""
    in_steps = sum(s["seconds"] for s in steps)
    inside_duckdb = sum(s["duckdb_seconds"] for s in steps)
    return {
        "inside_duckdb": round(inside_duckdb, 1),
        "in_steps_outside_duckdb": round(in_steps - inside_duckdb, 1),
        "outside_steps": round(max(wall_seconds - in_steps, 0.0), 1),
    }


def _split_sentence(split: dict[str, float], closing_seconds: float | None = None) -> str:
    """The wall-time split in words; `closing_seconds`, when the command reported it, is
    the part of the time outside the steps spent closing the warehouse (DuckDB writing its
    log into the database file, a cost that grows with the size of the file)."""
    total = sum(split.values()) or 1.0
    closing = (f"; {closing_seconds} s of it closing the warehouse, when DuckDB writes its log into the file"
               if closing_seconds is not None else "")
    return (f"Of the wall time, {split['inside_duckdb']} s ({split['inside_duckdb'] / total:.0%}) is DuckDB executing "
            f"the statements, {split['in_steps_outside_duckdb']} s "
            f"({split['in_steps_outside_duckdb'] / total:.0%}) is the steps' time outside DuckDB (Dagster's events, "
            f"one materialization per asset per partition, and the Python around the statements), and "
            f"{split['outside_steps']} s ({split['outside_steps'] / total:.0%}) is outside any step (process start, "
            f"loading the definitions, planning and recording the runs{closing}).")


def _per_user_day_share(steps: list[dict[str, Any]]) -> str:
    """How much of the backfill the tables with one row per known user per day account for."""
    kinds = time_by_kind(steps)
    per_user_day = [k for k in kinds if "one row per known user per day" in k["kind"]]
    rows = sum(k["rows_out"] for k in per_user_day)
    return (f"The tables that hold one row per known user per day (FirstLast and daily status) took "
            f"{sum(k['share'] for k in per_user_day):.0%} of the step time and produced {rows:,} of the "
            f"{sum(k['rows_out'] for k in kinds):,} rows out: their size is users × days, whatever the day's activity.")


def _worst_history_step(history: dict[str, Any]) -> str:
    """The daily asset whose time grew most in (c), against the growth of the rows it wrote
    (for the one-row-per-known-user tables, the users known by each day)."""
    worst = next(r for r in history["steps"] if r["step"] == history["worst_step"])
    early_out, late_out = worst.get("early_rows_out", 0), worst.get("late_rows_out", 0)
    if not (early_out and late_out):
        return f"History: the worst ratio is {worst['step']}'s, {worst['ratio']}."
    per_row = (worst["late_seconds"] / late_out) / (worst["early_seconds"] / early_out)
    return (f"History: the worst ratio is {worst['step']}'s, {worst['ratio']}, while the rows it wrote grew "
            f"{late_out / early_out:.2f}× ({early_out:,} → {late_out:,}); "
            f"its time per row written changed {per_row:.2f}×.")


def _kinds_markdown(steps: list[dict[str, Any]]) -> list[str]:
    return [
        "| kind of step | seconds | share of step time | DuckDB seconds | rows out |",
        "|---|---|---|---|---|",
        *[f"| {k['kind']} | {k['seconds']} | {k['share']:.0%} | {k['duckdb_seconds']} | {k['rows_out']:,} |"
          for k in time_by_kind(steps)],
    ]


def _repeat_markdown(daily: dict[str, Any]) -> list[str]:
    repeat = daily.get("repeat")
    if repeat is None:
        return []
    return [
        f"The same command again at once, on a warm page cache (it replaces the partitions the first run wrote): "
        f"{repeat['seconds']} s end to end. "
        + _split_sentence(repeat["time_split"], repeat.get("closing_seconds")) + " The target is held to the first run, which follows the backfill "
        "as a scheduled run follows the previous day's work.",
        "",
    ]


def _calibration_markdown(machine: dict[str, Any]) -> list[str]:
    calibration = machine.get("calibration_seconds")
    if calibration is None:
        return []
    disk = machine.get("disk_mib_per_second")
    disk_sentence = (
        f" The disk wrote and synced {disk['before']['write_and_sync']} MiB/s and read {disk['before']['cold_read']} "
        f"MiB/s from outside the page cache before the runs, {disk['after']['write_and_sync']} and "
        f"{disk['after']['cold_read']} MiB/s after them."
        if disk else
        " It measures the processor and memory, not the disk: for that, compare the naive recomputation (d), "
        "which reads the whole warehouse."
    )
    return [
        f"Machine speed: the fixed calibration workload (benchmarks/calibration.py) took {calibration['before']} s "
        f"before the runs and {calibration['after']} s after them. Compare it with another run's before crediting "
        "or blaming the code for a difference: the same code runs slower when this figure is higher." + disk_sentence,
        "",
    ]


def _write_floor_markdown(written: dict[str, Any] | None) -> list[str]:
    """Section (f), when the results have it (files written before it was measured do not)."""
    if written is None:
        return []
    return [
        "## (f) Writing floor: the backfill's rows stored, with nothing computed",
        "",
        f"{written['minutes']} min ({written['share_of_backfill']:.0%} of the backfill's wall time). Each table's "
        f"latest chunk (the partitions a range run writes in one statement) was inserted in one statement into an "
        f"empty copy of the table and checkpointed (fastest of {written['tries']}); its time per row, times the "
        "table's rows in the range, estimates what storing that table costs over the range, written the way the "
        "range path writes it, whatever computes it.",
        "",
        "| table | chunk written | its rows | its seconds | rows in the range | seconds for the range |",
        "|---|---|---|---|---|---|",
        *[f"| {t['table']} | {t['chunk']} | {t['chunk_rows']:,} | {t['chunk_seconds']} | {t['rows']:,} "
          f"| {t['year_seconds']} |" for t in written["tables"]],
        "",
    ]


def _bare_first_last_markdown(bare: dict[str, Any] | None) -> list[str]:
    """Section (g), when the results have it."""
    if bare is None:
        return []
    return [
        "## (g) Bare set-based FirstLast: the backfill's snapshots with nothing around them",
        "",
        f"{bare['seconds']} s for every fact's snapshots of the backfilled days (intervals of each user's running "
        f"values from window functions, then one insert per chunk into a scratch database; no Dagster, no checks, "
        f"no metadata); the backfill's FirstLast steps took {bare['backfill_step_seconds']} s, {bare['ratio']}× "
        f"that. Same rows as stored: {'yes' if bare['same_rows_as_stored'] else '**no**'}.",
        "",
        "| table | bare seconds | chunks | rows | backfill step seconds |",
        "|---|---|---|---|---|",
        *[f"| {f['table']} | {f['seconds']} | {f['chunks']} | {f['rows']:,} | {f['backfill_step_seconds']} |"
          for f in bare["facts"]],
        "",
    ]


def _reprocess_markdown(reprocess: dict[str, Any] | None) -> list[str]:
    """Section (h), when the results have it."""
    if reprocess is None:
        return []
    return [
        "## (h) Late data: `reprocess --since` the last days",
        "",
        f"{reprocess['days']} days ({reprocess['since']} on) and the weeks and months they close: "
        f"{reprocess['seconds']} s end to end, peak {reprocess['peak_gib']} GiB, "
        f"{reprocess['share_of_backfill']:.1%} of the backfill's wall time for {reprocess['days_share']:.1%} "
        "of the loaded days.",
        "",
    ]


def _write_floor_sentence(written: dict[str, Any] | None, missed: list[dict[str, Any]]) -> list[str]:
    """How much of a missed backfill time bound storing the rows alone takes."""
    if written is None or not any(t["figure"] == _BACKFILL_MINUTES.figure for t in missed):
        return []
    budget = _BACKFILL_MINUTES.bound
    return [f"Writing floor (f): storing the backfill's rows alone takes {written['minutes']} min, "
            f"{written['minutes'] / budget:.0%} of the {budget:g}-minute bound, before anything is read, "
            "computed or checked.", ""]
