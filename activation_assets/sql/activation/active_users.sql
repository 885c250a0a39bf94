-- The active-user decomposition of one period, counted from the status table.
-- Params: $period_start.
with counts as (
    select
        count(*) filter (where status <> 'inactive') as active_users,
        count(*) filter (where status = 'new') as new_users,
        count(*) filter (where status = 'retained') as retained_users,
        count(*) filter (where status = 'reactivated') as reactivated_users,
        count(*) filter (where status = 'inactive' and previous_status <> 'inactive') as churned_users
    from activation.{fact}_activation_status_{grain}
    where period_start = $period_start
)

select
    cast($period_start as date) as period_start,
    active_users,
    new_users,
    retained_users,
    reactivated_users,
    churned_users,
    retained_users / nullif(retained_users + churned_users, 0) as retention_rate,
    (new_users + reactivated_users) / nullif(churned_users, 0) as quick_ratio
from counts
