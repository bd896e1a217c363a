"""What ``silobridge accounts resolve`` and ``silobridge accounts explain`` do (the CLI only wires them up).

``resolve_csv`` runs the pipeline's resolver (``resolve_mentions``) on a CSV of mentions; ``explain``
reads the published warehouse and says why the mentions of an account were joined.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.sql_names import literal

from warehouse.accounts.overrides import Overrides
from warehouse.accounts.resolve import resolve_mentions
from warehouse.accounts.settings import ResolverSettings
from warehouse.db import connect, run_sql

__all__ = ["AccountInputError", "ResolveSummary", "explain", "resolve_csv", "INPUT_COLUMNS", "OUTPUT_COLUMNS"]

INPUT_COLUMNS = ("mention_id", "source", "account_name", "email", "crm_account_id")
OUTPUT_COLUMNS = ("mention_id", "account_id", "account_name", "match_method", "confidence")

# Rows that name a customer the same way (name, e-mail domain, CRM id) are one mention, weighted by their
# number, as in the pipeline; each input row still gets its own output row.
_MENTIONS = """
select mention_key::varchar as mention_id, any_value(source) as source, any_value(account_name) as account_name,
    any_value(email_domain) as email_domain, any_value(crm_account_id) as crm_id, count(*) as weight
from resolver_csv group by mention_key
"""

_OUTPUT = """
select i.mention_id, r.account_id, r.account_name, r.match_method, r.confidence
from resolver_csv i left join resolved_mentions r on i.mention_key = r.mention_id::ubigint
order by i.row_no
"""


class AccountInputError(ValueError):
    """The input file is not a mentions CSV (the message says what is missing)."""


@dataclass(frozen=True)
class ResolveSummary:
    n_rows: int
    n_accounts: int
    by_method: dict[str, int]

    def __str__(self) -> str:
        methods = ", ".join(f"{method} {n:,}" for method, n in sorted(self.by_method.items(), key=lambda kv: -kv[1]))
        return f"{self.n_rows:,} mentions resolved to {self.n_accounts:,} accounts ({methods})"


def _read_input(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    connection.execute("create or replace temp table resolver_csv_raw as "
                       "select * from read_csv($path, header = true, all_varchar = true)", {"path": str(path)})
    columns = [row[0] for row in connection.execute("describe resolver_csv_raw").fetchall()]
    missing = [c for c in INPUT_COLUMNS if c not in columns]
    if missing:
        raise AccountInputError(f"{path}: missing column(s) {', '.join(missing)}; "
                                f"expected {', '.join(INPUT_COLUMNS)} (any of the last three may be empty)")
    run_sql(connection, "accounts/sql/read_resolver_csv.sql")


def resolve_csv(input_path: Path, output_path: Path, overrides: Overrides | None = None,
                settings: ResolverSettings = ResolverSettings(),
                connection: duckdb.DuckDBPyConnection | None = None, memory_limit: str = "1GB") -> ResolveSummary:
    """Resolve the mentions of ``input_path`` and write one output row per input row to ``output_path``.

    Runs in a fresh in-memory database unless ``connection`` is given (left open, with the resolver's
    temp tables, for a caller that wants to look inside). DuckDB keeps to ``memory_limit`` and spills
    to the system's temporary directory beyond it, so memory stays bounded however long the file.
    """
    own = connection is None
    connection = connect(":memory:") if own else connection
    connection.execute("set memory_limit = $limit", {"limit": memory_limit})
    connection.execute("set enable_progress_bar = false")  # the command prints its own one-line summary
    connection.execute("set temp_directory = $dir", {"dir": str(Path(tempfile.gettempdir()) / "silobridge-duckdb")})
    try:
        try:
            _read_input(connection, input_path)
        except duckdb.Error as error:
            raise AccountInputError(f"{input_path}: not a readable CSV: {error}") from error
        resolve_mentions(connection, _MENTIONS, settings, overrides)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        # Streamed to the file by DuckDB (COPY takes no parameters; the path is quoted as a literal).
        connection.execute(f"copy ({_OUTPUT}) to {literal(str(output_path))} (format csv, header true)")
        n_rows, n_accounts, methods = connection.execute(_COUNTS).fetchall()[0]
    finally:
        if own:
            connection.close()
    return ResolveSummary(n_rows, n_accounts, dict(methods or {}))


_COUNTS = """
select (select count(*) from resolver_csv),
    (select count(distinct account_id) from resolved_mentions),
    (select map(list(match_method), list(n)) from (
        select r.match_method, count(*) as n from resolver_csv i
        join resolved_mentions r on i.mention_key = r.mention_id::ubigint
        where r.match_method is not null group by all))
