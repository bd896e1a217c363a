-- The resolver's working tables that core.account_mentions, core.accounts and core.account_aliases are
-- not built from (kept: account_mentions_collected, resolver_labels, resolver_evidence,
-- resolver_domain_anchors, resolver_account_ids, resolver_changes and resolved_mentions).
drop table if exists resolver_input;
drop table if exists resolver_previous;
drop table if exists resolver_spellings;
drop table if exists resolver_crm_ids;
drop table if exists resolver_nodes;
drop table if exists resolver_domain_names;
drop table if exists resolver_domain_family;
drop table if exists resolver_shared_domains;
drop table if exists resolver_crm_canonical;
drop table if exists resolver_name_crm;
drop table if exists resolver_name_anchors;
drop table if exists resolver_fuzzy_strings;
drop table if exists resolver_fuzzy_candidates;
drop table if exists resolver_fuzzy_links;
drop table if exists resolver_name_final;
drop table if exists resolver_override_keys;
drop table if exists resolver_override_hits;
