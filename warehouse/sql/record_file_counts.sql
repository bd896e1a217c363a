-- Row accounting per file: read = loaded + rejected + duplicate (read-time rejects were counted at landing).
update meta.files f
set status = 'loaded',
    rows_loaded = c.n_staged - c.n_rejected - c.n_duplicate,
    rows_rejected = f.rows_rejected + c.n_rejected,
    rows_duplicate = c.n_duplicate,
    run_id = $run_id,
    processed_at = now()
from (
    select
        file_id,
        any_value(n_staged) as n_staged,
        count(x.outcome) filter (where x.outcome = 'rejected') as n_rejected,
        count(x.outcome) filter (where x.outcome = 'duplicate') as n_duplicate
    from (select file_id, count(*) as n_staged from staged_rows group by file_id) s
    left join staged_exceptions x using (file_id)
    group by file_id
) c
where f.file_id = c.file_id and f.source = $source;

-- Files whose every record was rejected while reading (or that held no records) are done too.
update meta.files
set status = 'loaded', run_id = $run_id, processed_at = now()
where source = $source and status = 'raw_loaded';
