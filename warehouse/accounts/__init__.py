"""Account resolution: one customer, one account, across every silo."""

from warehouse.accounts.resolve import EvidenceConfidence, build_accounts, resolve_mentions

__all__ = ["EvidenceConfidence", "build_accounts", "resolve_mentions"]
