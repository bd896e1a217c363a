-- The staged rows of the source being merged (temp view staged_rows) that are not simply loaded, with
-- their outcome (temp table staged_exceptions) and, for the rejected, the row as read (temp view
-- staged_raw_records); every other staged row is loaded as it is.
--   rejected   it broke a row rule (temp table staged_row_errors), or its id names different records
--              within one file;
--   duplicate  a copy of a response already loaded, a later copy within one file, or a version
--              superseded by a newer file's;
--   loaded     the version of the response that core keeps (the newest file wins); `replaces` says it
--              replaces an older version already in core.
-- Only rows that broke a rule, share their id with another staged row, or whose id core knows can be
-- anything but loaded, so only they are ranked: the other rows (nearly all of a big load) are never
-- sorted or joined on their whole width.
create or replace temp table staged_exceptions as
with repeated_ids as (
    select feedback_id from staged_rows group by feedback_id having count(*) > 1
),
known as (
    select feedback_id, content_hash as known_hash from core.feedback_loaded where source = $source
),
candidates as (
    select
        s.feedback_id, s.source_response_id, s.source_file, s.source_row, s.file_id, s.loaded_at,
        s._content_hash as content_hash, coalesce(e.errors, []) as _errors, k.known_hash
    from staged_rows s
    left join staged_row_errors e on e.file_id = s.file_id and e.source_row = s.source_row
    left join known k on k.feedback_id = s.feedback_id
    where e.errors is not null
       or k.known_hash is not null
       or s.feedback_id is null
       or s.feedback_id in (select feedback_id from repeated_ids)
),
reused_ids as (
    select feedback_id, file_id
    from candidates
    where feedback_id is not null
    group by feedback_id, file_id
    having count(distinct content_hash) > 1
),
checked as (
    select c.*, r.feedback_id is not null as is_id_reused
    from candidates c
    left join reused_ids r using (feedback_id, file_id)
),
ranked as (
    select *,
        case when len(_errors) = 0 and not is_id_reused then
            row_number() over (partition by feedback_id, len(_errors) = 0 and not is_id_reused
                               order by loaded_at desc, source_file desc, source_row)
        end as recency
    from checked
)
select
    r.feedback_id, r.source_file, r.source_row, r.file_id,
    case when len(r._errors) > 0 or r.is_id_reused then raw._raw_record end as _raw_record,
    case
        when len(r._errors) > 0 or r.is_id_reused then 'rejected'
        when r.recency > 1 then 'duplicate'
        when r.known_hash = r.content_hash then 'duplicate'
        else 'loaded'
    end as outcome,
    r.known_hash is not null and outcome = 'loaded' as replaces,
    case
        when len(r._errors) > 0 then r._errors[1].rule
        when r.is_id_reused then 'id_duplicate'
    end as rule,
    case
        when len(r._errors) > 0 then array_to_string(list_transform(r._errors, lambda e: e.detail), '; ')
        when r.is_id_reused then 'response id ''' || r.source_response_id
                                 || ''' is used by different records of this file, expected one record per id'
    end as detail
from ranked r
left join staged_raw_records raw on raw.file_id = r.file_id and raw.source_row = r.source_row
