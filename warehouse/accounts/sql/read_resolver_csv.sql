-- `accounts resolve`'s input as mentions: one per row, numbered in file order, the e-mail reduced to its domain.
create or replace temp table resolver_csv as
select row_no, mention_id, source, account_name, email_domain, crm_account_id,
    hash(account_name, email_domain, crm_account_id) as mention_key
from (select row_number() over () as row_no, mention_id, source, account_name, crm_account_id,
             nullif(lower(trim(split_part(email, '@', 2))), '') as email_domain
      from resolver_csv_raw);
