-- Users with the fact on day D whose snapshot of D does not say last_date = D.
with snapshots as (
    select snapshot_date, user_id, last_date
    from activation.{fact}_first_last
    where snapshot_date in (select partition_start from check_scope)
)

select distinct f.event_date, f.user_id, s.last_date
from fact.{fact} as f
left join snapshots as s
  on s.snapshot_date = f.event_date and s.user_id = f.user_id
where f.event_date in (select partition_start from check_scope)
  and s.last_date is distinct from f.event_date
