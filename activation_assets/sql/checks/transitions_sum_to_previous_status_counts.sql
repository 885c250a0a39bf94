-- Periods where the transitions summed by previous status differ from the previous
-- period's status counts (users in their first period have no previous status). A period
-- whose previous one is not in the table (the first partition) has nothing to compare.
with summed as (
    select period_start, previous_status as status, sum(users) as users
    from {transitions}
    where period_start in (select partition_start from check_scope)
      and previous_status is not null
    group by all
),

counted as (
    select next_period_start(period_start) as period_start, status, count(*) as users
    from {status}
    where period_start in (select period_start(partition_start - 1) from check_scope)
    group by all
)

select coalesce(s.period_start, c.period_start) as period_start, coalesce(s.status, c.status) as previous_status,
       s.users as transition_users, c.users as previous_status_users
from summed as s
full join counted as c on s.period_start = c.period_start and s.status = c.status
where coalesce(s.users, 0) <> coalesce(c.users, 0)
  and coalesce(s.period_start, c.period_start) in (select period_start from counted)
