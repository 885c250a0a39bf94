-- Each given period's active users by their number of active days, a row for every
-- number from 1 to the period's length (also when nobody had it), with the share of the
-- period's active users active on at least that many days.
-- Uses the grain macro next_period_start. Params: $period_starts, $day_counts (1 to the
-- longest period's length).
with slots as (
    select p.period_start, cast(d.active_days as integer) as active_days
    from (select unnest(cast($period_starts as date[])) as period_start) as p
    cross join (select unnest(cast($day_counts as integer[])) as active_days) as d
    where d.active_days <= date_diff('day', p.period_start, next_period_start(p.period_start))
),

counted as (
    select period_start, active_days, count(*) as users
    from {activation}
    where list_contains(cast($period_starts as date[]), period_start)
    group by all
),

filled as (
    select s.period_start, s.active_days, coalesce(c.users, 0) as users
    from slots as s
    left join counted as c on c.period_start = s.period_start and c.active_days = s.active_days
)

select
    period_start,
    active_days,
    users,
    sum(users) over (partition by period_start order by active_days desc
                     rows between unbounded preceding and current row)
        / nullif(sum(users) over (partition by period_start), 0) as cumulative_share
from filled
