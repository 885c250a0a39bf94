"""Reading the raw event log: Parquet, CSV or JSON-lines files in Hive folders by UTC date.

Every column is staged as text so that nothing is lost or coerced before the cleaning
rules decide; the staging table keeps the file each row came from and its folder date.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import duckdb

REQUIRED_COLUMNS = ("user_id", "event_name", "event_timestamp")
OPTIONAL_COLUMNS = (
    "event_id", "country", "device_os", "app_version", "utm_source", "utm_medium", "utm_campaign",
)
STAGED_COLUMNS = ("event_id", "user_id", "event_name", "event_timestamp", *OPTIONAL_COLUMNS[1:])

_READERS = {
    ".parquet": "read_parquet(?, hive_partitioning = false)",
    ".csv": "read_csv(?, all_varchar = true, hive_partitioning = false)",
    ".jsonl": "read_json(?, format = 'newline_delimited', hive_partitioning = false)",
    ".json": "read_json(?, format = 'newline_delimited', hive_partitioning = false)",
}


class RawSourceError(ValueError):
    """A raw file cannot be read as an event log."""


def utc_dates_of_local_day(day: dt.date, timezone: str) -> list[dt.date]:
    """The UTC dates (raw folders) that a local day of the reporting timezone overlaps."""
    tz = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.timezone.utc)
    last = (end - dt.timedelta(microseconds=1)).date()
    return [start.date() + dt.timedelta(days=i) for i in range((last - start.date()).days + 1)]


def folder_of(root: str, utc_date: dt.date) -> str:
    return f"{root.rstrip('/')}/date={utc_date.isoformat()}"


def list_raw_files(conn: duckdb.DuckDBPyConnection, root: str, utc_date: dt.date) -> list[str]:
    """Event files in one UTC date folder (other files, e.g. markers, are ignored)."""
    found = conn.execute("select file from glob(?) order by file", [folder_of(root, utc_date) + "/*"]).fetchall()
    return [f for (f,) in found if _suffix(f) in _READERS]


def stage_raw_events(
    conn: duckdb.DuckDBPyConnection, root: str, utc_dates: list[dt.date]
) -> dict[dt.date, list[str]]:
    """Create the temp table `raw_events` from the folders of the given UTC dates.

    Returns the files read from each date's folder. A file lacking a required column is
    an error naming both.
    """
    selects: list[str] = []
    params: list[object] = []
    files: dict[dt.date, list[str]] = {}
    for utc_date in utc_dates:
        files[utc_date] = list_raw_files(conn, root, utc_date)
        for path in files[utc_date]:
            columns = _columns_of(conn, path)
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise RawSourceError(
                    f"{path}: missing required column {', '.join(repr(c) for c in missing)} "
                    f"(found: {', '.join(sorted(columns)) or 'none'})"
                )
            staged = ", ".join(
                f"cast({c} as varchar) as {c}" if c in columns else f"cast(null as varchar) as {c}"
                for c in STAGED_COLUMNS
            )
            selects.append(
                f"select cast(? as varchar) as source_file, cast(? as date) as folder_date, {staged} "
                f"from {_READERS[_suffix(path)]}"
            )
            params.extend([path, utc_date, path])
    if not selects:
        empty = ", ".join(f"cast(null as varchar) as {c}" for c in STAGED_COLUMNS)
        selects.append(f"select cast(null as varchar) as source_file, cast(null as date) as folder_date, {empty} limit 0")
    conn.execute("create or replace temp table raw_events as " + " union all ".join(selects), params)
    return files


def _columns_of(conn: duckdb.DuckDBPyConnection, path: str) -> set[str]:
    try:
        described = conn.execute(f"describe select * from {_READERS[_suffix(path)]}", [path]).fetchall()
    except duckdb.Error as exc:
        raise RawSourceError(f"{path}: cannot be read as {_suffix(path)[1:]}: {exc}") from exc
    return {row[0] for row in described}


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:].lower() if dot >= 0 else ""
