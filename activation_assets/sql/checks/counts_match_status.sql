-- Periods whose decomposition differs from the status table or breaks its identities.
with counted as (
    select
        period_start,
        count(*) filter (where status <> 'inactive') as active_users,
        count(*) filter (where status = 'new') as new_users,
        count(*) filter (where status = 'retained') as retained_users,
        count(*) filter (where status = 'reactivated') as reactivated_users,
        count(*) filter (where status = 'inactive' and previous_status <> 'inactive') as churned_users
    from {status}
    where period_start in (select partition_start from check_scope)
    group by all
)

select a.*, c.active_users as status_active_users, c.new_users as status_new_users,
       c.retained_users as status_retained_users, c.reactivated_users as status_reactivated_users,
       c.churned_users as status_churned_users
from {active_users} as a
left join counted as c using (period_start)
where a.period_start in (select partition_start from check_scope)
  and (a.active_users <> a.new_users + a.retained_users + a.reactivated_users
       or a.active_users <> coalesce(c.active_users, 0)
       or a.new_users <> coalesce(c.new_users, 0)
       or a.retained_users <> coalesce(c.retained_users, 0)
       or a.reactivated_users <> coalesce(c.reactivated_users, 0)
       or a.churned_users <> coalesce(c.churned_users, 0))
