"""The serving copy: analysts read it while the layer writes the warehouse."""

import subprocess
import sys

import dagster as dg
import duckdb

from activation_assets.cli import main
from activation_assets.serving import served_tables, serving_path

from .helpers import write_config

_READER = """
import duckdb, sys
conn = duckdb.connect(sys.argv[1], read_only=True)
latest = "select max(date) from activation.visit_engagement_daily"
print(conn.execute(latest).fetchone()[0], flush=True)
sys.stdin.readline()
print(conn.execute(latest).fetchone()[0], flush=True)
"""


def serving_rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_each_run_publishes_the_report_tables_and_the_latest_user_partitions(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = write_config(tmp_path, funnels=[{"name": "first_purchase", "steps": [
        {"event": "purchase", "window_days": 7}]}])
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "60", "--days", "9"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-08"]) == 0
    copy = serving_path(config)
    assert copy == tmp_path / "warehouse.serving.duckdb"
    tables = {f"{schema}.{name}" for schema, name in serving_rows(
        copy, "select schema_name, table_name from duckdb_tables()")}
    # Weeks and months not ended yet have no tables to serve; every other served table is there.
    expected = {s.table.qualified_name for s in served_tables(config)}
    assert tables == {t for t in expected if not t.endswith(("_weekly", "_monthly"))
                      or "retention_unbounded" in t} | {"meta.serving_tables", "meta.serving_loads"}
    assert "activation.visit_engagement_daily" in tables and "mart.funnel_first_purchase" in tables
    for table, order in (("activation.visit_active_users_daily", "period_start"),
                         ("mart.dim_users", "user_id"), ("activation.visit_retention_unbounded_weekly", "1, 2")):
        sql = f"select * from {table} order by {order}"
        assert serving_rows(copy, sql) == serving_rows(config.warehouse_path, sql), table
    # The per-user status: the latest day only.
    assert serving_rows(copy, "select distinct period_start::varchar from activation.visit_activation_status_daily"
                        ) == [("2025-01-08",)]

    # Published again with nothing loaded since: only the reports rebuilt whole (no load
    # records to compare) are copied again.
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        assert main([*cfg, "materialize", "--start", "2025-01-08", "--end", "2025-01-08",
                     "--select", 'key:"serving/copy"']) == 0
        latest = instance.get_latest_materialization_event(dg.AssetKey(["serving", "copy"]))
        metadata = latest.asset_materialization.metadata
    rebuilt_whole = {t for t in tables if "retention_unbounded" in t or t.startswith("mart.funnel_")}
    assert (metadata["tables"].value, metadata["tables_copied"].value) == (len(tables) - 2, len(rebuilt_whole))
    assert serving_rows(copy, "select * from activation.visit_active_users_daily order by period_start") == \
        serving_rows(config.warehouse_path, "select * from activation.visit_active_users_daily order by period_start")

    # `query` reads the serving copy; --warehouse reads every partition.
    sql = tmp_path / "days.sql"
    sql.write_text("select count(distinct period_start) as days from activation.visit_activation_status_daily")
    capsys.readouterr()
    assert main([*cfg, "query", str(sql)]) == 0
    assert capsys.readouterr().out.split() == ["days", "1"]
    assert main([*cfg, "query", str(sql), "--warehouse"]) == 0
    assert capsys.readouterr().out.split() == ["days", "8"]


def test_a_reader_holding_the_serving_copy_neither_blocks_the_run_nor_sees_it_half_done(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    config = write_config(tmp_path)
    cfg = ["--config", str(tmp_path / "activation.yaml")]
    main([*cfg, "generate", "--users", "40", "--days", "3"])
    assert main([*cfg, "materialize", "--start", "2025-01-01", "--end", "2025-01-02"]) == 0
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(serving_path(config))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "2025-01-02"
        assert main([*cfg, "materialize", "--start", "2025-01-03", "--end", "2025-01-03"]) == 0
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "2025-01-02"  # its open copy, whole and unchanged
    finally:
        reader.kill()
        reader.wait()
    assert serving_rows(serving_path(config), "select max(date)::varchar from activation.visit_engagement_daily"
                        ) == [("2025-01-03",)]
