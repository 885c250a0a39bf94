-- Per period of the run: its active users and their mean number of active days.
select
    period_start as partition_start,
    sum(users) as active_users,
    sum(users * active_days) / nullif(sum(users), 0) as mean_active_days
from {table}
where period_start between $first_start and $last_start
group by all
