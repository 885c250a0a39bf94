"""The AU dashboard as a person sees it: `activation-assets dashboard --out` on a
materialized warehouse, opened from disk in headless Chromium. Every chart renders,
nothing errs or reaches the network, and the bars' values (read off the drawn page)
equal the warehouse's rows."""

import datetime as dt
import shutil
from collections import Counter

import pytest
from playwright.sync_api import sync_playwright

from activation_assets.cli import main

from .helpers import read_rows, write_config, write_raw_log
from .helpers import run_range as materialize
from .random_log import random_raw_rows

START, END = dt.date(2025, 1, 1), dt.date(2025, 2, 28)  # two whole months, eight whole weeks
FUNNEL = {"name": "first_purchase", "steps": [{"event": "add_to_cart", "window_days": 1},
                                              {"event": "purchase", "window_days": 7}]}
GRAINS = ("daily", "weekly", "monthly")
FACTS = ("visit", "purchase")
# What the page promises to show of each grain: four weeks of days, a quarter of weeks, a year of months.
CHARTED = {"daily": 28, "weekly": 13, "monthly": 12}
PERIOD_AXIS = {"daily": "Day starting", "weekly": "Week starting", "monthly": "Month starting"}
LAPTOP = {"width": 1366, "height": 800}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("dashboard")
    write_raw_log(tmp_path / "raw", random_raw_rows(5, start=START, days=(END - START).days + 1, users=80),
                  span=(START, END))
    config = write_config(tmp_path, start_date=START.isoformat(), funnels=[FUNNEL])
    materialize(config, START, END)
    out = tmp_path / "page" / "dashboard.html"
    assert main(["--config", str(config.config_path), "dashboard", "--out", str(out)]) == 0
    return config, out


