-- Snapshots of every day D of [$first_day, $last_day]: the snapshot of the day before the
-- range (the seed) merged with the fact's activity in the range, for every user known by
-- D. Never reads more history than one snapshot and the range's facts; a daily run is a
-- range of one day.
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
    -- Each active (user, day), with the user's active days in the range up to that day.
    select
        user_id,
        event_date,
        last_datetime,
        count(*) over (partition by user_id order by event_date) as active_days_in_range
    from daily_activity
),

first_in_range as (
    select user_id, min(event_date) as first_date, arg_min(first_datetime, event_date) as first_datetime
    from daily_activity
    group by user_id
),

users as (
    -- Every user known on a day of the range, and the first day of the range they are known.
    select
        coalesce(s.user_id, f.user_id) as user_id,
        coalesce(s.first_date, f.first_date) as first_date,
        coalesce(s.first_datetime, f.first_datetime) as first_datetime,
        s.last_date as seed_last_date,
        s.last_datetime as seed_last_datetime,
        coalesce(s.active_days, 0) as seed_active_days,
        case when s.user_id is null then f.first_date else cast($first_day as date) end as known_from
    from seed as s
    full outer join first_in_range as f on f.user_id = s.user_id
),

known as (
    select
        cast(unnest(generate_series(known_from, cast($last_day as date), interval 1 day)) as date) as snapshot_date,
        user_id, first_date, first_datetime, seed_last_date, seed_last_datetime, seed_active_days
    from users
)

select
    k.snapshot_date,
    k.user_id,
    k.first_date,
    k.first_datetime,
    coalesce(a.event_date, k.seed_last_date) as last_date,
    coalesce(a.last_datetime, k.seed_last_datetime) as last_datetime,
    k.seed_active_days + coalesce(a.active_days_in_range, 0) as active_days
from known as k
-- The user's latest active day on or before D within the range, if any.
asof left join running_activity as a
  on a.user_id = k.user_id and a.event_date <= k.snapshot_date
