-- Per table with load records: a value that changes whenever any of its partitions is
-- written again (what the serving copy compares to skip unchanged tables).
select
    table_name,
    cast(max(loaded_at) as varchar) || ' / ' || cast(count(*) as varchar) || ' / ' || cast(sum(row_count) as varchar)
        as load_version
from meta.partition_loads
group by all
