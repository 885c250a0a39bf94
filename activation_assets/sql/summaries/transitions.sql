-- Per period of the run: its users and how many (previous status, status) pairs they form.
select period_start as partition_start, sum(users) as users, count(*) as transitions
from {table}
where period_start between $first_start and $last_start
group by all
