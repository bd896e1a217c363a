-- The responses the older published copy holds in another form than core, found from the
-- pipeline's record instead of a diff of every response. A response's published row changes only with its
-- version (a run that loads it gives it its run_id) or its mention's account, so it changed when its run_id
-- is not one the copy holds or its mention's account differs from the copy's
-- (meta.published_mentions). Responses deleted since (a full refresh) are not found here: the caller
-- compares counts afterwards.
create or replace temp table publish_known_runs as
select unnest($response_runs::varchar[]) as run_id;

-- Mentions new, gone or moved since the copy was written; temp table publish_moved_mentions.
create or replace temp table publish_moved_mentions as
select coalesce(m.mention_key, p.mention_key) as mention_key, m.mention_key is not null as is_current, m.account_id
from core.account_mentions m
full join (select mention_key, account_id from meta.published_mentions where file_name = $file_name) p
    on m.mention_key = p.mention_key
where m.mention_key is null or p.mention_key is null or m.account_id is distinct from p.account_id;

create or replace temp table publish_changed_responses as
select f.feedback_id, k.run_id is null as is_new_version
from core.feedback_loaded f
left join publish_known_runs k on k.run_id = f.run_id
where k.run_id is null
   or f.mention_key in (select mention_key from publish_moved_mentions where is_current);

drop table publish_known_runs;
