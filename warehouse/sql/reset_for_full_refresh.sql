-- Full refresh: forget what staging, validation and the merge decided, keep what was read.
-- Raw rows, files rejected as a whole and records rejected while reading (field_count) stay; every file
-- that was loaded goes back to raw_loaded, so the next run stages, validates and merges it again.
delete from core.feedback_scores;

delete from core.feedback_loaded;

delete from quarantine.rejects
where source_row is not null and rule <> 'field_count';

update meta.files f
set status = 'raw_loaded', rows_loaded = 0, rows_duplicate = 0,
    rows_rejected = coalesce((select count(*) from quarantine.rejects q
                              where q.source = f.source and q.source_file = f.source_file
                                and q.rule = 'field_count'), 0)
where status = 'loaded';
