-- Stage "cluster": each mention takes one anchor, strongest evidence first: its CRM record, its domain's
-- anchor, its name's anchor, the anchor of the name it fuzzily matches, else its name alone. Every key
-- points at one anchor, so weak links can never chain two CRM records or two domains together.
create or replace temp table resolver_name_final as
select n.name_key,
    case when not n.is_weak then coalesce(n.anchor, 'name:' || n.name_key)
         when f.query_key is null then 'name:' || n.name_key
         when f.joins like 'name:%' and f2.query_key is not null then f2.joins  -- its target was matched too
         else f.joins end as anchor,
    case when not n.is_weak or f.query_key is null then 'exact_name' else 'fuzzy_name' end as method,
    f.target_key, f.similarity, f.edits
from resolver_name_anchors n
left join resolver_fuzzy_links f on f.query_key = n.name_key
left join resolver_fuzzy_links f2 on 'name:' || f2.query_key = f.joins;

create or replace temp table resolver_labels as
select n.mention_id, n.account_name, n.weight, n.name_key, n.domain_key, n.crm_key,
    case when n.crm_key is not null then 'crm:' || n.crm_key when d.anchor is not null then d.anchor
         else f.anchor end as anchor,
    case when n.crm_key is not null then 'crm_id' when d.anchor is not null then 'domain'
         else f.method end as match_method,
    case when n.crm_key is not null then $conf_crm_id when d.anchor is not null then $conf_domain
         when f.method = 'exact_name' then $conf_exact_name
         when f.method = 'fuzzy_name' then round($conf_fuzzy_name * f.similarity, 4) end as confidence,
    null::varchar as override_evidence
from resolver_nodes n
left join resolver_domain_anchors d using (domain_key)
left join resolver_name_final f using (name_key);
