-- The least any daily design must do, part 2: read yesterday's snapshot once.
select count(*) as known_users, max(user_id), max(first_datetime), max(last_datetime), sum(active_days)
from {first_last}
where snapshot_date = cast($day as date) - 1
