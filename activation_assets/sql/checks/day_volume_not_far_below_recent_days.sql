-- Days with far fewer events than the median of the loaded days just before them: a
-- half-delivered day, caught before it spreads into every state downstream. Judged only
-- once that median reaches $min_median_rows. Params: $min_ratio, $trailing_days,
-- $min_median_rows.
with recent as (
    select
        s.partition_start,
        median(l.row_count) as trailing_median_events,
        count(*) as trailing_days
    from check_scope as s
    join meta.partition_loads as l
      on l.table_name = 'base.events'
     and l.partition_start >= s.partition_start - cast($trailing_days as integer)
     and l.partition_start < s.partition_start
    group by s.partition_start
),

day_events as (
    select event_date, count(*) as events
    from base.events
    where event_date in (select partition_start from check_scope)
    group by event_date
)

select
    t.partition_start as partition_date,
    coalesce(d.events, 0) as events,
    t.trailing_median_events,
    t.trailing_days
from recent as t
left join day_events as d on d.event_date = t.partition_start
where t.trailing_median_events >= $min_median_rows
  and coalesce(d.events, 0) < $min_ratio * t.trailing_median_events
