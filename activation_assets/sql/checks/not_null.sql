-- Rows of the checked partitions with a null in a column that must always be set.
select *
from {table}
where {in_scope}
  and ({any_null})
