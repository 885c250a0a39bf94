-- Periods whose activation rows differ from the distinct users with the fact in the period.
with stated as (
    select period_start, count(*) as stated_users,
           count(*) filter (where state in ('new', 'retained', 'reactivated')) as valid_states
    from activation.{fact}_activation_{grain}
    where period_start in (select partition_start from check_scope)
    group by all
),

active as (
    select s.partition_start as period_start, count(distinct f.user_id) as active_users
    from check_scope as s
    left join fact.{fact} as f
      on f.event_date >= s.partition_start and f.event_date < next_period_start(s.partition_start)
    group by all
)

select a.period_start, a.active_users, coalesce(t.stated_users, 0) as stated_users,
       coalesce(t.valid_states, 0) as valid_states
from active as a
left join stated as t using (period_start)
where coalesce(t.stated_users, 0) <> a.active_users or coalesce(t.valid_states, 0) <> a.active_users
