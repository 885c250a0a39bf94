-- Synthetic users: arrival day, how engaged they start, how fast that decays, how much
-- more they use the product at weekends, a typical hour, and first-touch context.
-- Profile 'growth': more users arrive later and engagement decays, as a product grows.
-- Profile 'steady': 97% of the users arrive in the first two weeks, the rest evenly (new
-- users every day, few enough that the users known at day 30 and day 360 differ by 3%),
-- and each keeps a constant daily rate, so every later day has about the same users and
-- volume (benchmarks compare days that differ only in how much history precedes them). Its
-- buyers, a fixed third of the users, make their first purchase on the day they arrive,
-- and only they purchase: the purchasers known by a day grow only with arrivals, like
-- the visitors, instead of accumulating over the year.
-- Uses the macro unit(...) (a deterministic uniform draw in [0, 1)).
-- Params: $users, $days, $profile.
select
    user_num,
    'u' || lpad(cast(user_num as varchar), 8, '0') as user_id,
    cast(floor(case
        when $profile = 'growth' then $days * sqrt(unit(user_num, 1))
        when unit(user_num, 1) < 0.97 then least(14, $days) * unit(user_num, 14)
        else $days * unit(user_num, 14)
    end) as integer) as arrival_day,
    case when $profile = 'growth' then 0.2 + 0.65 * pow(unit(user_num, 2), 2)
         else 0.03 + 0.16 * pow(unit(user_num, 2), 2) end as propensity,
    case when $profile = 'growth' then 20 + 300 * pow(unit(user_num, 3), 2) else 1e9 end as decay_days,
    case when $profile = 'growth' then 1.3 else 1.0 end as weekend_lift,
    $profile = 'growth' or unit(user_num, 15) < 0.35 as buyer,
    $profile = 'steady' as buys_on_arrival,
    cast(floor(24 * unit(user_num, 4)) as integer) as usual_hour,
    ['KR', 'US', 'US', 'JP', 'DE', 'BR', 'IN', 'GB'][1 + cast(floor(8 * unit(user_num, 5)) as integer)] as country,
    ['ios', 'android', 'android', 'web'][1 + cast(floor(4 * unit(user_num, 6)) as integer)] as device_os,
    ['google', 'facebook', 'direct', 'newsletter', 'tiktok'][1 + cast(floor(5 * unit(user_num, 7)) as integer)] as first_source,
    ['cpc', 'social', 'none', 'email', 'social'][1 + cast(floor(5 * unit(user_num, 7)) as integer)] as first_medium,
    'campaign_' || cast(floor(6 * unit(user_num, 8)) as integer) as first_campaign
from range($users) as t(user_num)
