-- The partitions of a table the serving copy lacks or holds from an earlier load.
-- Params: $name (the table's qualified name).
select partition_start, loaded_at from meta.partition_loads where table_name = $name
except
select partition_start, loaded_at from serving_copy.meta.serving_loads where table_name = $name
