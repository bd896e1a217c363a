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

-- The evidence in words, written once per key rather than once per mention.
create or replace temp table resolver_evidence as
select 'crm_id' as match_method, crm_key as key, 'CRM id ' || sb_crm18(crm_key) as evidence
from (select distinct crm_key from resolver_nodes where crm_key is not null)
union all
select 'domain', domain_key, 'e-mail domain ' || domain_key
    || case when anchor like 'domain:%' then '' else ', seen with ' || sb_anchor_text(anchor) end
from resolver_domain_anchors where anchor is not null
union all
select method, name_key,
    case method
        when 'exact_name' then 'name "' || name_key || '"'
        else 'name "' || name_key || '" ~ "' || target_key || '" (' || edits || ' edit, similarity '
             || round(similarity, 3) || ')' end
    || case when anchor like 'name:%' then '' else ', seen with ' || sb_anchor_text(anchor) end
from resolver_name_final;

create or replace temp table resolver_labels as
with joined as (
    select s.node, n.mention_id, n.account_name, n.weight, n.name_key, n.domain_key, n.crm_key,
        coalesce(s.anchor, f.anchor) as anchor,
        coalesce(s.method, f.method) as match_method,
        f.similarity
    from resolver_strong s
    join resolver_nodes n using (node)
    left join resolver_name_final f on f.name_key = n.name_key
)
select j.node, j.mention_id, j.account_name, j.weight, j.name_key, j.domain_key, j.crm_key, j.anchor, j.match_method,
    case j.match_method
        when 'crm_id' then $conf_crm_id when 'domain' then $conf_domain when 'exact_name' then $conf_exact_name
        when 'fuzzy_name' then round($conf_fuzzy_name * j.similarity, 4) end as confidence,
    e.evidence
from joined j
left join resolver_evidence e on e.match_method = j.match_method
    and e.key = case j.match_method when 'crm_id' then j.crm_key when 'domain' then j.domain_key else j.name_key end;
