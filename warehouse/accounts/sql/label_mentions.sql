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
    f.target_key, f.similarity, f.edits, n.weight
from resolver_name_anchors n
left join resolver_fuzzy_links f on f.query_key = n.name_key
left join resolver_fuzzy_links f2 on 'name:' || f2.query_key = f.joins;

-- A domain places a mention unless the mention gives another name that stands on its own: one placed
-- elsewhere by stronger evidence, or one seen min_target_weight times that is not the domain's usual name
-- ("Globex Capital Partners" written from an unlisted free-mail or a parent company's domain stays Globex
-- Capital Partners). A one-off or fuzzily matched spelling (a typo) never overrules a domain.
create or replace temp table resolver_labels as
with placed as (
    select n.mention_id, n.account_name, n.weight, n.name_key, n.domain_key, n.crm_key, f.anchor as name_anchor,
        f.method as name_method, f.similarity,
        case when n.crm_key is not null then 'crm_id'
             when d.anchor is not null and (f.method is distinct from 'exact_name' or f.anchor = d.anchor
                                            or n.name_key = d.top_name
                                            or (f.anchor like 'name:%' and f.weight < $min_target_weight))
                 then 'domain'
             else f.method end as match_method,
        case when n.crm_key is not null then 'crm:' || n.crm_key end as crm_anchor, d.anchor as domain_anchor
    from resolver_nodes n
    left join resolver_domain_anchors d using (domain_key)
    left join resolver_name_final f using (name_key)
)
select mention_id, account_name, weight, name_key, domain_key, crm_key,
    case match_method when 'crm_id' then crm_anchor when 'domain' then domain_anchor else name_anchor end as anchor,
    match_method,
    case match_method when 'crm_id' then $conf_crm_id when 'domain' then $conf_domain
         when 'exact_name' then $conf_exact_name when 'fuzzy_name' then round($conf_fuzzy_name * similarity, 4) end
        as confidence,
    null::varchar as override_evidence
from placed;
