-- Per day of the run: raw rows read, events kept, and their distinct users.
with kept as (
    select event_date, count(*) as events, count(distinct user_id) as distinct_users
    from base.events
    where event_date between $first_start and $last_start
    group by event_date
)

select
    r.partition_date as partition_start,
    r.rows_read,
    coalesce(k.events, 0) as events,
    coalesce(k.distinct_users, 0) as distinct_users
from meta.raw_reads as r
left join kept as k on k.event_date = r.partition_date
where r.partition_date between $first_start and $last_start
