-- The partitions of a table the serving copy holds and the warehouse no longer records.
-- Params: $name (the table's qualified name).
select partition_start from serving_copy.meta.serving_loads where table_name = $name
except
select partition_start from meta.partition_loads where table_name = $name
