-- Snapshots with fewer users than the snapshot of the day before.
with sizes as (
    select snapshot_date, count(*) as users
    from activation.{fact}_first_last
    where snapshot_date in (
        select partition_start from check_scope
        union all
        select partition_start - 1 from check_scope
    )
    group by all
)

select today.snapshot_date, today.users, yesterday.users as previous_users
from sizes as today
join sizes as yesterday on yesterday.snapshot_date = today.snapshot_date - 1
where today.snapshot_date in (select partition_start from check_scope)
  and today.users < yesterday.users
