-- The rejected rows of the classified partition, raw values kept as read.
select
    partition_date,
    reject_reason,
    source_file,
    event_id,
    user_id,
    event_name,
    event_timestamp,
    country,
    device_os,
    app_version,
    utm_source,
    utm_medium,
    utm_campaign
from classified_events
where reject_reason is not null
