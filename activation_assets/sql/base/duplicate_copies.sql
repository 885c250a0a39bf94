-- The rows ({row_id}: the engine's row identity in rule_checked_events) that repeat an event_id already seen that day
-- among the rows breaking no rule. The earliest copy is kept; the order runs over every
-- column so the choice never depends on file scan order. Only the few repeated ids are
-- sorted.
with duplicate_ids as (
    select partition_date, event_id
    from rule_checked_events
    where rule_reject_reason is null and event_id is not null
    group by partition_date, event_id
    having count(*) > 1
)

select raw_row
from (
    select
        {row_id} as raw_row,
        row_number() over (
            partition by partition_date, event_id
            order by event_ts, source_file, user_id, event_name, event_timestamp, country,
                     device_os, app_version, utm_source, utm_medium, utm_campaign
        ) as copy_number
    from rule_checked_events
    semi join duplicate_ids using (partition_date, event_id)
    where rule_reject_reason is null
)
where copy_number > 1
