-- Stage "anchor": every key points at one account anchor, strongest evidence first, never at two.
-- A CRM record is an anchor (duplicate records of one company share one: classify_domains.sql). A company
-- domain joins the CRM record that clearly dominates its mentions with a CRM id, and links nothing when
-- CRM records share it; a record that disagrees with the domain's own evidence (none of its names in the
-- domain's family, and no fair share of its weight) does not speak for it. A name then joins the anchor
-- that clearly dominates its mentions (a domain speaks for the names of its family). "Clearly" is
-- AnchorShare; below it a key is ambiguous and links nothing.
create or replace temp table resolver_name_crm as
with votes as (
    select name_key, crm_anchor_key as crm_key, sum(weight) as w from resolver_nodes
    where name_key is not null and crm_anchor_key is not null group by all
)
select name_key, arg_max(crm_key, (w, crm_key)) as crm_key, max(w) / sum(w) as share
from votes group by name_key;

-- A domain no CRM id was seen with follows its family's most common name: to that name's CRM record, or it
-- is an account of that name (so a company's second domain and its name-only mentions meet there). A name
-- that is only a lesser variant at another company's domain is no bridge to a CRM record: "Bärwald" at
-- baerwald.at may be Bärwald KG as much as the short name of Bärwald & Hofmann SE.
create or replace temp table resolver_domain_anchors as
with crm_votes as (
    select domain_key, crm_anchor_key as crm_key, sum(weight) as w from resolver_nodes
    where domain_key is not null and crm_anchor_key is not null group by all
),
crm_ranked as (
    select domain_key, arg_max(crm_key, (w, crm_key)) as crm_key, max(w) / sum(w) as share, max(w) as w
    from crm_votes group by domain_key
),
domain_weights as (
    select domain_key, sum(weight) as w from resolver_nodes where domain_key is not null group by all
),
crm_names as (  -- the names each CRM record is seen with, and their initials
    select distinct crm_anchor_key as crm_key, name_key, sb_initials(name_key) as initials
    from resolver_nodes where crm_anchor_key is not null and name_key is not null
),
family_top as (  -- on a tie, the name the domain itself spells ("acme" at acme.co.uk)
    select domain_key, arg_max(name_key, (w, is_label_name, name_key)) as name_key
    from resolver_domain_family group by domain_key
),
shared_names as (  -- one domain's name, another's lesser variant ("Brandt" at brandt.ch, brandtmaschinenbau.de)
    select f.name_key from resolver_domain_family f join family_top t using (domain_key)
    group by f.name_key
    having count(distinct sb_domain_label(f.domain_key)) > 1 and bool_or(f.name_key <> t.name_key)
),
crm_speaks as (  -- the domain's top CRM record agrees with the domain's own evidence (AnchorShare)
    select c.domain_key
    from crm_ranked c
    join domain_weights dw using (domain_key)
    left join family_top n using (domain_key)
    where c.w >= $crm_presence * dw.w
       or exists (select 1 from crm_names cn
                  where cn.crm_key = c.crm_key
                    and (cn.name_key = n.name_key  -- the same name, or a typo of it (FuzzyNameMatch)
                         or (damerau_levenshtein(cn.name_key, n.name_key) <= $max_edits
                             and jaro_winkler_similarity(cn.name_key, n.name_key) >= $min_similarity)
                         -- the record's name is the domain's own ("heineken" at heineken.com), or its
                         -- initials are the name people give or the domain ("International Business
                         -- Machines": IBM, ibm.com)
                         or replace(cn.name_key, ' ', '') = sb_domain_label(c.domain_key)
                         or (length(cn.initials) >= 2
                             and cn.initials in (n.name_key, sb_domain_label(c.domain_key)))))
       or exists (select 1 from crm_names cn join resolver_domain_family f on f.name_key = cn.name_key
                  where cn.crm_key = c.crm_key and f.domain_key = c.domain_key)  -- a name of the family
)
select d.domain_key,
    case when c.crm_key is not null and c.share < $domain_crm_share then null  -- CRM records share it
         when c.crm_key is not null and d.domain_key in (select domain_key from crm_speaks) then 'crm:' || c.crm_key
         when n.name_key is not null then
             case when nc.crm_key is null then 'name:' || n.name_key
                  when nc.share >= $name_anchor_share and n.name_key not in (select name_key from shared_names)
                      then 'crm:' || nc.crm_key
                  else 'domain:' || d.domain_key end
         else 'domain:' || d.domain_key end as anchor,
    case when c.crm_key is null
              or (c.share >= $domain_crm_share and d.domain_key not in (select domain_key from crm_speaks))
         then n.name_key end as via_name,
    n.name_key as top_name
from (select distinct domain_key from resolver_nodes where domain_key is not null) d
left join crm_ranked c using (domain_key)
left join family_top n using (domain_key)
left join resolver_name_crm nc on nc.name_key = n.name_key;

create or replace temp table resolver_name_anchors as
with strong as (  -- each named mention's CRM record, else its domain's anchor if the name is of the domain's family
    select n.name_key,
        coalesce('crm:' || n.crm_anchor_key, case when f.name_key is not null then d.anchor end) as anchor,
        sum(n.weight) as w
    from resolver_nodes n
    left join resolver_domain_anchors d using (domain_key)
    left join resolver_domain_family f on f.domain_key = n.domain_key and f.name_key = n.name_key
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
