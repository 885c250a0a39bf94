-- Merges the days [$first_date, $last_date] of base.events into mart.dim_users:
-- first-touch attributes move only to an earlier first event, latest attributes only to
-- a later last event, so days can be loaded again, late, or together, without older
-- values overwriting newer ones. Params: $first_date, $last_date.
with first_and_last as (
    -- Each user's first and last event of the days (ties broken by event_id, then
    -- event_name, missing values last), found by one aggregation.
    select
        user_id,
        arg_min(
            struct_pack(event_date, event_datetime, utm_source, utm_medium, utm_campaign),
            row(event_ts, event_id is null, event_id, event_name is null, event_name)
        ) as f,
        arg_max(
            struct_pack(event_ts, country, device_os, app_version),
            row(event_ts, event_id is not null, event_id, event_name is not null, event_name)
        ) as l
    from base.events
    where event_date between $first_date and $last_date
    group by user_id
),

first_events as (select user_id, unnest(f) from first_and_last),

last_events as (select user_id, unnest(l) from first_and_last),

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
