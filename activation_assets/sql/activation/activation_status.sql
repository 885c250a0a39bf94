-- Every known user's status in each period of [$first_period, $last_period], from the
-- users known at each period's end (FirstLast of its last day), who was active in each
-- period and in the one before it, and, for runs of active periods that began before
-- the range, the run length in the period before the range (the seed status).
-- A status follows from those alone: active in P gives the state, else inactive once
-- known; the previous status is the state in prev(P), else inactive once known; the
-- inactivity count is periods since the last active day; only the run of active
-- periods is a gaps-and-islands count over the range, continued from the seed.
-- Uses the grain macros periods_between / next_period_start / inactivity_bucket.
-- Params: $first_period, $last_period, $seed_period (the period before $first_period),
-- $is_first_partition ($first_period is the table's first partition).
with known_users as (
    select period_start(snapshot_date) as period_start, user_id, first_date, last_date
    from {first_last}
    where snapshot_date between $first_period and next_period_start($last_period) - 1
      and snapshot_date = next_period_start(period_start(snapshot_date)) - 1
),

activity as (
    select period_start, user_id, state, return_interval
    from {activation}
    where period_start between $seed_period and $last_period
),

islands as (
    -- Consecutive active periods of a user share an island: their index minus their rank.
    select
        period_start,
        user_id,
        state,
        return_interval,
        periods_between($first_period, period_start)
            - row_number() over (partition by user_id order by period_start) as island
    from activity
    where period_start >= $first_period
),

runs as (
    select
        period_start,
        user_id,
        state,
        return_interval,
        row_number() over (partition by user_id, island order by period_start) as run_in_range,
        -- An island that opens the range retained continues a run from before it.
        min(period_start) over (partition by user_id, island) = $first_period
            and arg_min(state, period_start) over (partition by user_id, island) = 'retained' as continues_seed
    from islands
),

seed_runs as (
    -- Before the first partition there are only days on or after start_date, in which
    -- every user seen was new: a run of 1.
    select user_id, consecutive_active_periods
    from {status}
    where period_start = $seed_period and not $is_first_partition
),

touched as (
    -- The users active in P or in prev(P), per period P of the range: every other known
    -- user is inactive in both. Combined first, so the known users are joined once.
    select
        coalesce(a.period_start, next_period_start(b.period_start)) as period_start,
        coalesce(a.user_id, b.user_id) as user_id,
        a.state,
        a.return_interval,
        a.run_in_range
            + case when not a.continues_seed then 0
                   when $is_first_partition then 1
                   else s.consecutive_active_periods end as run,
        b.state as previous_state
    from (select * from runs) as a
    full outer join (
        select * from activity where period_start < $last_period
    ) as b on b.user_id = a.user_id and next_period_start(b.period_start) = a.period_start
    left join seed_runs as s on s.user_id = a.user_id and a.continues_seed
),

statuses as (
    select
        k.period_start,
        k.user_id,
        k.first_date,
        k.last_date,
        t.state is not null as is_active,
        coalesce(t.state, 'inactive') as status,
        case
            when t.previous_state is not null then t.previous_state
            when k.first_date < k.period_start then
                case when $is_first_partition and k.period_start = $first_period then 'new' else 'inactive' end
        end as previous_status,
        t.return_interval,
        t.run
    from known_users as k
    left join touched as t on t.period_start = k.period_start and t.user_id = k.user_id
)

select
    period_start,
    user_id,
    status,
    previous_status,
    case
        -- Most rows: a constant, not a string built per row.
        when status = 'inactive' and previous_status = 'inactive' then 'inactive_to_inactive'
        else coalesce(previous_status, 'none') || '_to_' || status
    end as transition,
    case when is_active then run else 0 end as consecutive_active_periods,
    case when is_active then 0 else periods_between(last_date, period_start) end as inactive_periods,
    periods_between(first_date, period_start) as periods_since_first_active,
    first_date as first_active_date,
    last_date as last_active_date,
    case
        when not is_active then inactivity_bucket(periods_between(last_date, period_start))
        when status = 'reactivated' then inactivity_bucket(return_interval - 1)
    end as inactivity_bucket
from statuses
