-- Grain: one row per alias (name, domain or CRM id) and account, with the strongest evidence behind it.
create or replace table core.account_aliases as
with aliases as (
    select 'name' as alias_kind, account_name_raw as alias_value, account_id, match_method, confidence
    from core.account_mentions where account_name_raw is not null
    union all
    select 'domain', email_domain, account_id, 'domain', 0.95
    from core.account_mentions
    where email_domain is not null and email_domain not in (select domain from resolver_free_domains)
    union all
    select 'crm_id', sb_crm18(sb_crm_key(crm_id)), account_id, 'crm_id', 1.0
    from core.account_mentions where crm_id is not null
)
select alias_kind, alias_value, account_id,
    arg_max(match_method, confidence) as match_method, max(confidence) as confidence
from aliases
where account_id is not null
group by alias_kind, alias_value, account_id;
