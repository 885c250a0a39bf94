-- Each user's active days up to $last_day, with the running FirstLast values from that
-- day on and the last day they hold (the day before the user's next active day).
select
    user_id,
    event_date as valid_from,
    coalesce(lead(event_date) over by_user - 1, cast($last_day as date)) as valid_to,
    first_value(event_date) over by_user as first_date,
    first_value(day_first) over by_user as first_datetime,
    event_date as last_date,
    day_last as last_datetime,
    row_number() over by_user as active_days
from (
    select user_id, event_date, min(event_datetime) as day_first, max(event_datetime) as day_last
    from source.{facts}
    where event_date <= $last_day
    group by user_id, event_date
)
window by_user as (partition by user_id order by event_date)
