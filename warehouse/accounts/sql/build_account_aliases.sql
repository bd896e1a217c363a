-- Grain: one row per alias (name, domain or CRM id) and account, with the strongest evidence behind it.
-- Read from the resolver's labels and its small tables (ids, evidence, domains, CRM ids by key), not from
-- core.account_mentions: a join of its wide rows on the 32-character mention_key.
create or replace table core.account_aliases as
with labelled as (
    select l.account_name as account_name_raw, i.account_id, l.match_method, l.confidence, l.evidence,
        l.weight::bigint as n_responses, l.domain_key, l.crm_key, l.anchor, d.anchor as domain_anchor
    from resolver_labels_evidence l
    join resolver_account_ids i using (anchor)
    left join resolver_domain_anchors d on d.domain_key = l.domain_key
),
aliases as (
    select 'name' as alias_kind, account_name_raw as alias_value, account_id, match_method, confidence, evidence,
        n_responses
    from labelled where account_name_raw is not null
    union all
    select 'domain', domain_key, account_id, match_method, confidence, evidence, n_responses
    from labelled where domain_key is not null and match_method in ('domain', 'override')
    union all
    select 'domain', domain_key, account_id, 'domain', $conf_domain,
        'e-mail domain ' || domain_key || ', seen with ' || sb_anchor_text(domain_anchor), n_responses
    from labelled where match_method = 'crm_id' and domain_anchor = anchor
    union all
    select 'crm_id', c.crm_id, account_id, match_method, confidence, evidence, n_responses
    from labelled join account_crm_ids c using (crm_key)
),
confidence_ranks as (
    select confidence, row_number() over (order by confidence) as confidence_rank
    from (select distinct confidence from labelled union select $conf_domain)
)
-- The strongest evidence is the highest confidence, then the most responses, as one number (the rank of
-- the confidence times 2^64, plus the responses): arg_max by the pair as a struct cost five times as much
-- as the rest of the statement.
select alias_kind, alias_value, account_id,
    arg_max(match_method, strength) as match_method, max(confidence) as confidence,
    arg_max(evidence, strength) as evidence
from (
    select a.*, coalesce(r.confidence_rank, 0)::hugeint * 18446744073709551616 + a.n_responses as strength
    from aliases a left join confidence_ranks r using (confidence)
)
group by alias_kind, alias_value, account_id;
