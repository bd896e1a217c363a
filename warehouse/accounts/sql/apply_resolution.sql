-- Grain: one row per distinct way a source named a customer, with the account the resolver put it in.
-- Written once: creating the table and then updating every row wrote it twice.
create or replace table core.account_mentions as
select c.mention_key, c.source, c.account_name_raw, c.email_domain, c.crm_id, c.n_responses, c.first_seen,
    c.last_seen, i.account_id::varchar as account_id, l.match_method::varchar as match_method,
    l.confidence::double as confidence, l.evidence::varchar as evidence
from account_mentions_collected c
left join resolver_labels_evidence l on l.mention_id = c.mention_no::varchar
left join resolver_account_ids i on i.anchor = l.anchor;

-- Merges and splits since the previous run (temp table resolver_changes), kept as history.
insert into core.account_changes by name
select $run_id as run_id, now() as changed_at, change_kind, previous_account_id, account_id, n_mentions, n_responses
from resolver_changes;

drop table account_mentions_collected;
