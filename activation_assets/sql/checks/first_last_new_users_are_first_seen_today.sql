-- Differences between users with first_date = D and users active on D but absent on D - 1.
with snapshot_new as (
    select snapshot_date as day, user_id
    from activation.{fact}_first_last
    where snapshot_date in (select partition_start from check_scope) and first_date = snapshot_date
),

known_the_day_before as (
    select snapshot_date + 1 as day, user_id
    from activation.{fact}_first_last
    where snapshot_date in (select partition_start - 1 from check_scope)
),

first_seen as (
    select distinct f.event_date as day, f.user_id
    from fact.{fact} as f
    anti join known_the_day_before as k on k.day = f.event_date and k.user_id = f.user_id
    where f.event_date in (select partition_start from check_scope)
)

select day, user_id, 'first_date is today but the user was known before or inactive' as problem
from (select * from snapshot_new except select * from first_seen)
union all
select day, user_id, 'first seen today but first_date is not today'
from (select * from first_seen except select * from snapshot_new)
