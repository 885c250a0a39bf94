-- Periods where the transitions summed by status differ from the period's status counts.
with summed as (
    select period_start, status, sum(users) as users
    from {transitions}
    where period_start in (select partition_start from check_scope)
    group by all
),

counted as (
    select period_start, status, count(*) as users
    from {status}
    where period_start in (select partition_start from check_scope)
    group by all
)

select coalesce(s.period_start, c.period_start) as period_start, coalesce(s.status, c.status) as status,
       s.users as transition_users, c.users as status_users
from summed as s
full join counted as c on s.period_start = c.period_start and s.status = c.status
where coalesce(s.users, 0) <> coalesce(c.users, 0)
