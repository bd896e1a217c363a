-- Grain: one row per alias (name, domain or CRM id) and account, with the strongest evidence behind it.
create or replace table core.account_aliases as
with labelled as (
    select m.account_name_raw, m.account_id, m.match_method, m.confidence, m.evidence, m.n_responses,
        l.domain_key, l.crm_key, l.anchor, d.anchor as domain_anchor
    from core.account_mentions m join resolver_labels l on l.mention_id = m.mention_key
    left join resolver_domain_anchors d on d.domain_key = l.domain_key
    where m.account_id is not null
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
    select 'crm_id', sb_crm18(crm_key), account_id, match_method, confidence, evidence, n_responses
    from labelled where crm_key is not null
)
select alias_kind, alias_value, account_id,
    arg_max(match_method, (confidence, n_responses)) as match_method, max(confidence) as confidence,
    arg_max(evidence, (confidence, n_responses)) as evidence
from aliases
group by alias_kind, alias_value, account_id;
