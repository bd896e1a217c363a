-- Write the resolver's answer (temp table resolved_mentions) onto the mentions.
update core.account_mentions m
set account_id = r.account_id, match_method = r.match_method, confidence = r.confidence, evidence = e.evidence
from resolved_mentions r join resolver_mention_evidence e using (mention_id)
where m.mention_key = r.mention_id;

-- Merges and splits since the previous run (temp table resolver_changes), kept as history.
insert into core.account_changes by name
select $run_id as run_id, now() as changed_at, change_kind, previous_account_id, account_id, n_mentions, n_responses
from resolver_changes;
