-- Snapshots of every day D of [$first_day, $last_day]: the snapshot of the day before the
-- range (the seed) merged with the fact's activity in the range, for every user known by
-- D. Never reads more history than one snapshot and the range's facts; a daily run is a
-- range of one day.
-- A user's values change only on an active day, so they are intervals of days: the
-- seed's values from the range's first day until the first active day in it, then each
-- active day's values until the next one (or the range's last day); each interval is
-- spread over its days. No join of days onto activity, only the seed's join by user.
-- Params: $first_day, $last_day.
with seed as (
    select user_id, first_date, first_datetime, last_date, last_datetime, active_days
    from {first_last}
    where snapshot_date = cast($first_day as date) - 1
),

daily_activity as (
    select user_id, event_date, min(event_datetime) as first_datetime, max(event_datetime) as last_datetime
    from {facts}
    where event_date between $first_day and $last_day
    group by user_id, event_date
),

running_activity as (
    -- Each active (user, day): the user's active days in the range up to it, the next
    -- active day, and the first active day of the range.
    select
        user_id,
        event_date,
        last_datetime,
        count(*) over by_day as active_days_in_range,
        lead(event_date) over by_day as next_active_date,
        first_value(event_date) over by_day as first_date_in_range,
        first_value(first_datetime) over by_day as first_datetime_in_range
    from daily_activity
    window by_day as (partition by user_id order by event_date)
),

intervals as (
    select
        s.user_id,
        s.first_date,
        s.first_datetime,
        s.last_date,
        s.last_datetime,
        s.active_days,
        cast($first_day as date) as valid_from,
        coalesce(a.event_date - 1, cast($last_day as date)) as valid_to
    from seed as s
    left join running_activity as a on a.user_id = s.user_id and a.active_days_in_range = 1
    where a.event_date is null or a.event_date > cast($first_day as date)

    union all

    select
        a.user_id,
        coalesce(s.first_date, a.first_date_in_range) as first_date,
        coalesce(s.first_datetime, a.first_datetime_in_range) as first_datetime,
        a.event_date as last_date,
        a.last_datetime,
        coalesce(s.active_days, 0) + a.active_days_in_range as active_days,
        a.event_date as valid_from,
        coalesce(a.next_active_date - 1, cast($last_day as date)) as valid_to
    from running_activity as a
    left join seed as s on s.user_id = a.user_id
)

select
    cast(unnest(generate_series(valid_from, valid_to, interval 1 day)) as date) as snapshot_date,
    user_id,
    first_date,
    first_datetime,
    last_date,
    last_datetime,
    active_days
from intervals
