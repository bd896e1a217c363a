"""Pairwise precision, recall and F1 of a predicted clustering against the true accounts.

Two mentions form a *predicted pair* when the resolver gave them the same account, a *true pair* when
they belong to the same true account; precision = TP / predicted pairs, recall = TP / true pairs.
Pairs are counted from group sizes, never enumerated (a million mentions have ~5e11 pairs):

    TP              = sum over (predicted, true) cells of C(n, 2)
    predicted pairs = sum over predicted clusters    of C(n, 2)
    true pairs      = sum over true accounts         of C(n, 2)

A mention with no predicted account (null) is a cluster of its own.

A mention whose true account is null is *unattributable* (no name, no corporate domain, no CRM id): it is a
true account of its own, so it adds no true pair, and every predicted pair that puts it with another
mention is a false merge. It must therefore get no account, or an account of its own; either way it
costs nothing, and pooling the unattributable mentions into one "unknown" account costs precision.

    python benchmarks/account_resolution/score.py labelled.parquet predicted.parquet

(``labelled`` has ``mention_id, true_account``; ``predicted`` has ``mention_id, account_id``.)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import duckdb
import pyarrow as pa

__all__ = ["PairScores", "pairwise_scores", "score_relation"]


@dataclass(frozen=True)
class PairScores:
    mentions: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    true_accounts: int
    predicted_clusters: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_merge_pairs(self) -> int:
        return self.predicted_pairs - self.true_positive_pairs

    @property
    def missed_pairs(self) -> int:
        return self.true_pairs - self.true_positive_pairs


_SCORE = """
with m as (
    select coalesce(predicted::varchar, '\x00singleton:' || mention_id::varchar) as predicted,
           coalesce(truth::varchar, '\x00unattributable:' || mention_id::varchar) as truth
    from ({relation})
),
cells as (select predicted, truth, count(*)::hugeint as n from m group by all),
pred as (select predicted, sum(n) as n from cells group by predicted),
tru as (select truth, sum(n) as n from cells group by truth)
select
    (select sum(n)::bigint from cells),
    (select coalesce(sum(n * (n - 1) // 2), 0)::bigint from tru),
    (select coalesce(sum(n * (n - 1) // 2), 0)::bigint from pred),
    (select coalesce(sum(n * (n - 1) // 2), 0)::bigint from cells),
    (select count(*) from tru),
    (select count(*) from pred)
"""


def score_relation(connection: duckdb.DuckDBPyConnection, relation_sql: str) -> PairScores:
    """Scores of a relation with columns ``mention_id, predicted, truth`` (``predicted`` may be null)."""
    row = connection.execute(_SCORE.replace("{relation}", relation_sql)).fetchall()[0]
    return PairScores(*(int(v) for v in row))


def pairwise_scores(mention_ids: pa.Array, predicted: pa.Array, truth: pa.Array,
                    connection: duckdb.DuckDBPyConnection | None = None) -> PairScores:
    """Scores of parallel arrays: one predicted account (or null) and one true account per mention."""
    own = connection is None
    con = duckdb.connect() if own else connection
    try:
        con.register("_score_input", pa.table({"mention_id": mention_ids, "predicted": predicted, "truth": truth}))
        return score_relation(con, "select * from _score_input")
    finally:
        con.unregister("_score_input")
        if own:
            con.close()


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    labelled, predicted = argv
    con = duckdb.connect()
    scores = score_relation(con, f"select l.mention_id, p.account_id as predicted, l.true_account as truth "
                                 f"from read_parquet('{labelled}') l left join read_parquet('{predicted}') p "
                                 f"using (mention_id)")
    print(f"precision {scores.precision:.6f}  recall {scores.recall:.6f}  F1 {scores.f1:.6f}  "
          f"({scores.mentions:,} mentions, {scores.true_accounts:,} true accounts, "
          f"{scores.predicted_clusters:,} predicted clusters)")


if __name__ == "__main__":
    main(sys.argv[1:])
