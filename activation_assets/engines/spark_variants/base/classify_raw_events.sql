-- Spark's version of sql/base/classify_raw_events.sql: the same partitions, wall-clock
-- times and rules. It cannot be shared because DuckDB's timezone() converts in the
-- direction its argument's type says, while Spark names the two directions
-- (from_utc_timestamp), and Spark has no `* exclude`. The session time zone is UTC, so
-- a date or a wall-clock cast of an instant is its UTC one.
-- Params: $timezone, $first_date, $last_date.
with placed as (
    select
        *,
        coalesce(cast(event_ts as date) = folder_date, false) as is_on_folder_date,
        cast(from_utc_timestamp(event_ts, $timezone) as timestamp_ntz) as event_datetime
    from raw_events
),

assigned as (
    -- A row belongs to the local day of its timestamp when that timestamp lies on its
    -- folder's UTC date; any other row to the local day holding noon UTC of its folder date.
    select
        *,
        case
            when is_on_folder_date then cast(event_datetime as date)
            else cast(from_utc_timestamp(cast(folder_date as timestamptz) + interval 12 hour, $timezone) as date)
        end as partition_date
    from placed
)

select
    raw_row, source_file, folder_date, event_id, user_id, event_name, event_timestamp, country, device_os,
    app_version, utm_source, utm_medium, utm_campaign, event_ts, event_datetime, partition_date,
    case
        when nullif(trim(user_id), '') is null then 'missing_user_id'
        when nullif(trim(event_name), '') is null then 'missing_event_name'
        when event_ts is null then 'bad_timestamp'
        when not is_on_folder_date then 'timestamp_outside_partition'
    end as rule_reject_reason
from assigned
where partition_date between $first_date and $last_date
