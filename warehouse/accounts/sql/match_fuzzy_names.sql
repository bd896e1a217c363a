-- Stage "compare": names that no stronger evidence places, matched to near-identical names.
-- Blocking is a deletion neighbourhood: each string with no or one character deleted. Two strings
-- within one edit (substitution, insertion, deletion, transposition) share at least one of these, so
-- an equi-join finds every candidate pair without comparing all pairs.
-- The strings of a name: its key and its cleaned spellings (legal form kept, for typos in the legal form;
-- transliteration digraphs not folded, so that a typo that makes one, "Gloex" for "Globex", is one edit).
-- A query is a weak name; a target a placed name, or a weak one seen min_target_weight times, through
-- its key, its most common spelling or any spelling seen min_target_weight times (a one-off spelling of a
-- placed name is most likely a typo itself). Strings too short to be within one edit of a query are left out.
create or replace temp table resolver_fuzzy_strings as
with spellings as (
    select name_key, cleaned as string, sum(weight) as w from resolver_nodes
    where cleaned is not null and name_key is not null group by all
),
strings as (
    select name_key, string, w from spellings
    union all
    select name_key, name_key, 0 from resolver_name_anchors  -- a key is a target by itself (below)
)
select row_number() over () as string_id, s.name_key, s.string,
    n.is_weak and length(s.string) >= $min_length as is_query,
    (not n.is_weak or n.weight >= $min_target_weight)
        and (s.string = s.name_key or s.w >= $min_target_weight or s.is_top_spelling) as is_target
from (select *, w = max(w) over (partition by name_key) as is_top_spelling
      from (select name_key, string, max(w) as w from strings group by name_key, string)) s
join resolver_name_anchors n using (name_key)
where length(s.string) >= $min_length - $max_edits;

-- Variants are joined by their hash (a collision only adds a candidate that the edit distance drops).
create or replace temp table resolver_fuzzy_variants as
select string_id, is_query, is_target, unnest(list_transform(range(length(string) + 1), lambda i:
    hash(case when i = 0 then string else left(string, i - 1) || substr(string, i + 1) end))) as variant
from resolver_fuzzy_strings
where is_query or is_target;

create or replace temp table resolver_fuzzy_candidates as
with pairs as (
    select distinct q.string_id as query_id, t.string_id as target_id
    from (select string_id, variant from resolver_fuzzy_variants where is_query) q
    join (select string_id, variant from resolver_fuzzy_variants where is_target) t using (variant)
    where q.string_id <> t.string_id
),
named as (
    select q.name_key as query_key, q.string as query_string, t.name_key as target_key, t.string as target_string,
        n.weight as target_weight, n.anchor as target_anchor, n.is_weak as target_is_weak
    from pairs p
    join resolver_fuzzy_strings q on q.string_id = p.query_id
    join resolver_fuzzy_strings t on t.string_id = p.target_id
    join resolver_name_anchors n on n.name_key = t.name_key
    where q.name_key <> t.name_key
)
select *, damerau_levenshtein(query_string, target_string) as edits,
    jaro_winkler_similarity(query_string, target_string) as similarity
from named
where damerau_levenshtein(query_string, target_string) <= $max_edits;

-- The variants are only the blocking index (several per string: at 1M mentions the largest table of the
-- resolution), so they do not hold memory through the stages that follow.
drop table resolver_fuzzy_variants;

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
ranked as (  -- fewest edits first, then names placed by stronger evidence before other weak names
    select *, edits * 2 + target_is_weak::int as rank from eligible
),
best as (
    select query_key, min(rank) as rank from ranked group by query_key
)
select e.query_key,
    arg_max(e.target_key, (e.similarity, e.target_weight, e.target_key)) as target_key,
    any_value(e.joins) as joins,
    max(e.similarity) as similarity,
    min(e.edits) as edits
from ranked e join best b on b.query_key = e.query_key and b.rank = e.rank
group by e.query_key
having count(distinct e.joins) = 1;
