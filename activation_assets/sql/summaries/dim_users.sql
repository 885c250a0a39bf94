-- Per day of the run: the users its events merged into mart.dim_users (its load
-- record's count) and the users whose first event was that day.
with first_seen as (
    select first_date, count(*) as new_users
    from mart.dim_users
    where first_date between $first_start and $last_start
    group by first_date
)

select
    l.partition_start,
    l.row_count as users_merged,
    coalesce(f.new_users, 0) as new_users
from meta.partition_loads as l
left join first_seen as f on f.first_date = l.partition_start
where l.table_name = 'mart.dim_users'
  and l.partition_start between $first_start and $last_start
