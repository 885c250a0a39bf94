"""The table catalogue: every table's name, description, partition column and columns.

One definition per kind of table feeds the DuckDB DDL, the Dagster asset description
and the column schema shown in the UI, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg

from activation_assets.grains import spans_several_days

if TYPE_CHECKING:
    from activation_assets.config import ActivationConfig, FactSpec

_OPTIONAL_ATTRIBUTES = (
    ("country", "varchar", "Country at the event."),
    ("device_os", "varchar", "Device operating system at the event."),
    ("app_version", "varchar", "App version at the event."),
    ("utm_source", "varchar", "Acquisition source at the event."),
    ("utm_medium", "varchar", "Acquisition medium at the event."),
    ("utm_campaign", "varchar", "Acquisition campaign at the event."),
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    """A DuckDB table written one partition at a time."""

    schema: str
    name: str
    description: str
    partition_column: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    # Key columns whose null is a value ("no previous status"), so rows sharing it are
    # duplicates; a null in the other key columns is an unknown (an event without id).
    null_is_a_key_value: tuple[str, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey([self.schema, self.name])

    @property
    def column_schema(self) -> dg.TableSchema:
        return dg.TableSchema(
            columns=[dg.TableColumn(c.name, c.type, description=c.description) for c in self.columns]
        )

    def create_sql(self) -> str:
        columns = ", ".join(f"{c.name} {c.type}{_storage(c)}" for c in self.columns)
        key = f", primary key ({', '.join(self.primary_key)})" if self.primary_key else ""
        return f"create table if not exists {self.qualified_name} ({columns}{key})"


def _storage(column: Column) -> str:
    """Identifiers (`*_id` text) are stored uncompressed.

    Ids are short and nearly all distinct, so DuckDB's string compression saves little
    space on them but costs CPU on every write and read: the one-row-per-user snapshots
    rewritten each day are written about 40% faster and scanned about twice as fast
    without it, for about half as many bytes again in that column.
    """
    return " using compression uncompressed" if column.name.endswith("_id") and column.type == "varchar" else ""


def _table(schema: str, name: str, description: str, partition_column: str, columns, *,
           unique_key: tuple[str, ...] = (), not_null: tuple[str, ...] = (),
           null_is_a_key_value: tuple[str, ...] = ()) -> Table:
    return Table(schema, name, description, partition_column, tuple(Column(*c) for c in columns),
                 unique_key=unique_key, not_null=not_null, null_is_a_key_value=null_is_a_key_value)


def base_events() -> Table:
    return _table("base", "events", "One row per valid, deduplicated event; partition = local day.", "event_date", (
        ("event_id", "varchar", "Event id from the source (null when the source has none)."),
        ("user_id", "varchar", "The user."),
        ("event_name", "varchar", "What happened."),
        ("event_ts", "timestamptz", "When it happened (an instant, UTC)."),
        ("event_date", "date", "Local day in the reporting timezone."),
        ("event_datetime", "timestamp", "Local wall-clock time in the reporting timezone."),
        *_OPTIONAL_ATTRIBUTES,
    ), unique_key=("event_date", "event_id"),
       not_null=("user_id", "event_name", "event_ts", "event_date", "event_datetime"))


def base_events_rejected() -> Table:
    return _table("base", "events_rejected", "One row per rejected input row; partition = local day.", "partition_date", (
        ("partition_date", "date", "The local-day partition the row was read for."),
        ("reject_reason", "varchar", "missing_user_id, missing_event_name, bad_timestamp, "
                                     "timestamp_outside_partition or duplicate_event_id."),
        ("source_file", "varchar", "The raw file the row came from."),
        ("event_id", "varchar", "Raw value."),
        ("user_id", "varchar", "Raw value."),
        ("event_name", "varchar", "Raw value."),
        ("event_timestamp", "varchar", "Raw value, as text."),
        *_OPTIONAL_ATTRIBUTES,
    ), not_null=("partition_date", "reject_reason", "source_file"))


def fact_table(fact: str) -> Table:
    return _table("fact", fact, f"One row per {fact} event; partition = local day.", "event_date", (
        ("user_id", "varchar", "The user."),
        ("event_date", "date", "Local day."),
        ("event_datetime", "timestamp", "Local wall-clock time."),
        ("event_name", "varchar", "The event that counted for the fact."),
        ("event_id", "varchar", "Event id from the source."),
    ), unique_key=("event_date", "event_id"), not_null=("user_id", "event_date", "event_datetime", "event_name"))


def first_last_table(fact: str) -> Table:
    return _table("activation", f"{fact}_first_last",
                  f"One row per user with a first {fact} on or before the snapshot day; partition = snapshot day.",
                  "snapshot_date", (
        ("snapshot_date", "date", "The day the snapshot describes."),
        ("user_id", "varchar", "The user."),
        ("first_date", "date", "First day the user did the fact."),
        ("first_datetime", "timestamp", "First local time the user did the fact."),
        ("last_date", "date", "Latest day on or before snapshot_date the user did the fact."),
        ("last_datetime", "timestamp", "Latest local time on or before the end of snapshot_date."),
        ("active_days", "bigint", "Days with the fact up to snapshot_date."),
    ), unique_key=("snapshot_date", "user_id"),
       not_null=("snapshot_date", "user_id", "first_date", "first_datetime", "last_date", "last_datetime",
                 "active_days"))


def activation_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_activation_{grain}",
                  f"One row per user active in the {grain} period (fact {fact}); partition = period.",
                  "period_start", (
        ("period_start", "date", "First day of the period."),
        ("user_id", "varchar", "The user."),
        ("state", "varchar", "new, retained or reactivated."),
        ("first_active_date", "date", "First day the user ever did the fact."),
        ("previous_active_date", "date", "Latest active day before the period (null for new)."),
        ("return_interval", "integer", "Periods from previous_active_date's period to this one (null for new)."),
        ("active_days", "integer", "Active days within the period."),
    ), unique_key=("period_start", "user_id"),
       not_null=("period_start", "user_id", "state", "first_active_date", "active_days"))


def activation_status_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_activation_status_{grain}",
                  f"One row per known user per {grain} period (fact {fact}); partition = period.",
                  "period_start", (
        ("period_start", "date", "First day of the period."),
        ("user_id", "varchar", "The user."),
        ("status", "varchar", "new, retained, reactivated or inactive."),
        ("previous_status", "varchar", "Status in the previous period (null in the user's first)."),
        ("transition", "varchar", "<previous_status or none>_to_<status>."),
        ("consecutive_active_periods", "integer", "Run of active periods ending here (0 when inactive)."),
        ("inactive_periods", "integer", "Periods since the last active one (0 when active)."),
        ("periods_since_first_active", "integer", "Periods since the first active one."),
        ("first_active_date", "date", "First active day."),
        ("last_active_date", "date", "Latest active day up to the end of the period."),
        ("inactivity_bucket", "varchar", "Bucket of inactive_periods, or of return_interval - 1 when reactivated."),
    ), unique_key=("period_start", "user_id"),
       not_null=("period_start", "user_id", "status", "transition", "consecutive_active_periods",
                 "inactive_periods", "periods_since_first_active", "first_active_date", "last_active_date"))


def active_users_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_active_users_{grain}",
                  f"One row per {grain} period: the active-user decomposition of fact {fact}.",
                  "period_start", (
        ("period_start", "date", "First day of the period."),
        ("active_users", "bigint", "new + retained + reactivated."),
        ("new_users", "bigint", "Users in their first active period."),
        ("retained_users", "bigint", "Users active in this and the previous period."),
        ("reactivated_users", "bigint", "Users active again after at least one inactive period."),
        ("churned_users", "bigint", "Users active in the previous period, inactive in this one."),
        ("retention_rate", "double", "retained / active in the previous period."),
        ("quick_ratio", "double", "(new + reactivated) / churned; null when churned is 0."),
    ), unique_key=("period_start",),
       not_null=("period_start", "active_users", "new_users", "retained_users", "reactivated_users",
                 "churned_users"))


def transitions_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_transitions_{grain}",
                  f"One row per {grain} period, previous status and status: the users moving between them "
                  f"(fact {fact}).", "period_start", (
        ("period_start", "date", "First day of the period."),
        ("previous_status", "varchar", "Status in the previous period (null for users in their first)."),
        ("status", "varchar", "Status in this period."),
        ("users", "bigint", "Users with this previous status and status."),
        ("share_of_previous", "double", "users / the users whose previous status it was (null for new users)."),
    ), unique_key=("period_start", "previous_status", "status"),
       not_null=("period_start", "status", "users"), null_is_a_key_value=("previous_status",))


def retention_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_retention_{grain}",
                  f"One row per observed {grain} period and cohort (the period of the first {fact}): the cohort's "
                  f"users active in that period.", "period_start", (
        ("cohort_start", "date", "First day of the cohort's period (the period of first_active_date)."),
        ("period_start", "date", "First day of the observed period."),
        ("age", "integer", "Periods from the cohort's period to the observed one (0 = the cohort's own)."),
        ("cohort_users", "bigint", "Users whose first active period is the cohort's."),
        ("active_users", "bigint", "Of them, users active in the observed period."),
        ("retention_rate", "double", "active_users / cohort_users."),
    ), unique_key=("period_start", "cohort_start"),
       not_null=("cohort_start", "period_start", "age", "cohort_users", "active_users", "retention_rate"))


def retention_unbounded_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_retention_unbounded_{grain}",
                  f"One row per {grain} cohort and age: the cohort's users active in that period or any later one "
                  f"(fact {fact}), as of the latest FirstLast snapshot.", "", (
        ("cohort_start", "date", "First day of the cohort's period (the period of first_active_date)."),
        ("age", "integer", "Periods after the cohort's (0 = the cohort's own)."),
        ("cohort_users", "bigint", "Users whose first active period is the cohort's."),
        ("returned_users", "bigint", "Of them, users active in period cohort + age or any later one."),
        ("retention_rate", "double", "returned_users / cohort_users."),
        ("is_mature", "boolean", "Period cohort + age has ended in loaded data."),
    ), unique_key=("cohort_start", "age"),
       not_null=("cohort_start", "age", "cohort_users", "returned_users", "retention_rate", "is_mature"))


def engagement_daily_table(fact: str) -> Table:
    return _table("activation", f"{fact}_engagement_daily",
                  f"One row per day: daily, weekly and monthly active users of fact {fact}, every known user in "
                  f"one rolling engagement state, and the day's retention rates between states.", "date", (
        ("date", "date", "The day D."),
        ("dau", "bigint", "Users active on D."),
        ("wau", "bigint", "Users active in the W days up to D."),
        ("mau", "bigint", "Users active in the M days up to D."),
        ("dau_mau", "double", "dau / mau."),
        ("wau_mau", "double", "wau / mau."),
        ("new_users", "bigint", "Known users whose first active day is D."),
        ("current_users", "bigint", "Active on D, not new, and active in the W days before D."),
        ("reactivated_users", "bigint", "Active on D, last active before between W+1 and M days before D."),
        ("resurrected_users", "bigint", "Active on D, last active before more than M days before D."),
        ("at_risk_wau_users", "bigint", "Not active on D, active in the W days up to D."),
        ("at_risk_mau_users", "bigint", "Not active in the W days up to D, active in the M days up to D."),
        ("dormant_users", "bigint", "Known users not active in the M days up to D."),
        ("curr", "double", "Current user retention rate: of D−1's current users, the share active on D."),
        ("nurr", "double", "New user retention rate: of D−1's new users, the share active on D."),
        ("rurr", "double", "Reactivated user retention rate: of D−1's reactivated users, the share active on D."),
        ("surr", "double", "Resurrected user retention rate: of D−1's resurrected users, the share active on D."),
        ("iwaurr", "double", "Of D−1's at-risk WAU users, the share active on D."),
        ("imaurr", "double", "Of D−1's at-risk MAU users, the share active on D."),
    ), unique_key=("date",),
       not_null=("date", "dau", "wau", "mau", "new_users", "current_users", "reactivated_users",
                 "resurrected_users", "at_risk_wau_users", "at_risk_mau_users", "dormant_users"))


def stickiness_table(fact: str, grain: str) -> Table:
    return _table("activation", f"{fact}_stickiness_{grain}",
                  f"One row per {grain} period and number of active days: how many of the period's active users "
                  f"did {fact} on that many days.", "period_start", (
        ("period_start", "date", "First day of the period."),
        ("active_days", "integer", "Days with the fact within the period (1 to the period's length)."),
        ("users", "bigint", "Users active in the period on exactly that many days."),
        ("cumulative_share", "double", "Share of the period's active users active on at least that many days "
                                       "(null when nobody was active)."),
    ), unique_key=("period_start", "active_days"),
       not_null=("period_start", "active_days", "users"))


def raw_reads() -> Table:
    return _table("meta", "raw_reads", "One row per base partition: input rows read for it.", "partition_date", (
        ("partition_date", "date", "The local-day partition."),
        ("rows_read", "bigint", "Raw rows assigned to the partition (kept + rejected)."),
        ("files_read", "bigint", "Raw files opened for the partition."),
    ), unique_key=("partition_date",), not_null=("partition_date", "rows_read", "files_read"))


def first_activation_events_table() -> Table:
    return _table("mart", "fact_first_activation_events",
                  "One row per (user_id, event_name): the first time; partition = the day of that first time.",
                  "date", (
        ("date", "date", "Local day of the first occurrence."),
        ("datetime", "timestamp", "Local time of the first occurrence."),
        ("user_id", "varchar", "The user."),
        ("event_name", "varchar", "first_visit (the user's first event) or a funnel event."),
        ("first_visit_date", "date", "Local day of the user's first event."),
        ("first_visit_datetime", "timestamp", "Local time of the user's first event."),
        ("hours_from_first_visit", "integer", "Hours between the two local wall-clock datetimes, each truncated "
                                                "to the hour, plus 1 (01:26 to 23:06 the same day is 23)."),
        ("days_from_first_visit", "integer", "Local days from the first visit's day, plus 1."),
    ), unique_key=("user_id", "event_name"),
       not_null=("date", "datetime", "user_id", "event_name", "first_visit_date", "first_visit_datetime",
                 "hours_from_first_visit", "days_from_first_visit"))


def dim_users_table() -> Table:
    return Table("mart", "dim_users", "One row per user (SCD type 1), as of the latest loaded day.", "",
                 tuple(Column(*c) for c in (
        ("user_id", "varchar", "The user."),
        ("first_date", "date", "Local day of the user's first event of any name."),
        ("first_datetime", "timestamp", "Local time of that first event."),
        ("first_source", "varchar", "utm_source at the first event."),
        ("first_medium", "varchar", "utm_medium at the first event."),
        ("first_campaign", "varchar", "utm_campaign at the first event."),
        ("country", "varchar", "Country at the latest event."),
        ("device_os", "varchar", "Device OS at the latest event."),
        ("app_version", "varchar", "App version at the latest event."),
    )), primary_key=("user_id",))


def dim_users_recency_table() -> Table:
    return Table("meta", "dim_users_recency", "One row per user: the instant of their latest event.", "",
                 (Column("user_id", "varchar", "The user."),
                  Column("latest_event_ts", "timestamptz", "The latest event merged into mart.dim_users.")),
                 primary_key=("user_id",))


def funnel_frozen_segments_table(funnel: str) -> Table:
    return Table("meta", f"funnel_{funnel}_frozen_segments",
                 "One row per (user, segment): the user's value, frozen when their cohort matured.", "",
                 tuple(Column(*c) for c in (
        ("user_id", "varchar", "The user."),
        ("segment", "varchar", "The attribute."),
        ("segment_value", "varchar", "Its value when the user's cohort matured."),
    )), primary_key=("user_id", "segment"))


def funnel_segment_freezes_table() -> Table:
    return Table("meta", "funnel_segment_freezes", "One row per funnel: how far its segments are frozen.", "",
                 (Column("funnel", "varchar", "The funnel."),
                  Column("frozen_through", "date", "The latest cohort date whose segments are frozen."),
                  Column("frozen_at", "timestamptz", "When they were last frozen.")),
                 primary_key=("funnel",))


def funnel_table(funnel: str, steps: int, *, by_segment: bool = False) -> Table:
    segment_columns = (
        ("segment", "varchar", "The attribute: first_source, country, …"),
        ("segment_value", "varchar", "Its value, frozen when the cohort matured; '(none)' when null."),
    ) if by_segment else ()
    step_columns = []
    for k in range(1, steps + 1):
        step_columns += [
            (f"step_{k}_users", "bigint", f"Users who reached step {k - 1} and did step {k}'s event within its window."),
            (f"step_{k}_rate", "double", f"step_{k}_users / cohort_users."),
            (f"step_{k}_from_previous_rate", "double", f"step_{k}_users / users of step {k - 1}."),
        ]
    key = ("cohort_date", "segment", "segment_value") if by_segment else ("cohort_date",)
    return Table(
        "mart", f"funnel_{funnel}{'_by_segment' if by_segment else ''}",
        f"One row per first-visit cohort date{', segment and value' if by_segment else ''}.", "",
        tuple(Column(*c) for c in (
            ("cohort_date", "date", "The users' first-visit day."),
            *segment_columns,
            ("cohort_users", "bigint", "Users whose first visit was that day."),
            *step_columns,
            ("is_mature", "boolean", "Every step's window has fully elapsed in loaded data."),
        )), unique_key=key, not_null=(*key, "cohort_users", "is_mature"))


PER_GRAIN_TABLES = {"activation": activation_table, "status": activation_status_table,
                    "active_users": active_users_table, "transitions": transitions_table,
                    "retention": retention_table, "stickiness": stickiness_table}
# The per-grain tables a fact has only when its configuration asks for their report family.
_REPORT_OF_KIND = {"transitions": "transitions", "retention": "retention", "stickiness": "stickiness"}


def per_grain_kinds(fact: FactSpec, grain: str) -> list[str]:
    """The kinds of per-grain table a fact has at a grain: the decomposition's always, a
    report's when configured (stickiness only where a period spans several days)."""
    kinds = []
    for kind in PER_GRAIN_TABLES:
        family = _REPORT_OF_KIND.get(kind)
        if family and not fact.reports_on(family):
            continue
        if kind == "stickiness" and not spans_several_days(grain):
            continue
        kinds.append(kind)
    return kinds


