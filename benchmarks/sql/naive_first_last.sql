-- The FirstLast snapshot of day $day recomputed from every fact row up to that day:
-- what a design without yesterday's snapshot would run each day.
select
    cast($day as date) as snapshot_date,
    user_id,
    min(event_date) as first_date,
    min(event_datetime) as first_datetime,
    max(event_date) as last_date,
    max(event_datetime) as last_datetime,
    count(distinct event_date) as active_days
from {facts}
where event_date <= $day
group by user_id
