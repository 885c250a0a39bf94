-- Every classified raw row with its reject reason: the first rule it breaks, else
-- duplicate_event_id for a later copy, else null (kept). {row_id}: the engine's row
-- identity in rule_checked_events.
select
    r.*,
    coalesce(
        r.rule_reject_reason,
        case when d.raw_row is not null then 'duplicate_event_id' end
    ) as reject_reason
from rule_checked_events as r
left join duplicate_copies as d on d.raw_row = r.{row_id}
