-- Records the merged days of mart.dim_users as loaded, each with the users it merged.
-- Params: $days (consecutive).
with merged_days as (
    select unnest(cast($days as date[])) as day
),

day_users as (
    select event_date as day, count(distinct user_id) as users
    from base.events
    where event_date between list_min(cast($days as date[])) and list_max(cast($days as date[]))
    group by event_date
)

insert or replace into meta.partition_loads
select 'mart.dim_users', day, coalesce(users, 0), now()
from merged_days
left join day_users using (day)
