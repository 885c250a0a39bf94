-- Per day of the run: rejected rows by reason.
select
    partition_date as partition_start,
    count(*) as rejected_rows,
    count(*) filter (where reject_reason = 'missing_user_id') as missing_user_id,
    count(*) filter (where reject_reason = 'missing_event_name') as missing_event_name,
    count(*) filter (where reject_reason = 'bad_timestamp') as bad_timestamp,
    count(*) filter (where reject_reason = 'timestamp_outside_partition') as timestamp_outside_partition,
    count(*) filter (where reject_reason = 'duplicate_event_id') as duplicate_event_id
from base.events_rejected
where partition_date between $first_start and $last_start
group by partition_date
