-- Periods whose stickiness rows do not add up to the period's active users, or whose
-- share at one active day is not all of them.
with counted as (
    select period_start, sum(users) as users,
           max(cumulative_share) filter (where active_days = 1) as share_at_one_day
    from {stickiness}
    where period_start in (select partition_start from check_scope)
    group by all
),

active as (
    select period_start, count(*) as users
    from {activation}
    where period_start in (select partition_start from check_scope)
    group by all
)

select s.partition_start as period_start, coalesce(a.users, 0) as active_users,
       c.users as stickiness_users, c.share_at_one_day
from check_scope as s
left join counted as c on c.period_start = s.partition_start
left join active as a on a.period_start = s.partition_start
where coalesce(c.users, 0) <> coalesce(a.users, 0)
   or (coalesce(a.users, 0) > 0 and coalesce(c.share_at_one_day, 0) <> 1)
