-- Grain: one row per alias (name, domain or CRM id) and account, with the strongest evidence behind it.
create or replace table core.account_aliases as
with aliases as (
    select 'name' as alias_kind, account_name_raw as alias_value, account_id, match_method, confidence
    from core.account_mentions where account_name_raw is not null
    union all
    select distinct 'domain', n.domain_key, m.account_id, 'domain', $domain
    from core.account_mentions m join resolver_nodes n on n.mention_id = m.mention_key
    where n.domain_key is not null
    union all
    select 'crm_id', sb_crm18(crm_key), account_id, 'crm_id', $crm_id
    from (select distinct n.crm_key, m.account_id
          from core.account_mentions m join resolver_nodes n on n.mention_id = m.mention_key
          where n.crm_key is not null)
)
select alias_kind, alias_value, account_id,
    arg_max(match_method, confidence) as match_method, max(confidence) as confidence
from aliases
where account_id is not null
group by alias_kind, alias_value, account_id;
