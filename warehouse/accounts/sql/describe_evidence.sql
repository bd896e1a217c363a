-- Why each mention is where it is, in words (written once per key; the pipeline keeps it on the aliases).
create or replace temp table resolver_evidence as
select 'crm_id' as match_method, crm_key as key, 'CRM id ' || sb_crm18(crm_key) as evidence
from (select distinct crm_key from resolver_nodes where crm_key is not null)
union all
select 'domain', d.domain_key, 'e-mail domain ' || d.domain_key
    || case when d.anchor is null then ' (CRM records share it), whose people name "' || d.top_name || '"'
            when d.anchor like 'domain:%' or d.anchor like 'name:%' then ''
            else coalesce(' of name "' || d.via_name || '"', '') || ', seen with ' || sb_anchor_text(d.anchor) end
    || case when d.anchor like 'name:%' then ' of name "' || d.via_name || '"' else '' end
    || coalesce(', a company domain: its people write ' || f.names, '')
from resolver_domain_anchors d
left join (  -- the family's most common spellings, to show what was read as one company's name
    select domain_key, string_agg('"' || name_key || '"', ', ' order by w desc, name_key) as names
    from (select *, row_number() over (partition by domain_key order by w desc, name_key) as r
          from resolver_domain_family) where r <= 4
    group by domain_key
) f using (domain_key)
where d.anchor is not null or d.top_name is not null
union all
select method, name_key,
    case method
        when 'exact_name' then 'name "' || name_key || '"'
        else 'name "' || name_key || '" ~ "' || target_key || '" (' || edits || ' edit, similarity '
             || round(similarity, 3) || ')' end
    || case when anchor like 'name:%' then '' else ', seen with ' || sb_anchor_text(anchor) end
from resolver_name_final;

-- Each mention with the evidence that placed it. Views, not tables: a million evidence texts held in
-- memory pushed the pipeline's later statements past its memory limit, and the pipeline reads them once.
create or replace temp view resolver_labels_evidence as
select l.*,
    case when l.match_method = 'override' then l.override_evidence else e.evidence end as evidence
from resolver_labels l
left join resolver_evidence e on e.match_method = l.match_method
    and e.key = case l.match_method when 'crm_id' then l.crm_key when 'domain' then l.domain_key else l.name_key end;

create or replace temp view resolver_mention_evidence as
select mention_id, evidence from resolver_labels_evidence;
