-- Synthetic users: arrival day (more users arrive later, as a product grows), how
-- engaged they start, how fast that decays, a typical hour, and first-touch context.
-- Uses the macro unit(...) (a deterministic uniform draw in [0, 1)).
-- Params: $users, $days.
select
    user_num,
    'u' || lpad(cast(user_num as varchar), 8, '0') as user_id,
    cast(floor($days * sqrt(unit(user_num, 1))) as integer) as arrival_day,
    0.2 + 0.65 * pow(unit(user_num, 2), 2) as propensity,
    20 + 300 * pow(unit(user_num, 3), 2) as decay_days,
    cast(floor(24 * unit(user_num, 4)) as integer) as usual_hour,
    ['KR', 'US', 'US', 'JP', 'DE', 'BR', 'IN', 'GB'][1 + cast(floor(8 * unit(user_num, 5)) as integer)] as country,
    ['ios', 'android', 'android', 'web'][1 + cast(floor(4 * unit(user_num, 6)) as integer)] as device_os,
    ['google', 'facebook', 'direct', 'newsletter', 'tiktok'][1 + cast(floor(5 * unit(user_num, 7)) as integer)] as first_source,
    ['cpc', 'social', 'none', 'email', 'social'][1 + cast(floor(5 * unit(user_num, 7)) as integer)] as first_medium,
    'campaign_' || cast(floor(6 * unit(user_num, 8)) as integer) as first_campaign
from range($users) as t(user_num)
