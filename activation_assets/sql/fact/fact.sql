-- One fact's events: the events of base.events whose name counts for the fact. Defined
-- as a view, so a fact never copies events and always shows its base partitions.
-- {event_filter} is `true` (every event) or `event_name in (<quoted names>)`.
select
    user_id,
    event_date,
    event_datetime,
    event_name,
    event_id
from base.events
where {event_filter}
