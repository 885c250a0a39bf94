-- Per period of the run: known users, active, inactive, and churned (active before, inactive now).
select
    period_start as partition_start,
    count(*) as known_users,
    count(*) filter (where status <> 'inactive') as active_users,
    count(*) filter (where status = 'inactive') as inactive_users,
    count(*) filter (where status = 'inactive' and previous_status <> 'inactive') as churned_users
from {table}
where period_start between $first_start and $last_start
group by period_start