def unbounded_retention_tables(config: ActivationConfig) -> list[Table]:
    """The "on or after" retention tables, rebuilt whole from the latest snapshot."""
    return [retention_unbounded_table(fact.name, grain)
            for fact in config.facts if fact.reports_on("retention") for grain in fact.grains]


@dataclass(frozen=True)
class CatalogueEntry:
    """One table of a configuration's graph: what kind it is, of which fact, and the grain
    of its partitions."""

    table: Table
    kind: str
    grain: str
    fact: str | None = None


def partitioned_tables(config: ActivationConfig) -> list[CatalogueEntry]:
    """Every partitioned table of the configuration's graph, inputs first (mart.dim_users, one
    row per user, is not one)."""
    entries = [CatalogueEntry(base_events(), "base", "daily"), CatalogueEntry(base_events_rejected(), "base", "daily")]
    for fact in config.facts:
        entries += [CatalogueEntry(fact_table(fact.name), "fact", "daily", fact.name),
                    CatalogueEntry(first_last_table(fact.name), "first_last", "daily", fact.name)]
        entries += [CatalogueEntry(PER_GRAIN_TABLES[kind](fact.name, grain), kind, grain, fact.name)
                    for grain in fact.grains for kind in per_grain_kinds(fact, grain)]
        if fact.reports_on("engagement"):
            entries.append(CatalogueEntry(engagement_daily_table(fact.name), "engagement", "daily", fact.name))
    return [*entries, CatalogueEntry(first_activation_events_table(), "first_activation_events", "daily")]


def fact_tables(fact: str, grain: str | None = None) -> dict[str, str]:
    """The qualified names of a fact's tables (and, given a grain, of its tables at that
    grain), by the placeholder the SQL files use for each."""
    names = {"facts": fact_table(fact).qualified_name, "first_last": first_last_table(fact).qualified_name}
    if grain:
        names |= {kind: build(fact, grain).qualified_name for kind, build in PER_GRAIN_TABLES.items()}
        names["retention_unbounded"] = retention_unbounded_table(fact, grain).qualified_name
    names["engagement"] = engagement_daily_table(fact).qualified_name
    return names
