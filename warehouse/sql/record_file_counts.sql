-- Row accounting per file: read = loaded + rejected + duplicate (read-time rejects were counted at landing).
update meta.files f
set status = 'loaded',
    rows_loaded = c.n_loaded,
    rows_rejected = f.rows_rejected + c.n_rejected,
    rows_duplicate = c.n_duplicate,
    run_id = $run_id,
    processed_at = now()
from (
    select file_id,
        count(*) filter (where outcome = 'loaded') as n_loaded,
        count(*) filter (where outcome = 'rejected') as n_rejected,
        count(*) filter (where outcome = 'duplicate') as n_duplicate
    from staged_outcomes
    group by file_id
) c
where f.file_id = c.file_id and f.source = $source;

-- Files whose every record was rejected while reading (or that held no records) are done too.
update meta.files
set status = 'loaded', run_id = $run_id, processed_at = now()
where source = $source and status = 'raw_loaded';
