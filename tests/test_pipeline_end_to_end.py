"""The whole pipeline as a user runs it: `silobridge run` as a process on the four seed sources."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from schemas.unified import PUBLISHED_TABLES
from warehouse.home import Home

from conftest import query, silobridge, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def loaded_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("e2e") / "home").create()
    write_seed_landing(home)
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_published_tables_match_the_contract(loaded_home: Home) -> None:
    for table in PUBLISHED_TABLES:
        columns = [r[0] for r in query(loaded_home.warehouse_db,
                                       f"select column_name from information_schema.columns where table_schema = "
                                       f"'{table.schema}' and table_name = '{table.name}' order by ordinal_position")]
        assert columns == table.column_names
    schemas = {r[0] for r in query(loaded_home.warehouse_db, "select distinct table_schema from information_schema.tables")}
    assert schemas == {"core", "marts"}
    marts = {r[0] for r in query(loaded_home.warehouse_db,
                                 "select table_name from information_schema.tables where table_schema = 'marts'")}
    assert {"account_360", "survey_fatigue"} <= marts


def test_every_row_is_loaded_rejected_or_a_duplicate(loaded_home: Home) -> None:
    files = query(loaded_home.pipeline_db, "select source_file, rows_read, rows_loaded, rows_rejected, rows_duplicate "
                                           "from meta.files order by source_file")
    assert [f[0] for f in files] == ["landing/product/planning_2024-05.jsonl", "landing/product/planning_wave1.xlsx",
                                     "landing/sales/lost_business_2024Q1.csv", "landing/service/followup_2024-03.csv"]
    for _, read, loaded, rejected, duplicate in files:
        assert read == loaded + rejected + duplicate
    assert sum(f[2] for f in files) == query(loaded_home.warehouse_db, "select count(*) from core.feedback")[0][0] == 11
    assert [f[1:] for f in files] == [(3, 2, 1, 0), (3, 3, 0, 0), (4, 3, 1, 0), (5, 3, 1, 1)]


def test_rejects_name_file_row_and_rule(loaded_home: Home) -> None:
    rejects = query(loaded_home.pipeline_db, "select source_file, source_row, rule, detail from quarantine.rejects "
                                             "order by source_file, source_row")
    assert [(r[0], r[1], r[2]) for r in rejects] == [
        ("landing/product/planning_2024-05.jsonl", 3, "email_malformed"),
        ("landing/sales/lost_business_2024Q1.csv", 4, "responded_at_unparseable"),
        ("landing/service/followup_2024-03.csv", 3, "score_not_numeric"),
    ]
    assert "value '13/45/2024'" in rejects[1][3] and "%m/%d/%Y" in rejects[1][3]
    assert "between 0 and 10" in rejects[1][3]  # every broken rule is in the detail


def test_timestamps_are_normalised_to_utc(loaded_home: Home) -> None:
    got = dict(query(loaded_home.warehouse_db, "select source_response_id, responded_at from core.feedback"))
    assert got["0065g00000OPP01AAA"] == dt.datetime(2024, 3, 12, 4, 0, tzinfo=UTC)  # New York, daylight saving time
    assert got["ZD-2"] == dt.datetime(2024, 3, 20, 4, 30, tzinfo=UTC)  # -05:00 offset in the value
    assert got["W1-1"] == dt.datetime(2024, 1, 15, 8, 30, tzinfo=UTC)  # Berlin winter
    assert got["W1-3"] == dt.datetime(2024, 7, 16, 16, 0, tzinfo=UTC)  # Berlin summer
    assert got["R-100"] == dt.datetime(2024, 5, 2, 14, 3, tzinfo=UTC)


def test_scores_carry_direction_and_nps_category(loaded_home: Home) -> None:
    scores = {(r[0], r[1]): r[2:] for r in query(loaded_home.warehouse_db, """
        select f.source_response_id, s.metric, s.score, s.score_pct, s.nps_category
        from core.feedback_scores s join core.feedback f using (feedback_id)""")}
    assert scores[("ZD-4", "ces")] == (1.0, 100.0, None)  # effort 1 of 7: least effort is best
    assert scores[("ZD-2", "ces")] == (7.0, 0.0, None)
    assert scores[("ZD-4", "csat")] == (4.0, 75.0, None)
    assert [scores[(i, "nps")][2] for i in ("R-100", "W1-1", "W1-2", "R-101", "W1-3")] == [
        "promoter", "promoter", "passive", "detractor", "detractor"]
    assert scores[("0065g00000OPP01AAA", "likelihood_to_reconsider")] == (7.0, 70.0, None)


def test_accounts_are_resolved_across_silos(loaded_home: Home) -> None:
    accounts = dict(query(loaded_home.warehouse_db, """
        select f.source_response_id, a.account_name from core.feedback f join core.accounts a using (account_id)"""))
    acme = {accounts[i] for i in ("0065g00000OPP01AAA", "0065g00000OPP02AAA", "ZD-1", "ZD-4", "R-100", "W1-1")}
    assert len(acme) == 1
    assert accounts["ZD-2"] == accounts["W1-2"]  # same name, though one writes from gmail
    assert accounts["ZD-2"] != accounts["0065g00000OPP03AAA"]  # Globex Corporation vs Globex Capital Partners
    assert query(loaded_home.warehouse_db, "select count(*) from core.accounts")[0][0] == 5
    crm_ids = query(loaded_home.warehouse_db, "select crm_ids from core.accounts where list_contains(domains, 'acme.com')")
    assert crm_ids == [(["0015g00000Xyz12AAB"],)]  # the 15- and 18-character ids are one record


def test_text_is_kept_as_plain_text(loaded_home: Home) -> None:
    comments = dict(query(loaded_home.warehouse_db, "select source_response_id, comment from core.feedback"))
    assert comments["ZD-2"] == "'); DROP TABLE core.feedback;--"
    assert comments["ZD-1"] == "ok, thanks — très bien"
    assert comments["0065g00000OPP02AAA"] == "needs SSO\nand SCIM"
    topics = dict(query(loaded_home.warehouse_db, "select source_response_id, topics from core.feedback"))
    assert topics["W1-1"] == ["SSO", "Audit log"] and topics["R-100"] == ["SSO", "Dark mode"]


def test_no_email_or_ip_address_is_published(loaded_home: Home) -> None:
    address = re.compile(r"[^@\s\"]+@[^@\s\"]+\.[a-z]{2,}|\b\d{1,3}(\.\d{1,3}){3}\b")
    tables = query(loaded_home.warehouse_db, "select schema_name || '.' || table_name from duckdb_tables()")
    for (table,) in tables:
        for row in query(loaded_home.warehouse_db, f"select * from {table}"):
            assert not any(address.search(str(value)) for value in row), (table, row)
    comment = query(loaded_home.warehouse_db, "select comment from core.feedback where source_response_id = 'ZD-4'")
    assert comment == [("write to [email removed], I'm on [ip removed]",)]


def test_respondents_are_salted_hashes(loaded_home: Home) -> None:
    import hashlib

    hashes = dict(query(loaded_home.warehouse_db, "select source_response_id, respondent_hash from core.feedback"))
    assert hashes["ZD-1"] == hashlib.sha256(b"test-salt" + b"jo@acme.com").hexdigest()
    assert hashes["0065g00000OPP01AAA"] is None  # the CRM export names no respondent


def test_a_second_run_loads_nothing_new(loaded_home: Home) -> None:
    before = query(loaded_home.warehouse_db, "select count(*), max(loaded_at) from core.feedback")
    result = silobridge("run", "--home", str(loaded_home.root))
    assert result.returncode == 0, result.stderr
    assert "nothing new: 4 landing file(s), all loaded before; the published warehouse is unchanged" in result.stdout
    assert query(loaded_home.warehouse_db, "select count(*), max(loaded_at) from core.feedback") == before
    runs = query(loaded_home.pipeline_db, "select status, n_files from meta.runs order by started_at")
    assert runs == [("success", 4), ("success", 0)]


def test_table_keys_hold(loaded_home: Home) -> None:
    for table in PUBLISHED_TABLES:
        key = ", ".join(table.primary_key)
        duplicates = query(loaded_home.warehouse_db,
                           f"select {key}, count(*) from {table.qualified_name} group by all having count(*) > 1")
        assert duplicates == [], table.qualified_name


def test_every_published_table_says_what_it_holds(loaded_home: Home) -> None:
    comments = query(loaded_home.warehouse_db, "select schema_name, table_name, comment from duckdb_tables()")
    assert comments and all(c and ("Grain:" in c or c.startswith("One row")) for _, _, c in comments), comments
