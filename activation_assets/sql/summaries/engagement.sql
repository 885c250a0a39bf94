-- Per day of the run: its active users over the three windows and its stickiness.
select date as partition_start, dau, wau, mau, dau_mau, current_users, resurrected_users, dormant_users
from {table}
where date between $first_start and $last_start
