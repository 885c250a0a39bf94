-- Per period of the run: active users by state.
select
    period_start as partition_start,
    count(*) as active_users,
    count(*) filter (where state = 'new') as new_users,
    count(*) filter (where state = 'retained') as retained_users,
    count(*) filter (where state = 'reactivated') as reactivated_users
from {table}
where period_start between $first_start and $last_start
group by period_start
