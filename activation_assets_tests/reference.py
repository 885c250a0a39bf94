"""An independent recomputation of the activation tables from the whole history.

Plain Python over all valid events, written from SPEC §4–5 without the project's SQL,
grains or snapshots, so that agreement means something.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

ACTIVE = ("new", "retained", "reactivated")


def local_events(raw_rows: list[dict], timezone: str) -> list[tuple[str, str, dt.datetime]]:
    """(user_id, event_name, local datetime) of the rows a correct cleaner keeps."""
    tz = ZoneInfo(timezone)
    kept, seen_ids = [], set()
    for row in raw_rows:
        if not row.get("user_id") or not row.get("event_name") or not row.get("event_timestamp"):
            continue
        utc = dt.datetime.fromisoformat(str(row["event_timestamp"])).replace(tzinfo=dt.timezone.utc)
        folder = row.get("folder") or utc.date().isoformat()
        if utc.date().isoformat() != folder:
            continue
        if row.get("event_id") is not None:
            if row["event_id"] in seen_ids:
                continue
            seen_ids.add(row["event_id"])
        kept.append((row["user_id"], row["event_name"], utc.astimezone(tz).replace(tzinfo=None)))
    return kept


class Periods:
    """Period arithmetic written out directly: an index per period, its first day."""

    def __init__(self, grain: str, week_start_sunday_based: int) -> None:
        self.grain = grain
        self.week_start = week_start_sunday_based

    def start(self, day: dt.date) -> dt.date:
        if self.grain == "daily":
            return day
        if self.grain == "weekly":
            sunday_based = (day.weekday() + 1) % 7
            return day - dt.timedelta(days=(sunday_based - self.week_start) % 7)
        return day.replace(day=1)

    def index(self, day: dt.date) -> int:
        start = self.start(day)
        if self.grain == "monthly":
            return start.year * 12 + start.month
        if self.grain == "weekly":
            return start.toordinal() // 7
        return start.toordinal()

    def next_start(self, start: dt.date) -> dt.date:
        if self.grain == "daily":
            return start + dt.timedelta(days=1)
        if self.grain == "weekly":
            return start + dt.timedelta(days=7)
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def bucket(bounds: tuple[int, ...], n: int) -> str:
    i = max(k for k, lower in enumerate(bounds) if lower <= n)
    if i == len(bounds) - 1:
        return f"{bounds[i]}+"
    upper = bounds[i + 1] - 1
    return str(bounds[i]) if upper == bounds[i] else f"{bounds[i]}-{upper}"


def expected_tables(
    events: list[tuple[str, str, dt.datetime]],
    *,
    event_names: tuple[str, ...] | None,
    grain: str,
    week_start: int,
    start_date: dt.date,
    end_date: dt.date,
    buckets: tuple[int, ...],
) -> dict[str, list[tuple]]:
    """Rows of activation, status, active_users, transitions, retention and (for periods of
    several days) stickiness for every closed period partition."""
    p = Periods(grain, week_start)
    days: dict[str, set[dt.date]] = defaultdict(set)
    for user, name, local in events:
        if (event_names is None or name in event_names) and start_date <= local.date() <= end_date:
            days[user].add(local.date())

    first_partition = p.start(start_date)
    if first_partition < start_date:
        first_partition = p.next_start(first_partition)
    partitions = []
    s = first_partition
    while p.next_start(s) - dt.timedelta(days=1) <= end_date:
        partitions.append(s)
        s = p.next_start(s)

    activation, status, active_users = [], [], []
    for ps in partitions:
        idx = p.index(ps)
        pe = p.next_start(ps)
        counts = defaultdict(int)
        for user, user_days in sorted(days.items()):
            active_idx = sorted({p.index(d) for d in user_days})
            first_idx = active_idx[0]
            if first_idx > idx:
                continue

            def state_at(i: int) -> str | None:
                if i < first_idx:
                    return None
                if i not in active_idx:
                    return "inactive"
                if i == first_idx:
                    return "new"
                return "retained" if i - 1 in active_idx else "reactivated"

            st, prev = state_at(idx), state_at(idx - 1)
            in_period = [d for d in user_days if ps <= d < pe]
            before = [d for d in user_days if d < ps]
            return_interval = idx - p.index(max(before)) if before and st != "inactive" else None
            if st != "inactive":
                activation.append((ps, user, st, min(user_days), max(before) if before else None,
                                   return_interval, len(in_period)))
            streak = 0
            while st != "inactive" and idx - streak in active_idx:
                streak += 1
            last_active_idx = max(i for i in active_idx if i <= idx)
            inactive_periods = idx - last_active_idx
            if st == "inactive":
                bucket_label = bucket(buckets, inactive_periods)
            elif st == "reactivated":
                bucket_label = bucket(buckets, return_interval - 1)
            else:
                bucket_label = None
            status.append((ps, user, st, prev, f"{prev or 'none'}_to_{st}", streak, inactive_periods,
                           idx - first_idx, min(user_days), max(d for d in user_days if d < pe), bucket_label))
            counts[st] += 1
            if st == "inactive" and prev in ACTIVE:
                counts["churned"] += 1
        active = counts["new"] + counts["retained"] + counts["reactivated"]
        prev_active = counts["retained"] + counts["churned"]
        active_users.append((
            ps, active, counts["new"], counts["retained"], counts["reactivated"], counts["churned"],
            counts["retained"] / prev_active if prev_active else None,
            (counts["new"] + counts["reactivated"]) / counts["churned"] if counts["churned"] else None,
        ))
    tables = {"activation": activation, "activation_status": status, "active_users": active_users,
              "transitions": _transitions(status), "retention": _retention(status, p)}
    if grain != "daily":
        tables["stickiness"] = _stickiness(activation, partitions, p)
    return tables


def _retention(status: list[tuple], p: Periods) -> list[tuple]:
    """Per (period, cohort): the cohort's users and those active in the period."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for period_start, _user, st, _prev, _t, _streak, _inactive, age, first_active, *_ in status:
        cell = cells[(period_start, p.start(first_active), age)]
        cell[0] += 1
        cell[1] += st != "inactive"
    return [(cohort, ps, age, n, active, active / n)
            for (ps, cohort, age), (n, active) in sorted(cells.items())]


