"""`python -m benchmarks --scale S|M|L`: see benchmarks/harness.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.harness import REPO, BenchSettings, run_benchmark
from benchmarks.scales import SCALES, Scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="spark: the backfill and next day on a local Spark session, beside DuckDB's figures")
    parser.add_argument("--users", type=int, help="override the scale's users (the results are named custom)")
    parser.add_argument("--days", type=int, help="override the scale's days")
    parser.add_argument("--work-dir", type=Path, default=REPO / "benchmarks" / "work",
                        help="generated data, warehouse and run history (kept between runs)")
    parser.add_argument("--results-dir", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit for the graph's connections")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: one per core)")
    parser.add_argument("--temp-dir", type=Path, default=None, help="DuckDB temp_directory for spilling")
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs of each history-probe day (the median is kept) and of the calibration "
                             "workloads (the fastest is kept)")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    if args.users or args.days:
        days = args.days or scale.days
        scale = Scale("custom", users=args.users or scale.users, days=days,
                      early_day=min(scale.early_day, days - 1), late_day=min(scale.late_day, days))
    settings = BenchSettings(work_dir=args.work_dir, results_dir=args.results_dir, memory_limit=args.memory_limit,
                             threads=args.threads, temp_directory=args.temp_dir, probe_repeats=args.repeats)
    if args.engine == "spark":
        from benchmarks.spark_run import run_spark_benchmark

        run_spark_benchmark(scale, settings)
        return 0
    results = run_benchmark(scale, settings)
    for target in results.get("targets", []):
        print(f"{target['target']}: {target['value']:g} ({target['bound']}) {'met' if target['met'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
