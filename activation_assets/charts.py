"""The layer's charts as Vega-Lite specifications, drawn from small query results.

Vega-Lite is a declarative grammar: a chart is JSON data, so each function here only
says what is drawn from which rows, and `vl-convert` renders it to SVG or PNG in
process, without a browser. (Altair builds the same JSON, but importing it costs a
step more than drawing its chart.) Every state has one colour in every chart.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import vl_convert

Spec = dict[str, Any]
Row = Mapping[str, Any]

STATE_COLOURS = {
    "new": "#4c78a8",
    "retained": "#54a24b",
    "reactivated": "#f58518",
    "churned": "#e45756",
    "inactive": "#9d9da1",
    "none": "#d8d8dc",
}
ACTIVE_LINE = "#222222"
WIDTH, HEIGHT = 560, 240
GROWTH_STATES = ("new", "retained", "reactivated", "churned")


def _state_scale(states: Sequence[str]) -> dict[str, Any]:
    return {"domain": list(states), "range": [STATE_COLOURS[s] for s in states]}


def _chart(title: str, subtitle: str, body: Spec) -> Spec:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "width": WIDTH,
        "height": HEIGHT,
        "config": {"font": "Liberation Sans, Arial, sans-serif", "view": {"stroke": None}},
        **body,
    }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def values(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Rows as the JSON records a chart holds (dates as ISO strings)."""
    return [{k: _json_value(v) for k, v in row.items()} for row in rows]


def _period_axis(period_noun: str) -> dict[str, Any]:
    return {"field": "period_start", "type": "ordinal", "sort": "ascending",
            "title": f"{period_noun.capitalize()} starting", "axis": {"labelAngle": -45, "labelOverlap": True}}


def decomposition(rows: Sequence[Row], *, fact: str, grain: str, period_noun: str) -> Spec:
    """Why active users moved: new, retained and reactivated users stacked above zero,
    churned users below it, and the active users as a line (`rows`: active-users rows)."""
    stacked = [{"period_start": r["period_start"], "state": state,
                "users": -r["churned_users"] if state == "churned" else r[f"{state}_users"]}
               for r in values(rows) for state in GROWTH_STATES]
    x = _period_axis(period_noun)
    return _chart(
        f"{fact} · {grain}: why active users moved",
        f"Users per {period_noun} by state, churned (active the {period_noun} before, not this one) below zero;"
        " the line: active users",
        {"layer": [
            {"data": {"values": stacked}, "mark": "bar",
             "encoding": {
                 "x": x,
                 "tooltip": [{"field": "period_start", "title": x["title"]}, {"field": "state", "title": "State"},
                             {"field": "users", "type": "quantitative", "title": "Users"}],
                 "y": {"field": "users", "type": "quantitative", "title": "Users", "stack": "zero"},
                 "color": {"field": "state", "type": "nominal", "title": "State",
                           "scale": _state_scale(GROWTH_STATES)},
                 "order": {"field": "state_order", "type": "quantitative"},
             },
             "transform": [{"calculate": f"indexof({list(GROWTH_STATES)}, datum.state)", "as": "state_order"}]},
            {"data": {"values": [{"period_start": r["period_start"], "active_users": r["active_users"]}
                                 for r in values(rows)]},
             "mark": {"type": "line", "point": {"color": ACTIVE_LINE}, "color": ACTIVE_LINE, "tooltip": True},
             "encoding": {"x": x, "y": {"field": "active_users", "type": "quantitative", "title": "Users"}}},
        ]},
    )


