-- Cohorts where a funnel step counts more users than the step before it.
select *
from {table}
where {increases}
