"""Account resolution: one customer, one account, across every silo."""

from warehouse.accounts.build import build_accounts
from warehouse.accounts.overrides import Overrides, OverridesError
from warehouse.accounts.resolve import resolve_mentions
from warehouse.accounts.settings import AnchorShare, DomainEvidence, EvidenceConfidence, FuzzyNameMatch, ResolverSettings

__all__ = ["AnchorShare", "DomainEvidence", "EvidenceConfidence", "FuzzyNameMatch", "Overrides", "OverridesError",
           "ResolverSettings", "build_accounts", "resolve_mentions"]
