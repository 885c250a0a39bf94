-- Periods where the users active in the previous period are not retained + churned.
with this_period as (
    select
        period_start,
        count(*) filter (where status = 'retained') as retained_users,
        count(*) filter (where status = 'inactive' and previous_status <> 'inactive') as churned_users,
        count(*) filter (where previous_status in ('new', 'retained', 'reactivated')) as previously_active
    from {status}
    where period_start in (select partition_start from check_scope)
    group by all
),

previous_period as (
    select next_period_start(period_start) as period_start, count(*) as active_users
    from {status}
    where period_start in (select period_start(partition_start - 1) from check_scope)
      and status <> 'inactive'
    group by all
)

select t.period_start, p.active_users as previous_active_users, t.retained_users, t.churned_users,
       t.previously_active
from this_period as t
left join previous_period as p using (period_start)
where t.retained_users + t.churned_users <> t.previously_active
   or (p.period_start is not null and p.active_users <> t.retained_users + t.churned_users)
