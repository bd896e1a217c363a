-- One row per column of the sample: what its non-empty values look like. Grain: one row per column.
-- Reads sample_values (col, v): every non-empty value of the profiled rows, as the raw layer stores it.
with numbers as (
    -- NaN and infinity are text that DuckDB would read as numbers: not answers on a scale.
    select col, v, case when isfinite(try_cast(v as double)) then try_cast(v as double) end as x
    from sample_values
)
select
    col,
    count(*) as n_filled,
    count(distinct v) as n_distinct,
    count(x) as n_numeric,
    count(*) filter (x = round(x)) as n_integer,
    histogram(try_cast(case when x = round(x) and x between -100 and 100 then x end as bigint))
        filter (x = round(x) and x between -100 and 100) as integer_histogram,
    count(*) filter (sb_is_email(v)) as n_email,
    -- Salesforce ids: 15 or 18 letters and digits, both present; accounts start with the key prefix 001.
    count(*) filter (regexp_full_match(v, '[A-Za-z0-9]{15}([A-Za-z0-9]{3})?')
                     and regexp_matches(v, '[0-9]') and regexp_matches(v, '[A-Za-z]')) as n_crm_id,
    count(*) filter (regexp_full_match(v, '001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?')) as n_crm_account_id,
    avg(length(v)) as mean_length,
    count(*) filter (v like '% %') as n_with_space,
    count(*) filter (case when left(v, 1) = '[' and json_valid(v) then json_type(v) = 'ARRAY' else false end) as n_json_list,
    count(*) filter (v like '%;%') as n_semicolon,
    count(*) filter (v like '%,%') as n_comma,
    count(*) filter (sb_has_offset(v) and try_cast(v as timestamptz) is not null) as n_offset_timestamp,
    count(*) filter (not sb_has_offset(v) and try_cast(v as timestamp) is not null
                     and regexp_matches(v, '^\d{4}-\d{2}-\d{2}')) as n_iso_timestamp,
    count(*) filter (regexp_matches(v, '\d{1,4}[/.\- ]\d{1,2}[/.\- ,]+\d{2,4}|[A-Za-z]{3} \d{1,2}, \d{4}'))
        as n_date_like,
    -- What personal data looks like, so that a column is left out for its values, not for a word of its question.
    count(*) filter (regexp_full_match(v, '\+?[0-9][0-9 ().\-/]{5,22}[0-9]')
                     and length(regexp_replace(v, '[^0-9]', '', 'g')) between 7 and 15
                     and (x is null or left(v, 1) = '+')) as n_phone,
    count(*) filter (regexp_full_match(v, '((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)')
                     or regexp_full_match(v, '([0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}')) as n_ip,
    -- 221B Baker Street, 1600 Amphitheatre Parkway; Hauptstraße 5
    count(*) filter (regexp_matches(v, '^\d+[A-Za-z]?,?\s+\p{L}{2,}')
                     or regexp_matches(lower(v), '\p{L}(straße|strasse|str\.|weg|gasse|allee|platz|ring)\s+\d+'))
        as n_address,
    -- one to four capitalised words of letters: Dana, Dana Lee, O'Brien, Zoë Lefèvre
    count(*) filter (length(v) <= 40 and regexp_full_match(v, '\p{Lu}[\p{L}''’.-]*( \p{Lu}[\p{L}''’.-]*){0,3}'))
        as n_name_shaped,
    count(*) filter (regexp_full_match(v, '-?\d{1,3}\.\d+') and abs(x) <= 180) as n_coordinate,
    case when count(distinct v) <= $max_distinct then histogram(v) end as value_counts
from numbers
group by col