def growth_ratios(rows: Sequence[Row], *, fact: str, grain: str, period_noun: str) -> Spec:
    """Retention rate and quick ratio per period, each on its own axis (`rows`:
    active-users rows; a period without churn has no quick ratio)."""
    data = values([{"period_start": r["period_start"], "retention_rate": r["retention_rate"],
                    "quick_ratio": r["quick_ratio"]} for r in rows])
    x = _period_axis(period_noun)

    def panel(field: str, title: str, colour: str, axis_format: str) -> Spec:
        return {"width": WIDTH // 2 - 30, "height": HEIGHT - 40,
                "title": title,
                "mark": {"type": "line", "point": True, "color": colour, "tooltip": True},
                "encoding": {"x": x, "y": {"field": field, "type": "quantitative", "title": title,
                                           "axis": {"format": axis_format}}}}

    chart = _chart(
        f"{fact} · {grain}: retention rate and quick ratio",
        f"Retained ÷ active the {period_noun} before; (new + reactivated) ÷ churned",
        {"data": {"values": data},
         "transform": [{"filter": "isValid(datum.retention_rate) || isValid(datum.quick_ratio)"}],
         "hconcat": [panel("retention_rate", "Retention rate", STATE_COLOURS["retained"], ".0%"),
                     panel("quick_ratio", "Quick ratio", STATE_COLOURS["new"], ".2f")]},
    )
    del chart["width"], chart["height"]
    return chart


def transitions(rows: Sequence[Row], *, fact: str, grain: str, period_start: dt.date) -> Spec:
    """Where the latest period's users came from: users per (previous status → status),
    one bar per previous status, split by status (`rows`: previous_status, status, users)."""
    statuses = ("new", "retained", "reactivated", "inactive")
    return _chart(
        f"{fact} · {grain}: transitions into {period_start.isoformat()}",
        "Users by their status the period before (rows) and now (colour); none = first period",
        {"data": {"values": values(rows)},
         "mark": {"type": "bar", "tooltip": True},
         "encoding": {
             "y": {"field": "previous_status", "type": "nominal", "title": "Status the period before",
                   "sort": ["none", *statuses]},
             "x": {"field": "users", "type": "quantitative", "title": "Users", "stack": "zero"},
             "color": {"field": "status", "type": "nominal", "title": "Status now", "scale": _state_scale(statuses)},
         }},
    )


def inactivity_buckets(rows: Sequence[Row], *, fact: str, grain: str, period_noun: str,
                       period_start: dt.date, bucket_order: Sequence[str]) -> Spec:
    """How long the inactive users of the latest period have been away (`rows`:
    inactivity_bucket, users)."""
    return _chart(
        f"{fact} · {grain}: inactive users by time away, {period_start.isoformat()}",
        f"Inactive users by {period_noun}s since their last active {period_noun}",
        {"data": {"values": values(rows)},
         "mark": {"type": "bar", "color": STATE_COLOURS["inactive"], "tooltip": True},
         "encoding": {
             "x": {"field": "inactivity_bucket", "type": "ordinal", "sort": list(bucket_order),
                   "title": f"{period_noun.capitalize()}s inactive", "axis": {"labelAngle": 0}},
             "y": {"field": "users", "type": "quantitative", "title": "Users"},
         }},
    )


def funnel_conversion(rows: Sequence[Row], *, funnel: str, cohorts: str) -> Spec:
    """Users reaching each step of a funnel, the latest mature cohorts together (`rows`:
    step, step_label, users, rate)."""
    return _chart(
        f"funnel {funnel}: conversion per step",
        f"Users of the {cohorts} reaching each step, and their share of the cohort",
        {"data": {"values": values(rows)},
         "encoding": {
             "y": {"field": "step_label", "type": "nominal", "title": None, "sort": {"field": "step"}},
             "x": {"field": "users", "type": "quantitative", "title": "Users"},
         },
         "layer": [
             {"mark": {"type": "bar", "color": STATE_COLOURS["new"], "tooltip": True}},
             {"mark": {"type": "text", "align": "left", "dx": 4},
              "encoding": {"text": {"field": "rate", "type": "quantitative", "format": ".1%"}}},
         ]},
    )


