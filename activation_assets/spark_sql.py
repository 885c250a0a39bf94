"""The project's DuckDB SQL as Spark SQL, so every statement is written once.

sqlglot transpiles the DuckDB dialect of the `.sql` files to Spark's; the rules below are
where that alone is silently wrong or not accepted by Spark, each named for what it
rewrites and each evaluated on both engines by the tests. Parameters are bound as
literals and the grain macros are inlined, since Spark has neither DuckDB's `$name`
parameters in every position nor temporary macros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
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
        if unit in _MICROSECONDS_PER:
            return exp.paren(exp.Sub(this=_units_since_epoch(later, unit), expression=_units_since_epoch(earlier, unit)))
        raise UnsupportedSql(f"date_diff('{unit.lower()}', …) has no Spark rule; use "
                             f"{', '.join(u.lower() for u in ('DAY', 'MONTH', 'YEAR', *_MICROSECONDS_PER))}")
    return tree.transform(rewrite)


_MICROSECONDS_PER = {"HOUR": 3_600_000_000, "MINUTE": 60_000_000, "SECOND": 1_000_000}


def _units_since_epoch(value: exp.Expression, unit: str) -> exp.Expression:
    """Whole units from the epoch to a (wall-clock) timestamp: the boundaries DuckDB counts."""
    micros = exp.func("unix_micros", exp.cast(value.copy(), "timestamp"), dialect=WRITE_DIALECT)
    return exp.Floor(this=exp.Div(this=micros, expression=exp.Literal.number(_MICROSECONDS_PER[unit])))


def _generators_zipped(tree: exp.Expression) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Select):
            return node
        generators = [e for e in node.expressions if isinstance(e, exp.Alias) and isinstance(e.this, exp.Explode)]
        if len(generators) < 2:
            return node
        if len(generators) != len(node.expressions):
            raise UnsupportedSql("unnests side by side are rewritten only when the select lists nothing else")
        arrays = ", ".join(g.this.this.sql(dialect=WRITE_DIALECT) for g in generators)
        names = ", ".join(g.alias for g in generators)
        zipped = sqlglot.parse_one(f"select inline(arrays_zip({arrays})) as ({names})", read=WRITE_DIALECT)
        node.set("expressions", zipped.expressions)
        return node
    return tree.transform(rewrite)


def _hash_is_64_bit(tree: exp.Expression) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "hash":
            return exp.func("xxhash64", *(e.copy() for e in node.expressions), dialect=WRITE_DIALECT)
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:
            return exp.DataType.build("decimal(38, 0)", dialect=WRITE_DIALECT)
        return node
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
    Rule("hash_is_64_bit",
         "the set checks sum 64-bit row hashes as 128-bit integers: Spark's hash is 32-bit and it has no "
         "hugeint; xxhash64 summed as decimal(38, 0) keeps both sides' sums exact",
         _hash_is_64_bit),
    Rule("generators_zipped",
         "DuckDB's unnests side by side pair up their lists' elements; Spark allows one generator per select",
         _generators_zipped),
)


def column_type(duckdb_type: str) -> str:
    """A DuckDB column type as Spark's (DuckDB's wall-clock timestamp is Spark's TIMESTAMP_NTZ)."""
    return exp.DataType.build(duckdb_type, dialect=READ_DIALECT).sql(dialect=WRITE_DIALECT)


def to_spark(
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    macros: Collection[Macro] = (),
    rules: Collection[Rule] = RULES,
    variables: Mapping[str, str] | None = None,
) -> str:
    """The DuckDB statement `sql` as one Spark SQL statement, with `params` bound as
    literals, `macros` inlined and each getvariable('NAME') replaced by its value."""
    tree = sqlglot.parse_one(sql, read=READ_DIALECT)
    for join in tree.find_all(exp.Join):
        if (join.args.get("method") or "").upper() == "ASOF":
            raise UnsupportedSql(f"Spark SQL has no ASOF join (joining {join.this.sql(READ_DIALECT)}); "
                                 "write it as an equi-join or a window")
    tree = _inline_macros(tree, {m.name: m for m in macros})
    tree = _bind_parameters(tree, params or {})
    tree = _bind_variables(tree, variables or {})
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


def _bind_parameters(tree: exp.Expression, params: Mapping[str, Any] | Sequence[Any]) -> exp.Expression:
    if not isinstance(params, Mapping):
        positional = [node for node in tree.find_all(exp.Placeholder) if not node.this]
        if len(positional) != len(params):
            raise UnsupportedSql(f"{len(positional)} ? placeholders, {len(params)} values")
        for node, value in zip(positional, params):
            node.replace(sql_value(value))
        return tree

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder) or not node.this:
            return node
        if node.name not in params:
            raise UnsupportedSql(f"parameter ${node.name} has no value (given: {', '.join(sorted(params)) or 'none'})")
        return sql_value(params[node.name])
    return tree.transform(rewrite)


def _bind_variables(tree: exp.Expression, variables: Mapping[str, str]) -> exp.Expression:
    def rewrite(node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Anonymous) and node.name.lower() == "getvariable"):
            return node
        name = node.expressions[0].name if node.expressions else ""
        return sql_value(variables[name]) if name in variables else exp.null()
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
