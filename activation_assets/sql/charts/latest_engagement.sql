-- The latest $days days of an engagement table, oldest first.
select *
from (select * from {table} order by date desc limit $days) as latest
order by date
