"""Account resolution: every mention of a customer, across all silos, to one account.

Stages, each named and each a SQL file under ``accounts/sql``: **normalise** (names across languages,
domains, CRM ids), **anchor** (each CRM record is an account; a domain joins the CRM record that clearly
dominates it, a name the CRM record or domain that clearly dominates it), **compare** (names that no
stronger evidence places are matched fuzzily, blocked by a deletion neighbourhood), **cluster** (each
mention takes exactly one anchor, strongest evidence first, so weak links never chain two customers),
**overrides** and **label** (stable ids, a display name, the evidence behind each mention).

The same function serves the pipeline and ``silobridge accounts resolve``.

>>> from warehouse.db import connect
>>> con = connect(":memory:")
>>> _ = con.execute("create table m as select * from (values "
...     "('1', 'crm', 'ACME Corp.', null, '0015g00000Xyz12'), "
...     "('2', 'service', 'acme corporation', 'acme.com', null), "
...     "('3', 'product', 'Acme Corpp', null, null)) "
...     "t(mention_id, source, account_name, email_domain, crm_id)")
>>> out = resolve_mentions(con, "select *, 1 as weight from m")
>>> len(set(out.column("account_id").to_pylist())), sorted(out.column("match_method").to_pylist())
(1, ['crm_id', 'domain', 'fuzzy_name'])
"""

from __future__ import annotations

import re
from functools import cache

import duckdb
import pyarrow as pa

from warehouse.accounts.overrides import Overrides
from warehouse.accounts.settings import ResolverSettings
from warehouse.db import run_sql
from warehouse.packaged import packaged_text

__all__ = ["resolve_mentions", "resolve_mentions_in_place", "describe_evidence", "free_email_domains",
           "free_email_providers", "generic_name_words", "department_words", "placeholder_names", "legal_suffix_pattern", "register_free_domains"]

_STAGES = ("normalise_mentions", "classify_domains", "anchor_mentions", "match_fuzzy_names", "label_mentions")


def _data_lines(name: str) -> list[str]:
    text = packaged_text(f"accounts/{name}")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def free_email_domains() -> tuple[str, ...]:
    return tuple(d.lower() for d in _data_lines("free_email_domains.txt"))


@cache
def legal_suffix_pattern() -> str:
    """A regular expression matching the legal-form words of a cleaned name: trailing ones ("GmbH & Co.
    KG"), one written before the name ("PT", "OOO": ``legal_prefixes.txt``), and a Chinese or Japanese
    one written without a space ("ソニー株式会社", "株式会社トヨタ")."""
    suffixes = sorted(_data_lines("legal_suffixes.txt"), key=len, reverse=True)
    spaced = [s.replace(" ", r"\s") for s in suffixes if s.isascii()]
    unspaced = [s for s in suffixes if not s.isascii()]
    prefixes = sorted(_data_lines("legal_prefixes.txt"), key=len, reverse=True)
    return (f"^({'|'.join(unspaced + [p + ' ' for p in prefixes])})"
            f"|(( (and )?({'|'.join(spaced)}))| ?({'|'.join(unspaced)}))+$")


@cache
def generic_name_words() -> tuple[str, ...]:
    """Words that say what kind of organisation, not which one (Group, Holdings, EMEA): cleaned like names."""
    return tuple(_data_lines("generic_name_words.txt"))


@cache
def department_words() -> tuple[str, ...]:
    """Words naming a part of a company (Finance, Einkauf, Dept): a name of only these is no name."""
    return tuple(_data_lines("department_words.txt"))


@cache
def free_email_providers() -> tuple[str, ...]:
    return tuple(p.lower() for p in _data_lines("free_email_providers.txt"))


@cache
def placeholder_names() -> tuple[str, ...]:
    """What people type where a company is asked for and they have none to give, as letters and digits only."""
    return tuple(key for p in _data_lines("placeholder_names.txt") if (key := re.sub(r"[^a-z0-9]", "", p.lower())))


