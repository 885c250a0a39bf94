-- The same funnel for the users of one country (their latest country, from
-- mart.dim_users). Set the country first: set variable country = 'KR';
with cohort as (
    select f.user_id, f.first_visit_date as cohort_date
    from mart.fact_first_activation_events as f
    join mart.dim_users as u using (user_id)
    where f.event_name = 'first_visit' and u.country = getvariable('country')
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
    count(purchased.user_id) as purchase_users
from cohort
left join carted using (user_id)
left join purchased using (user_id)
group by cohort.cohort_date
order by cohort.cohort_date;
