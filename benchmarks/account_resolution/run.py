"""Benchmark account resolution on N generated, labelled mentions.

    python benchmarks/account_resolution/run.py --mentions 1000000 --seed 7
    python benchmarks/account_resolution/run.py --generator b2b --mentions 195000 --seed 7
    python benchmarks/account_resolution/run.py --labelled benchmarks/account_resolution/labelled_cases.csv

``--generator`` picks generate.py (``default``) or the independent generate_b2b.py (``b2b``);
``--labelled FILE`` scores the hand-labelled cases of FILE instead of generated ones.

Generates the mentions (not timed), writes them as a CSV in the ``silobridge accounts resolve`` input
shape (mention_id, source, account_name, email, crm_account_id) to a temporary directory, then runs
``resolve_csv`` (what ``silobridge accounts resolve IN.csv --out OUT.csv`` runs) on that file in a fresh
process with a fresh DuckDB connection. Reported:

* wall time of ``resolve_csv`` (reading IN.csv and writing OUT.csv included) and the resolver process's
  peak RSS;
* pairwise precision, recall and F1 against the true accounts (see score.py), with the targets;
* the largest false merges (pairs of different true accounts put in one predicted account, by number of
  wrongly linked mention pairs) and the keys that bridge different true accounts;
* the missed matches: which kinds of mention end up apart from their account, and examples;
* the share of mentions with evidence (a true account) that got no account (there should be none), and
  the unattributable mentions (true account null) that were put in an account with other mentions.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parents[1]))

import generate as default_generator  # noqa: E402
import generate_b2b  # noqa: E402
from score import PairScores, score_relation  # noqa: E402

INPUT_COLUMNS = ["mention_id", "source", "account_name", "email", "crm_account_id"]
TARGETS = {"precision": 0.999, "recall": 0.995, "seconds_per_million": 30.0}
# Lower targets for data the resolver was not built against (the b2b generator and the labelled cases):
# generate.py's patterns are what its rules were designed from.
HELD_OUT_TARGETS = {"precision": 0.995, "recall": 0.98}

# --------------------------------------------------------------------------------------------------
# The timed part, in its own process so that its peak RSS is the resolver's, not the generator's.
# --------------------------------------------------------------------------------------------------

def resolve_file(csv_path: Path, out_dir: Path) -> None:
    from warehouse.accounts.commands import resolve_csv
    from warehouse.db import connect

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    connection = connect(":memory:")
    started = time.perf_counter()
    summary = resolve_csv(csv_path, out_dir / "predicted.csv", connection=connection)  # `accounts resolve`
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # The output file, and the resolver's normalised keys for the error report (internal tables).
    connection.execute(f"copy (select mention_id, account_id, match_method from read_csv('{out_dir / 'predicted.csv'}', "
                       f"all_varchar = true)) to '{out_dir / 'predicted.parquet'}' (format parquet)")
    connection.execute(f"copy (select c.mention_id, n.name_key, n.domain_key, n.crm_key from resolver_nodes n "
                       f"join resolver_csv c on c.mention_key::varchar = n.mention_id) "
                       f"to '{out_dir / 'keys.parquet'}' (format parquet)")
    connection.close()
    print(json.dumps({"seconds": elapsed, "peak_rss": peak, "rss_before": rss_before, "rows": summary.n_rows}))


GENERATORS = {"default": default_generator, "b2b": generate_b2b}


def labelled_table(csv_path: Path):
    """The hand-labelled cases, with the detail columns the report groups by (the note is the kind)."""
    con = duckdb.connect()
    return con.execute(f"""
        select mention_id, source, account_name, email, crm_account_id, true_account,
               note as name_variant,
               case when email is null then 'none' else split_part(lower(email), '@', 2) end as email_kind,
               case when crm_account_id is null then 'none' else 'id' || length(crm_account_id) end as crm_form,
               true_account as canonical_name
        from read_csv('{csv_path}', all_varchar = true, header = true)""").to_arrow_table()


def generate_files(generator: str, n_mentions: int, seed: int, out_dir: Path) -> None:
    started = time.perf_counter()
    if generator in GENERATORS:
        labelled = GENERATORS[generator].generate(n_mentions, seed, details=True)
    else:
        labelled = labelled_table(Path(generator))
    elapsed = time.perf_counter() - started
    csv_path = out_dir / "mentions.csv"
    pa_csv.write_csv(labelled.select(INPUT_COLUMNS), csv_path)
    pq.write_table(labelled, out_dir / "labels.parquet")
    print(f"generated {labelled.num_rows:,} mentions of {len(labelled.column('true_account').unique()):,} accounts "
          f"in {elapsed:.1f} s -> {csv_path} ({csv_path.stat().st_size / 2**20:,.0f} MiB)")


def timed_resolve(csv_path: Path, out_dir: Path) -> dict:
    process = subprocess.run([sys.executable, __file__, "--resolve-file", str(csv_path), str(out_dir)],
                             capture_output=True, text=True, cwd=HERE.parents[1])
    if process.returncode != 0:
        raise SystemExit(f"resolver failed:\n{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------

def print_rows(con: duckdb.DuckDBPyConnection, sql: str, title: str) -> None:
    relation = con.sql(sql)
    rows = relation.fetchall()
    print(f"\n{title}")
    if not rows:
        print("  (none)")
        return
    columns = relation.columns
    cells = [[("" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:.4f}" if isinstance(v, float) else str(v))
              for v in row] for row in rows]
    widths = [min(48, max(len(c), *(len(r[i]) for r in cells))) for i, c in enumerate(columns)]
    print("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for r in cells:
        print("  " + "  ".join((v if len(v) <= w else v[:w - 1] + "…").ljust(w) for v, w in zip(r, widths)))


def report(con: duckdb.DuckDBPyConnection, examples: int, shared_hosting: tuple[str, ...]) -> PairScores:
    scores = score_relation(con, "select mention_id, account_id as predicted, true_account as truth from joined")
    # From here on an unattributable mention (true account null) is a true account of its own, as in score.py.
    con.execute("update joined set true_account = '~unattributable:' || mention_id where true_account is null")
    con.execute("""
        create temp table cells as
        select coalesce(account_id, '~' || mention_id) as pred, true_account, count(*)::bigint as n,
               arg_max(account_name, 1) as example_name
        from joined group by all""")
    con.execute("create temp table tsize as select true_account, sum(n)::bigint as n from cells group by all")
    con.execute("create temp table psize as select pred, sum(n)::bigint as n, count(*) as accounts "
                "from cells group by all")
    con.execute("create temp table canon as select true_account, any_value(canonical_name) as canonical "
                "from joined group by all")

    print_rows(con, f"""
        with ranked as (
            select *, row_number() over (partition by pred order by n desc, true_account) as r from cells
            where pred in (select pred from psize where accounts > 1)),
        pairs as (
            select a.pred, a.true_account as a, b.true_account as b, a.n * b.n as wrong_pairs, a.n as n_a, b.n as n_b
            from ranked a join ranked b on a.pred = b.pred and a.r < b.r and a.r <= 50 and b.r <= 50)
        select ca.canonical as account_a, cb.canonical as account_b, n_a, n_b, wrong_pairs,
               (select accounts from psize where psize.pred = pairs.pred) as accounts_in_cluster
        from pairs join canon ca on ca.true_account = a join canon cb on cb.true_account = b
        order by wrong_pairs desc, account_a, account_b limit {examples}""",
               f"Largest false merges (different true accounts in one predicted account), top {examples}")

    has_keys = con.execute("select count(*) from duckdb_tables() where table_name = 'keys'").fetchall()[0][0]
    if has_keys:
        free = ", ".join(f"'{d}'" for d in free_domains())
        hosting = ", ".join(f"'{d}'" for d in shared_hosting)
        print_rows(con, f"""
            with k as (select 'domain' as key_kind, domain_key as key, true_account from joined where domain_key is not null
                       union all
                       select 'name', name_key, true_account from joined where name_key is not null)
            select key_kind, key,
                case when key_kind = 'name' then 'name key'
                     when key in ({hosting}) then 'shared hosting'
                     when key not in ({free}) and key in (select split_part(lower(email), '@', 2) from joined
                                                         where email_kind = 'free_mail') then 'free-mail, not on list'
                     else 'corporate' end as what,
                count(distinct true_account) as true_accounts, count(*) as mentions
            from k group by all having count(distinct true_account) > 1
            order by true_accounts desc, mentions desc, key limit {max(examples, 15)}""",
                   "Keys that link different true accounts (bridges), most accounts first")
        print_rows(con, f"""
            with k as (select 'domain' as key_kind, domain_key as key, true_account from joined where domain_key is not null
                       union all
                       select 'name', name_key, true_account from joined where name_key is not null),
            bridges as (select key_kind, key from k group by all having count(distinct true_account) > 1)
            select key_kind,
                case when key_kind = 'name' then 'name key'
                     when key in ({hosting}) then 'shared hosting'
                     when key in (select split_part(lower(email), '@', 2) from joined where email_kind = 'free_mail')
                        then 'free-mail, not on list' else 'corporate' end as what,
                count(*) as bridging_keys
            from bridges group by all order by bridging_keys desc""", "Bridging keys by kind")

    print_rows(con, """
        with main as (select true_account, arg_max(pred, n) as main_pred, max(n) as n_main from cells group by all),
        m as (  -- missed pairs charged to the mentions outside their account's largest cluster
            select j.name_variant, j.email_kind, j.crm_form <> 'none' as has_crm,
                   main.n_main + (t.n - main.n_main - c.n) / 2 as missed_with
            from joined j join cells c on c.pred = coalesce(j.account_id, '~' || j.mention_id)
                                        and c.true_account = j.true_account
                          join tsize t on t.true_account = j.true_account
                          join main on main.true_account = j.true_account
            where c.pred <> main.main_pred)
        select name_variant, email_kind, has_crm, count(*) as mentions_apart, round(sum(missed_with))::bigint as missed_pairs,
               sum(missed_with) / nullif((select sum(n * (n - 1) // 2) from tsize)
                                         - (select sum(n * (n - 1) // 2) from cells), 0) as share_of_missed
        from m group by all
        order by missed_pairs desc limit 15""",
               "Missed matches by kind of the mention kept apart (pairs with the main cluster; others split half-half)")

    print_rows(con, f"""
        with main as (
            select true_account, arg_max(pred, n) as main_pred from cells group by all),
        apart as (
            select j.true_account, j.account_name, j.name_variant, j.email_kind, j.crm_form <> 'none' as has_crm
            from joined j join main using (true_account)
            where coalesce(j.account_id, '~' || j.mention_id) <> main.main_pred)
        select c.canonical, coalesce(account_name, '(no name)') as spelled_apart, name_variant, email_kind, has_crm,
               count(*) as mentions, any_value(t.n) as account_mentions
        from apart join canon c using (true_account) join tsize t using (true_account)
        group by all order by mentions * account_mentions desc, canonical, spelled_apart limit {examples}""",
               f"Most common missed matches (mentions kept apart from their account's main cluster), top {examples}")
    return scores


def free_domains() -> tuple[str, ...]:
    from warehouse.accounts.resolve import free_email_domains
    return free_email_domains()


def main(argv: list[str] | None = None) -> dict:
    if len(sys.argv) == 6 and sys.argv[1] == "--generate-files":
        generate_files(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--resolve-file":
        resolve_file(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (CSV, labels, output)")
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="default")
    parser.add_argument("--labelled", type=Path, help="score the labelled cases of this CSV instead of a generator")
    args = parser.parse_args(argv)
    source = str(args.labelled.resolve()) if args.labelled else args.generator

    work = Path(tempfile.mkdtemp(prefix="silobridge-accounts-bench-"))
    try:
        # Generation runs in its own process too: a child inherits its parent's peak RSS on Linux.
        generated = subprocess.run([sys.executable, __file__, "--generate-files", source, str(args.mentions),
                                    str(args.seed), str(work)], capture_output=True, text=True, cwd=HERE.parents[1])
        if generated.returncode != 0:
            raise SystemExit(f"generator failed:\n{generated.stderr}")
        print(generated.stdout.strip())
        csv_path = work / "mentions.csv"

        timing = timed_resolve(csv_path, work)
        con = duckdb.connect()
        keys = work / "keys.parquet"
        con.execute(f"""
            create temp table joined as
            select l.*, nullif(p.account_id, '') as account_id, p.match_method {', k.name_key, k.domain_key' if keys.exists() else ''}
            from read_parquet('{work / 'labels.parquet'}') l
            left join read_parquet('{work / 'predicted.parquet'}') p using (mention_id)
            {f"left join read_parquet('{keys}') k using (mention_id)" if keys.exists() else ''}""")
        if keys.exists():
            con.execute("create temp table keys as select 1")
        evidence = evidence_outcome(con)
        # The labelled cases use hosts of the kind generate_b2b knows (secureserver.net, strato.de, ovh.net ...).
        shared_hosting = GENERATORS["b2b" if args.labelled else args.generator].SHARED_HOSTING
        scores = report(con, args.examples, shared_hosting)

        per_million = timing["seconds"] / scores.mentions * 1_000_000
        print("\nSummary")
        size = f"labelled {args.labelled.name}" if args.labelled else f"{args.generator} generator  seed {args.seed}"
        print(f"  mentions {scores.mentions:,}  {size}  true accounts {scores.true_accounts:,}  "
              f"predicted accounts {scores.predicted_clusters:,} (null = singleton)")
        print(f"  accounts resolve wall {timing['seconds']:.2f} s  ({per_million:.1f} s per million)  "
              f"peak RSS {timing['peak_rss'] / 2**20:,.0f} MiB (process baseline {timing['rss_before'] / 2**20:,.0f} MiB)")
        print(f"  pairs: true {scores.true_pairs:,}  predicted {scores.predicted_pairs:,}  "
              f"correct {scores.true_positive_pairs:,}  false merges {scores.false_merge_pairs:,}  "
              f"missed {scores.missed_pairs:,}")
        ok = lambda good: "meets target" if good else "BELOW target"  # noqa: E731
        targets = TARGETS if source == "default" else HELD_OUT_TARGETS
        print(f"  precision {scores.precision:.6f}  (target ≥ {targets['precision']}: "
              f"{ok(scores.precision >= targets['precision'])})")
        print(f"  recall    {scores.recall:.6f}  (target ≥ {targets['recall']}: {ok(scores.recall >= targets['recall'])})")
        print(f"  F1        {scores.f1:.6f}")
        print(f"  mentions with evidence that got no account: {evidence['with_evidence_no_account']:,} of "
              f"{evidence['with_evidence']:,} ({evidence['no_account_share']:.4%}; issue 16 requires none)")
        print(f"  unattributable mentions (true account null): {evidence['unattributable']:,}, of which "
              f"{evidence['unattributable_pooled']:,} share an account with other mentions (false merges)")
        if not args.labelled and args.mentions >= 1_000_000:
            print(f"  time      {timing['seconds']:.1f} s for 1M (target < 30 s: {ok(timing['seconds'] < 30)})")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1, "seconds": timing["seconds"],
            "mentions": scores.mentions, **evidence}


def evidence_outcome(con: duckdb.DuckDBPyConnection) -> dict:
    """Mentions with evidence left without an account, and unattributable ones pooled with others."""
    with_evidence, no_account, unattributable, pooled = con.execute("""
        with sizes as (select account_id, count(*) as n from joined where account_id is not null group by all)
        select count(*) filter (where true_account is not null),
               count(*) filter (where true_account is not null and (account_id is null or account_id = '')),
               count(*) filter (where true_account is null),
               count(*) filter (where true_account is null and coalesce(s.n, 1) > 1)
        from joined left join sizes s using (account_id)""").fetchall()[0]
    return {"with_evidence": with_evidence, "with_evidence_no_account": no_account,
            "no_account_share": no_account / with_evidence if with_evidence else 0.0,
            "unattributable": unattributable, "unattributable_pooled": pooled}


if __name__ == "__main__":
    main()
