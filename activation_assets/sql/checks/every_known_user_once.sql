-- Periods whose status rows are not exactly the users known at the period's end, once
-- each. The two sides are compared by row count and the sum of the user_ids' hashes:
-- a missing, extra, repeated or replaced user changes one of them (short of a 64-bit hash
-- collision), and both are one scan with no join, so a year of one-row-per-user daily
-- partitions is checked at the cost of reading it. As the known users are unique (the
-- FirstLast snapshot's own check), equal sides also prove (period_start, user_id) unique.
with known as (
    select s.partition_start as period_start, count(*) as known_users, sum(hash(f.user_id)::hugeint) as known_hash
    from check_scope as s
    join {first_last} as f on f.snapshot_date = next_period_start(s.partition_start) - 1
    group by all
),

listed as (
    select period_start, count(*) as status_rows, sum(hash(user_id)::hugeint) as listed_hash
    from {status}
    where period_start in (select partition_start from check_scope)
    group by all
)

select
    s.partition_start as period_start,
    coalesce(k.known_users, 0) as known_users,
    coalesce(l.status_rows, 0) as status_rows,
    case when coalesce(k.known_users, 0) <> coalesce(l.status_rows, 0)
         then 'status rows differ in number from the users known at the end of the period'
         else 'status rows list other users than those known at the end of the period' end as problem
from check_scope as s
left join known as k on k.period_start = s.partition_start
left join listed as l on l.period_start = s.partition_start
where coalesce(k.known_users, 0) <> coalesce(l.status_rows, 0)
   or k.known_hash is distinct from l.listed_hash
