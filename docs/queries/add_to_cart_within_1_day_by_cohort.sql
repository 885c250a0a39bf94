-- Of the users who first visited on each day, how many added to cart within 1 day
-- (on the day of their first visit: days_from_first_visit counts that day as 1).
select
    v.first_visit_date as cohort_date,
    count(*) as cohort_users,
    count(a.user_id) as add_to_cart_within_1_day,
    round(count(a.user_id) / count(*), 4) as conversion_rate
from mart.fact_first_activation_events as v
left join mart.fact_first_activation_events as a
  on a.user_id = v.user_id
 and a.event_name = 'add_to_cart'
 and a.days_from_first_visit <= 1
where v.event_name = 'first_visit'
group by v.first_visit_date
order by cohort_date;
