-- Grain: one row per account with risk signals from at least two departments in the trailing 90 days.
-- as_of_date and account_name are marts.account_360's (as_of_date: the UTC date of the newest response in
-- the warehouse); the window is the 90 UTC dates ending on it. Risk signals: an NPS detractor (0-6; the product survey), a
-- CSAT of 1-2 on 1-5 (score_pct <= 25; the service survey) and a lost deal (a response of a survey
-- whose spec says `outcome: lost`, core.feedback.outcome; not every sales survey is about a lost deal). A signal counts for the department of its response, so a
-- new source's NPS or CSAT counts too. signals lists 'department: signal' per department and signal kind.
with recent as (
    select f.feedback_id, f.account_id, f.department, f.responded_at, f.topic, f.outcome
    from core.feedback f
    join marts.account_360 a using (account_id)
    where (f.responded_at at time zone 'UTC')::date > a.as_of_date - 90
),
signals as (
    select r.account_id, r.department, r.responded_at, 'nps_detractor' as kind, null::varchar as reason
    from recent r join core.feedback_scores s using (feedback_id)
    where s.metric = 'nps' and s.nps_category = 'detractor'
    union all
    select r.account_id, r.department, r.responded_at, 'low_csat', null
    from recent r join core.feedback_scores s using (feedback_id)
    where s.metric = 'csat' and s.score_pct <= 25
    union all
    select account_id, department, responded_at, 'lost_deal', topic
    from recent
    where outcome = 'lost'
),
per_kind as (
    select account_id, department, kind, count(*) as n, max(responded_at) as last_at,
        department || ': ' || count(*) || ' ' || case kind
            when 'nps_detractor' then 'NPS detractor' || case when count(*) > 1 then 's' else '' end
            when 'low_csat' then 'CSAT of 1-2'
            else 'lost deal' || case when count(*) > 1 then 's' else '' end
                 || coalesce(' (' || string_agg(distinct reason, ', ' order by reason) || ')', '')
        end as signal
    from signals
    group by account_id, department, kind
),
per_account as (
    select account_id,
        count(distinct department) as n_risk_departments,
        list(distinct department order by department) as risk_departments,
        list(signal order by department, kind) as signals,
        sum(n)::bigint as n_signals,
        coalesce(sum(n) filter (where kind = 'nps_detractor'), 0)::bigint as n_nps_detractors_90d,
        coalesce(sum(n) filter (where kind = 'low_csat'), 0)::bigint as n_low_csat_90d,
        coalesce(sum(n) filter (where kind = 'lost_deal'), 0)::bigint as n_lost_deals_90d,
        max(last_at) as last_signal_at
    from per_kind
    group by account_id
    having count(distinct department) >= 2
)
select
    p.account_id,
    a.account_name,
    a.as_of_date,
    p.n_risk_departments,
    p.risk_departments,
    p.signals,
    p.n_signals,
    p.n_nps_detractors_90d,
    p.n_low_csat_90d,
    p.n_lost_deals_90d,
    p.last_signal_at
from per_account p
join marts.account_360 a using (account_id)
order by p.n_risk_departments desc, p.n_signals desc, a.account_name, p.account_id
