-- Each CRM id in its 18-character form, computed once per id (sb_crm18 is costly; build_account_aliases.sql
-- reads it too).
create or replace temp table account_crm_ids as
select crm_key, sb_crm18(crm_key) as crm_id
from (select distinct crm_key from resolver_labels where crm_key is not null);

-- Grain: one row per resolved account.
-- Each part is aggregated on its own narrow columns, then joined per account: joining every mention's
-- wide row to the resolver's tables first cost more than all of the aggregation.
create or replace table core.accounts as
with responses as (
    select account_id, min(first_seen) as first_seen, max(last_seen) as last_seen,
        count(distinct source) as n_sources, sum(n_responses)::bigint as n_responses
    from core.account_mentions where account_id is not null group by account_id
),
names as (
    select account_id, any_value(account_name) as account_name
    from resolved_mentions where account_id is not null group by account_id
),
own_domains as (  -- a domain belongs to the account its mentions were placed in by the domain's own anchor
    select distinct l.anchor, l.domain_key
    from resolver_labels l join resolver_domain_anchors d on d.domain_key = l.domain_key and d.anchor = l.anchor
),
domains as (
    select i.account_id, list_sort(list_distinct(list(o.domain_key))) as domains
    from own_domains o join resolver_account_ids i using (anchor) group by i.account_id
),
crm_keys as (
    select distinct i.account_id, l.crm_key
    from resolver_labels l join resolver_account_ids i using (anchor) where l.crm_key is not null
),
crm_ids as (
    select k.account_id, list_sort(list(c.crm_id)) as crm_ids
    from crm_keys k join account_crm_ids c using (crm_key) group by k.account_id
)
select
    r.account_id,
    n.account_name,
    coalesce(d.domains, []) as domains,
    coalesce(c.crm_ids, []) as crm_ids,
    r.first_seen,
    r.last_seen,
    r.n_sources,
    r.n_responses
from responses r
left join names n using (account_id)
left join domains d using (account_id)
left join crm_ids c using (account_id);
