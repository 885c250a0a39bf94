-- Each given day's rolling engagement, from the FirstLast snapshots of the day and the two
-- days before it only: daily, weekly and monthly active users, every known user's state
-- (Duolingo's growth model), and the share of each state of the day before active today.
-- Params: $days (a list of consecutive days), $first_day, $last_day (its ends),
-- $week_days (W), $month_days (M).
with snapshots as (
    select snapshot_date, user_id, first_date, last_date
    from {first_last}
    where snapshot_date between $first_day - 2 and $last_day
),

states as (
    -- Each user's state on each day from the day before the first: `previous` is the
    -- snapshot of the day before, where the user was known unless new.
    select
        s.snapshot_date as day,
        s.user_id,
        s.last_date = s.snapshot_date as is_active,
        s.last_date,
        case
            when s.first_date = s.snapshot_date then 'new'
            when s.last_date = s.snapshot_date and previous.last_date >= s.snapshot_date - $week_days
                then 'current'
            when s.last_date = s.snapshot_date and previous.last_date >= s.snapshot_date - $month_days
                then 'reactivated'
            when s.last_date = s.snapshot_date then 'resurrected'
            when s.last_date > s.snapshot_date - $week_days then 'at_risk_wau'
            when s.last_date > s.snapshot_date - $month_days then 'at_risk_mau'
            else 'dormant'
        end as state
    from snapshots as s
    left join snapshots as previous
      on previous.snapshot_date = s.snapshot_date - 1 and previous.user_id = s.user_id
    where s.snapshot_date >= $first_day - 1
),

counts as (
    select
        day,
        count(*) filter (where is_active) as dau,
        count(*) filter (where last_date > day - $week_days) as wau,
        count(*) filter (where last_date > day - $month_days) as mau,
        count(*) filter (where state = 'new') as new_users,
        count(*) filter (where state = 'current') as current_users,
        count(*) filter (where state = 'reactivated') as reactivated_users,
        count(*) filter (where state = 'resurrected') as resurrected_users,
        count(*) filter (where state = 'at_risk_wau') as at_risk_wau_users,
        count(*) filter (where state = 'at_risk_mau') as at_risk_mau_users,
        count(*) filter (where state = 'dormant') as dormant_users
    from states
    where day >= $first_day
    group by all
),

rates as (
    -- Yesterday's state of every user known yesterday, and whether they are active today.
    select
        today.day,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'current') as curr,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'new') as nurr,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'reactivated') as rurr,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'resurrected') as surr,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'at_risk_wau') as iwaurr,
        avg(case when today.is_active then 1 else 0 end) filter (where yesterday.state = 'at_risk_mau') as imaurr
    from states as today
    join states as yesterday on yesterday.day = today.day - 1 and yesterday.user_id = today.user_id
    where today.day >= $first_day
    group by all
)

select
    d.date,
    coalesce(c.dau, 0) as dau,
    coalesce(c.wau, 0) as wau,
    coalesce(c.mau, 0) as mau,
    c.dau / nullif(c.mau, 0) as dau_mau,
    c.wau / nullif(c.mau, 0) as wau_mau,
    coalesce(c.new_users, 0) as new_users,
    coalesce(c.current_users, 0) as current_users,
    coalesce(c.reactivated_users, 0) as reactivated_users,
    coalesce(c.resurrected_users, 0) as resurrected_users,
    coalesce(c.at_risk_wau_users, 0) as at_risk_wau_users,
    coalesce(c.at_risk_mau_users, 0) as at_risk_mau_users,
    coalesce(c.dormant_users, 0) as dormant_users,
    r.curr,
    r.nurr,
    r.rurr,
    r.surr,
    r.iwaurr,
    r.imaurr
from (select unnest(cast($days as date[])) as date) as d
left join counts as c on c.day = d.date
left join rates as r on r.day = d.date
