-- Users active in each given period and their state, from the periods' facts and the
-- FirstLast snapshot of the day before each period starts. The periods are independent
-- of each other, so several consecutive ones are written by one statement.
-- Uses the grain macros period_start / periods_between.
-- Params: $range_end (the end of the last period, exclusive), $first_snapshot and
-- $last_snapshot (the days before the first and the last period start: they bound the
-- scans to the days and snapshots read).
with active_days as (
    select distinct event_date, user_id
    from {facts}
    where event_date >= $first_snapshot + 1 and event_date < $range_end
),

period_activity as (
    -- Grouped from the distinct (day, user) pairs: cheaper than a distinct count.
    select
        period_start(event_date) as period_start,
        user_id,
        count(*) as active_days,
        min(event_date) as first_day_in_period
    from active_days
    group by all
),

known_before as (
    -- The period's active users in the snapshot of the day before it starts: the
    -- semi join builds on the active users and probes the snapshots, never the reverse.
    select k.snapshot_date + 1 as period_start, k.user_id, k.first_date, k.last_date
    from {first_last} as k
    semi join period_activity as a on a.period_start = k.snapshot_date + 1 and a.user_id = k.user_id
    where k.snapshot_date between $first_snapshot and $last_snapshot
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
