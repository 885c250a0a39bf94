-- Per day of the run: the users who did the fact.
select event_date as partition_start, count(distinct user_id) as active_users
from {table}
where event_date between $first_start and $last_start
group by event_date
