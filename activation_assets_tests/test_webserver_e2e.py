"""End to end through the real Dagster webserver and daemon, the way the UI works:
a backfill of the whole graph over 60 days launched through GraphQL, with the shipped
instance settings. Every run must succeed with every check green (no DuckDB lock
errors), and the tables must equal the whole-history recomputation."""

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from activation_assets.grains import Grain
from activation_assets.instance import INSTANCE_TEMPLATE
from activation_assets.jobs import asset_keys_by_grain

from .helpers import assert_matches_recomputation, write_config, write_raw_log
from .random_log import random_raw_rows

ROOT = Path(__file__).resolve().parents[1]
START = dt.date(2025, 1, 1)
END = dt.date(2025, 3, 1)  # 60 days: two whole months, eight whole weeks
TIMEOUT_SECONDS = 420

LAUNCH = """mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message }
  }
}"""
POLL = """query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status runs(limit: 200) { runId status } }
  }
}"""
LOADED = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webserver:
    """`dagster dev` in its own process group, stopped with it, also when a test fails."""

    def __init__(self, workdir: Path, home: Path, config_path: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "DAGSTER_HOME": str(home), "ACTIVATION_CONFIG": str(config_path)}
        self.log = open(workdir / "dagster_dev.log", "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster"), "dev", "-w", str(ROOT / "workspace.yaml"),
             "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def query(self, text: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": text, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.load(response)
        assert "errors" not in body, body
        return body["data"]

    def wait_until_loaded(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "dagster dev exited; see dagster_dev.log"
            try:
                entries = self.query(LOADED)["workspaceOrError"]["locationEntries"]
                if entries and entries[0]["loadStatus"] == "LOADED":
                    return
            except OSError:
                pass
            time.sleep(1)
        raise TimeoutError("the code location did not load")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=wait)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                continue
        self.log.close()


@pytest.fixture
def webserver(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    rows = random_raw_rows(31, start=START, days=(END - START).days + 1, users=60)
    write_raw_log(tmp_path / "raw", rows, span=(START, END))
    config = write_config(tmp_path, start_date=START.isoformat())
    server = Webserver(tmp_path, home, tmp_path / "activation.yaml")
    try:
        yield server, config, rows, home
    finally:
        server.stop()


def backfill_params(config) -> dict:
    """Every asset with every partition whose period ends in [START, END], as the UI sends it."""
    by_asset = []
    for grain, keys in asset_keys_by_grain(config).items():
        partitions_def = Grain.of(grain, config).partitions_def
        partition_keys = [k for k in partitions_def.get_partition_keys()
                          if partitions_def.time_window_for_partition_key(k).end.date() - dt.timedelta(days=1) <= END]
        by_asset += [{"assetKey": {"path": key.path},
                      "partitions": {"range": {"start": partition_keys[0], "end": partition_keys[-1]}}}
                     for key in keys]
    return {"partitionsByAssets": by_asset, "title": "e2e: whole graph, 60 days"}


def test_ui_backfill_of_the_whole_graph_over_60_days_succeeds_with_green_checks(webserver):
    server, config, rows, home = webserver
    deadline = time.monotonic() + TIMEOUT_SECONDS
    server.wait_until_loaded(deadline)
    launched = server.query(LAUNCH, {"params": backfill_params(config)})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]
    while True:
        backfill = server.query(POLL, {"id": backfill_id})["partitionBackfillOrError"]
        if backfill["status"] not in ("REQUESTED", "CANCELING"):
            break
        assert time.monotonic() < deadline, f"backfill still {backfill['status']} after {TIMEOUT_SECONDS}s"
        time.sleep(3)
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    run_ids = [r["runId"] for r in backfill["runs"]]
    assert run_ids and all(r["status"] == "SUCCESS" for r in backfill["runs"]), backfill["runs"]

    with dg.DagsterInstance.from_config(str(home)) as instance:
        evaluations = [
            entry.dagster_event.event_specific_data
            for run_id in run_ids
            for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
    assert evaluations and all(e.passed for e in evaluations), [e.check_name for e in evaluations if not e.passed]
    checked = {(e.asset_key.to_user_string(), e.check_name) for e in evaluations}
    assert ("activation/visit_active_users_monthly", "counts_match_status") in checked
    assert ("base/events", "rows_read_equal_kept_plus_rejected") in checked
    # A backfill of partitions builds the partitioned tables; the reports rebuilt whole are not in it.
    assert_matches_recomputation(config, rows, START, END, unpartitioned=False)
