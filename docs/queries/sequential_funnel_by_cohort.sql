-- The full sequential funnel by first-visit cohort: add_to_cart within 1 day, then
-- purchase within 7 days of the first visit, counted only for users who added to cart
-- in time. mart.funnel_first_activation holds the same numbers, maintained for you.
with cohort as (
    select user_id, first_visit_date as cohort_date
    from mart.fact_first_activation_events
    where event_name = 'first_visit'
),

carted as (
    select c.user_id
    from cohort as c
    join mart.fact_first_activation_events as f
      on f.user_id = c.user_id and f.event_name = 'add_to_cart' and f.days_from_first_visit <= 1
),

purchased as (
    select c.user_id
    from carted as c
    join mart.fact_first_activation_events as f
      on f.user_id = c.user_id and f.event_name = 'purchase' and f.days_from_first_visit <= 7
)

select
    cohort.cohort_date,
    count(*) as cohort_users,
    count(carted.user_id) as add_to_cart_users,
    count(purchased.user_id) as purchase_users,
    round(count(purchased.user_id) / count(*), 4) as purchase_rate
from cohort
left join carted using (user_id)
left join purchased using (user_id)
group by cohort.cohort_date
order by cohort.cohort_date;
