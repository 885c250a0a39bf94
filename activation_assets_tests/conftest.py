"""Fixtures shared by test modules."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark session per test process: starting one costs 8–15 s."""
    from pyspark.sql import SparkSession

    java_home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").exists())):
        pytest.fail("the Spark tests need a Java 17+ runtime: none on PATH or in JAVA_HOME "
                    "(on Debian: apt-get install openjdk-17-jre-headless)", pytrace=False)
    home = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]").appName("activation-assets-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(home / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}")
        .getOrCreate()
    )
    yield session
    session.stop()
