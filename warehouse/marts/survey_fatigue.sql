-- Grain: one row per account and month. Surveys the account received from each department and in all,
-- flagged where the total exceeds $fatigue_limit (surveys per account per month, configurable).
with per_department as (
    select account_id, date_trunc('month', responded_at)::date as month, department, count(*) as n
    from core.feedback
    where account_id is not null
    group by all
)
select
    account_id,
    month,
    sum(n)::bigint as n_surveys,
    map(list(department order by department), list(n order by department)) as surveys_by_department,
    count(*) as n_departments,
    sum(n) > $fatigue_limit as is_over_limit
from per_department
group by account_id, month
order by month, n_surveys desc, account_id
