-- Cells where "on or after" retention is not all of the cohort at age 0, exceeds the
-- cohort, or grows with age (a user returning at age a also returned at every earlier age).
select *
from (
    select *, lag(returned_users) over (partition by cohort_start order by age) as returned_at_previous_age
    from {retention_unbounded}
) as cells
where (age = 0 and returned_users <> cohort_users)
   or returned_users > cohort_users
   or returned_users > returned_at_previous_age
