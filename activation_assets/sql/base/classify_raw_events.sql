-- Classifies the staged raw rows that belong to the local-day partitions
-- [$first_date, $last_date]. Kept rows have reject_reason null; every other row carries
-- the first rule it breaks. Params: $timezone (reporting timezone), $first_date, $last_date.
with parsed as (
    select
        *,
        rowid as raw_row,
        try_cast(event_timestamp as timestamptz) as event_ts
    from raw_events
),

placed as (
    select
        *,
        -- The UTC day as microseconds since the epoch: the same test as a UTC date
        -- comparison, without a time-zone conversion per row.
        coalesce(
            epoch_us(event_ts) >= (folder_date - date '1970-01-01') * 86400000000
            and epoch_us(event_ts) < (folder_date - date '1970-01-01' + 1) * 86400000000,
            false
        ) as is_on_folder_date
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

rule_checked as materialized (
    select
        *,
        case
            when nullif(trim(user_id), '') is null then 'missing_user_id'
            when nullif(trim(event_name), '') is null then 'missing_event_name'
            when event_ts is null then 'bad_timestamp'
            when not is_on_folder_date then 'timestamp_outside_partition'
        end as rule_reject_reason
    from assigned
    where partition_date between $first_date and $last_date
),

duplicate_ids as (
    select partition_date, event_id
    from rule_checked
    where rule_reject_reason is null and event_id is not null
    group by partition_date, event_id
    having count(*) > 1
),

later_copies as (
    -- Among otherwise valid rows of a day sharing an event_id the earliest is kept; the order
    -- runs over every column so the choice never depends on file scan order. Only the
    -- few repeated ids are sorted.
    select raw_row
    from (
        select
            raw_row,
            row_number() over (
                partition by partition_date, event_id
                order by event_ts, source_file, user_id, event_name, event_timestamp, country,
                         device_os, app_version, utm_source, utm_medium, utm_campaign
            ) as copy_number
        from rule_checked
        semi join duplicate_ids using (partition_date, event_id)
        where rule_reject_reason is null
    )
    where copy_number > 1
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
        case when raw_row in (select raw_row from later_copies) then 'duplicate_event_id' end
    ) as reject_reason
from rule_checked
