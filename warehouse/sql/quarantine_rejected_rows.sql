-- Rows that broke a rule go to quarantine with the row as read, the rule and its detail.
insert into quarantine.rejects by name
select $source as source, source_file, source_row, _raw_record as raw_record, rule, detail, $run_id as run_id,
       now() as rejected_at
from staged_exceptions
where outcome = 'rejected'
