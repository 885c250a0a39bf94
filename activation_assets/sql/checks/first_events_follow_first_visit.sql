-- First occurrences dated before the user's first visit, or with counters below 1.
select *
from mart.fact_first_activation_events
where date in (select partition_start from check_scope)
  and (days_from_first_visit < 1 or hours_from_first_visit < 1 or datetime < first_visit_datetime
       or date < first_visit_date)
