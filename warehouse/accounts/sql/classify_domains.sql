-- Stage "domains": which e-mail domains are one company's, and which names written from each are that
-- company's own (the domain's "family"). A corporate domain is strong evidence, whatever its people type:
-- "SocGen" and "Société Générale" at socgen.com, "Morgan Grp" and "Morran Grp" at morgan.co.uk. What tells
-- a company's domain from a shared host (an unlisted ISP, a web host's mail) is what its names look like
-- together: variants of one name (sb_is_variant) at a company, unrelated names at a host.
create or replace temp table resolver_domain_names as
with name_weights as (
    select name_key, sum(weight) as w from resolver_nodes where name_key is not null group by name_key
)
-- is_elsewhere: most mentions of the name are not at this domain (a client a consultant names, a customer
-- of the ISP whose own domain says who it is)
-- full_name: the most common spelling with its legal form, whose initials and abbreviations people also use
-- ("TTC" of Toyota Tsusho Corporation, "FalHol" of Falcon Holdings)
select n.domain_key, n.name_key, sum(n.weight) as w, sum(n.weight) < 0.5 * any_value(t.w) as is_elsewhere,
    sb_fold_digraphs(arg_max(n.cleaned, (n.weight, n.cleaned))) as full_name
from resolver_nodes n join name_weights t using (name_key)
where n.domain_key is not null group by n.domain_key, n.name_key;

-- The family is grown from the seed that gathers the most weight: the domain's own label ("socgen",
-- "mueller-gmbh" read as a name) or one of its two most common names, names with evidence of their own
-- elsewhere last (at a consultancy most people name the client their feedback is about).
create or replace temp table resolver_domain_family as
with seeds as (
    select domain_key, seed, bool_or(is_label) as is_label, arg_max(seed_full, (is_label, seed_full)) as seed_full from (
        select domain_key, sb_name_key(label, $legal_forms) as seed, true as is_label, sb_fold_digraphs(label) as seed_full
        from (select domain_key, sb_clean_name(replace(sb_domain_label(domain_key), '-', ' ')) as label
              from (select distinct domain_key from resolver_domain_names))
        union all
        select domain_key, name_key, false, full_name from (
            select domain_key, name_key, full_name,
                row_number() over (partition by domain_key order by is_elsewhere, w desc, name_key) as r
            from resolver_domain_names)
        where r <= 2)
    where seed is not null group by domain_key, seed
),
variants as (
    select s.domain_key, s.seed, s.is_label, n.name_key, n.w
    from seeds s join resolver_domain_names n using (domain_key)
    where sb_is_variant(s.seed, n.name_key, $generic_words, $max_edits)
       or sb_is_abbreviation(n.full_name, s.seed_full) or sb_is_abbreviation(s.seed_full, n.full_name)
),
best as (
    select domain_key, arg_max(seed, (w, is_label, seed)) as seed
    from (select domain_key, seed, is_label, sum(w) as w from variants group by all) group by domain_key
)
select v.domain_key, v.name_key, v.w, replace(v.name_key, ' ', '') = replace(l.seed, ' ', '') as is_label_name
from variants v join best b using (domain_key, seed)
left join (select domain_key, seed from seeds where is_label) l using (domain_key);

-- A domain whose names are not mostly one family is a shared host: no evidence of a company (DomainEvidence).
-- Names mostly seen elsewhere say nothing either way (a consultant naming a client), so they are left out
-- of the share unless they are of the family.
create or replace temp table resolver_shared_domains as
select n.domain_key
from resolver_domain_names n
left join resolver_domain_family f using (domain_key, name_key)
group by n.domain_key
having coalesce(sum(f.w), 0) = 0
    or sum(f.w) < $min_family_share * sum(n.w) filter (where f.name_key is not null or not n.is_elsewhere);

delete from resolver_domain_family where domain_key in (select domain_key from resolver_shared_domains);

-- Duplicate CRM records of one company: records that live mostly at a company's domain, under a name of
-- its family, are one account, anchored on the heaviest of them. A company's domains with one label and
-- one most common name ("globex" at globex.com and globex.co.uk) are one company's, so records at either
-- are duplicates too. A record heading a group is never folded in turn, so no chain joins records.
create or replace temp table resolver_crm_canonical as
with crm_domains as (
    select crm_key, domain_key, sum(weight) as w from resolver_nodes
    where crm_key is not null and domain_key is not null group by all
),
crm_weights as (
    select crm_key, sum(w) as w from crm_domains group by crm_key
),
crm_names as (
    select crm_key, arg_max(name_key, (w, name_key)) as name_key
    from (select crm_key, name_key, sum(weight) as w from resolver_nodes
          where crm_key is not null and name_key is not null group by all)
    group by crm_key
),
company as (  -- which company a domain is: its label and its family's most common name
    select domain_key, sb_domain_label(domain_key) || '|' || arg_max(name_key, (w, is_label_name, name_key)) as company_key
    from resolver_domain_family group by domain_key
),
members as (
    select c.company_key, d.crm_key, d.w
    from crm_domains d
    join crm_weights t using (crm_key)
    join crm_names n using (crm_key)
    join resolver_domain_family f on f.domain_key = d.domain_key and f.name_key = n.name_key
    join company c on c.domain_key = d.domain_key
    where d.w > $crm_home_share * t.w
),
heads as (
    select company_key, arg_max(crm_key, (w, crm_key)) as head from members group by company_key having count(*) > 1
),
folded as (
    select m.crm_key, h.head, m.company_key from members m join heads h using (company_key) where m.crm_key <> h.head
)
select crm_key, head, company_key from folded where crm_key not in (select head from heads);

-- Each mention with its domain as evidence (or none, at a shared host) and the CRM record it is anchored on.
create or replace temp table resolver_nodes as
select n.* replace (case when s.domain_key is null then n.domain_key end as domain_key),
    coalesce(c.head, n.crm_key) as crm_anchor_key
from resolver_nodes n
left join resolver_shared_domains s using (domain_key)
left join resolver_crm_canonical c using (crm_key);
