-- Replace older versions of the loaded responses, then insert the new ones with their derived columns:
-- the e-mail becomes a salted hash and a domain; the e-mail itself never reaches core. What a replaced version
-- was counted under (its mention and date) is kept for the marts' next refresh.
insert into meta.replaced_responses by name
select feedback_id, mention_key, responded_at, $run_id as run_id
from core.feedback_loaded
where feedback_id in (select feedback_id from staged_exceptions where replaces);

delete from core.feedback_scores
where feedback_id in (select feedback_id from staged_exceptions where replaces);

delete from core.feedback_loaded
where feedback_id in (select feedback_id from staged_exceptions where replaces);

create or replace temp view staged_rows_to_load as
select s.*
from staged_rows s
anti join (select file_id, source_row from staged_exceptions where outcome <> 'loaded') x using (file_id, source_row);

insert into core.feedback_loaded by name
select
    s.* exclude (email, scores, _content_hash),
    case when sb_is_email(s.email) then split_part(s.email, '@', 2) end as email_domain,
    case when s.email is not null then sha256($salt || s.email) end as respondent_hash,
    sb_hash(to_json([s.source, s.account_name_raw,
                     case when sb_is_email(s.email) then split_part(s.email, '@', 2) end, s.crm_id])) as mention_key,
    s._content_hash as content_hash
from staged_rows_to_load s;

insert into core.feedback_scores by name
select s.feedback_id, unnest(s.scores, recursive := true)
from staged_rows_to_load s;
