-- Grain: one row per calendar month (UTC), department and metric that has at least one scored response.
-- mean_score_pct is the mean of score_pct (0-100, higher always better; effort scales reversed upstream),
-- averaged as exact decimals so that it does not depend on the order parallel threads add in.
-- NPS (nps rows only) = % promoters (9-10) - % detractors (0-6), never an average; CSAT (csat rows only) =
-- share (%) of satisfied answers, 4-5 on a 1-5 scale, i.e. score_pct >= 75. Percentages cannot be
-- averaged over months: roll up with the counts (n_promoters, n_detractors, n_satisfied / n_responses).
select
    date_trunc('month', f.responded_at at time zone 'UTC')::date as month,
    f.department,
    s.metric,
    count(*) as n_responses,
    count(distinct f.account_id) as n_accounts,
    round(avg(s.score_pct::decimal(18, 6)), 1)::double as mean_score_pct,
    case when s.metric = 'nps' then count(*) filter (where s.nps_category = 'promoter') end as n_promoters,
    case when s.metric = 'nps' then count(*) filter (where s.nps_category = 'detractor') end as n_detractors,
    case when s.metric = 'nps' then round(100.0 * (count(*) filter (where s.nps_category = 'promoter')
                                                   - count(*) filter (where s.nps_category = 'detractor'))
                                          / count(*), 1) end as nps,
    case when s.metric = 'csat' then count(*) filter (where s.score_pct >= 75) end as n_satisfied,
    case when s.metric = 'csat' then round(100.0 * count(*) filter (where s.score_pct >= 75) / count(*), 1) end
        as csat_pct
from core.feedback f
join core.feedback_scores s using (feedback_id)
group by month, f.department, s.metric
order by month, department, metric
