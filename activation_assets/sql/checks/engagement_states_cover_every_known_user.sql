-- Days whose engagement row breaks an identity of SPEC §5 or does not place every user of
-- the day's FirstLast snapshot in exactly one state: new + current + reactivated +
-- resurrected = dau, dau + at-risk WAU = wau, wau + at-risk MAU = mau, mau + dormant = the
-- snapshot's users, dau = its users active that day.
with known as (
    select snapshot_date as day, count(*) as users, count(*) filter (where last_date = snapshot_date) as active
    from {first_last}
    where snapshot_date in (select partition_start from check_scope)
    group by all
)

select e.*, coalesce(k.users, 0) as snapshot_users, coalesce(k.active, 0) as snapshot_active_users
from {engagement} as e
left join known as k on k.day = e.date
where e.date in (select partition_start from check_scope)
  and (e.new_users + e.current_users + e.reactivated_users + e.resurrected_users <> e.dau
       or e.dau + e.at_risk_wau_users <> e.wau
       or e.wau + e.at_risk_mau_users <> e.mau
       or e.mau + e.dormant_users <> coalesce(k.users, 0)
       or e.dau <> coalesce(k.active, 0))
