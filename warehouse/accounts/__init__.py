"""Account resolution: one customer, one account, across every silo."""

from warehouse.accounts.resolve import DomainEvidence, EvidenceConfidence, build_accounts, resolve_mentions

__all__ = ["DomainEvidence", "EvidenceConfidence", "build_accounts", "resolve_mentions"]
