-- Rows that broke a rule go to quarantine with the row as read, the rule and its detail.
insert into quarantine.rejects
select s.source, s.source_file, s.source_row, s._raw_record, o.rule, o.detail, $run_id, now()
from staged_rows s
join staged_outcomes o using (file_id, source_row)
where o.outcome = 'rejected'
