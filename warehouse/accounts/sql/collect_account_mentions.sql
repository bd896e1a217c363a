-- Grain: one row per distinct way a source named a customer (source, name, e-mail domain, CRM id).
-- The previous resolution is kept first (temp table previous_account_mentions) so that ids stay stable.
create or replace temp table previous_account_mentions as
select mention_key as mention_id, account_id from core.account_mentions where account_id is not null;

create or replace table core.account_mentions as
select
    mention_key,
    any_value(source) as source,
    any_value(account_name_raw) as account_name_raw,
    any_value(email_domain) as email_domain,
    any_value(crm_id) as crm_id,
    count(*) as n_responses,
    min(responded_at) as first_seen,
    max(responded_at) as last_seen,
    null::varchar as account_id,
    null::varchar as match_method,
    null::double as confidence,
    null::varchar as evidence
from core.feedback_loaded
group by mention_key;
