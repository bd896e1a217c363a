-- Grain: one row per account (core.accounts), every department side by side.
-- Conventions:
-- * as_of_date is the UTC date of the newest response in the warehouse, so figures do not drift with the
--   clock; "_90d" figures cover the 90 days ending on it (UTC dates as_of_date - 89 .. as_of_date).
-- * NPS = % promoters (9-10) - % detractors (0-6), -100..100, never an average of 0-10 answers.
-- * CSAT = share (%) of satisfied answers, 4-5 on a 1-5 scale, i.e. score_pct >= 75.
-- * CES = mean ease, the mean score_pct (0-100, 100 = least effort: effort scales are reversed upstream),
--   averaged as exact decimals: a float sum depends on the order parallel threads add in, which could flip
--   the rounding of a .x5 mean between two runs over the same data.
-- * *_latest_score is the newest answer as given, on its own scale (CES effort 1-7: lower is better).
-- * n_respondents counts distinct respondents (respondent_hash); a response without an e-mail (the sales
--   CRM export) counts as its own respondent. is_small_sample: fewer than $min_respondents respondents, or
--   an NPS, CSAT or CES figure that rests on fewer than $min_respondents answers (an NPS of one answer is
--   -100 or 100); each score also carries its own number of responses (n_nps_responses, ...).
-- * Lost deals are the responses of surveys whose spec says `outcome: lost` (core.feedback.outcome; the
--   built-in lost-business survey), not every response of sales; lost_reasons are the
--   distinct reasons, most frequent first. Requested features are matched case-insensitively and shown
--   in their most common spelling (as in marts.feature_requests); top_requested_features are the account's
--   three most requested.
-- The as-of date reads core.feedback_loaded (the same responses as core.feedback, without their accounts): a
-- night's refresh narrows core.feedback to the accounts it recomputes, while the as-of date is the warehouse's.
with as_of as (
    select (max(responded_at) at time zone 'UTC')::date as as_of_date from core.feedback_loaded
),
-- Narrow on purpose: this CTE is materialised (several consumers), and carrying topic and topics for all
-- 5M responses made it 1.7 GB, past memory_limit (1GB): it spilled, and so did the scores join reading it.
-- lost and requested read topic/topics only for their own department's rows, from core.feedback.
feedback as (
    select f.feedback_id, f.account_id, f.department, f.responded_at, f.respondent_hash,
        (f.responded_at at time zone 'UTC')::date > a.as_of_date - 90 as is_recent
    from core.feedback f
    cross join as_of a
    where f.account_id is not null
),
per_department as (
    select account_id,
        map(list(department order by department), list(n_responses order by department)) as responses_by_department,
        map(list(department order by department), list(last_at order by department)) as last_contact_by_department
    from (select account_id, department, count(*) as n_responses, max(responded_at) as last_at
          from feedback group by account_id, department)
    group by account_id
),
respondents as (
    select account_id, count(distinct coalesce(respondent_hash, feedback_id)) as n_respondents
    from feedback
    group by account_id
),
scored as (
    select f.account_id, f.feedback_id, f.responded_at, f.is_recent, s.metric, s.score, s.score_pct, s.nps_category
    from feedback f
    join core.feedback_scores s using (feedback_id)
    where s.metric in ('nps', 'csat', 'ces')
),
scores as (
    select account_id,
        count(*) filter (where metric = 'nps') as n_nps_responses,
        round(100.0 * (count(*) filter (where nps_category = 'promoter')
                       - count(*) filter (where nps_category = 'detractor'))
              / nullif(count(*) filter (where metric = 'nps'), 0), 1) as nps,
        count(*) filter (where metric = 'nps' and is_recent) as n_nps_responses_90d,
        round(100.0 * (count(*) filter (where nps_category = 'promoter' and is_recent)
                       - count(*) filter (where nps_category = 'detractor' and is_recent))
              / nullif(count(*) filter (where metric = 'nps' and is_recent), 0), 1) as nps_90d,
        arg_max(score, (responded_at, feedback_id)) filter (where metric = 'nps') as nps_latest_score,
        max(responded_at) filter (where metric = 'nps') as nps_latest_at,
        count(*) filter (where metric = 'csat') as n_csat_responses,
        round(100.0 * count(*) filter (where metric = 'csat' and score_pct >= 75)
              / nullif(count(*) filter (where metric = 'csat'), 0), 1) as csat_pct,
        count(*) filter (where metric = 'csat' and is_recent) as n_csat_responses_90d,
        round(100.0 * count(*) filter (where metric = 'csat' and score_pct >= 75 and is_recent)
              / nullif(count(*) filter (where metric = 'csat' and is_recent), 0), 1) as csat_pct_90d,
        arg_max(score, (responded_at, feedback_id)) filter (where metric = 'csat') as csat_latest_score,
        max(responded_at) filter (where metric = 'csat') as csat_latest_at,
        count(*) filter (where metric = 'ces') as n_ces_responses,
        round(avg(score_pct::decimal(18, 6)) filter (where metric = 'ces'), 1)::double as ces_ease_pct,
        count(*) filter (where metric = 'ces' and is_recent) as n_ces_responses_90d,
        round(avg(score_pct::decimal(18, 6)) filter (where metric = 'ces' and is_recent), 1)::double as ces_ease_pct_90d,
        arg_max(score, (responded_at, feedback_id)) filter (where metric = 'ces') as ces_latest_score,
        max(responded_at) filter (where metric = 'ces') as ces_latest_at
    from scored
    group by account_id
),
lost as (
    select account_id,
        sum(n_deals)::bigint as n_lost_deals,
        sum(n_deals_90d)::bigint as n_lost_deals_90d,
        list(loss_reason order by n_deals desc, loss_reason) filter (where loss_reason is not null) as lost_reasons
    from (select account_id, topic as loss_reason, count(*) as n_deals, count(*) filter (where is_recent) as n_deals_90d
          from (select f.account_id, f.topic, (f.responded_at at time zone 'UTC')::date > a.as_of_date - 90 as is_recent
                from core.feedback f cross join as_of a
                where f.outcome = 'lost' and f.account_id is not null)
          group by account_id, topic)
    group by account_id
),
requested as (
    select distinct feedback_id, account_id, feature, lower(feature) as feature_key
    from (select feedback_id, account_id, unnest(topics) as feature from core.feedback
          where department = 'product' and account_id is not null)
),
spellings as (
    select lower(feature) as feature_key, feature from marts.feature_requests
),
features as (
    select account_id, list(feature order by n_responses desc, feature)[1:3] as top_requested_features
    from (select r.account_id, s.feature, count(distinct r.feedback_id) as n_responses
          from requested r join spellings s using (feature_key)
          group by r.account_id, s.feature)
    group by account_id
)
select
    a.account_id,
    a.account_name,
    (select as_of_date from as_of) as as_of_date,
    a.n_responses,
    a.n_sources,
    coalesce(r.n_respondents, 0) as n_respondents,
    coalesce(r.n_respondents, 0) < $min_respondents
        or coalesce(least(nullif(s.n_nps_responses, 0), nullif(s.n_csat_responses, 0), nullif(s.n_ces_responses, 0)),
                    $min_respondents) < $min_respondents as is_small_sample,
    d.responses_by_department,
    d.last_contact_by_department,
    coalesce(s.n_nps_responses, 0) as n_nps_responses,
    s.nps,
    coalesce(s.n_nps_responses_90d, 0) as n_nps_responses_90d,
    s.nps_90d,
    s.nps_latest_score,
    s.nps_latest_at,
    coalesce(s.n_csat_responses, 0) as n_csat_responses,
    s.csat_pct,
    coalesce(s.n_csat_responses_90d, 0) as n_csat_responses_90d,
    s.csat_pct_90d,
    s.csat_latest_score,
    s.csat_latest_at,
    coalesce(s.n_ces_responses, 0) as n_ces_responses,
    s.ces_ease_pct,
    coalesce(s.n_ces_responses_90d, 0) as n_ces_responses_90d,
    s.ces_ease_pct_90d,
    s.ces_latest_score,
    s.ces_latest_at,
    coalesce(l.n_lost_deals, 0) as n_lost_deals,
    coalesce(l.n_lost_deals_90d, 0) as n_lost_deals_90d,
    coalesce(l.lost_reasons, []::varchar[]) as lost_reasons,
    coalesce(f.top_requested_features, []::varchar[]) as top_requested_features,
    a.first_seen,
    a.last_seen
from core.accounts a
left join per_department d using (account_id)
left join respondents r using (account_id)
left join scores s using (account_id)
left join lost l using (account_id)
left join features f using (account_id)
order by a.n_responses desc, a.account_id
