-- Grain: one row per loss reason and calendar quarter (UTC) of the lost deals.
-- A lost deal is a response of a survey whose spec says `outcome: lost` (core.feedback.outcome; the built-in
-- lost-business survey), whatever its department: a closed-won survey of sales is not one. loss_reason is
-- its topic and is NULL where none was given. competitors are the distinct names in the
-- attributes' 'Competitor' key (built-in sales spec), most often named first; blank or missing names are
-- ignored. pct_of_quarter is the reason's share of all lost deals of the quarter.
with deals as (
    select feedback_id, account_id, topic as loss_reason,
        date_trunc('quarter', responded_at at time zone 'UTC')::date as quarter,
        nullif(trim(attributes->>'Competitor'), '') as competitor
    from core.feedback
    where outcome = 'lost'
),
competitors as (
    select quarter, loss_reason, list(competitor order by n desc, competitor) as competitors
    from (select quarter, loss_reason, competitor, count(*) as n
          from deals where competitor is not null group by all)
    group by all
),
per_reason as (
    select quarter, loss_reason,
        count(*) as n_lost_deals,
        count(distinct account_id) as n_accounts,
        count(competitor) as n_deals_with_competitor
    from deals
    group by all
)
select
    p.quarter,
    strftime(p.quarter, '%Y') || '-Q' || quarter(p.quarter) as quarter_label,
    p.loss_reason,
    p.n_lost_deals,
    p.n_accounts,
    p.n_deals_with_competitor,
    coalesce(c.competitors, []::varchar[]) as competitors,
    round(100.0 * p.n_lost_deals / sum(p.n_lost_deals) over (partition by p.quarter), 1) as pct_of_quarter
from per_reason p
left join competitors c on c.quarter = p.quarter and c.loss_reason is not distinct from p.loss_reason
order by p.quarter, p.n_lost_deals desc, p.loss_reason
