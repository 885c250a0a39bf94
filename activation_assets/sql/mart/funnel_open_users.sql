-- The users whose segment values may not be frozen yet: those of cohorts still open at
-- the last freeze, and those of any first-activation partition loaded since it (late or
-- reprocessed days). Everyone else is in the frozen table, so a daily rebuild reads the
-- current values of a few days of cohorts instead of every user's.
-- Params: $frozen_through (last cohort date frozen, null before the first freeze),
-- $frozen_at (time of the last freeze).
select user_id, first_visit_date as cohort_date
from mart.fact_first_activation_events
where event_name = 'first_visit'
  and (
      cast($frozen_through as date) is null
      or first_visit_date > $frozen_through
      or date in (
          select partition_start
          from meta.partition_loads
          where table_name = 'mart.fact_first_activation_events' and loaded_at > $frozen_at
      )
  )
