-- Snapshots of day D that are not exactly the users of the snapshot of D - 1 plus the
-- users first seen on D, each once. The sides are compared by row count and the sum of
-- the user_ids' hashes (see every_known_user_once): a lost, added, repeated or replaced
-- user changes one of them, and both are one scan with no join or grouping by user.
-- As the users first seen on D are exactly the day's active users unknown on D - 1
-- (first_last_new_users_are_first_seen_today), equal sides also prove
-- (snapshot_date, user_id) unique, by induction from the first snapshot (its new users).
with today as (
    select
        snapshot_date as day,
        count(*) as users,
        sum(hash(user_id)::hugeint) as users_hash,
        count(*) filter (where first_date = snapshot_date) as new_users,
        coalesce(sum(hash(user_id)::hugeint) filter (where first_date = snapshot_date), 0) as new_users_hash
    from {first_last}
    where snapshot_date in (select partition_start from check_scope)
    group by all
),

yesterday as (
    select snapshot_date + 1 as day, count(*) as users, sum(hash(user_id)::hugeint) as users_hash
    from {first_last}
    where snapshot_date in (select partition_start - 1 from check_scope)
    group by all
)

select
    s.partition_start as snapshot_date,
    coalesce(t.users, 0) as users,
    coalesce(y.users, 0) as previous_users,
    coalesce(t.new_users, 0) as new_users
from check_scope as s
left join today as t on t.day = s.partition_start
left join yesterday as y on y.day = s.partition_start
where coalesce(t.users, 0) <> coalesce(y.users, 0) + coalesce(t.new_users, 0)
   or coalesce(t.users_hash, 0) <> coalesce(y.users_hash, 0) + coalesce(t.new_users_hash, 0)
