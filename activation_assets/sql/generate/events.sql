-- Synthetic events of the days [$first_day, $last_day] (day numbers from $start_date).
-- A user is active on their arrival day, then with a probability that decays with age
-- (churn), never below a small floor (returns), higher at weekends (seasonality); see users.sql.
-- An active day has 1-4 sessions; a session is app_open, up to five view_item,
-- sometimes add_to_cart, a purchase after some carts, rarely post_created.
-- A small share of rows is bad on purpose, one kind per reject reason.
-- Uses the macro unit(...) and the table users. Params: $first_day, $last_day, $start_date.
with user_days as (
    select
        u.*,
        d.day_num,
        cast($start_date as date) + cast(d.day_num as integer) as day
    from users as u
    join range($first_day, $last_day + 1) as d(day_num) on d.day_num >= u.arrival_day
),

active_days as (
    select *
    from user_days
    where day_num = arrival_day
       or unit(user_num, day_num, 10) < (
            greatest(propensity * exp(-(day_num - arrival_day) / decay_days), 0.03)
            * case when dayofweek(day) in (0, 6) then weekend_lift else 1.0 end
       )
),

sessions as (
    select
        a.*,
        s.session_num,
        day + to_minutes(cast(60 * ((usual_hour + cast(floor(6 * unit(user_num, day_num, s.session_num, 11)) as integer)) % 24)
                              + floor(60 * unit(user_num, day_num, s.session_num, 12)) as bigint)) as session_start
    from active_days as a
    join range(4) as s(session_num)
      on s.session_num = 0
      or (s.session_num = 1 and unit(user_num, day_num, 13) < 0.45)
      or (s.session_num = 2 and unit(user_num, day_num, 13) < 0.20)
      or (s.session_num = 3 and unit(user_num, day_num, 13) < 0.08)
),

slots as (
    -- Slot 0 app_open, 1-5 view_item, 6 add_to_cart, 7 purchase, 8 post_created.
    select
        s.*,
        slot,
        unit(user_num, day_num, session_num, slot, 20) as draw,
        buys_on_arrival and buyer and day_num = arrival_day and session_num = 0 as first_purchase,
        first_purchase
            or unit(user_num, day_num, session_num, 6, 20) < case when day_num = arrival_day then 0.30 else 0.12 end
            as has_cart
    from sessions as s
    join range(9) as t(slot) on true
),

events as (
    select
        user_id,
        case when slot = 0 then 'app_open' when slot <= 5 then 'view_item' when slot = 6 then 'add_to_cart'
             when slot = 7 then 'purchase' else 'post_created' end as event_name,
        user_num || '-' || day_num || '-' || session_num || '-' || slot as event_id,
        least(session_start + to_seconds(cast(slot * 40 + floor(120 * draw) as bigint)),
              day + interval 86399 second) as event_timestamp,
        day as folder_date,
        case when unit(user_num, day_num, 30) < 0.02 then 'US' else country end as country,
        device_os,
        '3.' || cast(greatest(0, day_num // 30 - cast(floor(3 * unit(user_num, 9)) as integer)) as varchar) as app_version,
        case when day_num = arrival_day and session_num = 0 and slot = 0 then first_source end as utm_source,
        case when day_num = arrival_day and session_num = 0 and slot = 0 then first_medium end as utm_medium,
        case when day_num = arrival_day and session_num = 0 and slot = 0 then first_campaign end as utm_campaign,
        unit(user_num, day_num, session_num, slot, 40) as bad_draw
    from slots
    where slot = 0
       or (slot between 1 and 5 and draw < 0.95 - 0.15 * slot)
       or (slot = 6 and has_cart)
       or (slot = 7 and buyer and has_cart and (draw < 0.45 or first_purchase))
       or (slot = 8 and draw < 0.05)
),

with_bad_rows as (
    select
        case when bad_draw < 0.0004 then null else user_id end as user_id,
        case when bad_draw between 0.0004 and 0.0008 then null else event_name end as event_name,
        event_id,
        case when bad_draw between 0.0008 and 0.0012 then null
             when bad_draw between 0.0012 and 0.0016 then event_timestamp - interval 2 day
             else event_timestamp end as event_timestamp,
        folder_date, country, device_os, app_version, utm_source, utm_medium, utm_campaign
    from events
    union all
    -- Re-sent events: an exact copy with the same event_id.
    select user_id, event_name, event_id, event_timestamp, folder_date, country, device_os,
           app_version, utm_source, utm_medium, utm_campaign
    from events
    where bad_draw > 0.999
)

select
    event_id, user_id, event_name, event_timestamp, country, device_os, app_version,
    utm_source, utm_medium, utm_campaign,
    strftime(folder_date, '%Y-%m-%d') as date
from with_bad_rows
