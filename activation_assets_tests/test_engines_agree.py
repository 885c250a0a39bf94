"""One log and one configuration (two facts, three grains, every report table for one of
them, a funnel) materialized on both engines: every table of the graph, its load records
and the report are the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from activation_assets.report import render_report, run_query_file

from .helpers import dump_warehouse, run_range, write_config, write_raw_log
from .random_log import random_raw_rows

QUERIES = Path(__file__).resolve().parents[1] / "docs" / "queries"
START, END = dt.date(2025, 1, 1), dt.date(2025, 2, 2)  # a whole month, weeks, and days after them
FUNNEL = [{"name": "first_activation", "steps": [{"event": "add_to_cart", "window_days": 1},
                                                 {"event": "purchase", "window_days": 7}]}]


def test_every_table_on_spark_equals_the_duckdb_engines(tmp_path, empty_spark_catalog):
    raw = tmp_path / "raw"
    write_raw_log(raw, random_raw_rows(7, start=START, days=(END - START).days + 1, users=40),
                  span=(START, END))
    # The report tables' SQL is the same for every fact: one fact's are enough, and each is a Spark step.
    facts = [{"name": "visit", "events": "all"}, {"name": "purchase", "events": ["purchase"], "reports": []}]
    common = {"source": {"path": str(raw)}, "funnels": FUNNEL, "timezone": "America/New_York",
              "backfill": {"chunk_days": 40}, "facts": facts}
    on_duckdb = write_config(tmp_path / "duckdb", **common)
    on_spark = write_config(tmp_path / "spark", engine="spark", spark={"master": "local[2]"}, **common)
    run_range(on_duckdb, START, END)
    run_range(on_spark, START, END)

    expected, actual = dump_warehouse(on_duckdb), dump_warehouse(on_spark)
    assert sorted(actual) == sorted(expected)
    assert {"mart.dim_users", "mart.funnel_first_activation_by_segment", "activation.purchase_active_users_monthly",
            "fact.visit", "base.events_rejected", "meta.raw_reads", "activation.visit_engagement_daily",
            "activation.visit_retention_unbounded_weekly", "activation.visit_stickiness_monthly",
            "activation.visit_transitions_daily", "activation.visit_retention_monthly"} <= set(expected)
    for name, rows in expected.items():
        assert actual[name] == rows, name
    assert len(expected["activation.visit_activation_status_monthly"]) > 0
    assert len(expected["base.events_rejected"]) > 0  # the random log's bad rows
    assert render_report(on_spark) == render_report(on_duckdb)
    for query in sorted(QUERIES.glob("*.sql")):  # the analysts' documented queries, variables included
        results = [run_query_file(config, query, {"country": "KR"}) for config in (on_duckdb, on_spark)]
        assert len(results[0]) > 0, query.name
        assert results[1].astype(str).values.tolist() == results[0].astype(str).values.tolist(), query.name
