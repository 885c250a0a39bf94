-- Cells counting more active users than their cohort has, or a cohort of nobody.
select *
from {retention}
where period_start in (select partition_start from check_scope)
  and (active_users > cohort_users or active_users < 0 or cohort_users <= 0 or age < 0)
