-- Grain: one row per account. Every department side by side: responses and last contact per department,
-- NPS / CSAT / CES overall and over the trailing 90 days, lost deals with their reasons, top features.
-- "Trailing 90 days" ends at the newest response in the warehouse, so the figures do not drift with the clock.
with as_of as (
    select max(responded_at) as as_of from core.feedback
),
responses as (
    select f.account_id, f.department, f.responded_at, f.topic, f.topics, s.metric, s.score, s.score_pct,
        s.nps_category, f.responded_at > a.as_of - interval 90 day as is_recent
    from core.feedback f
    cross join as_of a
    left join core.feedback_scores s using (feedback_id)
    where f.account_id is not null
),
per_department as (
    select account_id,
        map(list(department order by department), list(n order by department)) as responses_by_department,
        map(list(department order by department), list(last_at order by department)) as last_contact_by_department
    from (select account_id, department, count(*) as n,
                 max(responded_at) as last_at
          from core.feedback where account_id is not null group by all)
    group by account_id
),
scores as (
    select account_id,
        count(*) filter (where metric = 'nps') as n_nps_responses,
        round(100.0 * (count(*) filter (where nps_category = 'promoter')
                       - count(*) filter (where nps_category = 'detractor'))
              / nullif(count(*) filter (where metric = 'nps'), 0), 1) as nps,
        round(100.0 * (count(*) filter (where nps_category = 'promoter' and is_recent)
                       - count(*) filter (where nps_category = 'detractor' and is_recent))
              / nullif(count(*) filter (where metric = 'nps' and is_recent), 0), 1) as nps_90d,
        arg_max(score, responded_at) filter (where metric = 'nps') as nps_latest_score,
        count(*) filter (where metric = 'csat') as n_csat_responses,
        round(100.0 * count(*) filter (where metric = 'csat' and score_pct >= 75)
              / nullif(count(*) filter (where metric = 'csat'), 0), 1) as csat_pct,
        round(100.0 * count(*) filter (where metric = 'csat' and score_pct >= 75 and is_recent)
              / nullif(count(*) filter (where metric = 'csat' and is_recent), 0), 1) as csat_pct_90d,
        arg_max(score, responded_at) filter (where metric = 'csat') as csat_latest_score,
        count(*) filter (where metric = 'ces') as n_ces_responses,
        round(avg(score_pct) filter (where metric = 'ces'), 1) as ces_ease_pct,
        round(avg(score_pct) filter (where metric = 'ces' and is_recent), 1) as ces_ease_pct_90d,
        arg_max(score, responded_at) filter (where metric = 'ces') as ces_latest_score
    from responses
    group by account_id
),
lost as (
    select account_id, count(*) as n_lost_deals,
        list(distinct topic order by topic) filter (where topic is not null) as lost_reasons
    from core.feedback where department = 'sales' and account_id is not null
    group by account_id
),
features as (
    select account_id, list(feature order by n desc, feature)[1:3] as top_requested_features
    from (select account_id, feature, count(*) as n
          from (select account_id, unnest(topics) as feature
                from core.feedback where department = 'product' and account_id is not null)
          group by all)
    group by account_id
)
select
    a.account_id, a.account_name, a.n_responses, a.n_sources,
    d.responses_by_department, d.last_contact_by_department,
    s.* exclude (account_id),
    a.n_responses < 5 as is_small_sample,
    coalesce(l.n_lost_deals, 0) as n_lost_deals, coalesce(l.lost_reasons, []) as lost_reasons,
    coalesce(f.top_requested_features, []) as top_requested_features,
    a.first_seen, a.last_seen
from core.accounts a
left join per_department d using (account_id)
left join scores s using (account_id)
left join lost l using (account_id)
left join features f using (account_id)
order by a.n_responses desc, a.account_id
