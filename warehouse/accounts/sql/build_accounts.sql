-- Grain: one row per resolved account.
create or replace table core.accounts as
select
    m.account_id,
    any_value(r.account_name) as account_name,
    coalesce(list_sort(list_distinct(list(l.domain_key) filter (where d.anchor = l.anchor))), [])
        as domains,
    coalesce(list_sort(list_transform(list_distinct(list(l.crm_key)), lambda k: sb_crm18(k))), []) as crm_ids,
    min(m.first_seen) as first_seen,
    max(m.last_seen) as last_seen,
    count(distinct m.source) as n_sources,
    sum(m.n_responses)::bigint as n_responses
from core.account_mentions m
join resolved_mentions r on r.mention_id = m.mention_key
join resolver_labels l on l.mention_id = m.mention_key
left join resolver_domain_anchors d on d.domain_key = l.domain_key
where m.account_id is not null
group by m.account_id;
