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

-- A domain places a mention unless the mention gives another name that stands on its own: one placed
-- elsewhere by stronger evidence, or one never placed, seen min_target_weight times, and not within
-- fuzzy reach of the domain's account ("Globex Capital Partners" written from an unlisted free-mail or a
-- parent company's domain stays Globex Capital Partners). A typo never overrules a domain.
create or replace temp table resolver_labels as
with typo_of as (  -- the accounts a weak name is within fuzzy reach of (ambiguous ones included)
    select distinct query_key as name_key, target_anchor as anchor from resolver_fuzzy_candidates
    where target_anchor is not null and similarity >= $min_similarity
),
placed as (
    select n.mention_id, n.account_name, n.weight, n.name_key, n.domain_key, n.crm_key, f.anchor as name_anchor,
        f.method as name_method, f.similarity,
        case when n.crm_key is not null then 'crm_id'
             when d.anchor is not null and (f.method is distinct from 'exact_name' or f.anchor = d.anchor
                                            or n.name_key = d.top_name
                                            or (f.anchor like 'name:%'
                                                and (not f.is_weak or f.weight < $min_target_weight
                                                     or t.name_key is not null)))
                 then 'domain'
             else f.method end as match_method,
        case when n.crm_key is not null then 'crm:' || n.crm_key end as crm_anchor, d.anchor as domain_anchor
    from resolver_nodes n
    left join resolver_domain_anchors d using (domain_key)
    left join resolver_name_final f using (name_key)
    left join typo_of t on t.name_key = n.name_key and t.anchor = d.anchor
)
select mention_id, account_name, weight, name_key, domain_key, crm_key,
    case match_method when 'crm_id' then crm_anchor when 'domain' then domain_anchor else name_anchor end as anchor,
    match_method,
    case match_method when 'crm_id' then $conf_crm_id when 'domain' then $conf_domain
         when 'exact_name' then $conf_exact_name when 'fuzzy_name' then round($conf_fuzzy_name * similarity, 4) end
        as confidence,
    null::varchar as override_evidence
from placed;
