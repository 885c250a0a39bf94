"""The `activation-assets` command line: generate sample data, materialize a date
range through Dagster, print the report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import dagster as dg

from activation_assets.config import ActivationConfig, ConfigError, config_path_from_env, load_config
from activation_assets.definitions import build_definitions
from activation_assets.demo import DASHBOARD_FILE, prepare_demo
from activation_assets.engines import WarehouseBusy
from activation_assets.generate import PROFILES, GenerateParams, generate_events
from activation_assets.instance import persistent_instance
from activation_assets.raw_source import RawSourceError
from activation_assets.runner import execute_runs, latest_loaded_day, plan_runs


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, RawSourceError, ValueError, WarehouseBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="activation-assets", description=__doc__)
    parser.add_argument("--config", type=Path, default=None,
                        help="configuration file (default: $ACTIVATION_CONFIG or ./activation.yaml)")
    commands = parser.add_subparsers(required=True, metavar="command")

    generate = commands.add_parser("generate", help="write a sample raw event log")
    generate.add_argument("--users", type=int, default=GenerateParams.users)
    generate.add_argument("--days", type=int, default=GenerateParams.days)
    generate.add_argument("--start-date", type=dt.date.fromisoformat, default=None,
                          help="first day (default: the configuration's start_date)")
    generate.add_argument("--seed", type=int, default=GenerateParams.seed)
    generate.add_argument("--profile", choices=PROFILES, default=GenerateParams.profile,
                          help="growth: arrivals accelerate and engagement decays; "
                               "steady: a stable population with constant daily volume (used by benchmarks)")
    generate.add_argument("--chunk-days", type=int, default=GenerateParams.chunk_days,
                          help="days written per DuckDB statement (smaller uses less memory)")
    generate.add_argument("--out", type=Path, default=None, help="folder (default: the configured source path)")
    generate.add_argument("--threads", type=int, default=None)
    generate.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB")
    generate.set_defaults(handler=_generate)

    materialize = commands.add_parser("materialize", help="run the graph for a date range through Dagster")
    materialize.add_argument("--start", type=dt.date.fromisoformat, required=True)
    materialize.add_argument("--end", type=dt.date.fromisoformat, required=True)
    materialize.add_argument("--select", default=None,
                             help="Dagster asset selection, e.g. 'key:\"fact/visit\"+' (default: everything)")
    materialize.set_defaults(handler=_materialize)

    reprocess = commands.add_parser(
        "reprocess", help="after late or corrected raw data: re-run a day and everything after it that depends on it")
    reprocess.add_argument("--since", type=dt.date.fromisoformat, required=True, help="the first day whose raw files changed")
    reprocess.add_argument("--until", type=dt.date.fromisoformat, default=None,
                           help="last day to recompute (default: the latest day loaded)")
    reprocess.set_defaults(handler=_reprocess)

    query = commands.add_parser("query", help="run a SQL file (e.g. docs/queries/*.sql) read-only on the serving copy")
    query.add_argument("sql_file", type=Path)
    query.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="a DuckDB variable the query reads with getvariable('NAME')")
    query.add_argument("--warehouse", action="store_true",
                       help="read the warehouse itself (every partition; waits for no run, but a run cannot "
                            "write while it reads)")
    query.set_defaults(handler=_query)

    demo = commands.add_parser(
        "demo", help="generate a sample log of the days ending yesterday, materialize it all, print the report")
    demo.add_argument("--users", type=int, default=GenerateParams.users)
    demo.add_argument("--days", type=int, default=GenerateParams.days)
    demo.add_argument("--dir", type=Path, default=Path("data"),
                      help="where the demo's configuration, raw log, warehouse and run history go (default: data)")
    demo.set_defaults(handler=_demo)

    report = commands.add_parser("report", help="print the active-user decomposition of the latest periods")
    report.add_argument("--periods", type=int, default=5)
    report.set_defaults(handler=_report)

    dashboard = commands.add_parser(
        "dashboard", help="write the AU dashboard (every chart, the latest figures) as one self-contained HTML page")
    dashboard.add_argument("--out", type=Path, required=True, help="the HTML file to write, e.g. dashboard.html")
    dashboard.set_defaults(handler=_dashboard)
    return parser


def _config(args: argparse.Namespace) -> ActivationConfig:
    return load_config(args.config or config_path_from_env())


def _generate(args: argparse.Namespace) -> int:
    config = _config(args)
    params = GenerateParams(
        users=args.users, days=args.days, start_date=args.start_date or config.start_date, seed=args.seed,
        chunk_days=args.chunk_days, profile=args.profile,
    )
    out = args.out or Path(config.source_path)
    print(f"generating {params.users:,} users × {params.days} days from {params.start_date} into {out}")
    rows = generate_events(out, params, threads=args.threads, memory_limit=args.memory_limit)
    print(f"done: {rows:,} rows written")
    return 0


def _materialize(args: argparse.Namespace) -> int:
    return _run_range(_config(args), args.start, args.end, args.select)


def _reprocess(args: argparse.Namespace) -> int:
    config = _config(args)
    until = args.until or latest_loaded_day(config)
    if until is None:
        raise ValueError(f"nothing is loaded in the {config.engine} warehouse of {config.config_path} yet: "
                         "use materialize")
    print(f"re-materializing {args.since} … {until} and the weeks and months they close")
    return _run_range(config, args.since, until, None)


def _demo(args: argparse.Namespace) -> int:
    config = prepare_demo(args.config or config_path_from_env(), args.dir, args.days)
    params = GenerateParams(users=args.users, days=args.days, start_date=config.start_date)
    end = config.start_date + dt.timedelta(days=args.days - 1)
    print(f"demo: {params.users:,} users × {params.days} days, {config.start_date} … {end}, "
          f"configuration {config.config_path}")
    generate_events(Path(config.source_path), params)
    status = _run_range(config, config.start_date, end, None)
    if status == 0:
        from activation_assets.report import render_report  # pandas: only the commands that print tables load it

        from activation_assets.dashboard import write_dashboard

        print(render_report(config, periods=5))
        page = write_dashboard(config, args.dir / DASHBOARD_FILE)
        print(f"\nThe dashboard of this demo: {page.resolve()} (open it in a browser)")
        print(f"The UI on this demo: make ui (ACTIVATION_CONFIG={config.config_path})")
    return status


def _run_range(config: ActivationConfig, start: dt.date, end: dt.date, select: str | None) -> int:
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    if start < config.start_date:
        raise ValueError(f"{start} is before the configured start_date {config.start_date}")
    defs = build_definitions(config)
    selected = None
    if select:
        selection = dg.AssetSelection.from_string(select).required_multi_asset_neighbors()
        selected = set(selection.resolve(defs.resolve_asset_graph()))
        if not selected:
            raise ValueError(f"--select {select!r} matches no asset")
    runs = plan_runs(config, start, end, selected)
    if not runs:
        print("nothing to run: no selected partition ends within the range")
        return 0
    results = execute_runs(defs, runs, persistent_instance(config), lock_wait_seconds=config.lock_wait_seconds)
    return 0 if all(r.success for r in results) else 1


def _query(args: argparse.Namespace) -> int:
    variables = {}
    for assignment in args.set:
        name, sep, value = assignment.partition("=")
        if not sep or not name.isidentifier():
            raise ValueError(f"--set {assignment!r}: expected NAME=VALUE")
        variables[name] = value
    from activation_assets.report import run_query_file  # pandas: only the commands that print tables load it

    frame = run_query_file(_config(args), args.sql_file, variables, from_warehouse=args.warehouse)
    print(frame.to_string(index=False, na_rep="—"))
    return 0


def _report(args: argparse.Namespace) -> int:
    from activation_assets.report import render_report  # pandas: only the commands that print tables load it

    print(render_report(_config(args), periods=args.periods))
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from activation_assets.dashboard import write_dashboard  # the charts' renderer: only this command loads it

    print(f"dashboard written to {write_dashboard(_config(args), args.out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
