-- Users active in each given period and their state, from the periods' facts and the
-- FirstLast snapshot of the day before each period starts. The periods are independent
-- of each other, so several consecutive ones are written by one statement.
-- Uses the grain macros period_start / periods_between.
-- Params: $period_starts (consecutive periods), $range_end (the end of the last one,
-- exclusive), $first_snapshot and $last_snapshot (the days before the first and the last
-- period start: they bound the snapshot scan to the snapshots read).
with periods as (
    select unnest(cast($period_starts as date[])) as period_start
),

period_activity as (
    select
        period_start(event_date) as period_start,
        user_id,
        count(distinct event_date) as active_days,
        min(event_date) as first_day_in_period
    from fact.{fact}
    where event_date >= $first_snapshot + 1 and event_date < $range_end
    group by all
),

known_before as (
    select snapshot_date + 1 as period_start, user_id, first_date, last_date
    from activation.{fact}_first_last
    where snapshot_date between $first_snapshot and $last_snapshot
      and snapshot_date + 1 in (select period_start from periods)
)

select
    a.period_start,
    a.user_id,
    case
        when k.user_id is null then 'new'
        when periods_between(k.last_date, a.period_start) = 1 then 'retained'
        else 'reactivated'
    end as state,
    coalesce(k.first_date, a.first_day_in_period) as first_active_date,
    k.last_date as previous_active_date,
    periods_between(k.last_date, a.period_start) as return_interval,
    a.active_days
from period_activity as a
left join known_before as k using (period_start, user_id)
