-- Periods where the status rows are not exactly the users known at the period's end.
with known as (
    select s.partition_start as period_start, f.user_id
    from check_scope as s
    join activation.{fact}_first_last as f on f.snapshot_date = next_period_start(s.partition_start) - 1
),

listed as (
    select period_start, user_id
    from activation.{fact}_activation_status_{grain}
    where period_start in (select partition_start from check_scope)
)

select period_start, user_id, 'known at the end of the period but has no status row' as problem
from (select * from known except all select * from listed)
union all
select period_start, user_id, 'status row for a user not known, or listed twice'
from (select * from listed except all select * from known)
