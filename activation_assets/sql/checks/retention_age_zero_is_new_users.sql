-- Periods whose own cohort (age 0) is not exactly the period's new users: all of them in
-- the cohort, all of them active.
with age_zero as (
    select period_start, cohort_users, active_users
    from {retention}
    where period_start in (select partition_start from check_scope) and age = 0
),

new_users as (
    select period_start, count(*) as users
    from {status}
    where period_start in (select partition_start from check_scope) and status = 'new'
    group by all
)

select s.partition_start as period_start, coalesce(n.users, 0) as new_users,
       z.cohort_users as age_zero_cohort_users, z.active_users as age_zero_active_users
from check_scope as s
left join age_zero as z on z.period_start = s.partition_start
left join new_users as n on n.period_start = s.partition_start
where coalesce(z.cohort_users, 0) <> coalesce(n.users, 0)
   or coalesce(z.active_users, 0) <> coalesce(n.users, 0)
