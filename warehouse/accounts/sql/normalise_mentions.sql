-- Stage "normalise": one row per mention (temp table resolver_input) with its comparison keys
-- (sb_clean_name, sb_name_key: see create_resolver_macros.sql).
-- Each distinct spelling and CRM id is normalised once (the text functions cost more than the joins).
-- A placeholder ("N/A", "none", "self-employed") is no name, nor is a department ("Finance Dept", "Einkauf",
-- "Customer Service": department_words.txt): as names they would gather unrelated people.
create or replace temp table resolver_spellings as
select * from (
    select account_name, cleaned, sb_name_key(cleaned, $legal_forms) as name_key
    from (select account_name, sb_clean_name(account_name) as cleaned
          from (select distinct account_name from resolver_input where account_name is not null)
          where regexp_replace(lower(strip_accents(account_name)), '[^a-z0-9]', '', 'g')
                not in (select name from resolver_placeholder_names)))
where len(list_filter(string_split(name_key, ' '), lambda t: not list_contains($department_words, t))) > 0;

create or replace temp table resolver_crm_ids as
select crm_id, sb_crm_key(nullif(trim(crm_id), '')) as crm_key
from (select distinct crm_id::varchar as crm_id from resolver_input where crm_id is not null);

create or replace temp table resolver_nodes as
select
    i.mention_id::varchar as mention_id,
    case when s.account_name is not null then i.account_name end as account_name,  -- a placeholder: none
    coalesce(i.weight, 1)::double as weight,
    s.cleaned,
    s.name_key,
    case when nullif(lower(trim(i.email_domain)), '') not in (select domain from resolver_free_domains)
              and not (split_part(lower(trim(i.email_domain)), '.', 1) in (select provider from resolver_free_providers)
                       and regexp_matches(lower(trim(i.email_domain)), '^[^.]+\.[a-z]{2,3}(\.[a-z]{2})?$'))
         then lower(trim(i.email_domain)) end as domain_key,
    c.crm_key
from resolver_input i
left join resolver_spellings s on s.account_name = i.account_name
left join resolver_crm_ids c on c.crm_id = i.crm_id::varchar;
