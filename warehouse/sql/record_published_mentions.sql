-- The accounts of the mentions as the copy now holds them: only the mentions that changed since
-- it was written are rewritten (temp table publish_moved_mentions), unless the copy was written
-- afresh or from the other copy: every mention).
delete from meta.published_mentions
where file_name = $file_name
  and ($rewrite or mention_key in (select mention_key from publish_moved_mentions));

insert into meta.published_mentions (file_name, mention_key, account_id)
select $file_name, mention_key, account_id
from core.account_mentions
where $rewrite or mention_key in (select mention_key from publish_moved_mentions where is_current);
