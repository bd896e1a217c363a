"""The unified customer-feedback schema, declared once.

Every other layer derives from these declarations: the DuckDB DDL (``warehouse``), the staging
column lists, the validation suites and the data dictionary (``silobridge docs``). Add a column
here and it appears everywhere; never restate a column list by hand.

>>> FEEDBACK.qualified_name
'core.feedback'
>>> FEEDBACK.column("responded_at").sql_type
'TIMESTAMPTZ'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

__all__ = [
    "EMAIL_SHAPE",
    "Column",
    "Table",
    "FEEDBACK",
    "FEEDBACK_SCORES",
    "ACCOUNTS",
    "ACCOUNT_ALIASES",
    "ACCOUNT_MENTIONS",
    "ACCOUNT_CHANGES",
    "STAGED_FEEDBACK",
    "LOADED_FEEDBACK",
    "REJECTS",
    "RUNS",
    "FILES",
    "VALIDATIONS",
    "PUBLISHES",
    "PUBLISHED_COPIES",
    "PUBLISHED_MENTIONS",
    "SCHEMA_DRIFT",
    "RAW_RETENTION",
    "REPLACED_RESPONSES",
    "MART_BUILDS",
    "PUBLISHED_TABLES",
    "PIPELINE_TABLES",
    "LINEAGE_COLUMNS",
    "SCORE_STRUCT",
    "NPS_CATEGORIES",
]

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")

# Arrow has no JSON type; DuckDB's JSON is a VARCHAR alias, so it needs an explicit SQL type.
_ARROW_TO_SQL: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint64(): "UBIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    UTC_TIMESTAMP: "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
}

NPS_CATEGORIES = ("promoter", "passive", "detractor")

# The shape of an e-mail address: no whitespace and one @, a dot after it (r"[^@\s]+@[^@\s]+\.[^@\s]+").
# Python's `\s` (what str.isspace() calls whitespace) is spelled out because RE2, which DuckDB and pyarrow run,
# has a narrower `\s`: spelled this way the validation rule and the SQL that reads domains decide alike.
_WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0" + "\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
EMAIL_SHAPE = rf"[^@{_WHITESPACE}]+@[^@{_WHITESPACE}]+\.[^@{_WHITESPACE}]+"

# One entry per metric of a response, kept as a list on the staged row until core unnests it.
SCORE_STRUCT = pa.struct(
    [
        ("metric", pa.string()),
        ("score", pa.float64()),
        ("scale_min", pa.float64()),
        ("scale_max", pa.float64()),
        ("score_pct", pa.float64()),
        ("nps_category", pa.string()),
    ]
)


@dataclass(frozen=True)
class Column:
    """One column: its Arrow type, its SQL type (derived unless given) and what it means."""

    name: str
    arrow_type: pa.DataType
    description: str
    nullable: bool = True
    sql_type_override: str | None = None

    @property
    def sql_type(self) -> str:
        if self.sql_type_override:
            return self.sql_type_override
        return _ARROW_TO_SQL[self.arrow_type]


@dataclass(frozen=True)
class Table:
    """A table of the warehouse: where it lives, its grain and its columns."""

    schema: str
    name: str
    grain: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    # Enforced with an index only on small bookkeeping tables: on million-row tables DuckDB's index costs
    # more than the merge that already guarantees the key (and tests check it).
    enforce_key: bool = False
    published: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type, c.nullable) for c in self.columns])


def _json(name: str, description: str, nullable: bool = True) -> Column:
    return Column(name, pa.string(), description, nullable, sql_type_override="JSON")


LINEAGE_COLUMNS = (
    Column("source_file", pa.string(), "Landing file the row was read from, relative to the home.", False),
    Column("source_row", pa.int64(), "1-based record number inside that file (header not counted).", False),
    Column("run_id", pa.string(), "Pipeline run that loaded the row.", False),
    Column("loaded_at", UTC_TIMESTAMP, "When the row was loaded (UTC).", False),
)

_RESPONSE_COLUMNS = (
    Column("feedback_id", pa.string(), "Deterministic id: hash of source and source response id, "
           "or of the response's content when the source has no id.", False),
    Column("source", pa.string(), "Name of the source spec the response came from.", False),
    Column("department", pa.string(), "Department that ran the survey (sales, service, product, ...).", False),
    Column("survey", pa.string(), "Human name of the survey.", False),
    Column("source_response_id", pa.string(), "The response's id in the source tool, when it has one."),
)

_CONTENT_COLUMNS = (
    Column("responded_at", UTC_TIMESTAMP, "When the customer responded, normalised to UTC.", False),
    Column("topic", pa.string(), "Main topic: loss reason, ticket category or first requested feature."),
    Column("topics", pa.list_(pa.string()), "Every topic the response names (multi-select answers)."),
    Column("comment", pa.string(), "Free-text comment, as written."),
    _json("attributes", "The source's extra fields (the spec's `attributes`) as a JSON object."),
)

# Last in the table, after the lineage: added after the contract's columns, so positional queries keep working.
_OUTCOME = Column("outcome", pa.string(), "What the response says about a deal, as its spec's `outcome` declares: "
                  "lost (a lost-business survey), won, or NULL for a survey that is not about a deal.")

FEEDBACK = Table(
    schema="core",
    name="feedback",
    grain="One row per survey response.",
    description="Every survey response of every department, in one shape.",
    primary_key=("feedback_id",),
    published=True,
    columns=(
        *_RESPONSE_COLUMNS,
        Column("account_id", pa.string(), "Resolved account (see core.accounts)."),
        Column("account_name_raw", pa.string(), "Customer name exactly as the source spelled it."),
        Column("respondent_hash", pa.string(), "Salted SHA-256 of the lower-cased e-mail; never the e-mail."),
        Column("email_domain", pa.string(), "Domain part of the respondent's e-mail."),
        *_CONTENT_COLUMNS,
        *LINEAGE_COLUMNS,
        _OUTCOME,
    ),
)

FEEDBACK_SCORES = Table(
    schema="core",
    name="feedback_scores",
    grain="One row per survey response and metric.",
    description="Every score of every response, with its scale and a 0-100 score where higher is better.",
    primary_key=("feedback_id", "metric"),
    published=True,
    columns=(
        Column("feedback_id", pa.string(), "The response (core.feedback).", False),
        Column("metric", pa.string(), "nps, csat, ces, likelihood_to_reconsider or a spec-declared name.", False),
        Column("score", pa.float64(), "The score as answered, on the source's scale.", False),
        Column("scale_min", pa.float64(), "Lowest value of the scale.", False),
        Column("scale_max", pa.float64(), "Highest value of the scale.", False),
        Column("score_pct", pa.float64(), "Score mapped to 0-100 where higher is always better.", False),
        Column("nps_category", pa.string(), "promoter (9-10), passive (7-8) or detractor (0-6); NPS only."),
    ),
)

ACCOUNTS = Table(
    schema="core",
    name="accounts",
    grain="One row per resolved account.",
    description="The golden record of each customer account, built from every mention in every silo.",
    primary_key=("account_id",),
    published=True,
    columns=(
        Column("account_id", pa.string(), "Stable id of the account while its evidence holds.", False),
        Column("account_name", pa.string(), "Best display name (most frequent spelling, CRM first)."),
        Column("domains", pa.list_(pa.string()), "Corporate e-mail domains seen for the account."),
        Column("crm_ids", pa.list_(pa.string()), "CRM account ids (18-character Salesforce form)."),
        Column("first_seen", UTC_TIMESTAMP, "Earliest response of the account."),
        Column("last_seen", UTC_TIMESTAMP, "Latest response of the account."),
        Column("n_sources", pa.int64(), "Number of sources the account appears in.", False),
        Column("n_responses", pa.int64(), "Number of responses of the account.", False),
    ),
)

ACCOUNT_ALIASES = Table(
    schema="core",
    name="account_aliases",
    grain="One row per alias (name, domain or CRM id) and account.",
    description="The crosswalk from every spelling, domain and CRM id to its account, with the evidence.",
    primary_key=("alias_kind", "alias_value", "account_id"),
    published=True,
    columns=(
        Column("alias_kind", pa.string(), "name, domain or crm_id.", False),
        Column("alias_value", pa.string(), "The alias as seen in the sources.", False),
        Column("account_id", pa.string(), "Account the alias resolves to.", False),
        Column("match_method", pa.string(), "crm_id, domain, exact_name, fuzzy_name or override.", False),
        Column("confidence", pa.float64(), "0-1 confidence of the match.", False),
        Column("evidence", pa.string(), "Why the alias belongs to the account, as `silobridge accounts explain` prints it."),
    ),
)

ACCOUNT_CHANGES = Table(
    schema="core",
    name="account_changes",
    grain="One row per run, previous account and account that some of its mentions moved to.",
    description="Merges and splits of accounts between resolutions, so saved queries on an account_id are not "
                "silently broken: 'merge' when the previous account is gone (absorbed), 'split' when it remains "
                "without the moved mentions.",
    primary_key=("run_id", "previous_account_id", "account_id"),
    published=True,
    columns=(
        Column("run_id", pa.string(), "Run whose resolution made the change.", False),
        Column("changed_at", UTC_TIMESTAMP, "When.", False),
        Column("change_kind", pa.string(), "merge or split.", False),
        Column("previous_account_id", pa.string(), "The account the mentions belonged to.", False),
        Column("account_id", pa.string(), "The account they belong to now.", False),
        Column("n_mentions", pa.int64(), "Distinct mentions that moved.", False),
        Column("n_responses", pa.int64(), "Responses of those mentions.", False),
    ),
)

ACCOUNT_MENTIONS = Table(
    schema="core",
    name="account_mentions",
    grain="One row per distinct way a source named a customer.",
    description="Distinct (source, name, e-mail domain, CRM id) mentions: the input of account resolution.",
    primary_key=("mention_key",),
    columns=(
        Column("mention_key", pa.string(), "Hash of the mention's source, name, domain and CRM id.", False),
        Column("source", pa.string(), "Source spec of the mention.", False),
        Column("account_name_raw", pa.string(), "Name as spelled."),
        Column("email_domain", pa.string(), "E-mail domain, lower-cased."),
        Column("crm_id", pa.string(), "CRM id as given (15 or 18 characters)."),
        Column("n_responses", pa.int64(), "Responses carrying this mention.", False),
        Column("first_seen", UTC_TIMESTAMP, "Earliest response with this mention."),
        Column("last_seen", UTC_TIMESTAMP, "Latest response with this mention."),
        Column("account_id", pa.string(), "Resolved account."),
        Column("match_method", pa.string(), "Strongest evidence that put the mention in its account."),
        Column("confidence", pa.float64(), "0-1 confidence of that evidence."),
        Column("evidence", pa.string(), "That evidence in words (CRM id, domain, name, fuzzy match or override)."),
    ),
)

STAGED_FEEDBACK = Table(
    schema="staging",
    name="feedback",
    grain="One row per response read from a source file in this run.",
    description="A source's rows renamed and typed into the unified shape (pipeline database only: holds e-mails).",
    columns=(
        *_RESPONSE_COLUMNS,
        Column("account_name_raw", pa.string(), "Customer name as spelled."),
        Column("email", pa.string(), "Respondent e-mail, lower-cased (PII: never published)."),
        Column("crm_id", pa.string(), "CRM account id as given."),
        *_CONTENT_COLUMNS,
        Column("scores", pa.list_(SCORE_STRUCT), "The response's scores.",
               sql_type_override="STRUCT(metric VARCHAR, score DOUBLE, scale_min DOUBLE, scale_max DOUBLE, "
                                 "score_pct DOUBLE, nps_category VARCHAR)[]"),
        Column("file_id", pa.string(), "Content hash of the landing file.", False),
        *LINEAGE_COLUMNS,
        _OUTCOME,
    ),
)

LOADED_FEEDBACK = Table(
    schema="core",
    name="feedback_loaded",
    grain="One row per survey response.",
    description="core.feedback as loaded, before account resolution (pipeline database only); "
                "core.feedback adds account_id through the response's mention.",
    primary_key=("feedback_id",),
    columns=(
        *(c for c in FEEDBACK.columns if c.name != "account_id"),
        Column("mention_key", pa.string(), "The response's account mention (core.account_mentions)."),
        Column("crm_id", pa.string(), "CRM account id as given."),
        Column("content_hash", pa.string(), "Hash of the response's content: tells a re-sent copy from a correction.", False),
        Column("file_id", pa.string(), "Content hash of the landing file.", False),
    ),
)

REJECTS = Table(
    schema="quarantine",
    name="rejects",
    grain="One row per rejected input row (or per rejected file, with source_row NULL).",
    description="Everything that did not reach core, with the rule it broke.",
    columns=(
        Column("source", pa.string(), "Source spec.", False),
        Column("source_file", pa.string(), "Landing file, relative to the home.", False),
        Column("source_row", pa.int64(), "Record number in the file; NULL when the whole file was rejected."),
        _json("raw_record", "The row as read, every field as text."),
        Column("rule", pa.string(), "The rule the row broke.", False),
        Column("detail", pa.string(), "Column, value and what was expected.", False),
        Column("run_id", pa.string(), "Run that rejected the row.", False),
        Column("rejected_at", UTC_TIMESTAMP, "When.", False),
    ),
)

RUNS = Table(
    schema="meta",
    name="runs",
    grain="One row per pipeline run.",
    description="Run history: start, end, status and counts.",
    primary_key=("run_id",),
    enforce_key=True,
    columns=(
        Column("run_id", pa.string(), "Run id.", False),
        Column("started_at", UTC_TIMESTAMP, "Start.", False),
        Column("ended_at", UTC_TIMESTAMP, "End; NULL while running or when killed."),
        Column("status", pa.string(), "running, success, failed, or abandoned (its process was killed).", False),
        Column("n_files", pa.int64(), "New files processed."),
        Column("n_rows_read", pa.int64(), "Rows read."),
        Column("n_rows_loaded", pa.int64(), "Rows loaded into core."),
        Column("n_rows_rejected", pa.int64(), "Rows quarantined."),
        Column("message", pa.string(), "Error message of a failed run."),
    ),
)

FILES = Table(
    schema="meta",
    name="files",
    grain="One row per landing file content (by hash) and source.",
    description="Every landed file: its content hash, status and row accounting.",
    primary_key=("file_id", "source"),
    enforce_key=True,
    columns=(
        Column("file_id", pa.string(), "SHA-256 of the file's content.", False),
        Column("source", pa.string(), "Source spec.", False),
        Column("source_file", pa.string(), "Path relative to the home.", False),
        Column("size_bytes", pa.int64(), "File size.", False),
        Column("status", pa.string(), "raw_loaded, loaded or rejected.", False),
        Column("rows_read", pa.int64(), "Records read from the file."),
        Column("rows_loaded", pa.int64(), "Records that reached core."),
        Column("rows_rejected", pa.int64(), "Records quarantined."),
        Column("rows_duplicate", pa.int64(), "Records recognised as duplicates of loaded responses."),
        Column("error", pa.string(), "Why the whole file was rejected."),
        Column("run_id", pa.string(), "Run that processed the file.", False),
        Column("processed_at", UTC_TIMESTAMP, "When.", False),
        Column("spec_fingerprint", pa.string(), "Hash of the source's spec the file was read with: a file "
               "rejected under another spec is read again."),
    ),
)

VALIDATIONS = Table(
    schema="meta",
    name="validations",
    grain="One row per run, source and validation rule.",
    description="What Great Expectations found in each source's staged rows, rule by rule.",
    columns=(
        Column("run_id", pa.string(), "Run.", False),
        Column("source", pa.string(), "Source spec.", False),
        Column("rule", pa.string(), "Rule name, as quarantine.rejects names it.", False),
        Column("expectation", pa.string(), "The GX expectation that checks it.", False),
        Column("column", pa.string(), "The source column it is about.", False),
        Column("n_rows", pa.int64(), "Staged rows validated.", False),
        Column("n_failed", pa.int64(), "Rows that broke this rule.", False),
        Column("n_rows_failing", pa.int64(), "Rows that broke at least one rule of the source.", False),
        Column("validated_at", UTC_TIMESTAMP, "When.", False),
    ),
)

PUBLISHES = Table(
    schema="meta",
    name="publishes",
    grain="One row per publish of warehouse.duckdb.",
    description="What each published warehouse was built from, so a run with nothing new can stop early.",
    columns=(
        Column("run_id", pa.string(), "Run that published.", False),
        Column("published_at", UTC_TIMESTAMP, "When the file was moved into place.", False),
        Column("inputs_fingerprint", pa.string(), "Hash of meta.files, the home's configuration and the code.", False),
    ),
)

PUBLISHED_COPIES = Table(
    schema="meta",
    name="published_copies",
    grain="One row per copy of warehouse.duckdb (two are kept) whose content is known.",
    description="What each of the two published copies holds, so a publish patches the older one with what "
                "changed since it was written instead of copying and diffing the whole warehouse. A copy "
                "loses its row before it is written, and a copy changed since (size, time or inode) is not trusted.",
    columns=(
        Column("file_name", pa.string(), "The copy's file name, next to warehouse.duckdb.", False),
        Column("run_id", pa.string(), "Run that wrote it.", False),
        Column("response_runs", pa.list_(pa.string()), "Every run_id of the responses it holds.", False),
        Column("size_bytes", pa.int64(), "Its size when written.", False),
        Column("modified_ns", pa.int64(), "Its modification time (st_mtime_ns) when written.", False),
        Column("inode", pa.uint64(), "Its inode when written.", False),
        Column("written_at", UTC_TIMESTAMP, "When.", False),
    ),
)

PUBLISHED_MENTIONS = Table(
    schema="meta",
    name="published_mentions",
    grain="One row per copy of warehouse.duckdb and account mention.",
    description="The account each mention had when the copy was written: the responses whose account changed "
                "since are found from the mentions, without reading every response.",
    columns=(
        Column("file_name", pa.string(), "The copy (meta.published_copies).", False),
        Column("mention_key", pa.string(), "The mention (core.account_mentions).", False),
        Column("account_id", pa.string(), "Its account in that copy."),
    ),
)

SCHEMA_DRIFT = Table(
    schema="meta",
    name="schema_drift",
    grain="One row per landing file and column it gained or lost relative to its source.",
    description="Columns a source's exports gained (kept in attributes) or lost (optional columns only: a file "
                "without a required column is rejected).",
    columns=(
        Column("source", pa.string(), "Source spec.", False),
        Column("source_file", pa.string(), "Landing file, relative to the home.", False),
        Column("file_id", pa.string(), "Content hash of the landing file.", False),
        Column("column_name", pa.string(), "The column, as the file names it.", False),
        Column("change", pa.string(), "added (kept in attributes) or missing.", False),
        Column("run_id", pa.string(), "Run that noticed it.", False),
        Column("detected_at", UTC_TIMESTAMP, "When.", False),
    ),
)

RAW_RETENTION = Table(
    schema="meta",
    name="raw_retention",
    grain="One row per loaded landing file whose raw rows were deleted by retention.",
    description="Files past silobridge.yaml's raw_retention_days: their responses stay in core, but a full "
                "refresh cannot replay them.",
    columns=(
        Column("file_id", pa.string(), "Content hash of the landing file.", False),
        Column("source", pa.string(), "Source spec.", False),
        Column("source_file", pa.string(), "Landing file, relative to the home.", False),
        Column("n_rows", pa.int64(), "Raw rows deleted.", False),
        Column("run_id", pa.string(), "Run that deleted them.", False),
        Column("deleted_at", UTC_TIMESTAMP, "When.", False),
    ),
)

LANDING_DIGESTS = Table(
    schema="meta",
    name="landing_digests",
    grain="One row per landing file path as last hashed.",
    description="The content hash of each landing file with the file-system facts it was taken under, so "
                "that a run hashes again only the files that were written since (size, modification and "
                "status-change time, inode): the nightly cost of spotting new files stays small.",
    columns=(
        Column("source_file", pa.string(), "Landing file, relative to the home.", False),
        Column("size_bytes", pa.int64(), "Its size when hashed.", False),
        Column("modified_ns", pa.int64(), "Its modification time (st_mtime_ns) when hashed.", False),
        Column("changed_ns", pa.int64(), "Its status-change time (st_ctime_ns), which no tool can set back.", False),
        Column("inode", pa.uint64(), "Its inode when hashed (unsigned: some file systems use all 64 bits).", False),
        Column("file_id", pa.string(), "Content hash (SHA-256) of the file.", False),
    ),
    primary_key=("source_file",),
    enforce_key=True,
)

REPLACED_RESPONSES = Table(
    schema="meta",
    name="replaced_responses",
    grain="One row per loaded response version that a newer version replaced, since the marts' last snapshot.",
    description="What the merge removed from core, so that a night's mart refresh knows the accounts and months "
                "those responses counted in (warehouse/marts/refresh.py); emptied when the marts take their snapshot.",
    columns=(
        Column("feedback_id", pa.string(), "The response.", False),
        Column("mention_key", pa.string(), "Its account mention, as the replaced version had it."),
        Column("responded_at", UTC_TIMESTAMP, "When the replaced version says it was answered.", False),
        Column("run_id", pa.string(), "Run whose merge replaced it.", False),
    ),
)

MART_BUILDS = Table(
    schema="meta",
    name="mart_builds",
    grain="One row per mart: its latest build.",
    description="How each mart was last built and from what, so that a night refreshes only what changed "
                "(warehouse/marts/refresh.py); a full refresh empties it, and every mart is then built whole.",
    primary_key=("mart",),
    enforce_key=True,
    columns=(
        Column("mart", pa.string(), "The mart (warehouse/marts/<mart>.sql).", False),
        Column("definition_hash", pa.string(), "Hash of its SQL, its declaration and the settings it reads.", False),
        Column("whole_reads_hash", pa.string(), "Hash of what it reads whole from other marts (its `reads_whole`).", False),
        Column("run_id", pa.string(), "Run that built it: the marts' snapshot it is consistent with, once taken.", False),
        Column("built_whole", pa.bool_(), "Built whole (true) or refreshed (false).", False),
        Column("share_refreshed", pa.float64(), "Share of its keys (accounts, months, quarters) recomputed."),
        Column("built_at", UTC_TIMESTAMP, "When.", False),
    ),
)

PUBLISHED_TABLES = (FEEDBACK, FEEDBACK_SCORES, ACCOUNTS, ACCOUNT_ALIASES, ACCOUNT_CHANGES)
PIPELINE_TABLES = (LOADED_FEEDBACK, FEEDBACK_SCORES, ACCOUNTS, ACCOUNT_ALIASES, ACCOUNT_MENTIONS, ACCOUNT_CHANGES,
                   REJECTS, RUNS, FILES,
                   VALIDATIONS, PUBLISHES, PUBLISHED_COPIES, PUBLISHED_MENTIONS, SCHEMA_DRIFT, RAW_RETENTION,
                   LANDING_DIGESTS, REPLACED_RESPONSES, MART_BUILDS)
