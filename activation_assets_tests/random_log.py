"""Seeded random raw logs for the equivalence tests: sparse users (so that every state,
streak and long absence occurs), a few bad rows and exact duplicates."""

from __future__ import annotations

import datetime as dt
import random

EVENT_NAMES = ("app_open", "view_item", "add_to_cart", "purchase")


def random_raw_rows(seed: int, *, start: dt.date, days: int, users: int = 40) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for u in range(users):
        user = f"user{u:03d}"
        arrival = rng.randrange(days)
        propensity = rng.choice((0.05, 0.15, 0.4, 0.8))
        for day in range(arrival, days):
            if day != arrival and rng.random() > propensity:
                continue
            for k in range(rng.randint(1, 3)):
                ts = dt.datetime.combine(start + dt.timedelta(days=day), dt.time()) + dt.timedelta(
                    seconds=rng.randrange(86400))
                name = rng.choice(EVENT_NAMES)
                rows.append({"event_id": f"{user}-{day}-{k}", "user_id": user, "event_name": name,
                             "event_timestamp": ts.isoformat(sep=" "), "country": rng.choice(("KR", "US"))})
    for row in rng.sample(rows, 6):
        rows.append(dict(row))  # exact re-sends
    bad = rng.sample(rows, 8)
    rows.append(dict(bad[0], user_id=None, event_id="bad-0"))
    rows.append(dict(bad[1], event_name=None, event_id="bad-1"))
    rows.append(dict(bad[2], event_timestamp=None, event_id="bad-2", folder=bad[2]["event_timestamp"][:10]))
    moved = dt.datetime.fromisoformat(bad[3]["event_timestamp"])
    rows.append(dict(bad[3], event_id="bad-3", folder=(moved.date() + dt.timedelta(days=1)).isoformat()))
    return rows
