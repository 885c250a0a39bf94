-- The raw rows that belong to the local-day partitions [$first_date, $last_date], each
-- with its partition, its local wall-clock time and the first cleaning rule it breaks
-- (null: none). Repeated event_ids are found afterwards, among the rows that break no
-- rule (base/duplicate_copies). Params: $timezone (reporting timezone), $first_date,
-- $last_date.
with placed as (
    select
        *,
        -- The UTC day as microseconds since the epoch: the same test as a UTC date
        -- comparison, without a time-zone conversion per row.
        coalesce(
            epoch_us(event_ts) >= (folder_date - date '1970-01-01') * 86400000000
            and epoch_us(event_ts) < (folder_date - date '1970-01-01' + 1) * 86400000000,
            false
        ) as is_on_folder_date,
        -- In UTC the wall-clock time has the instant's microseconds (no time-zone
        -- library call per row); elsewhere it is converted.
        case
            when $timezone = 'UTC' then make_timestamp(epoch_us(event_ts))
            else timezone($timezone, event_ts)
        end as event_datetime
    from raw_events
),

assigned as (
    -- A row belongs to the local day of its timestamp when that timestamp lies on its
    -- folder's UTC date; any other row to the local day holding noon UTC of its folder
    -- date, so every raw row is counted in exactly one partition.
    select
        *,
        case
            when is_on_folder_date then cast(event_datetime as date)
            else cast(timezone($timezone, timezone('UTC', folder_date + interval 12 hour)) as date)
        end as partition_date
    from placed
)

select
    * exclude (is_on_folder_date),
    case
        when nullif(trim(user_id), '') is null then 'missing_user_id'
        when nullif(trim(event_name), '') is null then 'missing_event_name'
        when event_ts is null then 'bad_timestamp'
        when not is_on_folder_date then 'timestamp_outside_partition'
    end as rule_reject_reason
from assigned
where partition_date between $first_date and $last_date
