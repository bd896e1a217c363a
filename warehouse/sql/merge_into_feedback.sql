-- Replace older versions of the loaded responses, then insert the new ones with their derived columns:
-- the e-mail becomes a salted hash and a domain; the e-mail itself never reaches core.
delete from core.feedback_scores
where feedback_id in (select feedback_id from staged_outcomes where outcome = 'loaded');

delete from core.feedback_loaded
where feedback_id in (select feedback_id from staged_outcomes where outcome = 'loaded');

insert into core.feedback_loaded by name
select
    s.* exclude (email, scores, _errors, _raw_record),
    case when sb_is_email(s.email) then split_part(s.email, '@', 2) end as email_domain,
    case when s.email is not null then sha256($salt || s.email) end as respondent_hash,
    sb_hash(to_json([s.source, s.account_name_raw,
                     case when sb_is_email(s.email) then split_part(s.email, '@', 2) end, s.crm_id])) as mention_key,
    o.content_hash
from staged_rows s
join staged_outcomes o using (file_id, source_row)
where o.outcome = 'loaded';

insert into core.feedback_scores by name
select s.feedback_id, unnest(s.scores, recursive := true)
from staged_rows s
join staged_outcomes o using (file_id, source_row)
where o.outcome = 'loaded';
