-- Each given period's users by (previous status, status), counted from the status table.
-- Params: $period_starts (a list of period starts).
with counted as (
    select period_start, previous_status, status, count(*) as users
    from {status}
    where list_contains(cast($period_starts as date[]), period_start)
    group by all
)

select
    period_start,
    previous_status,
    status,
    users,
    case when previous_status is not null
        then users / sum(users) over (partition by period_start, previous_status)
    end as share_of_previous
from counted
