"""The independent account-resolution evaluation of issue 16: the B2B generator keeps the patterns and the
label rules its docstring promises, the hand-labelled cases are well formed, score.py treats a null true
account as unattributable, and run.py / real_format.py score the real resolver on them end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "account_resolution"
sys.path.insert(0, str(BENCH))

import generate_b2b  # noqa: E402
import real_format  # noqa: E402
import run as bench_run  # noqa: E402
from score import pairwise_scores  # noqa: E402

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

LABELLED = BENCH / "labelled_cases.csv"
COLUMNS = ["mention_id", "source", "account_name", "email", "crm_account_id", "true_account"]
FREE_MAIL = sorted({d for domains in generate_b2b.FREE_MAIL.values() for d in domains})


@pytest.fixture(scope="module")
def mentions() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("m", generate_b2b.generate(14_000, 7, details=True))
    con.execute("create temp table g as select *, lower(split_part(email, '@', 2)) as domain from m")
    return con


def test_generator_is_deterministic_with_the_documented_columns() -> None:
    first, again, other = (generate_b2b.generate(3_000, s) for s in (7, 7, 8))
    assert first.column_names == COLUMNS
    assert all(t == pa.string() for t in first.schema.types)
    assert first.equals(again) and not first.equals(other)


def test_salesforce_18_character_ids_carry_the_documented_checksum() -> None:
    assert generate_b2b.salesforce_18("0015000000Gv7qJ") == "0015000000Gv7qJAAR"
    assert generate_b2b.salesforce_18("0015g00000Xyz12") == "0015g00000Xyz12AAB"


def test_every_labelled_mention_has_evidence_and_only_evidence_free_ones_are_null(mentions) -> None:
    no_evidence, null_with_evidence, share = mentions.execute("""
        select count(*) filter (where true_account is not null and account_name is null and crm_account_id is null
                                and email_kind not in ('corporate', 'second_domain')),
               count(*) filter (where true_account is null and (account_name is not null or crm_account_id is not null
                                                              or (email is not null and domain not in ?))),
               avg((true_account is null)::int)
        from g""", [FREE_MAIL]).fetchall()[0]
    assert no_evidence == 0 and null_with_evidence == 0
    assert 0.005 < share < 0.02


def test_weak_spellings_appear_only_beside_the_domain_or_crm_id(mentions) -> None:
    # "Finance dept", "SocGen", "IBM", "Morgan": a person needs the domain or the CRM id to place them.
    stray = mentions.execute("""
        select count(*) from g where name_variant in ('short', 'abbreviation', 'initials', 'department')
          and crm_account_id is null and email_kind not in ('corporate', 'second_domain')""").fetchall()[0][0]
    assert stray == 0
    counts = dict(mentions.execute("select name_variant, count(*) from g group by all").fetchall())
    for variant in ("short", "abbreviation", "initials", "department", "typo", "regional", "generic_word",
                    "transliterated", "legal_form", "blank", "crm_record_name", "client:canonical"):
        assert counts.get(variant, 0) > 0, variant


def test_a_name_written_without_domain_or_crm_id_belongs_to_one_account(mentions) -> None:
    # Labels a person could give: a bare name (free-mail, no e-mail, shared host) never names two accounts.
    ambiguous = mentions.execute("""
        select lower(regexp_replace(account_name, '[^A-Za-z0-9]', '', 'g')) as key from g
        where account_name is not null and crm_account_id is null and true_account is not null
          and email_kind not in ('corporate', 'second_domain')
        group by all having count(distinct true_account) > 1""").fetchall()
    assert ambiguous == []


def test_a_corporate_domain_names_one_account_and_a_shared_host_many(mentions) -> None:
    per_domain = mentions.execute("""
        select email_kind, domain, count(distinct true_account) as accounts from g
        where true_account is not null and email_kind in ('corporate', 'second_domain', 'shared_host')
        group by all""").fetchall()
    assert all(n == 1 for kind, _, n in per_domain if kind != "shared_host")
    assert any(n > 1 for kind, _, n in per_domain if kind == "shared_host")
    assert {d for kind, d, _ in per_domain if kind == "shared_host"} <= set(generate_b2b.SHARED_HOSTING)


def test_consultants_answer_about_clients_with_the_clients_name_or_crm_id(mentions) -> None:
    rows = mentions.execute("""
        select g.true_account, g.account_name, g.crm_account_id, g.domain,
               (select any_value(domain) from g o where o.true_account = g.true_account
                and o.email_kind = 'corporate') as own_domain
        from g where email_kind = 'consultancy'""").fetchall()
    assert rows
    consultancy_domains = {domain for _, domain, _ in generate_b2b.CONSULTANCIES}
    assert all(domain in consultancy_domains and domain != own and (name or crm) for _, name, crm, domain, own in rows)


def test_duplicate_crm_records_subsidiaries_lookalikes_and_zipf_sizes(mentions) -> None:
    duplicated = mentions.execute("""
        select count(*) from (select true_account from g where crm_account_id is not null
                              group by all having count(distinct left(crm_account_id, 15)) > 1)""").fetchall()[0][0]
    forms = {r[0] for r in mentions.execute("select distinct length(crm_account_id) from g").fetchall()}
    largest, median = mentions.execute("""
        select max(n), median(n) from (select count(*) n from g where true_account is not null group by true_account)
        """).fetchall()[0]
    accounts = generate_b2b.build_accounts(1_000, __import__("random").Random(7))
    kinds = {a.kind for a in accounts}
    assert duplicated > 0 and {15, 18} <= forms
    assert largest > 100 * median
    assert {"corporate", "shared_host", "subsidiary", "lookalike", "consultancy"} <= kinds
    assert len({a.lang for a in accounts}) == len(generate_b2b.LANG_SHARES)


def test_null_truth_is_unattributable_in_score() -> None:
    ids = pa.array(["a", "b", "c", "d"])
    truth = pa.array(["x", "x", None, None], pa.string())
    apart = pairwise_scores(ids, pa.array(["1", "1", None, "2"], pa.string()), truth)
    pooled = pairwise_scores(ids, pa.array(["1", "1", "9", "9"], pa.string()), truth)
    into_account = pairwise_scores(ids, pa.array(["1", "1", "1", None], pa.string()), truth)
    assert (apart.true_pairs, apart.precision, apart.recall) == (1, 1.0, 1.0)
    assert pooled.false_merge_pairs == 1 and pooled.recall == 1.0
    assert into_account.false_merge_pairs == 2


def test_labelled_cases_are_well_formed_clusters() -> None:
    con = duckdb.connect()
    con.execute(f"create temp table l as select *, lower(split_part(email, '@', 2)) as domain "
                f"from read_csv('{LABELLED}', all_varchar = true, header = true)")
    assert [c[0] for c in con.execute("describe l").fetchall()] == COLUMNS + ["note", "domain"]
    total, ids, without_note, clustered = con.execute("""
        select count(*), count(distinct mention_id), count(*) filter (where coalesce(note, '') = ''),
               (select count(*) from (select true_account from l where true_account is not null
                                      group by all having count(*) >= 2))
        from l""").fetchall()[0]
    assert total >= 120 and ids == total and without_note == 0 and clustered >= 30
    bad_nulls = con.execute("""
        select mention_id from l where true_account is null
          and (account_name is not null or crm_account_id is not null or (email is not null and domain not in ?))""",
                            [FREE_MAIL]).fetchall()
    assert bad_nulls == []
    notes = " ".join(r[0].lower() for r in con.execute("select note from l").fetchall())
    for pattern in ("nickname", "legal form", "generic word", "typo", "regional", "initials", "department",
                    "blank name", "free-mail", "shared host", "consultant", "subsidiary", "second domain",
                    "look-alike", "duplicate crm", "18-character", "no evidence"):
        assert pattern in notes, pattern


def test_run_scores_the_resolver_on_the_labelled_cases(capsys) -> None:
    result = bench_run.main(["--labelled", str(LABELLED), "--examples", "3"])
    out = capsys.readouterr().out
    assert result["mentions"] == 143 and result["with_evidence"] == 139 and result["unattributable"] == 4
    assert 0 < result["precision"] <= 1 and 0 < result["recall"] <= 1
    assert "mentions with evidence that got no account" in out


def test_run_scores_the_resolver_on_the_b2b_generator(capsys) -> None:
    result = bench_run.main(["--generator", "b2b", "--mentions", "3000", "--seed", "7", "--examples", "3"])
    assert result["mentions"] == 3000 and 0.5 < result["precision"] <= 1 and 0.5 < result["recall"] <= 1
    assert "b2b generator" in capsys.readouterr().out


def test_real_format_exports_load_whole_and_are_scored(capsys) -> None:
    result = real_format.main(["--companies", "4", "--per-company", "25", "--seed", "7"])
    assert result["loaded"] == result["written"] > 100
    assert {s for s, _ in result["per_source"]} == set(real_format.SPECS)
    assert 0.5 < result["scores"].precision <= 1 and 0.3 < result["scores"].recall <= 1
    assert "responses with evidence and no account_id" in capsys.readouterr().out
