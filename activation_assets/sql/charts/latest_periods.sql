-- The decomposition of the latest $periods periods up to $through of an active-users
-- table, oldest first.
select *
from (
    select
        period_start, active_users, new_users, retained_users, reactivated_users, churned_users,
        retention_rate, quick_ratio
    from {table}
    where period_start <= $through
    order by period_start desc
    limit $periods
)
order by period_start