def register_free_domains(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create or replace temp table resolver_free_domains as select unnest($d::varchar[]) as domain",
                       {"d": list(free_email_domains())})
    connection.execute("create or replace temp table resolver_free_providers as "
                       "select unnest($p::varchar[]) as provider", {"p": list(free_email_providers())})
    connection.execute("create or replace temp table resolver_placeholder_names as "
                       "select unnest($n::varchar[]) as name", {"n": list(placeholder_names())})


def _parameters(settings: ResolverSettings) -> dict[str, object]:
    c, s, f = settings.confidence, settings.shares, settings.fuzzy
    return {
        "legal_forms": legal_suffix_pattern(),
        "min_family_share": settings.domains.min_family_share,
        "crm_home_share": settings.domains.duplicate_crm_home_share,
        "domain_crm_share": s.domain_to_crm,
        "name_anchor_share": s.name_to_anchor, "crm_presence": s.crm_presence_in_domain,
        "min_length": f.min_length, "max_edits": f.max_edits, "min_similarity": f.min_similarity,
        "min_target_weight": f.min_target_weight,
        "conf_override": c.override, "conf_crm_id": c.crm_id, "conf_domain": c.domain, "conf_exact_name": c.exact_name,
        "conf_fuzzy_name": c.fuzzy_name,
    }


def _register_previous(connection: duckdb.DuckDBPyConnection, previous_sql: str | None) -> None:
    source = previous_sql or "select null::varchar as mention_id, null::varchar as account_id where false"
    connection.execute(f"create or replace temp table resolver_previous as "
                       f"select mention_id::varchar as mention_id, account_id from ({source})")


def resolve_mentions(connection: duckdb.DuckDBPyConnection, mentions_sql: str,
                     settings: ResolverSettings = ResolverSettings(), overrides: Overrides | None = None,
                     previous_sql: str | None = None) -> pa.Table:
    """Resolve mentions to accounts.

    ``mentions_sql`` selects ``mention_id, source, account_name, email_domain, crm_id, weight`` (one row
    per ``mention_id``; ``weight`` is how many responses carry the mention);
    ``previous_sql`` (optional) selects ``mention_id, account_id`` of the last resolution, whose ids are
    kept where the evidence still holds. The result has ``mention_id, account_id, account_name,
    match_method, confidence``, one row per mention in no particular order (also left in the temp table
    ``resolved_mentions``; merges and splits since ``previous_sql`` in ``resolver_changes``). A mention
    with no usable evidence gets no account. ``describe_evidence`` then says why, in words.
    """
    resolve_mentions_in_place(connection, mentions_sql, settings, overrides, previous_sql)
    return connection.sql("select * from resolved_mentions").to_arrow_table()


def resolve_mentions_in_place(connection: duckdb.DuckDBPyConnection, mentions_sql: str,
                              settings: ResolverSettings = ResolverSettings(), overrides: Overrides | None = None,
                              previous_sql: str | None = None) -> None:
    """``resolve_mentions`` leaving its answer in the temp tables only (the pipeline reads it there)."""
    run_sql(connection, "accounts/sql/create_resolver_macros.sql")
    register_free_domains(connection)
    connection.execute(f"create or replace temp table resolver_input as select * from ({mentions_sql})")
    _register_previous(connection, previous_sql)
    params = _parameters(settings)
    # Compared with name keys, so folded as they are ("group" is "grop" there).
    fold = "select list(distinct sb_fold_digraphs(w)) from unnest($w::varchar[]) t(w)"
    params["department_words"] = connection.execute(fold, {"w": list(department_words())}).fetchone()[0]
    params["generic_words"] = connection.execute(
        fold, {"w": list(generic_name_words()) + list(department_words())}).fetchone()[0]
    for stage in _STAGES:
        run_sql(connection, f"accounts/sql/{stage}.sql", params)
    (overrides or Overrides()).register(connection)
    run_sql(connection, "accounts/sql/apply_overrides.sql", params)
    run_sql(connection, "accounts/sql/assign_account_ids.sql", params)


def describe_evidence(connection: duckdb.DuckDBPyConnection) -> None:
    """After ``resolve_mentions``: the temp view ``resolver_mention_evidence`` (mention_id, evidence)."""
    run_sql(connection, "accounts/sql/describe_evidence.sql")
