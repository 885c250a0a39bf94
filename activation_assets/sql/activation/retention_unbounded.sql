-- "On or after" retention of every cohort at every age it has reached, from one FirstLast
-- snapshot: a user of cohort C is counted at age a when their latest active period is C + a
-- or later, which the snapshot's last_date says without any earlier partition.
-- Uses the grain macros period_start, periods_between, next_period_start.
-- Params: $snapshot_date (the latest loaded snapshot), $ages (0 to the oldest cohort's age).
with by_last_age as (
    select
        period_start(first_date) as cohort_start,
        cast(periods_between(first_date, last_date) as integer) as age,
        count(*) as users
    from {first_last}
    where snapshot_date = $snapshot_date
    group by all
),

cells as (
    select c.cohort_start, cast(a.age as integer) as age, c.cohort_users
    from (select cohort_start, sum(users) as cohort_users from by_last_age group by all) as c
    cross join (select unnest(cast($ages as integer[])) as age) as a
    where a.age <= periods_between(c.cohort_start, $snapshot_date)
),

last_seen as (
    select x.cohort_start, x.age, x.cohort_users, coalesce(b.users, 0) as last_seen_users
    from cells as x
    left join by_last_age as b on b.cohort_start = x.cohort_start and b.age = x.age
)

select
    cohort_start,
    age,
    cohort_users,
    returned_users,
    returned_users / cohort_users as retention_rate,
    age < periods_between(cohort_start, $snapshot_date)
        or next_period_start(period_start($snapshot_date)) = $snapshot_date + 1 as is_mature
from (
    select
        cohort_start,
        age,
        cohort_users,
        sum(last_seen_users) over (partition by cohort_start order by age desc
                                   rows between unbounded preceding and current row) as returned_users
    from last_seen
) as returned
