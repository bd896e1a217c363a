-- Stage "anchor": every key points at one account anchor, strongest evidence first, never at two.
-- A CRM record is an anchor. A domain joins the CRM record that clearly dominates its mentions with a
-- CRM id, and links nothing when CRM records share it; a record that disagrees with the domain's own
-- evidence (neither its most common name nor a fair share of its weight) does not speak for it. A name
-- then joins the anchor that clearly dominates its mentions (a domain speaks only for the name most of
-- its mentions give). "Clearly" is AnchorShare; below it a key is ambiguous and links nothing.
create or replace temp table resolver_name_crm as
with votes as (
    select name_key, crm_key, sum(weight) as w from resolver_nodes
    where name_key is not null and crm_key is not null group by all
)
select name_key, arg_max(crm_key, (w, crm_key)) as crm_key, max(w) / sum(w) as share
from votes group by name_key;

-- A domain no CRM id was seen with follows the name its mentions agree on: to that name's CRM record, or
-- it is an account of that name (so a company's second domain and its name-only mentions meet there).
create or replace temp table resolver_domain_anchors as
with crm_votes as (
    select domain_key, crm_key, sum(weight) as w from resolver_nodes
    where domain_key is not null and crm_key is not null group by all
),
crm_ranked as (
    select domain_key, arg_max(crm_key, (w, crm_key)) as crm_key, max(w) / sum(w) as share, max(w) as w
    from crm_votes group by domain_key
),
domain_weights as (
    select domain_key, sum(weight) as w from resolver_nodes where domain_key is not null group by all
),
crm_names as (  -- the names each CRM record is seen with, and their initials
    select distinct crm_key, name_key,
        array_to_string(list_transform(string_split(name_key, ' '), lambda w: left(w, 1)), '') as initials
    from resolver_nodes where crm_key is not null and name_key is not null
),
name_votes as (
    select domain_key, name_key, sum(weight) as w from resolver_nodes
    where domain_key is not null and name_key is not null group by all
),
name_ranked as (
    select domain_key, arg_max(name_key, (w, name_key)) as name_key, max(w) / sum(w) as share
    from name_votes group by domain_key
),
crm_speaks as (  -- the domain's top CRM record agrees with the domain's own evidence (AnchorShare)
    select c.domain_key
    from crm_ranked c
    join domain_weights dw using (domain_key)
    left join name_ranked n using (domain_key)
    where c.w >= $crm_presence * dw.w
       or exists (select 1 from crm_names cn
                  where cn.crm_key = c.crm_key
                    and (cn.name_key = n.name_key  -- the same name, or a typo of it (FuzzyNameMatch)
                         or (damerau_levenshtein(cn.name_key, n.name_key) <= $max_edits
                             and jaro_winkler_similarity(cn.name_key, n.name_key) >= $min_similarity)
                         -- the record's name is the domain's own ("heineken" at heineken.com), or its
                         -- initials are the name people give or the domain ("International Business
                         -- Machines": IBM, ibm.com)
                         or replace(cn.name_key, ' ', '') = split_part(c.domain_key, '.', 1)
                         or (length(cn.initials) >= 2
                             and cn.initials in (n.name_key, split_part(c.domain_key, '.', 1)))))
)
select d.domain_key,
    case when c.crm_key is not null and c.share < $domain_crm_share then null  -- CRM records share it
         when c.crm_key is not null and d.domain_key in (select domain_key from crm_speaks) then 'crm:' || c.crm_key
         when n.share >= $domain_name_share then
             case when nc.crm_key is null then 'name:' || n.name_key
                  when nc.share >= $name_anchor_share then 'crm:' || nc.crm_key
                  else 'domain:' || d.domain_key end
         else 'domain:' || d.domain_key end as anchor,
    case when (c.crm_key is null
               or (c.share >= $domain_crm_share and d.domain_key not in (select domain_key from crm_speaks)))
              and n.share >= $domain_name_share then n.name_key end as via_name,
    n.name_key as top_name
from (select distinct domain_key from resolver_nodes where domain_key is not null) d
left join crm_ranked c using (domain_key)
left join name_ranked n using (domain_key)
left join resolver_name_crm nc on nc.name_key = n.name_key;

create or replace temp table resolver_name_anchors as
with strong as (  -- each named mention's CRM record, else its domain's anchor if the name is the domain's own
    select n.name_key, coalesce('crm:' || n.crm_key, case when d.top_name = n.name_key then d.anchor end) as anchor,
        sum(n.weight) as w
    from resolver_nodes n left join resolver_domain_anchors d using (domain_key)
    where n.name_key is not null
    group by all
),
names as (
    select name_key, sum(w) as weight, length(name_key) as len from strong group by name_key
),
ranked as (
    select name_key, arg_max(anchor, (w, anchor)) as anchor, max(w) / sum(w) as share
    from strong where anchor is not null group by name_key
)
select n.name_key, n.weight, n.len,
    case when r.share >= $name_anchor_share then r.anchor end as anchor,
    r.anchor is null as is_weak                     -- no stronger evidence ever seen with this name
from names n left join ranked r using (name_key);
