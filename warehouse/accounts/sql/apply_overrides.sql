-- Overrides (<home>/accounts/overrides.yaml) win over every kind of evidence. Selectors are normalised
-- the way mentions are, so a steward may write a name as any source spells it.
create or replace temp table resolver_override_keys as
select rule_kind, rule_no, selector_kind, selector_value,
    case selector_kind
        when 'name' then sb_name_key(sb_clean_name(selector_value), $legal_forms)
        when 'domain' then lower(trim(selector_value))
        when 'crm_id' then sb_crm_key(trim(selector_value))
        else trim(selector_value) end as key
from resolver_override_input;

create or replace temp table resolver_override_hits as
select l.mention_id, l.anchor, o.rule_kind, o.rule_no, o.selector_kind, o.selector_value
from resolver_labels l
left join resolver_previous p using (mention_id)
join resolver_override_keys o on
       (o.selector_kind = 'name' and l.name_key = o.key)
    or (o.selector_kind = 'domain' and l.domain_key = o.key)
    or (o.selector_kind = 'crm_id' and l.crm_key = o.key)
    or (o.selector_kind = 'account_id' and (p.account_id = o.key or 'acc_' || left(sha256(l.anchor), 16) = o.key));

-- split: the selected mentions leave their account and form one of their own (one per rule).
update resolver_labels l
set anchor = 'override:split ' || h.rule_no, match_method = 'override', confidence = $conf_override,
    override_evidence = 'override: split rule ' || h.rule_no || ' (' || h.selector_kind || ' ' || h.selector_value || ')'
from (select mention_id, min(rule_no) as rule_no, arg_min(selector_kind, rule_no) as selector_kind,
             arg_min(selector_value, rule_no) as selector_value
      from resolver_override_hits where rule_kind = 'split' group by mention_id) h
where l.mention_id = h.mention_id;

-- merge: every account holding a selected mention becomes one (the rules in order).
update resolver_labels l
set anchor = m.survivor, match_method = 'override', confidence = $conf_override,
    override_evidence = 'override: merge rule ' || m.rule_no || ' (was ' || sb_anchor_text(l.anchor) || ')'
from (
    with merged as (
        select distinct rule_no, anchor from resolver_override_hits where rule_kind = 'merge' and anchor is not null
    )
    select anchor, min(rule_no) as rule_no, any_value(survivor) as survivor
    from merged join (select rule_no, min(anchor) as survivor from merged group by rule_no) using (rule_no)
    group by anchor
) m
where l.anchor = m.anchor and l.anchor <> m.survivor;
