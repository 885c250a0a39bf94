-- Rows of the checked partitions with a null in a column that must always be set.
select *
from {table}
where {partition_column} in (select partition_start from check_scope)
  and ({any_null})
