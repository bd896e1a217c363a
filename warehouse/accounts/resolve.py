"""Account resolution: every mention of a customer, across all silos, to one account.

Stages, each named: **normalise** (names, domains, CRM ids), **block** (mentions that share a key:
CRM id, corporate e-mail domain or normalised name), **cluster** (connected components of those
links) and **label** (a stable id, a display name, and the evidence behind each mention).

The same function serves the pipeline and ``silobridge accounts resolve``.

>>> import duckdb
>>> from warehouse.db import connect
>>> con = connect(":memory:")
>>> _ = con.execute("create table m as select * from (values "
...     "('1', 'crm', 'ACME Corp.', null, '0015g00000Xyz12'), "
...     "('2', 'service', 'acme corporation', 'acme.com', null), "
...     "('3', 'product', 'Initech', 'acme.com', '0015g00000Xyz12AAB')) "
...     "t(mention_id, source, account_name, email_domain, crm_id)")
>>> out = resolve_mentions(con, "select *, 1 as weight from m")
>>> len(set(out.column("account_id").to_pylist()))
1
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warehouse.db import run_sql, scalar

__all__ = ["DomainEvidence", "EvidenceConfidence", "resolve_mentions", "free_email_domains", "legal_suffix_pattern",
           "register_free_domains", "build_accounts"]


@dataclass(frozen=True)
class DomainEvidence:
    """When an e-mail domain counts as evidence of one company.

    Free-mail lists are never complete (hotmail.es, a regional ISP, a shared host). A domain is trusted
    only where its mentions agree on the company: its most common normalised name carries at least
    ``min_top_name_share`` of the domain's responses, or it is seen with at most ``max_names_any_share``
    names. A domain used by many unrelated companies would otherwise chain them into one account.
    """

    min_top_name_share: float = 0.5
    max_names_any_share: int = 2


@dataclass(frozen=True)
class EvidenceConfidence:
    """How far each kind of evidence is trusted, strongest first."""

    crm_id: float = 1.0
    domain: float = 0.95
    exact_name: float = 0.9


def _data_lines(name: str) -> list[str]:
    text = files("warehouse.accounts").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def free_email_domains() -> tuple[str, ...]:
    return tuple(d.lower() for d in _data_lines("free_email_domains.txt"))


@cache
def legal_suffix_pattern() -> str:
    """A regular expression matching trailing legal-form words of a normalised name."""
    suffixes = sorted(_data_lines("legal_suffixes.txt"), key=len, reverse=True)
    return "( (and )?(" + "|".join(s.replace(" ", r"\s") for s in suffixes) + "))+$"  # "GmbH & Co. KG"


def register_free_domains(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create or replace temp table resolver_free_domains as select unnest($d) as domain",
                       {"d": list(free_email_domains())})


_NORMALISE = r"""
create or replace temp table resolver_nodes as
with named as (
    select *,
        trim(regexp_replace(regexp_replace(replace(lower(strip_accents(account_name)), '&', ' and '),
                                           '[^\p{L}\p{N}]+', ' ', 'g'), '^the ', '')) as cleaned
    from ({mentions})
)
select
    (row_number() over () - 1)::bigint as node,
    mention_id, account_name, coalesce(weight, 1) as weight,
    nullif(coalesce(nullif(trim(regexp_replace(cleaned, $suffixes, '')), ''), cleaned), '') as name_key,
    case when lower(email_domain) not in (select domain from resolver_free_domains) then lower(email_domain) end
        as domain_key,
    sb_crm_key(nullif(trim(crm_id), '')) as crm_key
