"""Reading the raw event log: Parquet, CSV or JSON-lines files in Hive folders by UTC date.

Every column is read as text so that nothing is lost or coerced before the cleaning
rules decide, and the timestamp is also read as a timestamp (from the file's own type
when it has one, else parsed from its text; null when it cannot be). The view of the raw
rows keeps the file each row came from and its folder date.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import duckdb

from activation_assets.sql import sql_literal

REQUIRED_COLUMNS = ("user_id", "event_name", "event_timestamp")
OPTIONAL_COLUMNS = (
    "event_id", "country", "device_os", "app_version", "utm_source", "utm_medium", "utm_campaign",
)
STAGED_COLUMNS = ("event_id", "user_id", "event_name", "event_timestamp", *OPTIONAL_COLUMNS[1:])

_READERS = {
    ".parquet": "read_parquet({path}, hive_partitioning = false)",
    ".csv": "read_csv({path}, all_varchar = true, hive_partitioning = false)",
    ".jsonl": "read_json({path}, format = 'newline_delimited', hive_partitioning = false)",
    ".json": "read_json({path}, format = 'newline_delimited', hive_partitioning = false)",
}
# Column types read as a timestamp directly; any other type goes through its text.
_TIMESTAMP_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE")


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


def missing_folders(conn: duckdb.DuckDBPyConnection, root: str, utc_dates: list[dt.date]) -> list[str]:
    """The folders of the given UTC dates that do not exist.

    A folder that exists declares its day delivered, also when it is empty or holds only
    a zero-row file. Object stores have no empty folders: there a folder exists when it
    holds at least one object (a zero-row file or a marker such as `_SUCCESS`).
    """
    missing = []
    for utc_date in utc_dates:
        folder = folder_of(root, utc_date)
        if "://" in root:
            exists = bool(conn.execute("select count(*) from glob(?)", [folder + "/*"]).fetchone()[0])
        else:
            exists = Path(folder).is_dir()
        if not exists:
            missing.append(folder)
    return missing


def list_raw_files(conn: duckdb.DuckDBPyConnection, root: str, utc_date: dt.date) -> list[str]:
    """Event files in one UTC date folder (other files, e.g. markers, are ignored)."""
    found = conn.execute("select file from glob(?) order by file", [folder_of(root, utc_date) + "/*"]).fetchall()
    return [f for (f,) in found if suffix(f) in _READERS]


def stage_raw_events(
    conn: duckdb.DuckDBPyConnection, root: str, utc_dates: list[dt.date]
) -> dict[dt.date, list[str]]:
    """Create the temp view `raw_events` over the folders of the given UTC dates.

    A view, not a copy: the one statement that classifies the rows reads the files once.
    Returns the files read from each date's folder. A file lacking a required column is
    an error naming both.
    """
    selects: list[str] = []
    files: dict[dt.date, list[str]] = {}
    for utc_date in utc_dates:
        files[utc_date] = list_raw_files(conn, root, utc_date)
        for path in files[utc_date]:
            column_types = _column_types_of(conn, path)
            missing = [c for c in REQUIRED_COLUMNS if c not in column_types]
            if missing:
                raise RawSourceError(
                    f"{path}: missing required column {', '.join(repr(c) for c in missing)} "
                    f"(found: {', '.join(sorted(column_types)) or 'none'})"
                )
            texts = ", ".join(
                f"cast({c} as varchar) as {c}" if c in column_types else f"cast(null as varchar) as {c}"
                for c in STAGED_COLUMNS
            )
            timestamp = _timestamp_of(column_types["event_timestamp"])
            selects.append(
                f"select {sql_literal(path)} as source_file, date '{utc_date.isoformat()}' as folder_date, "
                f"{texts}, {timestamp} as event_ts from {_reader(path)}"
            )
    if not selects:
        empty = ", ".join(f"cast(null as varchar) as {c}" for c in STAGED_COLUMNS)
        selects.append(f"select cast(null as varchar) as source_file, cast(null as date) as folder_date, {empty}, "
                       "cast(null as timestamptz) as event_ts limit 0")
    conn.execute("create or replace temp view raw_events as " + " union all ".join(selects))
    return files


def _timestamp_of(column_type: str) -> str:
    """The expression reading event_timestamp of the given file type as an instant
    (timestamptz). A zone-less timestamp is UTC: its microseconds since the epoch are the
    instant's, which is exact and, unlike a cast, needs no time-zone library per row."""
    if column_type == "TIMESTAMP WITH TIME ZONE":
        return "event_timestamp"
    if column_type in _TIMESTAMP_TYPES:
        return "make_timestamptz(epoch_us(cast(event_timestamp as timestamp)))"
    return "try_cast(cast(event_timestamp as varchar) as timestamptz)"


def _column_types_of(conn: duckdb.DuckDBPyConnection, path: str) -> dict[str, str]:
    try:
        described = conn.execute(f"describe select * from {_reader(path)}").fetchall()
    except duckdb.Error as exc:
        raise RawSourceError(f"{path}: cannot be read as {suffix(path)[1:]}: {exc}") from exc
    return {row[0]: row[1] for row in described}


def _reader(path: str) -> str:
    """The table function reading one file (the path inlined: a view cannot hold query
    parameters)."""
    return _READERS[suffix(path)].format(path=sql_literal(path))


def suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:].lower() if dot >= 0 else ""
