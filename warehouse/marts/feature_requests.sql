-- Grain: one row per feature requested in the product department (each element of core.feedback.topics).
-- Features are matched case-insensitively and shown in their most common spelling (ties: alphabetical
-- first). rank orders them by distinct accounts asking, then by responses; equal pairs share a rank.
-- n_responses counts every response naming the feature, including those whose account is unresolved.
with requested as (
    select distinct feedback_id, account_id, responded_at, feature, lower(feature) as feature_key
    from (select feedback_id, account_id, responded_at, unnest(topics) as feature
          from core.feedback where department = 'product')
),
spellings as (
    select feature_key, first(feature order by n desc, feature) as feature
    from (select feature_key, feature, count(distinct feedback_id) as n from requested group by all)
    group by feature_key
),
per_feature as (
    select feature_key,
        count(distinct account_id) as n_accounts,
        count(distinct feedback_id) as n_responses,
        min(responded_at) as first_requested_at,
        max(responded_at) as last_requested_at
    from requested
    group by feature_key
)
select
    rank() over (order by p.n_accounts desc, p.n_responses desc) as rank,
    s.feature,
    p.n_accounts,
    p.n_responses,
    p.first_requested_at,
    p.last_requested_at
from per_feature p
join spellings s using (feature_key)
order by rank, s.feature
