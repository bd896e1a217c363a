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

-- The words of a name key that tell which company it is (generic_name_words.txt names the others).
create or replace temp macro sb_name_tokens(name_key, generic_words) as
    list_filter(string_split(name_key, ' '), lambda t: length(t) >= 2 and not list_contains(generic_words, t));

-- First letters of a name's words: "International Business Machines" -> "ibm".
create or replace temp macro sb_initials(name_key) as
    array_to_string(list_transform(list_filter(string_split(name_key, ' '), lambda t: t not in ('and', 'of')),
                                   lambda t: left(t, 1)), '');

-- Every abbreviation that keeps the words' order, starts with the first word and takes each kept word's
-- first letters: "socgen", "sg" and "soc" of "societe generale", "bofa" of "bank of america".
create or replace temp macro sb_abbreviation_pattern(name_key) as
    '^' || array_to_string(list_transform(string_split(name_key, ' '), lambda t, i:
        '(' || left(t, 1) || array_to_string(list_transform(range(2, length(t) + 1), lambda j: '(' || substr(t, j, 1)), '')
        || repeat(')?', length(t) - 1) || ')' || case when i > 1 then '?' else '' end), '') || '$';

-- A word shortened by leaving letters out, first and last kept: "ste" of "societe", "mgmt" of "management".
create or replace temp macro sb_is_contraction(short, word) as
    case when length(short) >= 3 and length(short) < length(word)
              and left(short, 1) = left(word, 1) and right(short, 1) = right(word, 1)
         then regexp_full_match(word, array_to_string(string_split(short, ''), '.*')) else false end;

-- Whether a name is the initials or an abbreviation of another: "ibm", "socgen", "falhol" (Falcon Holdings).
create or replace temp macro sb_is_abbreviation(short, name) as
    (length(replace(short, ' ', '')) >= 2 and replace(short, ' ', '') = sb_initials(name))
    or (length(replace(short, ' ', '')) >= 3 and regexp_full_match(replace(short, ' ', ''), sb_abbreviation_pattern(name)));

-- Whether two name keys read as one company's name to a person who sees them at one e-mail domain: the
-- same key; a distinctive word in common (or one a typo away, or the leading words one a contraction of the
-- other) that leads one of the names, since a word
-- further in says what a company does ("Nordic Steel" and "Baltic Steel" at one ISP are two companies);
-- one the initials or an abbreviation of the other.
create or replace temp macro sb_is_variant(a, b, generic_words, max_edits) as
    a = b
    or coalesce(list_bool_or(list_transform(sb_name_tokens(a, generic_words), lambda x, i:
           list_bool_or(list_transform(sb_name_tokens(b, generic_words), lambda y, j:
               (i = 1 or j = 1)
               and (x = y or (length(x) >= 4 and length(y) >= 4 and damerau_levenshtein(x, y) <= max_edits)
                    or (i = 1 and j = 1 and (sb_is_contraction(x, y) or sb_is_contraction(y, x)))))))),
                false)
    or sb_is_abbreviation(a, b) or sb_is_abbreviation(b, a);

-- The label a company chose for its domain: "acme" of mail.acme.co.uk, "mueller-gmbh" of mueller-gmbh.de.
create or replace temp macro sb_domain_label(domain) as
    case when len(string_split(domain, '.')) >= 3
              and string_split(domain, '.')[-2] in ('co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ne', 'or', 'go', 'gob')
         then string_split(domain, '.')[-3]
         else coalesce(string_split(domain, '.')[-2], domain) end;
