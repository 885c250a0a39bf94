-- Differences between users with first_date = D and users active on D but absent on D - 1.
with snapshot_new as (
    select snapshot_date as day, user_id
    from activation.{fact}_first_last
    where snapshot_date in (select partition_start from check_scope) and first_date = snapshot_date
),

first_seen as (
    select distinct f.event_date as day, f.user_id
    from fact.{fact} as f
    where f.event_date in (select partition_start from check_scope)
      and not exists (
          select 1 from activation.{fact}_first_last as p
          where p.snapshot_date = f.event_date - 1 and p.user_id = f.user_id
      )
)

select day, user_id, 'first_date is today but the user was known before or inactive' as problem
from (select * from snapshot_new except select * from first_seen)
union all
select day, user_id, 'first seen today but first_date is not today'
from (select * from first_seen except select * from snapshot_new)
