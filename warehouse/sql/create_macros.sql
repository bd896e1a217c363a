-- Macros shared by staging, account resolution and the marts. Temporary: defined on every connection,
-- so the database file never depends on a macro's old definition.

-- Text as it matters: trimmed, and empty means absent. Trimmed of every blank a pasted value brings along
-- (tab, line breaks, no-break and ideographic spaces, a stray byte-order mark), not only spaces: "jo@acme.com<TAB>" copied
-- from a spreadsheet is jo@acme.com.
create or replace temp macro sb_text(v) as nullif(trim(v::varchar, ' ' || chr(9) || chr(10) || chr(11) || chr(12)
    || chr(13) || chr(133) || chr(160) || chr(8199) || chr(8239) || chr(12288) || chr(65279)), '');

-- A short, stable hash for ids built from content.
create or replace temp macro sb_hash(v) as left(sha256(v), 32);

-- Salesforce ids: the 18-character form is the 15-character id plus a checksum that encodes which of
-- the first 15 characters are upper case, so that case-insensitive tools can carry it. The key of a
-- record is its case-restored 15-character form.
create or replace temp macro sb_crm_key(id) as (
    case
        when length(id) = 18 then array_to_string(list_transform(range(15), lambda i:
            case when ((instr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', upper(substr(id, 16 + i // 5, 1))) - 1)
                       >> (i % 5)) & 1 = 1
                 then upper(substr(id, i + 1, 1)) else lower(substr(id, i + 1, 1)) end), '')
        else id
    end
);

create or replace temp macro sb_crm18(id15) as (
    case when length(id15) = 15 then id15 || array_to_string(list_transform(range(3), lambda c:
        substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + list_sum(list_transform(range(5), lambda b:
            case when substr(id15, c * 5 + b + 1, 1) between 'A' and 'Z' then 1 << b else 0 end))::int, 1)),
        '') else id15 end
);

-- Values of a timestamp string that carry their own UTC offset (or Z).
create or replace temp macro sb_has_offset(v) as
    regexp_matches(v, '\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|z|UTC|[+-]\d\d(:?\d\d)?)$');

-- Free text is published, so the addresses customers type into it are not: e-mail (internationalised ones and
-- apostrophes in the local part too: jürgen@müller.de, o'brien@acme.com), IPv4 and IPv6, full or with "::".
create or replace temp macro sb_redact(v) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(v,
        '[\pL\pN._%+''-]+@[\pL\pN-]+(\.[\pL\pN-]+)*\.\pL{2,}', '[email removed]', 'g'),
        '\b(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\b', '[ip removed]', 'g'),
        '\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b', '[ip removed]', 'g'),
        '\b([0-9A-Fa-f]{1,4}:){1,6}(:[0-9A-Fa-f]{1,4}){1,6}\b|\b([0-9A-Fa-f]{1,4}:){1,7}:', '[ip removed]', 'g');
