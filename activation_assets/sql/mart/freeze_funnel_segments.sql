-- Freezes the segment values of the open users whose cohort has become mature: from then
-- on the cohort's breakdown never drifts as users' latest attributes change.
-- Params: $mature_through (the latest mature cohort date).
insert or ignore into {frozen_table}
select s.user_id, s.segment, s.segment_value
from current_user_segments as s
join funnel_open_users as o using (user_id)
where o.cohort_date <= $mature_through