def _stickiness(activation: list[tuple], partitions: list[dt.date], p: Periods) -> list[tuple]:
    """Per period and number of active days (1 to the period's length): users active on
    exactly that many days, and the share active on at least that many."""
    rows = []
    for ps in partitions:
        counts = [r[6] for r in activation if r[0] == ps]
        for n in range(1, (p.next_start(ps) - ps).days + 1):
            at_least = sum(1 for c in counts if c >= n)
            rows.append((ps, n, counts.count(n), at_least / len(counts) if counts else None))
    return rows


def expected_unbounded_retention(
    events: list[tuple[str, str, dt.datetime]], *, event_names: tuple[str, ...] | None, grain: str,
    week_start: int, start_date: dt.date, end_date: dt.date,
) -> list[tuple]:
    """Per (cohort, age) up to end_date: the cohort's users and those active in the period
    cohort + age or any later one, and whether that period has ended by end_date."""
    p = Periods(grain, week_start)
    days: dict[str, list[dt.date]] = defaultdict(list)
    for user, name, local in events:
        if (event_names is None or name in event_names) and start_date <= local.date() <= end_date:
            days[user].append(local.date())
    by_cohort: dict[dt.date, list[int]] = defaultdict(list)
    for user_days in days.values():
        by_cohort[p.start(min(user_days))].append(p.index(max(user_days)) - p.index(min(user_days)))
    end_ended = p.next_start(p.start(end_date)) == end_date + dt.timedelta(days=1)
    rows = []
    for cohort, last_ages in sorted(by_cohort.items()):
        oldest = p.index(end_date) - p.index(cohort)
        for age in range(oldest + 1):
            returned = sum(1 for a in last_ages if a >= age)
            rows.append((cohort, age, len(last_ages), returned, returned / len(last_ages),
                         age < oldest or end_ended))
    return rows