"""


_FIND = """
select account_id from core.accounts where account_id = $q
union select account_id from core.accounts where lower(account_name) = lower($q)
union select account_id from core.account_aliases where lower(alias_value) = lower($q)
order by account_id
"""

_ALIASES = """
select alias_kind, alias_value, match_method, confidence, evidence from core.account_aliases
where account_id = $id
order by confidence desc, case alias_kind when 'crm_id' then 0 when 'domain' then 1 else 2 end, alias_value
"""


def explain(warehouse_db: Path, query: str, limit: int = 40) -> list[str]:
    """Lines saying which account ``query`` (an account id, name or alias) is and why its mentions were joined."""
    connection = connect(warehouse_db, read_only=True)
    try:
        run_sql(connection, "accounts/sql/create_resolver_macros.sql")  # temp macros: allowed read-only
        ids = [r[0] for r in connection.execute(_FIND, {"q": query.strip()}).fetchall()]
        lines = [] if ids else [f"no account has the id, name or alias {query!r}"]
        for account_id in ids:
            lines += _explain_one(connection, account_id, limit)
    finally:
        connection.close()
    return lines


# Spellings another account took although a person might have joined them here: names written from this
# account's own domains, and names whose leading word is one of this account's names' leading words.
_KEPT_APART = """
with own_names as (
    select distinct split_part(sb_clean_name(alias_value), ' ', 1) as lead
    from core.account_aliases where account_id = $id and alias_kind = 'name'
),
at_own_domains as (
    select f.account_name_raw as name, f.account_id, 'written from ' || f.email_domain || ', this account''s domain'
        as where_seen
    from core.feedback f
    where f.email_domain in (select unnest(domains) from core.accounts where account_id = $id)
      and f.account_id is distinct from $id and f.account_name_raw is not null
),
near_names as (
    select a.alias_value as name, a.account_id, 'leading word "' || split_part(sb_clean_name(a.alias_value), ' ', 1)
        || '" as one of this account''s names' as where_seen
    from core.account_aliases a
    where a.alias_kind = 'name' and a.account_id <> $id
      and split_part(sb_clean_name(a.alias_value), ' ', 1) in (select lead from own_names where length(lead) >= 3)
)
select k.name, k.account_id, c.account_name, any_value(k.where_seen) as where_seen, any_value(a.evidence) as evidence
from (select * from at_own_domains union all select * from near_names) k
left join core.accounts c using (account_id)
left join core.account_aliases a on a.account_id = k.account_id and a.alias_kind = 'name' and a.alias_value = k.name
group by all
order by k.name
"""


def _kept_apart_lines(connection: duckdb.DuckDBPyConnection, account_id: str, limit: int) -> list[str]:
    rows = connection.execute(_KEPT_APART, {"id": account_id}).fetchall()
    if not rows:
        return []
    lines = [f"  kept apart ({len(rows)} spellings a person might have joined here):"]
    for name, other_id, other_name, where_seen, evidence in rows[:limit]:
        placed = (f"is {other_id} ({other_name}) by {evidence}" if other_id
                  else "is unattributed: no evidence of a customer")
        lines.append(f"    \"{name}\" ({where_seen}) {placed}")
    if len(rows) > limit:
        lines.append(f"    … and {len(rows) - limit} more")
    return lines


def _explain_one(connection: duckdb.DuckDBPyConnection, account_id: str, limit: int) -> list[str]:
    name, domains, crm_ids, n_sources, n_responses = connection.execute(
        "select account_name, domains, crm_ids, n_sources, n_responses from core.accounts where account_id = $id",
        {"id": account_id}).fetchall()[0]
    aliases = connection.execute(_ALIASES, {"id": account_id}).fetchall()
    changes = connection.execute(
        "select change_kind, previous_account_id, account_id, n_mentions, run_id from core.account_changes "
        "where account_id = $id or previous_account_id = $id order by changed_at", {"id": account_id}).fetchall()
    lines = [f"{account_id}  {name or '(no name: e-mail domain or CRM id only)'}",
             f"  {n_responses:,} responses from {n_sources} source(s); CRM ids: {', '.join(crm_ids) or '-'}; "
             f"domains: {', '.join(domains) or '-'}",
             f"  joined by ({len(aliases)} aliases, strongest evidence first):"]
    for kind, value, method, confidence, evidence in aliases[:limit]:
        lines.append(f"    {kind:<7} {value!s:<32} {method:<11} {confidence:.2f}  {evidence or ''}")
    if len(aliases) > limit:
        lines.append(f"    … and {len(aliases) - limit} more")
    lines += _kept_apart_lines(connection, account_id, limit)
    for kind, previous, current, n_mentions, run_id in changes:
        lines.append(f"  {kind}: {n_mentions} mention(s) of {previous} moved to {current} (run {run_id})")
    return lines
