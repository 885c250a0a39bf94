-- One fact's events of the local days [$first_date, $last_date]: all events, or only the
-- configured event names. Params: $first_date, $last_date, $event_names (null = every event).
select
    user_id,
    event_date,
    event_datetime,
    event_name,
    event_id
from base.events
where event_date between $first_date and $last_date
  and (cast($event_names as varchar[]) is null or list_contains(cast($event_names as varchar[]), event_name))