@pytest.fixture(scope="module")
def page(dashboard, tmp_path_factory):
    """The page open in headless Chromium at a laptop's width; the console's errors and
    every request it made are kept on it."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for the browser tests: `make test` installs it"
    _, out = dashboard
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        opened = browser.new_page(viewport=LAPTOP)
        opened.errors, opened.requested = [], []
        opened.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
        opened.on("pageerror", lambda error: opened.errors.append(str(error)))
        opened.on("request", lambda request: opened.requested.append(request.url))
        opened.goto(out.as_uri(), wait_until="load")
        opened.screenshot(path=str(tmp_path_factory.mktemp("screens") / "dashboard.png"), full_page=True)
        yield opened
        browser.close()


def bar_labels(page, chart: str) -> list[dict[str, str]]:
    """Each bar of a chart as the fields of its accessible label (`Title: value; …`)."""
    labels = page.locator(f"#{chart} svg [aria-roledescription='bar']").evaluate_all(
        "marks => marks.map(m => m.getAttribute('aria-label'))")
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]


def number(text: str) -> int:
    return int(text.replace(",", "").replace("−", "-"))


def test_every_chart_renders_at_a_laptops_width_without_errors_or_network(page, tmp_path_factory):
    expected = [chart for fact in FACTS for chart in [
        *(f"{fact}_{grain}_{kind}" for grain in GRAINS
          for kind in ("decomposition", "ratios", "transitions", "inactivity", "retention")),
        f"{fact}_engagement"]]
    expected += ["funnel_first_purchase_conversion", "funnel_first_purchase_by_cohort"]
    drawn = page.locator("figure.chart").evaluate_all("figures => figures.map(f => f.id)")
    assert drawn == expected
    for chart in expected:
        box = page.locator(f"#{chart} svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, chart
        assert page.locator(f"#{chart} svg path, #{chart} svg rect").count() > 5, f"{chart} draws nothing"
    assert page.errors == []
    assert {url.split(":", 1)[0] for url in page.requested} == {"file"}
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("grain", GRAINS)
def test_the_decomposition_bars_are_the_active_users_rows(dashboard, page, fact, grain):
    config, _ = dashboard
    rows = read_rows(config, f"activation.{fact}_active_users_{grain}",
                     ["period_start", "new_users", "retained_users", "reactivated_users", "churned_users"],
                     "period_start")[-CHARTED[grain]:]
    expected = {(period, state): users if state != "churned" else -users
                for period, *counts in rows
                for state, users in zip(("new", "retained", "reactivated", "churned"), counts)}
    drawn = {(bar[PERIOD_AXIS[grain]], bar["State"]):
             number(bar["Users"]) for bar in bar_labels(page, f"{fact}_{grain}_decomposition")}
    assert drawn == expected


@pytest.mark.parametrize("grain", GRAINS)
def test_the_transition_bars_count_the_latest_periods_statuses(dashboard, page, grain):
    config, _ = dashboard
    statuses = read_rows(config, f"activation.visit_activation_status_{grain}",
                         ["period_start", "previous_status", "status"], "period_start")
    latest = statuses[-1][0]
    expected = Counter((previous or "none", status) for period, previous, status in statuses if period == latest)
    drawn = {(bar["Status the period before"], bar["Status now"]): number(bar["Users"])
             for bar in bar_labels(page, f"visit_{grain}_transitions")}
    assert drawn == dict(expected)
    assert f"transitions into {latest}" in page.locator(f"#visit_{grain}_transitions").inner_text()


def mark_labels(page, chart: str, role: str) -> list[dict[str, str]]:
    """Each mark of a kind (e.g. `rect mark container`) as the fields of its accessible label."""
    labels = page.locator(f"#{chart} svg [aria-roledescription='{role}'] path").evaluate_all(
        "marks => marks.map(m => m.getAttribute('aria-label'))")
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels if label]


@pytest.mark.parametrize("grain", GRAINS)
def test_the_retention_cells_are_the_latest_cohorts_rates(dashboard, page, grain):
    config, _ = dashboard
    rows = read_rows(config, f"activation.purchase_retention_{grain}", ["cohort_start", "age", "retention_rate"],
                     "cohort_start, age")
    cohorts = sorted({cohort for cohort, _, _ in rows})[-CHARTED[grain]:]
    expected = {(cohort, str(age)): f"{rate:.1%}" for cohort, age, rate in rows
                if cohort in cohorts and age < CHARTED[grain]}
    drawn = {(cell["Cohort"], cell["Age"]): cell["Retention"]
             for cell in mark_labels(page, f"purchase_{grain}_retention", "rect mark container")}
    assert drawn == expected and len(expected) > len(cohorts)


def test_the_engagement_lines_are_the_engagement_rows(dashboard, page):
    config, _ = dashboard
    rows = read_rows(config, "activation.visit_engagement_daily", ["date", "dau", "wau", "mau"], "date")
    drawn = {(point["Day"], point["Measure"]): number(point["Users"])
             for point in mark_labels(page, "visit_engagement", "symbol mark container")}
    measures = ("DAU (that day)", "WAU (last 7 days)", "MAU (last 30 days)")
    assert drawn == {(day, measure): users for day, *counts in rows for measure, users in zip(measures, counts)}


def test_the_funnel_bars_are_the_latest_mature_cohorts_together(dashboard, page):
    config, _ = dashboard
    cohorts = [row for row in read_rows(config, "mart.funnel_first_purchase",
                                        ["cohort_users", "step_1_users", "step_2_users", "is_mature"], "cohort_date")
               if row[3]][-7:]
    expected = [sum(row[k] for row in cohorts) for k in range(3)]
    drawn = [number(bar["Users"]) for bar in bar_labels(page, "funnel_first_purchase_conversion")]
    assert drawn == expected and expected[0] > expected[1] > 0


def test_the_latest_figures_are_the_last_periods_rows(dashboard, page):
    config, _ = dashboard
    cells = page.locator("table.figures tr").evaluate_all(
        "rows => rows.slice(1).map(r => Array.from(r.cells, c => c.innerText))")
    assert [row[0] for row in cells] == [f"{fact} · {grain}" for fact in FACTS for grain in GRAINS]
    for row in cells:
        fact, grain = row[0].split(" · ")
        *_, before, last = read_rows(config, f"activation.{fact}_active_users_{grain}",
                                     ["period_start", "active_users", "new_users", "retained_users",
                                      "reactivated_users", "churned_users"], "period_start")
        assert row[1] == last[0]
        assert [number(cell) for cell in (row[2], *row[4:8])] == list(last[1:])
        assert number(row[3]) == last[1] - before[1]
