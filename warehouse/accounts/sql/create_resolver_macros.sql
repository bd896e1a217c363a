-- Macros of account resolution (temporary: defined on each connection that resolves).

-- Lower case; the letters strip_accents keeps folded the way people type them on a plain keyboard
-- (ß -> ss, æ -> ae, ø -> o); accents and punctuation dropped, '&' and the word 'and' of other languages
-- read as 'and', a leading "the" dropped.
create or replace temp macro sb_clean_name(name) as nullif(trim(regexp_replace(regexp_replace(regexp_replace(
    ' ' || replace(strip_accents(translate(replace(replace(replace(replace(lower(name), 'ß', 'ss'), 'æ', 'ae'),
                                                                   'œ', 'oe'), 'þ', 'th'), 'øłđı', 'oldi')), '&', ' and ')
        || ' ',
    '[^\p{L}\p{N}]+', ' ', 'g'), ' (und|et|y|en|og|och)( (und|et|y|en|og|och))* ', ' and ', 'g'), '^ ?the ', '')), '');

-- Transliteration digraphs read as the letter they stand for: Mueller / Müller, Touyou / Tōyō, Aalborg / Ålborg.
create or replace temp macro sb_fold_digraphs(s) as
    replace(replace(replace(replace(replace(replace(s, 'ae', 'a'), 'oe', 'o'), 'ue', 'u'), 'aa', 'a'), 'ou', 'o'),
            'uu', 'u');

-- The comparison key of a cleaned name: legal forms dropped (unless nothing else is left), folded.
create or replace temp macro sb_name_key(cleaned, legal_forms) as
    sb_fold_digraphs(coalesce(nullif(trim(regexp_replace(cleaned, legal_forms, '', 'g')), ''), cleaned));

-- An anchor ('crm:…', 'domain:…', 'name:…', 'override:…') as a person reads it.
create or replace temp macro sb_anchor_text(anchor) as
    case split_part(anchor, ':', 1)
        when 'crm' then 'CRM id ' || sb_crm18(substr(anchor, 5))
        when 'domain' then 'domain ' || substr(anchor, 8)
        when 'name' then 'name "' || substr(anchor, 6) || '"'
        else 'override rule ' || substr(anchor, 10) end;
