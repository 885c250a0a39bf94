-- The users of one period of a status table by their status the period before
-- ('none' in their first period) and now.
select coalesce(previous_status, 'none') as previous_status, status, count(*) as users
from {table}
where period_start = $period_start
group by 1, 2
order by 1, 2