def expected_engagement(
    events: list[tuple[str, str, dt.datetime]], *, event_names: tuple[str, ...] | None,
    start_date: dt.date, end_date: dt.date, week_days: int, month_days: int,
) -> list[tuple]:
    """One row per day: DAU/WAU/MAU, every known user's engagement state, and the share of
    each state of the day before active that day (SPEC §5)."""
    days: dict[str, set[dt.date]] = defaultdict(set)
    for user, name, local in events:
        if (event_names is None or name in event_names) and start_date <= local.date() <= end_date:
            days[user].add(local.date())

    def state(user_days: set[dt.date], day: dt.date) -> str | None:
        upto = [d for d in user_days if d <= day]
        if not upto:
            return None
        last = max(upto)
        if min(upto) == day:
            return "new"
        if last == day:
            gap = (day - max(d for d in upto if d < day)).days
            return "current" if gap <= week_days else "reactivated" if gap <= month_days else "resurrected"
        away = (day - last).days
        return "at_risk_wau" if away < week_days else "at_risk_mau" if away < month_days else "dormant"

    states = ("new", "current", "reactivated", "resurrected", "at_risk_wau", "at_risk_mau", "dormant")
    rated = ("current", "new", "reactivated", "resurrected", "at_risk_wau", "at_risk_mau")
    rows = []
    day = start_date
    while day <= end_date:
        today = {u: state(d, day) for u, d in days.items()}
        yesterday = {u: state(d, day - dt.timedelta(days=1)) for u, d in days.items()}
        count = {s: sum(1 for v in today.values() if v == s) for s in states}
        dau = sum(1 for d in days.values() if day in d)
        wau = sum(1 for d in days.values() if any(0 <= (day - x).days < week_days for x in d))
        mau = sum(1 for d in days.values() if any(0 <= (day - x).days < month_days for x in d))
        rates = []
        for s in rated:
            was = [u for u, v in yesterday.items() if v == s]
            rates.append(sum(1 for u in was if day in days[u]) / len(was) if was else None)
        rows.append((day, dau, wau, mau, dau / mau if mau else None, wau / mau if mau else None,
                     *(count[s] for s in states), *rates))
        day += dt.timedelta(days=1)
    return rows


def _transitions(status: list[tuple]) -> list[tuple]:
    """Users per (period, previous status, status), and their share of the previous status's
    users, ordered with a first period's null previous status first."""
    users = defaultdict(int)
    for period_start, _user, st, prev, *_ in status:
        users[(period_start, prev, st)] += 1
    of_previous = defaultdict(int)
    for (period_start, prev, _st), n in users.items():
        of_previous[(period_start, prev)] += n
    return [(ps, prev, st, n, n / of_previous[(ps, prev)] if prev is not None else None)
            for (ps, prev, st), n in sorted(users.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))]


def expected_first_last(
    events: list[tuple[str, str, dt.datetime]],
    *,
    event_names: tuple[str, ...] | None,
    start_date: dt.date,
    end_date: dt.date,
) -> list[tuple]:
    """Rows of every FirstLast snapshot from start_date to end_date."""
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    for user, name, local in events:
        if (event_names is None or name in event_names) and start_date <= local.date() <= end_date:
            times[user].append(local)
    rows = []
    day = start_date
    while day <= end_date:
        for user, ts in sorted(times.items()):
            upto = [t for t in ts if t.date() <= day]
            if upto:
                rows.append((day, user, min(upto).date(), min(upto), max(upto).date(), max(upto),
                             len({t.date() for t in upto})))
        day += dt.timedelta(days=1)
    return rows
