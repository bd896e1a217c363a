-- What changed in core since the marts' snapshot (meta.mart_snapshot*, taken when every mart was last built),
-- as the accounts and months it touches. Of the big tables only narrow columns are read: run_id, mention_key
-- and responded_at. A response's row changes only with a new version (loaded by a run: run_id; the version it
-- replaced is in meta.replaced_responses) or with its mention's account; core.accounts is compared whole.

-- Responses loaded by runs the snapshot does not reflect: new responses and new versions.
create or replace temp table mart_new_responses as
select mention_key, responded_at
from core.feedback_loaded
where run_id not in (select run_id from meta.mart_snapshot_runs);

-- Mentions whose account is not the snapshot's: moved by the resolver or an override, new, or gone.
create or replace temp table mart_moved_mentions as
select coalesce(c.mention_key, p.mention_key) as mention_key, p.account_id as previous_account_id, c.account_id
from core.account_mentions c
full join meta.mart_snapshot_mentions p on p.mention_key = c.mention_key
where c.account_id is distinct from p.account_id;

-- Accounts whose golden row is not the snapshot's: new, gone, renamed, or other counts.
create or replace temp table mart_changed_accounts as
select account_id from (select * from core.accounts except all select * from meta.mart_snapshot_accounts)
union
select account_id from (select * from meta.mart_snapshot_accounts except all select * from core.accounts);

-- The accounts whose responses changed, under their account now and under the one the snapshot counted them in.
create or replace temp table mart_touched_accounts as
select m.account_id from mart_new_responses n join core.account_mentions m using (mention_key)
where m.account_id is not null
union
select p.account_id from meta.replaced_responses r join meta.mart_snapshot_mentions p using (mention_key)
where p.account_id is not null
union
select account_id from mart_moved_mentions where account_id is not null
union
select previous_account_id from mart_moved_mentions where previous_account_id is not null
union
select account_id from mart_changed_accounts;

-- The UTC months of the responses that changed: new, replaced, or counted under another account now.
create or replace temp table mart_touched_months as
select distinct date_trunc('month', responded_at at time zone 'UTC')::date as month
from (select responded_at from mart_new_responses
      union all
      select responded_at from meta.replaced_responses
      union all
      select responded_at from core.feedback_loaded
      where mention_key in (select mention_key from mart_moved_mentions));
