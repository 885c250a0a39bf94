-- Conversion by first-visit cohort. Step k counts the users who reached step k - 1
-- (step 0 = the first visit) and whose first occurrence of step k's event came within
-- its window, in days from the first visit (window edges inclusive).
-- A cohort is mature once its longest window has fully elapsed in loaded data.
-- By segment, users are counted under their values in temp table funnel_user_segments.
-- Params: $event_<k>, $window_<k> per step, $longest_window.
with cohort as (
    select user_id, first_visit_date as cohort_date
    from mart.fact_first_activation_events
    where event_name = 'first_visit'
),

firsts as (
    select user_id, event_name, days_from_first_visit
    from mart.fact_first_activation_events
    where event_name <> 'first_visit'
){step_ctes},

loaded as (
    select max(partition_start) as last_loaded_date
    from meta.partition_loads
    where table_name = 'mart.fact_first_activation_events'
),

counted as (
    select
        c.cohort_date{segment_columns},
        count(*) as cohort_users{step_counts}
    from cohort as c
{step_joins}{segment_join}
    group by all
)

select
    cohort_date{segment_output},
    cohort_users{step_rates},
    cohort_date + cast($longest_window as integer) - 1 <= (select last_loaded_date from loaded) as is_mature
from counted
order by cohort_date{segment_output}
