-- Merges the days [$first_date, $last_date] of base.events into mart.dim_users:
-- first-touch attributes move only to an earlier first event, latest attributes only to
-- a later last event, so days can be loaded again, late, or together, without older
-- values overwriting newer ones. Params: $first_date, $last_date.
with user_bounds as (
    select user_id, min(event_ts) as first_ts, max(event_ts) as last_ts
    from base.events
    where event_date between $first_date and $last_date
    group by user_id
),

ranked as (
    -- Only each user's events at their first or last instant are ranked; ties are
    -- broken by event_id, then event_name (missing values last).
    select
        e.user_id, e.event_date, e.event_datetime, e.event_ts, e.utm_source, e.utm_medium, e.utm_campaign,
        e.country, e.device_os, e.app_version,
        row_number() over (partition by e.user_id order by e.event_ts, e.event_id, e.event_name) as first_rank,
        row_number() over (partition by e.user_id order by e.event_ts desc, e.event_id desc, e.event_name desc)
            as last_rank
    from base.events as e
    join user_bounds as b on e.user_id = b.user_id and (e.event_ts = b.first_ts or e.event_ts = b.last_ts)
    where e.event_date between $first_date and $last_date
),

first_events as (select * from ranked where first_rank = 1),

last_events as (select * from ranked where last_rank = 1),

current as (
    select d.*, r.latest_event_ts
    from mart.dim_users as d
    join meta.dim_users_recency as r using (user_id)
    where d.user_id in (select user_id from first_events)
)

select
    f.user_id,
    case when c.user_id is null or f.event_datetime <= c.first_datetime then f.event_date else c.first_date end as first_date,
    case when c.user_id is null or f.event_datetime <= c.first_datetime then f.event_datetime else c.first_datetime end as first_datetime,
    case when c.user_id is null or f.event_datetime <= c.first_datetime then f.utm_source else c.first_source end as first_source,
    case when c.user_id is null or f.event_datetime <= c.first_datetime then f.utm_medium else c.first_medium end as first_medium,
    case when c.user_id is null or f.event_datetime <= c.first_datetime then f.utm_campaign else c.first_campaign end as first_campaign,
    case when c.user_id is null or l.event_ts >= c.latest_event_ts then l.country else c.country end as country,
    case when c.user_id is null or l.event_ts >= c.latest_event_ts then l.device_os else c.device_os end as device_os,
    case when c.user_id is null or l.event_ts >= c.latest_event_ts then l.app_version else c.app_version end as app_version,
    greatest(l.event_ts, c.latest_event_ts) as latest_event_ts
from first_events as f
join last_events as l using (user_id)
left join current as c using (user_id)
