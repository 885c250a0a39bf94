-- Merges one day of base.events into mart.dim_users: first-touch attributes move only to
-- an earlier first event, latest attributes only to a later last event, so a day can be
-- loaded again, or late, without older values overwriting newer ones.
-- Params: $partition_date.
with ranked as (
    select
        user_id, event_date, event_datetime, event_ts, utm_source, utm_medium, utm_campaign,
        country, device_os, app_version,
        row_number() over (partition by user_id order by event_ts, event_id, event_name) as first_rank,
        row_number() over (partition by user_id order by event_ts desc, event_id desc, event_name desc) as last_rank
    from base.events
    where event_date = $partition_date
),

day_first as (select * from ranked where first_rank = 1),

day_last as (select * from ranked where last_rank = 1),

current as (
    select d.*, r.latest_event_ts
    from mart.dim_users as d
    join meta.dim_users_recency as r using (user_id)
    where d.user_id in (select user_id from day_first)
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
from day_first as f
join day_last as l using (user_id)
left join current as c using (user_id)
