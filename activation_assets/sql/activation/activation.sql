-- Users active in one period and their state, from the period's facts and the
-- FirstLast snapshot of the day before the period starts.
-- Uses the grain macros period_start / periods_between.
-- Params: $period_start, $period_end (exclusive).
with period_activity as (
    select
        user_id,
        count(distinct event_date) as active_days,
        min(event_date) as first_day_in_period
    from fact.{fact}
    where event_date >= $period_start and event_date < $period_end
    group by user_id
),

known_before as (
    select user_id, first_date, last_date
    from activation.{fact}_first_last
    where snapshot_date = cast($period_start as date) - 1
)

select
    cast($period_start as date) as period_start,
    a.user_id,
    case
        when k.user_id is null then 'new'
        when periods_between(k.last_date, $period_start) = 1 then 'retained'
        else 'reactivated'
    end as state,
    coalesce(k.first_date, a.first_day_in_period) as first_active_date,
    k.last_date as previous_active_date,
    periods_between(k.last_date, $period_start) as return_interval,
    a.active_days
from period_activity as a
left join known_before as k using (user_id)
