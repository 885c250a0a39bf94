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


@pytest.fixture
def empty_spark_catalog(spark):
    """The shared session without the layer's databases, which other tests of this process
    may have left in its catalog."""
    from activation_assets.warehouse import SCHEMAS

    for schema in SCHEMAS:
        spark.sql(f"drop database if exists {schema} cascade")
    return spark


@pytest.fixture(params=["duckdb", "spark"])
def on_engine(request) -> dict:
    """Configuration keys that run a test once on each engine (Spark's on the shared
    session, with an empty catalog)."""
    if request.param == "spark":
        request.getfixturevalue("empty_spark_catalog")
        return {"engine": "spark", "spark": {"master": "local[2]"}}
    return {}
