-- Per period of the run: its cohorts, and the retention of the cohort one period older.
select
    period_start as partition_start,
    count(*) as cohorts,
    sum(active_users) filter (where age > 0) as returning_users,
    max(retention_rate) filter (where age = 1) as previous_cohort_retention_rate
from {table}
where period_start between $first_start and $last_start
group by all
