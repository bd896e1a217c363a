-- Stage "compare": names that no stronger evidence places, matched to near-identical names.
-- Blocking is a deletion neighbourhood: each string with no or one character deleted. Two strings
-- within one edit (substitution, insertion, deletion, transposition) share at least one of these, so
-- an equi-join finds every candidate pair without comparing all pairs.
create or replace temp table resolver_fuzzy_strings as
select distinct n.name_key, s.string
from resolver_name_anchors n
join (select name_key, cleaned_key as string from resolver_nodes where cleaned_key is not null
      union select name_key, name_key from resolver_nodes where name_key is not null) s using (name_key);

create or replace temp table resolver_fuzzy_variants as
select name_key, string, unnest(list_transform(range(length(string) + 1), lambda i:
    case when i = 0 then string else left(string, i - 1) || substr(string, i + 1) end)) as variant
from resolver_fuzzy_strings;

create or replace temp table resolver_fuzzy_candidates as
with queries as (
    select v.* from resolver_fuzzy_variants v join resolver_name_anchors n using (name_key)
    where n.is_weak and length(v.string) >= $min_length
),
targets as (
    select v.*, n.weight, n.anchor, n.is_weak from resolver_fuzzy_variants v join resolver_name_anchors n using (name_key)
    where not n.is_weak or n.weight >= $min_target_weight
),
pairs as (
    select distinct q.name_key as query_key, q.string as query_string, t.name_key as target_key,
        t.string as target_string, t.weight as target_weight, t.anchor as target_anchor, t.is_weak as target_is_weak
    from queries q join targets t on q.variant = t.variant and q.name_key <> t.name_key
)
select p.*, damerau_levenshtein(query_string, target_string) as edits,
    jaro_winkler_similarity(query_string, target_string) as similarity
from pairs p
where damerau_levenshtein(query_string, target_string) <= $max_edits;

-- A weak name joins its best candidates only when they agree on the account. Between two weak names
-- the lighter joins the heavier (ties by key), so a pair never points both ways.
create or replace temp table resolver_fuzzy_links as
with query_weight as (select name_key as query_key, weight as query_weight from resolver_name_anchors),
eligible as (
    select c.*, coalesce(c.target_anchor, 'name:' || c.target_key) as joins
    from resolver_fuzzy_candidates c join query_weight using (query_key)
    where c.similarity >= $min_similarity
      and (not c.target_is_weak or c.target_weight > query_weight
           or (c.target_weight = query_weight and c.target_key < c.query_key))
      and (c.target_anchor is not null or c.target_is_weak)
),
best as (
    select query_key, min(edits) as edits from eligible group by query_key
)
select e.query_key,
    arg_max(e.target_key, (e.similarity, e.target_weight, e.target_key)) as target_key,
    any_value(e.joins) as joins,
    max(e.similarity) as similarity,
    min(e.edits) as edits
from eligible e join best b on b.query_key = e.query_key and b.edits = e.edits
group by e.query_key
having count(distinct e.joins) = 1;
