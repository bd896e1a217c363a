"""What every peer of the comparison loads: the three seed silos, unified into one DuckDB table.

Shared by the peers in this folder (floor, dlt, pandas). Standard library only, so importing it costs a
peer nothing. The seed silos are those of ``schemas/builtin_sources``; each peer keeps the rows that
pass the same basic checks silobridge's row rules make (a response id, a timestamp that parses and is
not in the future, scores that are numbers on their scale, an e-mail address of the right shape) and one
row per response id, so that its ``unified`` table holds exactly as many rows as silobridge's
``core.feedback``. None of the peers hashes ids, redacts free text, builds attributes JSON, quarantines
with reasons, or resolves accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Score", "Source", "SOURCES", "UNIFIED_DDL", "UNIFIED_COLUMNS", "EMAIL_PATTERN", "SCORE_METRICS",
           "unify_sql", "quote"]

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # as silobridge's email_malformed rule
FUTURE_TOLERANCE = "1 day"  # as the end of silobridge's responded_at_implausible window
SCORE_METRICS = ("nps", "csat", "ces", "likelihood_to_reconsider")


@dataclass(frozen=True)
class Score:
    column: str
    metric: str
    low: float
    high: float


@dataclass(frozen=True)
class Source:
    """One seed silo, as its built-in spec describes it (column names as in the files)."""

    name: str
    department: str
    survey: str
    folder: str
    pattern: str  # file glob inside the folder
    format: str  # csv, jsonl, xlsx
    id: str
    responded_at: str
    timestamp: str  # "offset": ISO 8601 with its own offset; "local": ISO 8601 local time; else a strptime format
    timezone: str | None
    account_name: str
    email: str | None
    crm_id: str | None
    topic: str
    topic_separator: str | None  # topic cell holds a list joined by this; None: one value (or a JSON list)
    comment: str
    scores: tuple[Score, ...]
    columns: tuple[str, ...] = field(default=())  # every column of the file, in file order

    @property
    def glob(self) -> str:
        return f"{self.folder}/{self.pattern}"


SOURCES: tuple[Source, ...] = (
    Source("sales_lost_business", "sales", "Lost-business survey", "sales", "*.csv", "csv",
           id="Opportunity ID", responded_at="Close Date", timestamp="%m/%d/%Y", timezone="America/New_York",
           account_name="Account Name", email=None, crm_id="Account ID", topic="Loss Reason", topic_separator=None,
           comment="Comment", scores=(Score("Likelihood to Reconsider", "likelihood_to_reconsider", 0, 10),),
           columns=("Opportunity ID", "Account Name", "Account ID", "Close Date", "Loss Reason", "Competitor",
                    "Likelihood to Reconsider", "Comment", "Amount", "Opportunity Owner")),
    Source("service_followup", "service", "Post-ticket follow-up", "service", "*.csv", "csv",
           id="ticket_id", responded_at="survey_sent_at", timestamp="offset", timezone=None,
           account_name="company", email="contact_email", crm_id=None, topic="category", topic_separator=None,
           comment="comment", scores=(Score("csat", "csat", 1, 5), Score("effort", "ces", 1, 7)),
           columns=("ticket_id", "contact_email", "company", "survey_sent_at", "csat", "effort", "category",
                    "comment", "product_area", "agent_team")),
    Source("product_planning_xlsx", "product", "Product planning survey", "product", "*.xlsx", "xlsx",
           id="Response ID", responded_at="Submitted", timestamp="local", timezone="Europe/Berlin",
           account_name="Organisation", email="User Email", crm_id=None, topic="Requested Features",
           topic_separator=";", comment="Comment", scores=(Score("NPS", "nps", 0, 10),),
           columns=("Response ID", "Submitted", "User Email", "Organisation", "NPS", "Requested Features",
                    "Comment", "Role", "Wave")),
    Source("product_planning_jsonl", "product", "Product planning survey", "product", "*.jsonl", "jsonl",
           id="response_id", responded_at="submitted", timestamp="offset", timezone=None,
           account_name="organisation_name", email="user_email", crm_id=None, topic="requested_features",
           topic_separator=None, comment="comment", scores=(Score("nps", "nps", 0, 10),),
           columns=("response_id", "submitted", "user_email", "organisation_name", "nps", "requested_features",
                    "comment", "role", "wave", "app_version")),
)

UNIFIED_COLUMNS = ("source", "department", "survey", "source_response_id", "account_name_raw", "email", "crm_id",
                   "responded_at", "topic", "comment", *SCORE_METRICS, "source_file")

UNIFIED_DDL = """create table if not exists unified (
    source varchar, department varchar, survey varchar, source_response_id varchar, account_name_raw varchar,
    email varchar, crm_id varchar, responded_at timestamptz, topic varchar, comment varchar,
    nps double, csat double, ces double, likelihood_to_reconsider double, source_file varchar
)"""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def unify_sql(source: Source, relation: str, column: Callable[[str], str] = quote,
              file_column: str = "filename", topic_list: str = "list") -> str:
    """One INSERT of the source's unified, checked, de-duplicated rows from ``relation``.

    ``column`` maps a file's column name to the relation's (dlt renames them); ``topic_list`` says how a
    list-valued topic arrives: ``list`` (a DuckDB list) or ``json`` (JSON text).
    """
    def text(name: str | None) -> str:
        return f"nullif(trim({column(name)}::varchar), '')" if name else "null::varchar"

    ts_text = text(source.responded_at)
    if source.timestamp == "offset":
        responded_at = f"try_cast({ts_text} as timestamptz)"
    elif source.timestamp == "local":
        responded_at = f"timezone({_literal(source.timezone)}, try_cast({ts_text} as timestamp))"
    else:
        responded_at = f"timezone({_literal(source.timezone)}, try_strptime({ts_text}, {_literal(source.timestamp)}))"
    if source.topic_separator:
        topic = f"nullif(trim(split_part({text(source.topic)}, {_literal(source.topic_separator)}, 1)), '')"
    elif source.format == "jsonl":
        topic = (f"{column(source.topic)}[1]" if topic_list == "list"
                 else f"json_extract_string({column(source.topic)}, '$[0]')")
    else:
        topic = text(source.topic)
    scores = {s.metric: s for s in source.scores}
    score_values = ", ".join(
        f"try_cast({text(scores[m].column)} as double) as {m}" if m in scores else f"null::double as {m}"
        for m in SCORE_METRICS)
    score_checks = "".join(f"\n  and ({quote('_' + s.metric)} is null or {s.metric} between {s.low:g} and {s.high:g})"
                           for s in source.scores)
    score_texts = "".join(f", {text(s.column)} as {quote('_' + s.metric)}" for s in source.scores)
    email_check = (f"\n  and (email is null or regexp_full_match(email, {_literal(EMAIL_PATTERN)}))"
                   if source.email else "")
    return f"""insert into unified
select {', '.join(UNIFIED_COLUMNS)} from (
  select {_literal(source.name)} as source, {_literal(source.department)} as department,
    {_literal(source.survey)} as survey, {text(source.id)} as source_response_id,
    {text(source.account_name)} as account_name_raw, lower({text(source.email)}) as email,
    {text(source.crm_id)} as crm_id, {responded_at} as responded_at, {topic} as topic,
    {text(source.comment)} as comment, {score_values}, {column(file_column)} as source_file{score_texts}
  from {relation}
)
where source_response_id is not null and responded_at is not null
  and responded_at <= now() + interval '{FUTURE_TOLERANCE}'{score_checks}{email_check}
qualify row_number() over (partition by source_response_id) = 1  -- copies are alike: keep any one
"""
