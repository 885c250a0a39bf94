-- Snapshots of day D whose users with last_date = D are not exactly the users with the
-- fact on D. Compared by count and the sum of the user_ids' hashes (see
-- every_known_user_once): one scan of each side, no join of the snapshot.
with active as (
    select event_date as day, count(*) as users, sum(hash(user_id)::hugeint) as users_hash
    from (
        select distinct event_date, user_id
        from {facts}
        where event_date in (select partition_start from check_scope)
    )
    group by all
),

last_seen_today as (
    select snapshot_date as day, count(*) as users, sum(hash(user_id)::hugeint) as users_hash
    from {first_last}
    where snapshot_date in (select partition_start from check_scope) and last_date = snapshot_date
    group by all
)

select
    s.partition_start as day,
    coalesce(a.users, 0) as active_users,
    coalesce(l.users, 0) as users_with_last_date_today
from check_scope as s
left join active as a on a.day = s.partition_start
left join last_seen_today as l on l.day = s.partition_start
where coalesce(a.users, 0) <> coalesce(l.users, 0)
   or coalesce(a.users_hash, 0) <> coalesce(l.users_hash, 0)
