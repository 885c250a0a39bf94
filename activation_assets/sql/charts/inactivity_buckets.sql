-- The inactive users of one period of a status table by inactivity bucket.
select inactivity_bucket, count(*) as users
from {table}
where period_start = $period_start and status = 'inactive'
group by 1
order by 1
