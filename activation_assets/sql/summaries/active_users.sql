-- Per period of the run: its decomposition row as it stands.
select
    period_start as partition_start,
    active_users, new_users, retained_users, reactivated_users, churned_users, retention_rate, quick_ratio
from {table}
where period_start between $first_start and $last_start
