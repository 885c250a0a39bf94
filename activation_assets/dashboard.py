"""The AU dashboard: one self-contained HTML page of every chart and the latest figures.

The charts are inline SVG, so the page opens from disk with no server, no script and
no network. A fact or grain not materialized yet is named as such, not left out.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from activation_assets import chart_data, charts
from activation_assets.chart_data import Chart
from activation_assets.config import ActivationConfig, FactSpec
from activation_assets.engines import Warehouse, engine_resource
from activation_assets.grains import Grain
from activation_assets.tables import (
    active_users_table,
    engagement_daily_table,
    funnel_table,
    retention_table,
    transitions_table,
)

_STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 0 auto; padding: 24px; max-width: 1280px;
       color: #222; background: #fafafa; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 20px; margin-top: 36px; }
h3 { font-size: 16px; margin: 24px 0 8px; color: #444; }
p.lede { color: #555; margin-top: 0; }
table.figures { border-collapse: collapse; background: #fff; font-size: 14px; }
table.figures th, table.figures td { padding: 6px 10px; border-bottom: 1px solid #e4e4e8; text-align: right; }
table.figures th:first-child, table.figures td:first-child { text-align: left; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
figure.chart { margin: 0; padding: 12px; background: #fff; border: 1px solid #e4e4e8; border-radius: 6px; }
figure.chart svg { max-width: 100%; height: auto; }
.missing { color: #888; font-style: italic; }
.up { color: #2e7d32; } .down { color: #c62828; }
"""


def fact_grain_charts(conn: Warehouse, fact: FactSpec, grain: Grain, existing: set[str]
                      ) -> tuple[list[dict], list[Chart]]:
    """The latest periods' rows of a fact and grain, and its charts, in page order (a
    report's chart when the fact has that report). A new chart of a fact and grain is one
    more entry here."""
    rows = chart_data.latest_periods(conn, fact.name, grain)
    if not rows:
        return rows, []
    shown = chart_data.decomposition_charts(rows, fact.name, grain)
    if fact.reports_on("transitions") and transitions_table(fact.name, grain.name).qualified_name in existing:
        shown += chart_data.status_charts(conn, fact.name, grain, rows[-1]["period_start"])
    if fact.reports_on("retention") and retention_table(fact.name, grain.name).qualified_name in existing:
        shown += chart_data.retention_charts(conn, fact.name, grain)
    return rows, shown


def fact_charts(conn: Warehouse, fact: FactSpec, config: ActivationConfig, existing: set[str]) -> list[Chart]:
    """The charts of a fact across its grains: its rolling engagement, when it has it."""
    if fact.reports_on("engagement") and engagement_daily_table(fact.name).qualified_name in existing:
        return chart_data.engagement_charts(conn, fact.name, config.engagement)
    return []


def render_dashboard(config: ActivationConfig, *, generated_at: dt.datetime | None = None) -> str:
    """The dashboard page of the warehouse as it stands."""
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    figures: list[str] = []
    sections: list[str] = []
    with engine_resource(config, read_only=True).open() as conn:
        existing = conn.existing_tables()
        for fact in config.facts:
            parts = [f"<h2 id='fact-{fact.name}'>{html.escape(fact.name)}</h2>"]
            if fact.description:
                parts.append(f"<p class='lede'>{html.escape(fact.description)}</p>")
            for grain_name in fact.grains:
                grain = Grain.of(grain_name, config)
                parts.append(f"<h3>{html.escape(fact.name)} · {grain_name}</h3>")
                if active_users_table(fact.name, grain_name).qualified_name not in existing:
                    parts.append("<p class='missing'>Not materialized yet.</p>")
                    continue
                rows, shown = fact_grain_charts(conn, fact, grain, existing)
                if rows:
                    figures.append(_figures_row(fact.name, grain, rows))
                parts.append(_charts_html(shown) if shown else "<p class='missing'>No periods yet.</p>")
            shown = fact_charts(conn, fact, config, existing)
            if shown:
                parts += [f"<h3>{html.escape(fact.name)} · engagement</h3>", _charts_html(shown)]
            sections.append("\n".join(parts))
        for funnel in config.funnels:
            steps = ", then ".join(f"{s.event_name} within {s.window_days} days" for s in funnel.steps)
            parts = [f"<h2 id='funnel-{funnel.name}'>funnel {html.escape(funnel.name)}</h2>",
                     f"<p class='lede'>First visit, then {html.escape(steps)}.</p>"]
            if funnel_table(funnel.name, len(funnel.steps)).qualified_name not in existing:
                parts.append("<p class='missing'>Not materialized yet.</p>")
            else:
                cohorts = chart_data.funnel_cohorts(conn, funnel)
                parts.append(_charts_html(chart_data.funnel_charts(cohorts, funnel)) if cohorts
                             else "<p class='missing'>No cohorts yet.</p>")
            sections.append("\n".join(parts))
    table = ("<table class='figures'><tr><th>fact · grain</th><th>latest period</th><th>active users</th>"
             "<th>change</th><th>new</th><th>retained</th><th>reactivated</th><th>churned</th>"
             "<th>retention rate</th><th>quick ratio</th></tr>" + "".join(figures) + "</table>"
             if figures else "<p class='missing'>Nothing materialized yet.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Activation dashboard</title><style>{_STYLE}</style></head>
<body>
<h1>Activation dashboard</h1>
<p class="lede">Why active users moved: who is new, retained, reactivated or churned, and how new users
convert. Days and periods in {html.escape(config.timezone)}; generated {generated_at:%Y-%m-%d %H:%M} UTC.</p>
<h2>Latest figures</h2>
{table}
{"".join(sections)}
</body></html>
"""


def write_dashboard(config: ActivationConfig, out: Path) -> Path:
    """Write the dashboard page to `out` (its folder made if missing)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_dashboard(config), encoding="utf-8")
    return out


def _charts_html(shown: list[Chart]) -> str:
    return "<div class='charts'>" + "".join(
        f"<figure class='chart' id='{c.name}' data-chart='{c.name}'>{charts.svg(c.spec)}</figure>"
        for c in shown) + "</div>"


def _figures_row(fact: str, grain: Grain, rows: list[dict]) -> str:
    latest = rows[-1]
    change = ""
    if len(rows) > 1:
        delta = latest["active_users"] - rows[-2]["active_users"]
        change = f"<span class='{'up' if delta >= 0 else 'down'}'>{delta:+,}</span>"
    cells = [f"{fact} · {grain.name}", latest["period_start"].isoformat(), f"{latest['active_users']:,}", change,
             *(f"{latest[f'{s}_users']:,}" for s in charts.GROWTH_STATES),
             _ratio(latest["retention_rate"], "{:.1%}"), _ratio(latest["quick_ratio"], "{:.2f}")]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _ratio(value: float | None, form: str) -> str:
    return "—" if value is None else form.format(value)
