-- Snapshots of day D whose users with first_date = D are not exactly the users active on
-- D and unknown on D - 1. Compared by count and the sum of the user_ids' hashes (see
-- every_known_user_once); the day's active users are the small side of the only join.
with active as (
    select distinct event_date as day, user_id
    from {facts}
    where event_date in (select partition_start from check_scope)
),

active_totals as (
    select day, count(*) as users, sum(hash(user_id)::hugeint) as users_hash
    from active
    group by all
),

known_before as (
    -- The day's active users who were already in the snapshot of the day before.
    select k.snapshot_date + 1 as day, count(*) as users, sum(hash(k.user_id)::hugeint) as users_hash
    from {first_last} as k
    semi join active as a on a.day = k.snapshot_date + 1 and a.user_id = k.user_id
    where k.snapshot_date in (select partition_start - 1 from check_scope)
    group by all
),

first_date_today as (
    select snapshot_date as day, count(*) as users, sum(hash(user_id)::hugeint) as users_hash
    from {first_last}
    where snapshot_date in (select partition_start from check_scope) and first_date = snapshot_date
    group by all
)

select
    s.partition_start as day,
    coalesce(a.users, 0) - coalesce(k.users, 0) as first_seen_today,
    coalesce(f.users, 0) as users_with_first_date_today
from check_scope as s
left join active_totals as a on a.day = s.partition_start
left join known_before as k on k.day = s.partition_start
left join first_date_today as f on f.day = s.partition_start
where coalesce(a.users, 0) - coalesce(k.users, 0) <> coalesce(f.users, 0)
   or coalesce(a.users_hash, 0) - coalesce(k.users_hash, 0) <> coalesce(f.users_hash, 0)
