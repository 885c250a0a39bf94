-- The users each merged day of base.events brought to mart.dim_users, the row count of
-- its load record (a day without events has no row). Params: $days (consecutive).
select event_date as day, count(distinct user_id) as users
from base.events
where event_date between list_min(cast($days as date[])) and list_max(cast($days as date[]))
group by event_date
