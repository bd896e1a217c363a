-- Stage "cluster": each mention takes one anchor, strongest evidence first: its CRM record, its domain's
-- anchor, its name's anchor, the anchor of the name it fuzzily matches, else its name alone. Every key
-- points at one anchor, so weak links can never chain two CRM records or two domains together.
create or replace temp table resolver_name_final as
select n.name_key,
    case when not n.is_weak then coalesce(n.anchor, 'name:' || n.name_key)
         when f.query_key is null or not hop.is_near then 'name:' || n.name_key
         when f2.query_key is not null then f2.joins  -- its target was matched too, and is as near to it
         else f.joins end as anchor,
    case when not n.is_weak or f.query_key is null or not hop.is_near then 'exact_name' else 'fuzzy_name' end
        as method,
    f.target_key, f.similarity, f.edits, n.weight, n.is_weak
from resolver_name_anchors n
left join resolver_fuzzy_links f on f.query_key = n.name_key
left join resolver_fuzzy_links f2 on 'name:' || f2.query_key = f.joins
-- Following a matched target to its own target is one more hop: only within the fuzzy edit budget of the
-- name itself, or "Hartmat" would reach "Hartmann" through "Hartman" at two edits.
cross join lateral (select f2.query_key is null
                           or damerau_levenshtein(n.name_key, f2.target_key) <= $max_edits as is_near) hop;

-- A company domain places a mention unless the mention gives a name outside the domain's family that has
-- words of its own: a consultant at deloitte.com naming the client the feedback is about, "Globex Capital
-- Partners" written from a parent company's domain. Blank names, generic ones ("Finance Dept") and every
-- variant of the company's name ("SocGen", "Morgan Grp", a typo) go with the domain. Where CRM records share
-- a domain, a mention with no name there follows the name its colleagues give (the family's most common).
create or replace temp table resolver_labels as
with placed as (
    select n.mention_id, n.account_name, n.weight, n.name_key, n.domain_key, n.crm_key,
        f.anchor as name_anchor, f.method as name_method, f.similarity,
        case when n.crm_key is not null then 'crm_id'
             when d.anchor is not null and (n.name_key is null or fam.name_key is not null or f.anchor = d.anchor
                                            or len(sb_name_tokens(n.name_key, $generic_words)) = 0)
                 then 'domain'
             when d.anchor is null and d.domain_key is not null and n.name_key is null and top.anchor is not null
                 then 'domain'
             else f.method end as match_method,
        case when n.crm_key is not null then 'crm:' || n.crm_anchor_key end as crm_anchor,
        coalesce(d.anchor, top.anchor) as domain_anchor
    from resolver_nodes n
    left join resolver_domain_anchors d using (domain_key)
    left join resolver_domain_family fam on fam.domain_key = n.domain_key and fam.name_key = n.name_key
    left join resolver_name_final f on f.name_key = n.name_key
    left join resolver_name_final top on top.name_key = d.top_name
)
select mention_id, account_name, weight, name_key, domain_key, crm_key,
    case match_method when 'crm_id' then crm_anchor when 'domain' then domain_anchor else name_anchor end as anchor,
    match_method,
    case match_method when 'crm_id' then $conf_crm_id when 'domain' then $conf_domain
         when 'exact_name' then $conf_exact_name when 'fuzzy_name' then round($conf_fuzzy_name * similarity, 4) end
        as confidence,
    null::varchar as override_evidence
from placed;
