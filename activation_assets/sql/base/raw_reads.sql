-- How many raw rows were read for the partition, for the rows-read = kept + rejected check.
-- Params: $partition_date, $files_read.
select
    cast($partition_date as date) as partition_date,
    count(*) as rows_read,
    cast($files_read as bigint) as files_read
from classified_events
