-- One row per staged row of the source being merged (temp view staged_rows), with its outcome:
--   rejected   it broke a row rule, or its id names different records within one file;
--   duplicate  a copy of a response already loaded, a later copy within one file, or a version
--              superseded by a newer file's;
--   loaded     the version of the response that core keeps (the newest file wins).
create or replace temp table staged_outcomes as
with hashed as (
    select
        feedback_id, source_response_id, source_file, source_row, file_id, loaded_at, _errors,
        md5(_raw_record::varchar) as content_hash
    from staged_rows
),
reused_ids as (
    select feedback_id, file_id
    from hashed
    where feedback_id is not null
    group by feedback_id, file_id
    having count(distinct content_hash) > 1
),
checked as (
    select h.*, r.feedback_id is not null as is_id_reused
    from hashed h
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
    r.feedback_id, r.source_file, r.source_row, r.file_id, r.content_hash,
    case
        when len(r._errors) > 0 or r.is_id_reused then 'rejected'
        when r.recency > 1 then 'duplicate'
        when c.feedback_id is not null then 'duplicate'
        else 'loaded'
    end as outcome,
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
left join core.feedback_loaded c
    on c.feedback_id = r.feedback_id and c.content_hash = r.content_hash
