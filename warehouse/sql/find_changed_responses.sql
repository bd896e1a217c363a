-- The responses that differ between core and the copy of the published file being patched. A response's row
-- changes only with its version (a new run loads it: run_id) or its account, so those decide; a response that
-- changed shows up twice, as the copy's old row (is_current false) and core's new one.
create or replace temp table publish_changed_responses as
select coalesce(c.feedback_id, p.feedback_id) as feedback_id, p.feedback_id is null as is_current
from (select feedback_id, run_id, account_id from core.feedback) c
full join (select feedback_id, run_id, account_id from published.core.feedback) p
    on c.feedback_id = p.feedback_id and c.run_id = p.run_id and c.account_id is not distinct from p.account_id
where c.feedback_id is null or p.feedback_id is null;
