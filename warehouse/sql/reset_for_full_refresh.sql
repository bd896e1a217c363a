-- Full refresh: forget what staging, validation and the merge decided, keep what was read.
-- Raw rows and records a reader quarantined (wrong field counts, records that are not responses; they
-- never reached raw, so no replay could redo them) stay; files rejected as a whole are read again; every file
-- that was loaded goes back to raw_loaded, so the next run stages, validates and merges it again.
-- Files whose raw rows raw retention deleted (meta.raw_retention) cannot be replayed: their loaded
-- responses, rejects and counts stay as they are.
create or replace temp table replayed_files as
select f.file_id, f.source, f.source_file
from meta.files f
where f.status = 'loaded'
  and not exists (select 1 from meta.raw_retention r where r.file_id = f.file_id and r.source = f.source);

delete from core.feedback_scores
where feedback_id in (select l.feedback_id from core.feedback_loaded l
                      join replayed_files r on l.file_id = r.file_id and l.source = r.source);

delete from core.feedback_loaded l
using replayed_files r
where l.file_id = r.file_id and l.source = r.source;

delete from quarantine.rejects q
using replayed_files r
where q.source = r.source and q.source_file = r.source_file
  and q.source_row is not null and not list_contains($reader_rules, q.rule);

update meta.files f
set status = 'raw_loaded', rows_loaded = 0, rows_duplicate = 0,
    rows_rejected = coalesce((select count(*) from quarantine.rejects q
                              where q.source = f.source and q.source_file = f.source_file
                                and list_contains($reader_rules, q.rule)), 0)
from replayed_files r
where f.file_id = r.file_id and f.source = r.source;

drop table replayed_files;

-- Files rejected as a whole are read again from the landing folder (when they are still there): the
-- rejection may have been a spec's mistake since fixed.
update meta.files set spec_fingerprint = null where status = 'rejected';

-- Landing files are hashed afresh too, should a file system have kept a rewritten file's time stamps.
delete from meta.landing_digests;

-- The marts are built whole after a full refresh: it may delete responses the replaced-responses log never saw.
delete from meta.mart_builds;
