-- Per day of the run: first visits and first occurrences of the funnel events.
select
    date as partition_start,
    count(*) filter (where event_name = 'first_visit') as new_users,
    count(*) filter (where event_name <> 'first_visit') as first_key_events
from {table}
where date between $first_start and $last_start
group by date
