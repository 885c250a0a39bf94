-- Snapshot of day D: the snapshot of D - 1 merged with the fact's activity on D.
-- Never reads more history than one snapshot and one day of facts.
-- Params: $partition_date (D).
with previous_snapshot as (
    select user_id, first_date, first_datetime, last_date, last_datetime, active_days
    from activation.{fact}_first_last
    where snapshot_date = cast($partition_date as date) - 1
),

todays_activity as (
    select
        user_id,
        min(event_datetime) as first_datetime,
        max(event_datetime) as last_datetime
    from fact.{fact}
    where event_date = $partition_date
    group by user_id
)

select
    cast($partition_date as date) as snapshot_date,
    user_id,
    coalesce(p.first_date, cast($partition_date as date)) as first_date,
    coalesce(p.first_datetime, t.first_datetime) as first_datetime,
    case when t.user_id is null then p.last_date else cast($partition_date as date) end as last_date,
    coalesce(t.last_datetime, p.last_datetime) as last_datetime,
    coalesce(p.active_days, 0) + case when t.user_id is null then 0 else 1 end as active_days
from previous_snapshot as p
full outer join todays_activity as t using (user_id)
