"""Account resolution through the pipeline and the command line: stable ids across runs, account changes,
overrides, `silobridge accounts resolve` and `silobridge accounts explain` (all as real processes)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from warehouse.home import Home

from conftest import query, silobridge, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SERVICE_HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"


def run(home: Home) -> None:
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr


def account_of(home: Home, response_id: str) -> str:
    return query(home.warehouse_db, "select account_id from core.feedback where source_response_id = ?"
                 .replace("?", f"'{response_id}'"))[0][0]


# Issue 16's patterns as a service export writes them: one company's people spelling it three ways or not at
# all, a consultant answering about a client from the consultancy's domain, and a response with no evidence.
COMPANY_DOMAIN_ROWS = (
    "ZD-20,ana@socgen.com,SocGen,2024-02-01T10:00:00Z,4,2,Billing,,Billing,EMEA\n"
    "ZD-21,ben@socgen.com,Société Générale,2024-02-02T10:00:00Z,5,1,Billing,,Billing,EMEA\n"
    "ZD-22,cy@socgen.com,,2024-02-03T10:00:00Z,3,3,Login,,Auth,EMEA\n"
    "ZD-23,di@socgen.com,Soc Gen Group,2024-02-04T10:00:00Z,4,2,How-to,,Core,EMEA\n"
    "ZD-24,ed@deloitte.com,Deloitte,2024-02-05T10:00:00Z,4,2,Billing,,Billing,EMEA\n"
    "ZD-25,fa@deloitte.com,Deloitte LLP,2024-02-06T10:00:00Z,4,2,Billing,,Billing,EMEA\n"
    "ZD-26,gu@deloitte.com,Acme Corporation,2024-02-07T10:00:00Z,2,5,Outage,,Core,EMEA\n"
    "ZD-27,hi@gmail.com,,2024-02-08T10:00:00Z,4,2,Billing,,Billing,EMEA\n"
)


@pytest.fixture(scope="module")
def loaded_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("accounts") / "home").create()
    write_seed_landing(home)
    (home.landing / "service" / "followup_2024-02.csv").write_text(SERVICE_HEADER + COMPANY_DOMAIN_ROWS,
                                                                    encoding="utf-8")
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 response(s) unattributed" in result.stdout  # ZD-27: a private address and no name
    return home


def test_a_company_domain_holds_every_spelling_and_a_consultant_answers_for_the_client(loaded_home: Home) -> None:
    socgen = {account_of(loaded_home, f"ZD-{n}") for n in (20, 21, 22, 23)}
    assert len(socgen) == 1 and None not in socgen
    assert account_of(loaded_home, "ZD-26") == account_of(loaded_home, "ZD-1")  # Acme, named from deloitte.com
    assert account_of(loaded_home, "ZD-24") == account_of(loaded_home, "ZD-25") != account_of(loaded_home, "ZD-1")
    assert account_of(loaded_home, "ZD-27") is None


def test_explain_says_which_spellings_were_kept_apart_and_why(loaded_home: Home) -> None:
    deloitte = account_of(loaded_home, "ZD-24")
    out = silobridge("accounts", "explain", deloitte, "--home", str(loaded_home.root))
    assert out.returncode == 0, out.stderr
    kept = out.stdout.split("kept apart", 1)[1]
    acme = account_of(loaded_home, "ZD-1")
    assert '"Acme Corporation" (written from deloitte.com, this account\'s domain) is ' + acme in kept


def test_every_alias_carries_its_evidence(loaded_home: Home) -> None:
    rows = query(loaded_home.warehouse_db, "select alias_kind, match_method, confidence, evidence "
                                           "from core.account_aliases")
    assert rows and all(method and 0 < confidence <= 1 and evidence for _, method, confidence, evidence in rows)
    assert {r[1] for r in rows} <= {"crm_id", "domain", "exact_name", "fuzzy_name", "override"}


def test_explain_prints_why_mentions_were_joined(loaded_home: Home) -> None:
    acme = account_of(loaded_home, "ZD-1")
    by_id = silobridge("accounts", "explain", acme, "--home", str(loaded_home.root))
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout.startswith(acme)
    assert "CRM id 0015g00000Xyz12AAB" in by_id.stdout and "acme.com" in by_id.stdout
    by_name = silobridge("accounts", "explain", "acme corporation", "--home", str(loaded_home.root))
    assert by_name.returncode == 0 and by_name.stdout.startswith(acme)
    missing = silobridge("accounts", "explain", "No Such Company", "--home", str(loaded_home.root))
    assert missing.returncode == 2 and "no account" in missing.stdout


def test_ids_stay_and_changes_are_recorded_across_runs(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").create()
    write_seed_landing(home)
    run(home)
    before = dict(query(home.warehouse_db, "select source_response_id, account_id from core.feedback"))
    # New data: Hooli gets a CRM-less mention with a typo, and a new company appears.
    (home.landing / "service" / "followup_2024-04.csv").write_text(
        SERVICE_HEADER
        + "ZD-10,al@hooli.com,Hooli,2024-04-02T10:00:00Z,4,2,Billing,,Billing,EMEA\n"
        + "ZD-11,ed@gmail.com,Initechh,2024-04-03T10:00:00Z,3,3,Login,,Auth,EMEA\n"
        + "ZD-12,zo@vandelay.com,Vandelay Industries,2024-04-04T10:00:00Z,5,1,How-to,,Core,EMEA\n", encoding="utf-8")
    run(home)
    after = dict(query(home.warehouse_db, "select source_response_id, account_id from core.feedback"))
    assert all(after[k] == v for k, v in before.items())
    assert after["ZD-11"] == after["R-101"]  # the typo joins Initech by a fuzzy name match
    assert after["ZD-12"] not in before.values()
    assert query(home.warehouse_db, "select count(*) from core.account_changes")[0][0] == 0


def test_overrides_win_and_the_change_is_recorded(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").create()
    write_seed_landing(home)
    run(home)
    acme, initech = account_of(home, "ZD-1"), account_of(home, "R-101")
    home.accounts.mkdir(parents=True, exist_ok=True)
    (home.accounts / "overrides.yaml").write_text(
        f"merge:\n  - [{{account_id: {acme}}}, {{name: Initech}}]\n"
        "split:\n  - [{name: Umbrella}]\n", encoding="utf-8")
    run(home)
    assert account_of(home, "R-101") == acme
    methods = query(home.pipeline_db, "select distinct match_method from core.account_mentions "
                                      "where account_name_raw like 'Initech%'")
    assert methods == [("override",)]
    changes = query(home.warehouse_db, "select change_kind, previous_account_id, account_id from core.account_changes")
    assert ("merge", initech, acme) in changes
    explained = silobridge("accounts", "explain", acme, "--home", str(home.root)).stdout
    assert "override: merge rule 1" in explained and f"of {initech} moved to {acme}" in explained


def test_a_wrong_overrides_file_is_a_usage_error(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").create()
    home.accounts.mkdir(parents=True)
    (home.accounts / "overrides.yaml").write_text("merge:\n  - [{nickname: Acme}]\n", encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("mention_id,source,account_name,email,crm_account_id\n1,crm,Acme,,\n", encoding="utf-8")
    result = silobridge("accounts", "resolve", str(source), "--out", str(tmp_path / "out.csv"), "--home", str(home.root))
    assert result.returncode == 2 and "merge rule 1" in result.stderr


MENTIONS = [
    ("m1", "crm", "ACME Corp.", "", "0015g00000Xyz12"),
    ("m2", "service", "acme corporation", "jo@acme.com", ""),
    ("m3", "product", "Acme Corpp", "kim@gmail.com", ""),          # typo, free-mail: fuzzy name
    ("m4", "sales", "", "", "0015g00000Xyz12AAB"),                 # 18-character form of m1's id
    ("m5", "service", "Globex Capital Partners", "x@gmail.com", ""),
    ("m6", "service", "Globex Corporation", "y@globex.com", ""),
    ("m7", "product", "", "z@gmail.com", ""),                      # no evidence at all
    ("m7", "product", "Müller & Söhne GmbH", "", ""),              # a repeated mention id keeps its own row
    ("m9", "sales", "Mueller und Soehne", "", ""),
]


def test_resolve_command_end_to_end(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mention_id", "source", "account_name", "email", "crm_account_id"])
        writer.writerows(MENTIONS)
    result = silobridge("accounts", "resolve", str(source), "--out", str(target), "--home", str(tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    assert "9 mentions resolved to" in result.stdout
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["mention_id", "account_id", "account_name", "match_method", "confidence"]
    assert [r["mention_id"] for r in rows] == [m[0] for m in MENTIONS]
    acme = {rows[i]["account_id"] for i in range(4)}
    assert len(acme) == 1 and rows[0]["account_name"] == "ACME Corp."
    assert [rows[i]["match_method"] for i in range(4)] == ["crm_id", "domain", "fuzzy_name", "crm_id"]
    assert rows[4]["account_id"] != rows[5]["account_id"] and rows[5]["account_id"] not in acme
    assert rows[6]["account_id"] == "" and rows[6]["match_method"] == ""
    assert rows[7]["account_id"] == rows[8]["account_id"] != ""  # Müller & Söhne = Mueller und Soehne


def test_resolve_command_names_missing_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,name\n1,Acme\n", encoding="utf-8")
    result = silobridge("accounts", "resolve", str(source), "--out", str(tmp_path / "out.csv"),
                        "--home", str(tmp_path / "home"))
    assert result.returncode == 2 and "missing column(s) mention_id, source" in result.stderr
