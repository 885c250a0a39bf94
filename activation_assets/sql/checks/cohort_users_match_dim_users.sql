-- Cohorts whose size differs from the users with that first day in mart.dim_users.
with dimension as (
    select first_date as cohort_date, count(*) as dim_users
    from mart.dim_users
    group by all
)

select coalesce(f.cohort_date, d.cohort_date) as cohort_date, f.cohort_users, d.dim_users
from {table} as f
full outer join dimension as d using (cohort_date)
where f.cohort_users is distinct from d.dim_users
