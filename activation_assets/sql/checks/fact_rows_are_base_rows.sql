-- Fact rows with no identical event in base.events of the same day.
select f.*
from fact.{fact} as f
where f.event_date in (select partition_start from check_scope)
  and not exists (
      select 1
      from base.events as b
      where b.event_date = f.event_date
        and b.user_id = f.user_id
        and b.event_name = f.event_name
        and b.event_datetime = f.event_datetime
        and b.event_id is not distinct from f.event_id
  )
