"""Typed settings of account resolution: every threshold named, in one place.

>>> ResolverSettings().fuzzy.max_edits
1
>>> ResolverSettings(fuzzy=FuzzyNameMatch(min_length=6)).fuzzy.min_length
6
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AnchorShare", "DomainEvidence", "EvidenceConfidence", "FuzzyNameMatch", "ResolverSettings"]


@dataclass(frozen=True)
class EvidenceConfidence:
    """How far each kind of evidence is trusted, strongest first (``confidence`` of a mention and alias)."""

    override: float = 1.0
    crm_id: float = 1.0
    domain: float = 0.95
    exact_name: float = 0.9
    fuzzy_name: float = 0.8  # scaled by the pair's Jaro-Winkler similarity


@dataclass(frozen=True)
class DomainEvidence:
    """When an e-mail domain counts as evidence of one company, and which names written from it are its own.

    A company's people spell it many ways ("SocGen", "Société Générale"; "Morgan Grp", "Morran Grp"), while
    the unrelated customers of a shared host (an unlisted ISP, a web host's mail) give unrelated names. So a
    domain's names are grouped into a *family*: the variants of its label or of one of its most common
    names (a shared distinctive word or one a typo away, initials, an abbreviation; generic words such as
    Group or EMEA ignored: ``generic_name_words.txt``). A domain whose family carries at least
    ``min_family_share`` of its named weight is a company's domain; otherwise it is no evidence (a host
    where one customer of two is the same company says nothing of the other half).

    Duplicate CRM records of one company are one account: records that keep more than
    ``duplicate_crm_home_share`` of their domain-bearing weight at one company domain, under a name of its
    family, are anchored on the heaviest of them.
    """

    min_family_share: float = 0.6
    duplicate_crm_home_share: float = 0.5


@dataclass(frozen=True)
class AnchorShare:
    """How clearly a weaker key must point at one stronger account before it joins it.

    A domain joins the CRM record that carries at least ``domain_to_crm`` of the weight of its mentions
    that have a CRM id (a domain seen with no CRM id follows its family's most common name); a name joins the CRM record or domain that carries at least ``name_to_anchor`` of
    the weight of its mentions that have one. Below that the key is ambiguous (two customers share it)
    and links nothing: a false merge is worse than a missed one.

    A CRM record speaks for a domain only when it also agrees with the domain's own evidence: the domain's
    most common name is one the record is seen with (or a typo of one, as ``FuzzyNameMatch`` reads typos),
    the record's name is the domain's own or its initials are that name or the domain (International
    Business Machines: IBM, ibm.com), or the record's mentions carry at least
    ``crm_presence_in_domain`` of the domain's weight. Otherwise one contact filed under a client's
    record (a consultant of deloitte.com under Heineken) would take the whole domain, and with it every
    mention of the consultancy's name, into the client's account.
    """

    domain_to_crm: float = 0.8
    name_to_anchor: float = 0.8
    crm_presence_in_domain: float = 0.5


@dataclass(frozen=True)
class FuzzyNameMatch:
    """Fuzzy matching of a name that no stronger evidence places (typos, swapped letters, transliterations).

    Blocking: candidates share a string after deleting at most one character from each side (a deletion
    neighbourhood, joined in DuckDB), so cost grows with the number of names, not its square. A candidate
    is kept when the Damerau-Levenshtein distance of the spellings is at most ``max_edits`` and their
    Jaro-Winkler similarity at least ``min_similarity``; spellings shorter than ``min_length`` characters
    (legal form included) are never matched fuzzily. A name is only joined to an account when every best
    candidate points at the same account (no tie between two customers), and only to names placed by
    stronger evidence or seen at least ``min_target_weight`` times.
    """

    max_edits: int = 1
    min_similarity: float = 0.88
    min_length: int = 5
    min_target_weight: int = 2


@dataclass(frozen=True)
class ResolverSettings:
    confidence: EvidenceConfidence = field(default_factory=EvidenceConfidence)
    domains: DomainEvidence = field(default_factory=DomainEvidence)
    shares: AnchorShare = field(default_factory=AnchorShare)
    fuzzy: FuzzyNameMatch = field(default_factory=FuzzyNameMatch)
