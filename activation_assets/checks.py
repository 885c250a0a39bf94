"""Asset checks, generated for every table from the same catalogue as the assets.

Each table gets its grain-uniqueness and not-null checks, plus the identities of
SPEC §5 that concern it. A check rule is a query for the offending rows of the checked
partitions: it passes when there are none, and otherwise shows how many and a few of
them. In a partitioned run the checks cover the run's partitions; run on their own
(e.g. "Execute checks" in the UI) they cover every loaded partition.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import dagster as dg

from activation_assets.assets.fact import fact_event_filter
from activation_assets.assets.table_asset import windows_of, worth_reporting
from activation_assets.config import ActivationConfig, FactSpec
from activation_assets.engines import EngineResource, Warehouse, step_pool
from activation_assets.grains import Grain
from activation_assets.markdown import query_as_markdown
from activation_assets.query_profile import Totals
from activation_assets.sql import load_sql
from activation_assets.tables import (
    PER_GRAIN_TABLES,
    Table,
    base_events,
    base_events_rejected,
    fact_table,
    fact_tables,
    first_activation_events_table,
    first_last_table,
    engagement_daily_table,
    funnel_table,
    per_grain_kinds,
    retention_unbounded_table,
)

_SAMPLE_ROWS = 5


@dataclass(frozen=True)
class CheckRule:
    """A named rule and the query for the rows that break it."""

    name: str
    description: str
    sql: str
    blocking: bool = True
    params: dict[str, object] = field(default_factory=dict)
    # The rule also proves the table's grain unique, so no separate grouping of its key
    # (which costs ten times a scan on a one-row-per-user partition) is run.
    proves_uniqueness: bool = False


def build_all_checks(config: ActivationConfig) -> list[dg.AssetChecksDefinition]:
    """The checks of every table the factory generates for this configuration."""
    daily = Grain.of("daily", config)
    checks_for = partial(build_table_checks, engine_name=config.engine)
    checks = [
        checks_for(table=base_events(), grain=daily, rules=[
            CheckRule("rows_read_equal_kept_plus_rejected",
                      "Every raw row read for the day is in base.events or base.events_rejected.",
                      load_sql("checks/rows_read_equal_kept_plus_rejected")),
            *_day_volume_rules(config),
        ]),
        checks_for(table=base_events_rejected(), grain=daily, rules=[]),
    ]
    for fact in config.facts:
        checks += _fact_checks(config, fact)
    checks.append(checks_for(table=first_activation_events_table(), grain=daily, rules=[
        CheckRule("first_events_follow_first_visit",
                  "days_from_first_visit ≥ 1, hours ≥ 1, and nothing before the first visit.",
                  load_sql("checks/first_events_follow_first_visit")),
    ]))
    for funnel in config.funnels:
        never_increase = " or ".join(
            f"step_{k}_users > {'cohort_users' if k == 1 else f'step_{k - 1}_users'}"
            for k in range(1, len(funnel.steps) + 1))
        for by_segment in (False, True):
            table = funnel_table(funnel.name, len(funnel.steps), by_segment=by_segment)
            rules = [CheckRule("step_counts_never_increase", "cohort_users ≥ step_1_users ≥ step_2_users ≥ …",
                               load_sql("checks/step_counts_never_increase", table=table.qualified_name,
                                        increases=never_increase))]
            if not by_segment:
                rules.append(CheckRule(
                    "cohort_users_match_dim_users",
                    "Each cohort has exactly the users whose first visit is that day in mart.dim_users.",
                    load_sql("checks/cohort_users_match_dim_users", table=table.qualified_name)))
            checks.append(checks_for(table=table, grain=daily, rules=rules))
    return checks


def _day_volume_rules(config: ActivationConfig) -> list[CheckRule]:
    volume = config.day_volume
    if not volume.min_ratio:
        return []
    return [CheckRule(
        "day_volume_not_far_below_recent_days",
        f"The day has at least {volume.min_ratio:g} × the median events of the {volume.trailing_days} loaded days "
        f"before it (judged once that median reaches {volume.min_median_rows}); fewer suggests a half-delivered day.",
        load_sql("checks/day_volume_not_far_below_recent_days"),
        params={"min_ratio": volume.min_ratio, "trailing_days": volume.trailing_days,
                "min_median_rows": volume.min_median_rows},
    )]


def _fact_checks(config: ActivationConfig, fact: FactSpec) -> list[dg.AssetChecksDefinition]:
    daily = Grain.of("daily", config)
    checks_for = partial(build_table_checks, engine_name=config.engine)

    def rule(name: str, description: str, grain: str = "", proves_uniqueness: bool = False) -> CheckRule:
        return CheckRule(name, description, load_sql(f"checks/{name}", **fact_tables(fact.name, grain or None)),
                         proves_uniqueness=proves_uniqueness)

    checks = [
        checks_for(table=fact_table(fact.name), grain=daily, rules=[
            CheckRule("fact_rows_are_base_events_that_count",
                      "The partition's rows are exactly the day's base events that count for the fact (which, "
                      "base.events being unique, is the uniqueness of (event_date, event_id)).",
                      load_sql("checks/fact_rows_are_base_events_that_count", **fact_tables(fact.name),
                               event_filter=fact_event_filter(fact)),
                      proves_uniqueness=True),
        ]),
        checks_for(table=first_last_table(fact.name), grain=daily, rules=[
            rule("first_last_dates_are_ordered", "first_date ≤ last_date ≤ snapshot_date; active_days in range."),
            rule("first_last_keeps_every_user_once",
                 "A snapshot lists the users of the day before and the users first seen that day, each once "
                 "(which is the uniqueness of (snapshot_date, user_id)).", proves_uniqueness=True),
            rule("first_last_active_users_have_last_date_today", "Users active on D have last_date = D."),
            rule("first_last_new_users_are_first_seen_today",
                 "Users with first_date = D are exactly the users active on D and unknown on D−1."),
        ]),
    ]
    for grain_name in fact.grains:
        grain = Grain.of(grain_name, config)
        rules_of_kind = {
            "activation": [
                rule("states_sum_to_active_users",
                     "The period's states count exactly its distinct active users.", grain_name),
            ],
            "status": [
                rule("every_known_user_once",
                     "Every user known at the period's end has exactly one row, and no one else has one "
                     "(which is the uniqueness of (period_start, user_id)).", grain_name, proves_uniqueness=True),
                rule("previous_active_equal_retained_plus_churned",
                     "Users active in the previous period = retained + churned.", grain_name),
            ],
            "transitions": [
                rule("transitions_sum_to_status_counts",
                     "Summed by status, the period's transitions are its status counts.", grain_name),
                rule("transitions_sum_to_previous_status_counts",
                     "Summed by previous status, the period's transitions are the previous period's status "
                     "counts.", grain_name),
            ],
            "active_users": [
                rule("counts_match_status",
                     "The decomposition equals the counts in the status table; active = new + retained + "
                     "reactivated.", grain_name),
            ],
            "retention": [
                rule("retention_age_zero_is_new_users",
                     "Age 0: cohort users = active users = the period's new users.", grain_name),
                rule("retention_cells_within_their_cohort", "No cell has more active users than its cohort.",
                     grain_name),
            ],
            "stickiness": [
                rule("stickiness_counts_the_active_users",
                     "The period's rows add up to its active users; everyone was active at least one day.",
                     grain_name),
            ],
        }
        checks += [checks_for(table=PER_GRAIN_TABLES[kind](fact.name, grain_name), grain=grain,
                              rules=rules_of_kind[kind])
                   for kind in per_grain_kinds(fact, grain_name)]
        if fact.reports_on("retention"):
            checks.append(checks_for(table=retention_unbounded_table(fact.name, grain_name), grain=grain, rules=[
                rule("unbounded_retention_never_grows_with_age",
                     "Age 0 is the whole cohort; no age has more returned users than its cohort or than the age "
                     "before it.", grain_name),
            ]))
    if fact.reports_on("engagement"):
        checks.append(checks_for(table=engagement_daily_table(fact.name), grain=daily, rules=[
            rule("engagement_states_cover_every_known_user",
                 "Every known user is in exactly one state; new + current + reactivated + resurrected = DAU, "
                 "DAU + at-risk WAU = WAU, WAU + at-risk MAU = MAU."),
        ]))
    return checks


def grain_rules(table: Table, *, uniqueness_proven: bool = False) -> list[CheckRule]:
    """Uniqueness of the table's grain (unless another rule proves it) and not-null keys,
    from the catalogue."""
    rules = []
    in_scope = (f"{table.partition_column} in (select partition_start from check_scope)"
                if table.partition_column else "true")
    if table.unique_key and not uniqueness_proven:
        rules.append(CheckRule(
            f"unique_{'_'.join(c.removesuffix('_id') for c in table.unique_key)}",
            f"One row per ({', '.join(table.unique_key)}).",
            load_sql("checks/unique_key", table=table.qualified_name, in_scope=in_scope,
                     key_columns=", ".join(table.unique_key),
                     key_not_null=" and ".join([f"{c} is not null" for c in table.unique_key
                                                if c not in table.null_is_a_key_value] or ["true"])),
        ))
    if table.not_null:
        rules.append(CheckRule(
            "not_null_keys",
            f"No nulls in {', '.join(table.not_null)}.",
            load_sql("checks/not_null", table=table.qualified_name, in_scope=in_scope,
                     any_null=" or ".join(f"{c} is null" for c in table.not_null)),
        ))
    return rules


def build_table_checks(
    *, engine_name: str, table: Table, grain: Grain, rules: list[CheckRule]
) -> dg.AssetChecksDefinition:
    """One Dagster check step for a table: its grain rules and the given ones."""
    all_rules = grain_rules(table, uniqueness_proven=any(rule.proves_uniqueness for rule in rules)) + rules
    specs = [
        dg.AssetCheckSpec(rule.name, asset=table.asset_key, blocking=rule.blocking, description=rule.description)
        for rule in all_rules
    ]

    @dg.multi_asset_check(specs=specs, name=f"{table.schema}__{table.name}__checks",
                          pool=step_pool(engine_name))
    def _table_checks(
        context: dg.AssetCheckExecutionContext, engine: EngineResource
    ) -> Iterator[dg.AssetCheckResult]:
        op_context = context.op_execution_context
        # A table without partitions (a funnel report) is checked once, also when its
        # checks run in the daily job's partitioned run.
        partitioned = bool(table.partition_column) and (
            op_context.has_partition_key or op_context.has_partition_key_range)
        keys = op_context.partition_keys if partitioned else None
        with engine.open() as conn:
            conn.use_macros(grain.macros())
            tallies = {rule.name: _Tally() for rule in all_rules}
            scopes = _scopes(_partitions_to_check(conn, table, grain, keys), grain.periods_per_chunk)
            for done, scope in enumerate(scopes, start=1):
                _set_scope(conn, scope)
                for rule in all_rules:
                    tallies[rule.name].add(conn, rule, scope)
                if scope and worth_reporting(done, 1, len(scopes)):
                    context.log.info(f"checks of {table.qualified_name}: {scope[0]} … {scope[-1]} "
                                     f"({done}/{len(scopes)} chunks)")
            for rule in all_rules:
                yield tallies[rule.name].result(table, rule)

    return _table_checks


def _partitions_to_check(
    conn: Warehouse, table: Table, grain: Grain, partition_keys: list[str] | None
) -> list[dt.date]:
    """The run's partitions, or every loaded partition when the checks run on their own."""
    if partition_keys is not None:
        return [w.start for w in windows_of(grain, partition_keys)]
    return conn.loaded_partitions(table.qualified_name)


