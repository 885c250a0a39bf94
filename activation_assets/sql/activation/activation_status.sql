-- Every known user's status in one period, from the users known at the period's end
-- (FirstLast of its last day) and who was active in this period and the one before.
-- A user's status before P follows from those alone (active then, else inactive once
-- known), and so does the inactivity count (periods since the last active day); only
-- the run of active periods needs the previous period's status, and only for the
-- users retained in P, so the per-user joins all have a small side, and the known
-- users are joined once.
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

active_in_previous_period as (
    select user_id, state
    from activation.{fact}_activation_{grain}
    where period_start = $previous_period_start and not $is_first_period
),

previous_runs as (
    -- The run of active periods ending at prev(P) of each user retained in P. Before
    -- the first partition there are only days on or after start_date, in which every
    -- user seen was new: a run of 1.
    select s.user_id, s.consecutive_active_periods
    from activation.{fact}_activation_status_{grain} as s
    semi join active_in_period as a on a.user_id = s.user_id and a.state = 'retained'
    where s.period_start = $previous_period_start and not $is_first_period
),

touched as (
    -- The users active in P or in prev(P): every other known user is inactive in both.
    -- Combined first, so the known users are joined once, to this small side.
    select
        coalesce(a.user_id, b.user_id) as user_id,
        a.state,
        a.return_interval,
        b.state as previous_state,
        r.consecutive_active_periods as previous_run
    from active_in_period as a
    full outer join active_in_previous_period as b on b.user_id = a.user_id
    left join previous_runs as r on r.user_id = a.user_id
),

statuses as (
    select
        k.user_id,
        k.first_date,
        k.last_date,
        t.state is not null as is_active,
        coalesce(t.state, 'inactive') as status,
        case
            when t.previous_state is not null then t.previous_state
            when k.first_date < $period_start then case when $is_first_period then 'new' else 'inactive' end
        end as previous_status,
        t.return_interval,
        case when $is_first_period then 1 else t.previous_run end as previous_run
    from known_users as k
    left join touched as t using (user_id)
)

select
    cast($period_start as date) as period_start,
    user_id,
    status,
    previous_status,
    case
        -- Most rows: a constant, not a string built per row.
        when status = 'inactive' and previous_status = 'inactive' then 'inactive_to_inactive'
        else coalesce(previous_status, 'none') || '_to_' || status
    end as transition,
    case
        when not is_active then 0
        when status = 'retained' then previous_run + 1
        else 1
    end as consecutive_active_periods,
    case when is_active then 0 else periods_between(last_date, $period_start) end as inactive_periods,
    periods_between(first_date, $period_start) as periods_since_first_active,
    first_date as first_active_date,
    last_date as last_active_date,
    case
        when not is_active then inactivity_bucket(periods_between(last_date, $period_start))
        when status = 'reactivated' then inactivity_bucket(return_interval - 1)
    end as inactivity_bucket
from statuses
