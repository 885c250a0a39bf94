-- The active-user decomposition of each given period, counted from the status table.
-- Every period gets its row, also when nobody is known or active in it.
-- Params: $period_starts (a list of period starts).
with periods as (
    select unnest(cast($period_starts as date[])) as period_start
),

counts as (
    select
        period_start,
        count(*) filter (where status <> 'inactive') as active_users,
        count(*) filter (where status = 'new') as new_users,
        count(*) filter (where status = 'retained') as retained_users,
        count(*) filter (where status = 'reactivated') as reactivated_users,
        count(*) filter (where status = 'inactive' and previous_status <> 'inactive') as churned_users
    from {status}
    where list_contains(cast($period_starts as date[]), period_start)
    group by all
),

filled as (
    select
        p.period_start,
        coalesce(c.active_users, 0) as active_users,
        coalesce(c.new_users, 0) as new_users,
        coalesce(c.retained_users, 0) as retained_users,
        coalesce(c.reactivated_users, 0) as reactivated_users,
        coalesce(c.churned_users, 0) as churned_users
    from periods as p
    left join counts as c using (period_start)
)

select
    period_start,
    active_users,
    new_users,
    retained_users,
    reactivated_users,
    churned_users,
    retained_users / nullif(retained_users + churned_users, 0) as retention_rate,
    (new_users + reactivated_users) / nullif(churned_users, 0) as quick_ratio
from filled
