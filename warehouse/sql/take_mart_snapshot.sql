-- What every mart was just built from, for the next night to compare with (find_mart_changes.sql): the runs
-- whose responses they count, each mention's account, the golden accounts and the as-of date. Replaced
-- versions noted since the last snapshot are now accounted for.
create or replace table meta.mart_snapshot as
select $run_id as snapshot_id, now() as taken_at,
    (select (max(responded_at) at time zone 'UTC')::date from core.feedback_loaded) as as_of_date;

create or replace table meta.mart_snapshot_runs as
select distinct run_id from core.feedback_loaded;

create or replace table meta.mart_snapshot_mentions as
select mention_key, account_id from core.account_mentions;

create or replace table meta.mart_snapshot_accounts as
select * from core.accounts;

delete from meta.replaced_responses;
