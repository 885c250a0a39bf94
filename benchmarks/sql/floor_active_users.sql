-- The least any daily design must do, part 1: the day's events to distinct active users.
select count(distinct user_id) as active_users
from base.events
where event_date = $day
