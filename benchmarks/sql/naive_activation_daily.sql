-- The daily activation states of day $day recomputed from every fact row up to that day.
with history as (
    select
        user_id,
        min(event_date) as first_active_date,
        max(event_date) filter (where event_date < $day) as previous_active_date
    from {facts}
    where event_date <= $day
    group by user_id
    having max(event_date) = $day
)

select
    cast($day as date) as period_start,
    user_id,
    case
        when previous_active_date is null then 'new'
        when previous_active_date = cast($day as date) - 1 then 'retained'
        else 'reactivated'
    end as state,
    first_active_date,
    previous_active_date,
    cast($day as date) - previous_active_date as return_interval,
    1 as active_days
from history
