-- Fact partitions whose rows are not exactly the day's base events that count for the
-- fact ({event_filter}). The sides are compared by row count and the sum of the rows'
-- hashes (see every_known_user_once): a missing, added, repeated or altered event
-- changes one of them, and neither side is grouped by event. As base.events is unique on
-- (event_date, event_id) (its own check), equal sides also prove the fact unique on it.
with fact_side as (
    select
        event_date,
        count(*) as events,
        sum(hash(event_id, user_id, event_name, event_datetime)::hugeint) as events_hash
    from {facts}
    where event_date in (select partition_start from check_scope)
    group by all
),

base_side as (
    select
        event_date,
        count(*) as events,
        sum(hash(event_id, user_id, event_name, event_datetime)::hugeint) as events_hash
    from base.events
    where event_date in (select partition_start from check_scope)
      and {event_filter}
    group by all
)

select
    s.partition_start as event_date,
    coalesce(f.events, 0) as fact_events,
    coalesce(b.events, 0) as base_events_that_count
from check_scope as s
left join fact_side as f on f.event_date = s.partition_start
left join base_side as b on b.event_date = s.partition_start
where coalesce(f.events, 0) <> coalesce(b.events, 0)
   or coalesce(f.events_hash, 0) <> coalesce(b.events_hash, 0)
