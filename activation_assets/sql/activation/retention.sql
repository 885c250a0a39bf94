-- Each given period's cohorts (the users by the period of their first active day): how
-- many there are and how many of them are active in the period, counted from the status
-- table alone (it holds every known user, each with periods_since_first_active).
-- Uses the grain macro period_start. Params: $period_starts (a list of period starts).
select
    period_start(first_active_date) as cohort_start,
    period_start,
    periods_since_first_active as age,
    count(*) as cohort_users,
    count(*) filter (where status <> 'inactive') as active_users,
    count(*) filter (where status <> 'inactive') / count(*) as retention_rate
from {status}
where list_contains(cast($period_starts as date[]), period_start)
group by all
