-- Stage "label": stable account ids. A new account takes the previous id of which it holds the most
-- (weighted) mentions, provided that previous account has more of its mentions here than anywhere else;
-- otherwise its id is a hash of its anchor, so the same evidence always gives the same id.
create or replace temp table resolver_account_ids as
with overlap as (
    select l.anchor, p.account_id as previous_id, sum(l.weight) as w
    from resolver_labels l join resolver_previous p using (mention_id)
    where l.anchor is not null and p.account_id is not null group by all
),
previous_choice as (
    -- on a tie the part a steward split off is the one that leaves
    select previous_id, arg_max(anchor, (w, anchor not like 'override:split%', anchor)) as anchor
    from overlap group by previous_id
),
inherited as (
    select o.anchor, arg_max(o.previous_id, (o.w, o.previous_id)) as previous_id
    from overlap o join previous_choice c using (previous_id, anchor) group by o.anchor
),
anchors as (
    select distinct anchor from resolver_labels where anchor is not null
)
select a.anchor,
    coalesce(i.previous_id,
             case when 'acc_' || left(sha256(a.anchor), 16) in (select previous_id from inherited)
                  then 'acc_' || left(sha256(a.anchor || '#renewed'), 16)
                  else 'acc_' || left(sha256(a.anchor), 16) end) as account_id
from anchors a left join inherited i using (anchor);

-- Merges and splits since the previous resolution: mentions that now belong to another account.
-- 'merge' when the previous account is gone (absorbed), 'split' when it still exists without them.
create or replace temp table resolver_changes as
with moved as (
    select p.account_id as previous_account_id, i.account_id, count(*) as n_mentions, sum(l.weight) as weight
    from resolver_labels l
    join resolver_previous p using (mention_id)
    join resolver_account_ids i using (anchor)
    where p.account_id is not null and p.account_id <> i.account_id
    group by all
)
select case when previous_account_id in (select account_id from resolver_account_ids) then 'split' else 'merge' end
        as change_kind,
    previous_account_id, account_id, n_mentions, weight::bigint as n_responses
from moved;

-- The display name: a spelling from the CRM first, then one of the account's own name (the name of a name
-- anchor, the most common name of a domain anchor) before names that joined it on weaker evidence, then
-- the most common. Otherwise one consultant naming a client from the consultancy's domain could name the
-- consultancy's account after the client on a tie.
create or replace temp table resolved_mentions as
with own_names as (
    select 'name:' || name_key as anchor, name_key from resolver_name_anchors
    union all
    select anchor, top_name from resolver_domain_anchors where anchor like 'domain:%' and top_name is not null
),
spellings as (
    select l.anchor, l.account_name, sum(l.weight) as w, bool_or(l.crm_key is not null) as from_crm,
        bool_or(o.name_key is not null) as own
    from resolver_labels l left join own_names o on o.anchor = l.anchor and o.name_key = l.name_key
    where l.anchor is not null and l.account_name is not null group by all
),
display as (
    select anchor, arg_max(account_name, (from_crm, own, w, account_name)) as account_name
    from spellings group by anchor
)
select l.mention_id, i.account_id, d.account_name, l.match_method, l.confidence
from resolver_labels l
left join resolver_account_ids i using (anchor)
left join display d using (anchor);
