-- The snapshots of days $first_day … $last_day: every interval that covers each day.
select
    d.snapshot_date, i.user_id, i.first_date, i.first_datetime, i.last_date, i.last_datetime, i.active_days
from (select cast(unnest(generate_series(cast($first_day as date), cast($last_day as date), interval 1 day)) as date)
      as snapshot_date) as d
join bare_intervals as i on d.snapshot_date between i.valid_from and i.valid_to
