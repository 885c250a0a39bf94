-- Partitions where rows read differ from rows kept plus rows rejected.
with kept as (
    select event_date as partition_date, count(*) as kept_rows
    from base.events
    where event_date in (select partition_start from check_scope)
    group by all
),

rejected as (
    select partition_date, count(*) as rejected_rows
    from base.events_rejected
    where partition_date in (select partition_start from check_scope)
    group by all
)

select
    s.partition_start as partition_date,
    r.rows_read,
    coalesce(k.kept_rows, 0) as kept_rows,
    coalesce(j.rejected_rows, 0) as rejected_rows
from check_scope as s
left join meta.raw_reads as r on r.partition_date = s.partition_start
left join kept as k on k.partition_date = s.partition_start
left join rejected as j on j.partition_date = s.partition_start
where r.rows_read is distinct from coalesce(k.kept_rows, 0) + coalesce(j.rejected_rows, 0)
