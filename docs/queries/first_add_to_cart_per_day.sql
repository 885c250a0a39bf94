-- How many users added to cart for the first time, per day.
select
    date,
    count(*) as first_time_add_to_cart_users
from mart.fact_first_activation_events
where event_name = 'add_to_cart'
group by date
order by date;
