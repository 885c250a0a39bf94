"""The project's DuckDB SQL as Spark SQL, so every statement is written once.

sqlglot transpiles the DuckDB dialect of the `.sql` files to Spark's; the rules below are
where that alone is silently wrong or not accepted by Spark, each named for what it
rewrites and each evaluated on both engines by the tests. Parameters are bound as
literals and the grain macros are inlined, since Spark has neither DuckDB's `$name`
parameters in every position nor temporary macros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from activation_assets.sql import Macro

READ_DIALECT = "duckdb"
WRITE_DIALECT = "spark"


class UnsupportedSql(ValueError):
    """A DuckDB construct with no rule to write it for Spark."""


@dataclass(frozen=True)
class Rule:
    """A named rewrite of the parsed DuckDB statement, and why sqlglot needs it."""

    name: str
    why: str
    rewrite: Callable[[exp.Expression], exp.Expression]


def _dayofweek_from_sunday_zero(tree: exp.Expression) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.DayOfWeek):
            return exp.paren(exp.Sub(this=node.copy(), expression=exp.Literal.number(1)), copy=False)
        return node
    return tree.transform(rewrite)


def _date_diff_counts_boundaries(tree: exp.Expression) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.DateDiff):
            return node
        unit = node.unit.name.upper() if node.unit else "DAY"
        later, earlier = node.this, node.expression
        if unit == "DAY":
            return exp.func("datediff", exp.cast(later, "date"), exp.cast(earlier, "date"), dialect=WRITE_DIALECT)
        years = exp.Sub(this=exp.Year(this=later.copy()), expression=exp.Year(this=earlier.copy()))
        if unit == "YEAR":
            return exp.paren(years)
        if unit == "MONTH":
            months = exp.Sub(this=exp.Month(this=later.copy()), expression=exp.Month(this=earlier.copy()))
            return exp.paren(exp.Add(this=exp.Mul(this=exp.paren(years), expression=exp.Literal.number(12)),
                                     expression=exp.paren(months)))
        raise UnsupportedSql(f"date_diff('{unit.lower()}', …) has no Spark rule; use day, month or year")
    return tree.transform(rewrite)


def _generator_outside_cast(tree: exp.Expression) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast) and isinstance(node.this, (exp.Explode, exp.Unnest)):
            generator = node.this
            array = generator.this if isinstance(generator, exp.Explode) else generator.expressions[0]
            element = node.to
            as_array = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element.copy()], nested=True)
            return exp.Explode(this=exp.cast(array.copy(), as_array))
        return node
    return tree.transform(rewrite)


RULES: tuple[Rule, ...] = (
    Rule("dayofweek_from_sunday_zero",
         "DuckDB's dayofweek is 0 on Sunday, Spark's 1: weeks would start a day late",
         _dayofweek_from_sunday_zero),
    Rule("date_diff_counts_boundaries",
         "DuckDB's date_diff counts unit boundaries crossed; Spark's counts whole units elapsed",
         _date_diff_counts_boundaries),
    Rule("generator_outside_cast",
         "Spark refuses a generator (explode) nested in a cast; the cast moves onto its array",
         _generator_outside_cast),
)


def column_type(duckdb_type: str) -> str:
    """A DuckDB column type as Spark's (DuckDB's wall-clock timestamp is Spark's TIMESTAMP_NTZ)."""
    return exp.DataType.build(duckdb_type, dialect=READ_DIALECT).sql(dialect=WRITE_DIALECT)


def to_spark(
    sql: str,
    params: Mapping[str, Any] | None = None,
    macros: Collection[Macro] = (),
    rules: Collection[Rule] = RULES,
) -> str:
    """The DuckDB statement `sql` as one Spark SQL statement, with `params` bound as
    literals and `macros` inlined."""
    tree = sqlglot.parse_one(sql, read=READ_DIALECT)
    for join in tree.find_all(exp.Join):
        if (join.args.get("method") or "").upper() == "ASOF":
            raise UnsupportedSql(f"Spark SQL has no ASOF join (joining {join.this.sql(READ_DIALECT)}); "
                                 "write it as an equi-join or a window")
    tree = _inline_macros(tree, {m.name: m for m in macros})
    tree = _bind_parameters(tree, params or {})
    for rule in rules:
        tree = rule.rewrite(tree)
    return tree.sql(dialect=WRITE_DIALECT)


def _inline_macros(tree: exp.Expression, macros: Mapping[str, Macro]) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Anonymous) and node.name in macros):
            return node
        macro = macros[node.name]
        if len(node.expressions) != len(macro.params):
            raise UnsupportedSql(f"macro {macro.name} takes {len(macro.params)} arguments, got {len(node.expressions)}")
        arguments = {param: _inline_macros(arg.copy(), macros) for param, arg in zip(macro.params, node.expressions)}
        body = _inline_macros(sqlglot.parse_one(macro.body, read=READ_DIALECT), macros)
        return exp.paren(body.transform(
            lambda n: arguments[n.name].copy() if isinstance(n, exp.Column) and not n.table and n.name in arguments
            else n), copy=False)
    return tree.transform(rewrite)


def _bind_parameters(tree: exp.Expression, params: Mapping[str, Any]) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder) or not node.name:
            return node
        if node.name not in params:
            raise UnsupportedSql(f"parameter ${node.name} has no value (given: {', '.join(sorted(params)) or 'none'})")
        return sql_value(params[node.name])
    return tree.transform(rewrite)


def sql_value(value: Any) -> exp.Expression:
    """A Python parameter value as a typed SQL literal."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "timestamp")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "date")
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[sql_value(v) for v in value])
    raise UnsupportedSql(f"a parameter of type {type(value).__name__} has no SQL literal: {value!r}")
