-- The latest $cohorts cohorts of a funnel report, oldest first.
select *
from (
    select *
    from {table}
    order by cohort_date desc
    limit $cohorts
)
order by cohort_date