def funnel_rates_by_cohort(rows: Sequence[Row], *, funnel: str) -> Spec:
    """Each step's conversion rate by cohort date; cohorts whose windows have not yet
    elapsed are drawn hollow and dashed (`rows`: cohort_date, step_label, rate, is_mature)."""
    data = values([{**r, "maturity": "mature" if r["is_mature"] else "immature (windows still open)"}
                   for r in rows])
    return _chart(
        f"funnel {funnel}: step conversion by cohort date",
        "Share of each first-visit cohort reaching the step; hollow, dashed: immature cohorts",
        {"data": {"values": data},
         "mark": {"type": "line", "point": True, "tooltip": True},
         "encoding": {
             "x": {"field": "cohort_date", "type": "temporal", "title": "First-visit date (cohort)",
                   "axis": {"format": "%b %d"}},
             "y": {"field": "rate", "type": "quantitative", "title": "Conversion (share of cohort)",
                   "axis": {"format": ".0%"}},
             "color": {"field": "step_label", "type": "nominal", "title": "Step"},
             "strokeDash": {"field": "maturity", "type": "nominal", "title": "Cohort",
                            "sort": ["mature"], "scale": {"range": [[1, 0], [4, 3]]}},
             "shape": {"field": "maturity", "type": "nominal", "legend": None},
         }},
    )


def retention_triangle(rows: Sequence[Row], *, fact: str, grain: str, period_noun: str) -> Spec:
    """Each cohort's share active at each age, a cell per (cohort, age) shaded by the rate
    (`rows`: cohort_start, age, retention_rate)."""
    return _chart(
        f"{fact} · {grain}: retention by cohort",
        f"Share of each cohort (users by their first active {period_noun}) active {period_noun}s later",
        {"data": {"values": values(rows)},
         "encoding": {
             "x": {"field": "age", "type": "ordinal", "title": f"{period_noun.capitalize()}s since the first",
                   "axis": {"labelAngle": 0}},
             "y": {"field": "cohort_start", "type": "ordinal", "title": "Cohort", "sort": "ascending"},
         },
         "layer": [
             {"mark": {"type": "rect"},
              "transform": [{"calculate": "'Cohort: ' + datum.cohort_start + '; Age: ' + datum.age"
                                          " + '; Retention: ' + format(datum.retention_rate, '.1%')",
                             "as": "label"}],
              "encoding": {"color": {"field": "retention_rate", "type": "quantitative", "title": "Retention",
                                     "scale": {"domain": [0, 1], "scheme": "greens"},
                                     "legend": {"format": ".0%"}},
                           "description": {"field": "label"},
                           "tooltip": {"field": "label"}}},
         ]},
    )


def engagement(rows: Sequence[Row], *, fact: str, week_days: int, month_days: int) -> Spec:
    """Daily, weekly and monthly active users per day (`rows`: date, dau, wau, mau)."""
    windows = {"dau": "DAU (that day)", "wau": f"WAU (last {week_days} days)", "mau": f"MAU (last {month_days} days)"}
    lines = [{"date": r["date"], "measure": label, "users": r[field],
              "label": f"Day: {r['date']}; Measure: {label}; Users: {r[field]:,}"}
             for r in values(rows) for field, label in windows.items()]
    return _chart(
        f"{fact}: daily, weekly and monthly active users",
        f"Users active on the day, in the {week_days} and in the {month_days} days up to it",
        {"data": {"values": lines},
         "mark": {"type": "line", "point": True},
         "encoding": {
             "x": {"field": "date", "type": "temporal", "title": "Day", "axis": {"format": "%b %d"}},
             "description": {"field": "label"},
             "tooltip": {"field": "label"},
             "y": {"field": "users", "type": "quantitative", "title": "Users"},
             "color": {"field": "measure", "type": "nominal", "title": None, "sort": list(windows.values()),
                       "scale": {"range": [STATE_COLOURS["new"], STATE_COLOURS["retained"], ACTIVE_LINE]}},
         }},
    )


def svg(spec: Spec) -> str:
    """The chart as an SVG document."""
    return vl_convert.vegalite_to_svg(spec)


def png_markdown(spec: Spec, alt_text: str) -> str:
    """The chart as a markdown image with its PNG inline: what the Dagster UI shows."""
    png = base64.b64encode(vl_convert.vegalite_to_png(spec, scale=1)).decode()
    return f"![{alt_text}](data:image/png;base64,{png})"