from named
"""

# Domains whose mentions disagree on the company are not evidence (see DomainEvidence).
_DISTRUST_SHARED_DOMAINS = """
update resolver_nodes set domain_key = null
where domain_key in (
    select domain_key from (
        select domain_key, name_key, sum(weight) as w from resolver_nodes
        where domain_key is not null and name_key is not null group by all
    )
    group by domain_key
    having count(*) > $max_names and max(w) / sum(w) < $min_share
)
"""

# Star edges: every mention is linked to the first mention sharing its key, so cost stays linear.
_BLOCK = """
select node, min(node) over (partition by crm_key) as root from resolver_nodes where crm_key is not null
union all
select node, min(node) over (partition by domain_key) from resolver_nodes where domain_key is not null
union all
select node, min(node) over (partition by name_key) from resolver_nodes where name_key is not null
"""

_LABEL = """
create or replace temp table resolved_mentions as
with clustered as (
    select n.*, c.cluster,
        case when crm_key is not null then '1crm:' || crm_key
             when domain_key is not null then '2domain:' || domain_key
             when name_key is not null then '3name:' || name_key end as anchor
    from resolver_nodes n join resolver_clusters c using (node)
),
labelled as (
    select cluster,
        'acc_' || left(sha256(min(anchor)), 16) as account_id,
        arg_max(account_name, (crm_key is not null, weight, account_name)) as account_name
    from clustered where anchor is not null
    group by cluster
)
select
    c.mention_id,
    l.account_id,
    l.account_name,
    case when c.crm_key is not null then 'crm_id' when c.domain_key is not null then 'domain'
         when c.name_key is not null then 'exact_name' end as match_method,
    case when c.crm_key is not null then $crm_id when c.domain_key is not null then $domain
         when c.name_key is not null then $exact_name end as confidence
from clustered c left join labelled l using (cluster)
"""


def _cluster(connection: duckdb.DuckDBPyConnection) -> None:
    n_nodes = scalar(connection, "select count(*) from resolver_nodes")
    edges = connection.sql(_BLOCK).to_arrow_table()  # Arrow, not fetchnumpy(): that would import pandas
    nodes = edges.column("node").to_numpy().astype(np.int64)
    roots = edges.column("root").to_numpy().astype(np.int64)
    graph = coo_matrix((np.ones(len(nodes), dtype=np.int8), (nodes, roots)), shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    clusters = pa.table({"node": np.arange(n_nodes, dtype=np.int64), "cluster": labels.astype(np.int64)})
    connection.register("resolver_cluster_labels", clusters)
    connection.execute("create or replace temp table resolver_clusters as select * from resolver_cluster_labels")
    connection.unregister("resolver_cluster_labels")


def resolve_mentions(connection: duckdb.DuckDBPyConnection, mentions_sql: str,
                     confidence: EvidenceConfidence = EvidenceConfidence(),
                     domains: DomainEvidence = DomainEvidence()) -> pa.Table:
    """Resolve mentions to accounts.

    ``mentions_sql`` selects ``mention_id, source, account_name, email_domain, crm_id, weight``; the
    result has ``mention_id, account_id, account_name, match_method, confidence`` (also left in the
    temp table ``resolved_mentions``). A mention with no usable evidence gets no account.
    """
    register_free_domains(connection)
    connection.execute(_NORMALISE.replace("{mentions}", mentions_sql), {"suffixes": legal_suffix_pattern()})
    connection.execute(_DISTRUST_SHARED_DOMAINS, {"max_names": domains.max_names_any_share,
                                                  "min_share": domains.min_top_name_share})
    _cluster(connection)
    connection.execute(_LABEL, {"crm_id": confidence.crm_id, "domain": confidence.domain,
                                "exact_name": confidence.exact_name})
    return connection.sql("select * from resolved_mentions").to_arrow_table()


def build_accounts(connection: duckdb.DuckDBPyConnection) -> int:
    """Rebuild mentions, accounts and aliases in the pipeline database; returns the number of accounts."""
    connection.begin()
    try:
        run_sql(connection, "accounts/sql/collect_account_mentions.sql")
        resolve_mentions(connection, "select mention_key as mention_id, source, account_name_raw as account_name, "
                                     "email_domain, crm_id, n_responses as weight from core.account_mentions")
        confidence = EvidenceConfidence()
        for step in ("apply_resolution", "build_accounts", "build_account_aliases"):
            run_sql(connection, f"accounts/sql/{step}.sql", {"domain": confidence.domain, "crm_id": confidence.crm_id})
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return scalar(connection, "select count(*) from core.accounts")
