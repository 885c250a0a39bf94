-- Snapshot rows breaking first_date <= last_date <= snapshot_date (or the datetimes' order).
select *
from {first_last}
where snapshot_date in (select partition_start from check_scope)
  and not (first_date <= last_date and last_date <= snapshot_date and first_datetime <= last_datetime
           and active_days between 1 and date_diff('day', first_date, snapshot_date) + 1)
