-- The kept rows of the classified partitions, with local date and wall-clock time.
select
    event_id,
    user_id,
    event_name,
    event_ts,
    partition_date as event_date,
    event_datetime,
    country,
    device_os,
    app_version,
    utm_source,
    utm_medium,
    utm_campaign
from classified_events
where reject_reason is null
