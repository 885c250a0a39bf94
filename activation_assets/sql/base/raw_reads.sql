-- How many raw rows were read for each classified partition, for the
-- rows-read = kept + rejected check. Params: $partition_dates and, in the same order,
-- $files_read (files opened for each partition).
with partitions as (
    select
        unnest(cast($partition_dates as date[])) as partition_date,
        unnest(cast($files_read as bigint[])) as files_read
),

reads as (
    select partition_date, count(*) as rows_read
    from classified_events
    group by partition_date
)

select p.partition_date, coalesce(r.rows_read, 0) as rows_read, p.files_read
from partitions as p
left join reads as r using (partition_date)
