-- Classifies the staged raw rows that belong to one local-day partition.
-- Kept rows have reject_reason null; every other row carries the first rule it breaks.
-- Params: $timezone (reporting timezone), $partition_date (the local day).
with parsed as (
    select
        *,
        try_cast(event_timestamp as timestamptz) as event_ts
    from raw_events
),

placed as (
    select
        *,
        coalesce(cast(timezone('UTC', event_ts) as date) = folder_date, false) as is_on_folder_date
    from parsed
),

assigned as (
    -- A row belongs to the local day of its timestamp when that timestamp lies on its
    -- folder's UTC date; any other row to the local day holding noon UTC of its folder
    -- date, so every raw row is counted in exactly one partition.
    select
        *,
        cast(timezone(
            $timezone,
            case when is_on_folder_date then event_ts
                 else timezone('UTC', folder_date + interval 12 hour) end
        ) as date) as partition_date
    from placed
),

rule_checked as (
    select
        *,
        case
            when nullif(trim(user_id), '') is null then 'missing_user_id'
            when nullif(trim(event_name), '') is null then 'missing_event_name'
            when event_ts is null then 'bad_timestamp'
            when not is_on_folder_date then 'timestamp_outside_partition'
        end as rule_reject_reason
    from assigned
    where partition_date = $partition_date
),

ranked as (
    -- Among otherwise valid rows sharing an event_id the earliest is kept; the order
    -- runs over every column so the choice never depends on file scan order.
    select
        *,
        row_number() over (
            partition by rule_reject_reason is null, event_id
            order by event_ts, source_file, user_id, event_name, event_timestamp, country,
                     device_os, app_version, utm_source, utm_medium, utm_campaign
        ) as event_id_rank
    from rule_checked
)

select
    partition_date,
    source_file,
    event_id,
    user_id,
    event_name,
    event_timestamp,
    event_ts,
    country,
    device_os,
    app_version,
    utm_source,
    utm_medium,
    utm_campaign,
    coalesce(
        rule_reject_reason,
        case when event_id is not null and event_id_rank > 1 then 'duplicate_event_id' end
    ) as reject_reason
from ranked
