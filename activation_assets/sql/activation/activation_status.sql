-- Every known user's status in one period, from the users known at the period's end
-- (FirstLast of its last day), who was active in it, and the previous period's status.
-- Uses the grain macros periods_between / inactivity_bucket.
-- Params: $period_start, $period_end (exclusive), $previous_period_start, $is_first_period.
with known_users as (
    select user_id, first_date, last_date
    from activation.{fact}_first_last
    where snapshot_date = cast($period_end as date) - 1
),

active_in_period as (
    select user_id, state, return_interval
    from activation.{fact}_activation_{grain}
    where period_start = $period_start
),

previous_status as (
    select user_id, status, consecutive_active_periods, inactive_periods
    from activation.{fact}_activation_status_{grain}
    where period_start = $previous_period_start and not $is_first_period
    union all
    -- The first partition's previous period holds only days on or after start_date,
    -- so every user seen by then was new in it.
    select user_id, 'new', 1, 0
    from activation.{fact}_first_last
    where snapshot_date = cast($period_start as date) - 1 and $is_first_period
)

select
    cast($period_start as date) as period_start,
    k.user_id,
    coalesce(a.state, 'inactive') as status,
    p.status as previous_status,
    coalesce(p.status, 'none') || '_to_' || coalesce(a.state, 'inactive') as transition,
    case
        when a.user_id is null then 0
        when a.state = 'retained' then p.consecutive_active_periods + 1
        else 1
    end as consecutive_active_periods,
    case when a.user_id is null then p.inactive_periods + 1 else 0 end as inactive_periods,
    periods_between(k.first_date, $period_start) as periods_since_first_active,
    k.first_date as first_active_date,
    k.last_date as last_active_date,
    case
        when a.user_id is null then inactivity_bucket(p.inactive_periods + 1)
        when a.state = 'reactivated' then inactivity_bucket(a.return_interval - 1)
    end as inactivity_bucket
from known_users as k
left join active_in_period as a using (user_id)
left join previous_status as p using (user_id)
