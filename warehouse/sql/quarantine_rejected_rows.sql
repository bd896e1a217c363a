-- Rows that broke a rule go to quarantine with the row as read, the rule and its detail.
insert into quarantine.rejects
select $source, source_file, source_row, _raw_record, rule, detail, $run_id, now()
from staged_exceptions
where outcome = 'rejected'
