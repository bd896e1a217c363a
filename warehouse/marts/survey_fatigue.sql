-- Grain: one row per account and calendar month (UTC) in which the account answered at least one survey.
-- Survey pressure across departments: responses received from each department and in total, flagged
-- where the account answered more than $fatigue_limit surveys in the month (the fatigue_limit setting). The
-- exports hold responses only, so a survey sent but never answered is not counted: the figures are a lower
-- bound of the pressure. account_name is the account's display name (core.accounts).
with per_department as (
    select account_id, date_trunc('month', responded_at at time zone 'UTC')::date as month, department,
        count(*) as n_surveys
    from core.feedback
    where account_id is not null
    group by all
),
per_month as (
    select
        account_id,
        month,
        sum(n_surveys)::bigint as n_surveys,
        map(list(department order by department), list(n_surveys order by department)) as surveys_by_department,
        count(*) as n_departments,
        sum(n_surveys) > $fatigue_limit as is_over_limit
    from per_department
    group by account_id, month
)
select p.account_id, a.account_name, p.month, p.n_surveys, p.surveys_by_department, p.n_departments, p.is_over_limit
from per_month p
left join core.accounts a using (account_id)
order by p.month, p.n_surveys desc, p.account_id
