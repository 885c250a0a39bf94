-- Rows sharing the table's grain key within the checked partitions.
select {key_columns}, count(*) as copies
from {table}
where {in_scope}
  and {key_not_null}
group by all
having count(*) > 1
