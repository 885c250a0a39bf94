-- Freezes the segment values of the users of every cohort that has become mature:
-- from then on the cohort's breakdown never drifts as users' latest attributes change.
-- Params: $longest_window.
insert or ignore into {frozen_table}
select s.user_id, s.segment, s.segment_value
from current_user_segments as s
join mart.fact_first_activation_events as v
  on v.user_id = s.user_id and v.event_name = 'first_visit'
where v.first_visit_date + cast($longest_window as integer) - 1 <= (
    select max(partition_start) from meta.partition_loads where table_name = 'mart.fact_first_activation_events'
)
