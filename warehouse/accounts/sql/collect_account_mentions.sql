-- Grain: one row per distinct way a source named a customer (source, name, e-mail domain, CRM id).
-- Collected into a temp table; core.account_mentions is written once, with its resolution
-- (apply_resolution.sql). Each mention is numbered for the resolver: a short id keeps the resolver's
-- tables and joins narrow, where the 32-character mention_key made every one of them wide.
create or replace temp table account_mentions_collected as
select row_number() over () as mention_no, *
from (
    select
        mention_key,
        any_value(source) as source,
        any_value(account_name_raw) as account_name_raw,
        any_value(email_domain) as email_domain,
        any_value(crm_id) as crm_id,
        count(*) as n_responses,
        min(responded_at) as first_seen,
        max(responded_at) as last_seen
    from core.feedback_loaded
    group by mention_key
);
