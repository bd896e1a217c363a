"""Account resolution in the pipeline database: mentions, accounts, aliases and the changes between runs."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.accounts.overrides import Overrides
from warehouse.accounts.resolve import describe_evidence, resolve_mentions_in_place
from warehouse.accounts.settings import ResolverSettings
from warehouse.db import run_sql, scalar, transaction

__all__ = ["AccountsBuilt", "build_accounts"]

_MENTIONS = ("select mention_no as mention_id, source, account_name_raw as account_name, email_domain, crm_id, "
             "n_responses as weight from account_mentions_collected")
# Last run's ids, of the mentions seen again (only those can keep or pass on an id).
_PREVIOUS = ("select c.mention_no as mention_id, p.account_id from core.account_mentions p "
             "join account_mentions_collected c using (mention_key) where p.account_id is not null")


@dataclass(frozen=True)
class AccountsBuilt:
    """What a resolution produced: accounts, and the responses left unattributed because they carry no
    evidence of a customer at all (no name, no company e-mail domain, no CRM id): account_id is null."""

    n_accounts: int
    n_unattributed: int

    def __str__(self) -> str:
        return (f"{self.n_accounts:,} accounts, {self.n_unattributed:,} response(s) unattributed "
                "(no name, company domain or CRM id)")


_UNATTRIBUTED = "select coalesce(sum(n_responses), 0)::bigint from core.account_mentions where account_id is null"


def build_accounts(connection: duckdb.DuckDBPyConnection, run_id: str = "manual",
                   overrides: Overrides | None = None, settings: ResolverSettings = ResolverSettings()) -> AccountsBuilt:
    """Rebuild mentions, accounts and aliases, keeping last run's ids."""
    with transaction(connection):
        run_sql(connection, "accounts/sql/collect_account_mentions.sql")
        resolve_mentions_in_place(connection, _MENTIONS, settings, overrides, previous_sql=_PREVIOUS)
        describe_evidence(connection)
        # At 1M mentions the resolver's working tables fill most of the pipeline's 1GB memory limit, and
        # every later statement spilled to disk: only what the tables below are built from is kept.
        run_sql(connection, "accounts/sql/drop_resolver_intermediates.sql")
        params = {"run_id": run_id, "conf_domain": settings.confidence.domain}
        for step in ("apply_resolution", "build_accounts", "build_account_aliases"):
            run_sql(connection, f"accounts/sql/{step}.sql", params)
    return AccountsBuilt(scalar(connection, "select count(*) from core.accounts"), scalar(connection, _UNATTRIBUTED))
