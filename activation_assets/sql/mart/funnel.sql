-- Conversion by first-visit cohort, counted from temp table funnel_reach (who reached
-- which step). A cohort is mature once its longest window has fully elapsed in loaded
-- data. By segment, users are counted under their values in temp table
-- funnel_user_segments.
-- Params: $longest_window.
with loaded as (
    select max(partition_start) as last_loaded_date
    from meta.partition_loads
    where table_name = 'mart.fact_first_activation_events'
),

counted as (
    select
        r.cohort_date{segment_columns},
        count(*) as cohort_users{step_counts}
    from funnel_reach as r{segment_join}
    group by all
)

select
    cohort_date{segment_output},
    cohort_users{step_rates},
    cohort_date + cast($longest_window as integer) - 1 <= (select last_loaded_date from loaded) as is_mature
from counted
order by cohort_date{segment_output}
