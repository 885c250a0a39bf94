-- Periods whose activation rows differ from the distinct users with the fact in the period.
with stated as (
    select period_start, count(*) as stated_users,
           count(*) filter (where state in ('new', 'retained', 'reactivated')) as valid_states
    from {activation}
    where period_start in (select partition_start from check_scope)
    group by all
),

active as (
    -- Fact events grouped by their period (an equality, not a range join per period).
    select period_start(event_date) as period_start, count(distinct user_id) as active_users
    from {facts}
    where event_date >= (select min(partition_start) from check_scope)
      and event_date < (select max(next_period_start(partition_start)) from check_scope)
      and period_start(event_date) in (select partition_start from check_scope)
    group by all
)

select s.partition_start as period_start, coalesce(a.active_users, 0) as active_users,
       coalesce(t.stated_users, 0) as stated_users, coalesce(t.valid_states, 0) as valid_states
from check_scope as s
left join active as a on a.period_start = s.partition_start
left join stated as t on t.period_start = s.partition_start
where coalesce(t.stated_users, 0) <> coalesce(a.active_users, 0)
   or coalesce(t.valid_states, 0) <> coalesce(a.active_users, 0)
