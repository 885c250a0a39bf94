"""`python -m benchmarks.ab_commits --a REV --b REV`: two commits' range runs, A/B
interleaved on the same generated log.

Each commit is checked out into its own worktree and runs `activation-assets materialize`
over the whole generated range into a fresh warehouse and Dagster instance, in the order
A B B A (then again for more repeats), so a machine that speeds up or slows down during
the runs weighs on both alike. The log is generated once, by this checkout's generator,
and read by both. Writes `benchmarks/results/ab_<users>x<days>.json` and `.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from activation_assets.generate import GenerateParams, generate_events

REPO = Path(__file__).resolve().parents[1]
START = dt.date(2025, 1, 1)


def _worktree(rev: str, root: Path) -> Path:
    commit = subprocess.check_output(["git", "-C", str(REPO), "rev-parse", rev], text=True).strip()
    path = root / commit[:12]
    if not path.exists():
        subprocess.check_call(["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), commit],
                              stdout=subprocess.DEVNULL)
    return path


def _config(work: Path, raw: Path, tree: Path) -> Path:
    """The commit's own shipped configuration, on the shared log and a warehouse of its own."""
    shipped = yaml.safe_load((tree / "activation.yaml").read_text())
    shipped.update(start_date=START.isoformat(), source={"path": str(raw)},
                   warehouse={"path": str(work / "warehouse.duckdb"), "memory_limit": "4GB"})
    work.mkdir(parents=True, exist_ok=True)
    path = work / "activation.yaml"
    path.write_text(yaml.safe_dump(shipped, sort_keys=False))
    return path


def _run(tree: Path, config: Path, days: int) -> float:
    """Seconds of one `materialize` over every generated day, from a clean warehouse."""
    work = config.parent
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "dagster_home"):
        target = work / name
        shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home"), "PYTHONPATH": str(tree)}
    end = START + dt.timedelta(days=days - 1)
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "activation_assets.cli", "--config", str(config), "materialize",
                    "--start", START.isoformat(), "--end", end.isoformat()],
                   cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab_commits", description=__doc__)
    parser.add_argument("--a", required=True, help="the baseline commit")
    parser.add_argument("--b", default="HEAD", help="the commit measured against it")
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeats", type=int, default=2, help="A B B A blocks")
    parser.add_argument("--work-dir", type=Path, default=REPO / "benchmarks" / "work" / "ab")
    parser.add_argument("--results-dir", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    raw = args.work_dir / f"raw_{args.users}x{args.days}"
    generate_events(raw, GenerateParams(users=args.users, days=args.days, start_date=START))
    trees = {"a": _worktree(args.a, args.work_dir / "trees"), "b": _worktree(args.b, args.work_dir / "trees")}
    configs = {side: _config(args.work_dir / side, raw, trees[side]) for side in trees}
    seconds: dict[str, list[float]] = {"a": [], "b": []}
    for _ in range(args.repeats):
        for side in ("a", "b", "b", "a"):
            seconds[side].append(round(_run(trees[side], configs[side], args.days), 1))
            print(f"{side} ({trees[side].name}): {seconds[side][-1]} s", flush=True)
    medians = {side: statistics.median(values) for side, values in seconds.items()}
    results = {
        "users": args.users, "days": args.days, "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "a": {"commit": trees["a"].name, "seconds": seconds["a"], "median": medians["a"]},
        "b": {"commit": trees["b"].name, "seconds": seconds["b"], "median": medians["b"]},
        "b_over_a": round(medians["b"] / medians["a"], 3),
    }
    stem = args.results_dir / f"ab_{args.users}x{args.days}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".md").write_text(
        f"# A/B: {args.users:,} users × {args.days} days, `materialize` of the whole range, clean warehouse\n\n"
        f"Runs in the order A B B A, {args.repeats} time(s); measured {results['measured_at']}.\n\n"
        "| side | commit | seconds | median |\n|---|---|---|---|\n"
        f"| A | {trees['a'].name} | {', '.join(map(str, seconds['a']))} | {medians['a']} |\n"
        f"| B | {trees['b'].name} | {', '.join(map(str, seconds['b']))} | {medians['b']} |\n\n"
        f"B / A = {results['b_over_a']}\n")
    print(f"B / A = {results['b_over_a']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