def _scopes(starts: list[dt.date], per_scope: int) -> list[list[dt.date]]:
    """The groups of partitions checked by one query per rule: the run's partitions in
    chunks, as a range run computes them (one empty group for a table without partitions)."""
    return [starts[i:i + per_scope] for i in range(0, len(starts), per_scope)] or [[]]


def _set_scope(conn: Warehouse, starts: list[dt.date]) -> None:
    """Fill the temp relation check_scope, which every rule reads, with the given partitions."""
    conn.temp_dates("check_scope", "partition_start", starts)


@dataclass
class _Tally:
    """One rule's findings over the scopes checked so far, and what its queries cost."""

    offending: int = 0
    partitions: int = 0
    sample: str | None = None
    cost: Totals = Totals()

    engine: str = "duckdb"

    def add(self, conn: Warehouse, rule: CheckRule, scope: list[dt.date]) -> None:
        before = conn.totals()
        found = conn.execute(f"select count(*) from ({rule.sql})", rule.params or None).fetchone()[0]
        if found and self.sample is None:
            self.sample = query_as_markdown(conn, f"select * from ({rule.sql}) limit {_SAMPLE_ROWS}",
                                            rule.params or None)
        self.offending += found
        self.partitions += len(scope)
        self.cost = self.cost.plus(conn.totals().minus(before))
        self.engine = conn.engine

    def result(self, table: Table, rule: CheckRule) -> dg.AssetCheckResult:
        metadata: dict[str, object] = {
            "offending_rows": dg.MetadataValue.int(self.offending),
            "partitions_checked": dg.MetadataValue.int(self.partitions),
            **self.cost.as_metadata(self.engine),
        }
        if self.sample is not None:
            metadata["sample"] = dg.MetadataValue.md(self.sample)
        return dg.AssetCheckResult(
            asset_key=table.asset_key,
            check_name=rule.name,
            passed=self.offending == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            description=rule.description if self.offending == 0
            else f"{self.offending} offending rows in {self.partitions} partitions: {rule.description}",
            metadata=metadata,
        )
