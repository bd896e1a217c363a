-- The responses that differ between core and the attached copy (published), by comparing every response:
-- used when the pipeline holds no record of what the copy holds. A response's row changes only with its
-- version (a new run loads it: run_id) or its account, so those decide; a response deleted from core is
-- listed too (it is deleted from the copy, and nothing replaces it). Scores are replaced with every listed
-- response (is_new_version), as the copy's record that would tell a moved account apart is missing.
create or replace temp table publish_changed_responses as
select distinct coalesce(c.feedback_id, p.feedback_id) as feedback_id, true as is_new_version
from (select feedback_id, run_id, account_id from core.feedback) c
full join (select feedback_id, run_id, account_id from published.core.feedback) p
    on c.feedback_id = p.feedback_id and c.run_id = p.run_id and c.account_id is not distinct from p.account_id
where c.feedback_id is null or p.feedback_id is null;
