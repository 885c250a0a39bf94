-- The segment values to freeze: those of the open users whose cohort has become mature.
-- Inserted without replacing a frozen row, so from then on a cohort's breakdown never
-- drifts as users' latest attributes change.
-- Params: $mature_through (the latest mature cohort date).
select s.user_id, s.segment, s.segment_value
from current_user_segments as s
join funnel_open_users as o using (user_id)
where o.cohort_date <= $mature_through
