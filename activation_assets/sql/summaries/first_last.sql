-- Per snapshot day of the run: users known, active that day, first seen that day.
select
    snapshot_date as partition_start,
    count(*) as known_users,
    count(*) filter (where last_date = snapshot_date) as active_users,
    count(*) filter (where first_date = snapshot_date) as new_users
from {table}
where snapshot_date between $first_start and $last_start
group by snapshot_date
