-- The retention triangle of the latest $cohorts cohorts: each cohort's rate at every age
-- up to $cohorts - 1 that has been observed.
select cohort_start, age, retention_rate
from {table}
where age < $cohorts
  and cohort_start in (
      select distinct cohort_start from {table} order by cohort_start desc limit $cohorts
  )
