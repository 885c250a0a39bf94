-- Each first-visit cohort user and the funnel steps they reached. Step k is reached by
-- the users who reached step k - 1 (step 0 = the first visit) and whose first
-- occurrence of step k's event came within its window, in days from the first visit
-- (window edges inclusive). Both funnel reports count from this one table.
-- Params: $event_<k>, $window_<k> per step.
with cohort as (
    select user_id, first_visit_date as cohort_date
    from mart.fact_first_activation_events
    where event_name = 'first_visit'
),

firsts as (
    select user_id, event_name, days_from_first_visit
    from mart.fact_first_activation_events
    where event_name <> 'first_visit'
){step_ctes}

select c.user_id, c.cohort_date{reached_columns}
from cohort as c
{step_joins}
