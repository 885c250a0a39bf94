-- First occurrences on the days of [$first_day, $last_day]: each user's first event
-- ('first_visit') and the first time they did each funnel event, when no partition of
-- this table before the range has that pair (those partitions are the snapshot of what
-- was done before it). A daily run is a range of one day.
-- The earlier partitions are only probed for the range's candidates (the small side of
-- every join), so a day's cost grows with the users known, not with the days loaded.
-- Params: $first_day, $last_day, $key_events (the funnel events).
with range_firsts as (
    select user_id, 'first_visit' as event_name, min(event_datetime) as datetime,
           arg_min(event_date, event_datetime) as date
    from base.events
    where event_date between $first_day and $last_day
    group by user_id
    union all
    select user_id, event_name, min(event_datetime) as datetime, arg_min(event_date, event_datetime) as date
    from base.events
    where event_date between $first_day and $last_day
      and list_contains(cast($key_events as varchar[]), event_name)
      and event_name <> 'first_visit'
    group by user_id, event_name
),

earlier as (
    -- Earlier first occurrences of the range's users: the pairs already recorded, and
    -- each user's first visit.
    select m.user_id, m.event_name, m.date, m.datetime
    from mart.fact_first_activation_events as m
    semi join range_firsts as t on t.user_id = m.user_id and t.event_name = 'first_visit'
    where m.date < $first_day
),

new_firsts as (
    select t.user_id, t.event_name, t.date, t.datetime
    from range_firsts as t
    anti join earlier as e on e.user_id = t.user_id and e.event_name = t.event_name
),

first_visits as (
    select user_id, date as first_visit_date, datetime as first_visit_datetime
    from earlier
    where event_name = 'first_visit'
    union all
    select user_id, date, datetime
    from new_firsts
    where event_name = 'first_visit'
)

select
    n.date,
    n.datetime,
    n.user_id,
    n.event_name,
    v.first_visit_date,
    v.first_visit_datetime,
    -- SPEC: both local wall-clock datetimes truncated to the hour, their difference in
    -- hours, plus 1: 01:26 -> 23:06 the same day is 23, 01:00 -> next day 01:01 is 25.
    cast(date_diff('hour', date_trunc('hour', v.first_visit_datetime), date_trunc('hour', n.datetime)) as integer)
        + 1 as hours_from_first_visit,
    date_diff('day', v.first_visit_date, n.date) + 1 as days_from_first_visit
from new_firsts as n
join first_visits as v using (user_id)
