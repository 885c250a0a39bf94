-- The latest $cohorts mature cohorts taken together: the newest cohort date, how many
-- cohorts and users, and the users reaching each step (one sum per step: {step_sums}).
with latest as (
    select *
    from {table}
    where is_mature
    order by cohort_date desc
    limit $cohorts
)

select max(cohort_date), count(*), sum(cohort_users), {step_sums}
from latest
