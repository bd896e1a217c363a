"""Validation end to end: bad input of every kind is quarantined or rejected with its reason, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from schemas import builtin_sources_dir
from schemas.spec import ROW_EXPECTATIONS, SpecError, parse_spec
from warehouse.home import Home

from conftest import SERVICE_CSV, silobridge, write_seed_landing, write_seed_specs
from conftest import query as read_only

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
GOOD = "ZD-{n},jo@acme.com,ACME,2024-03-18T09:02:11+01:00,4,2,Billing,{comment},Billing,EMEA\n"
FUTURE = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")

SERVICE_FILES: dict[str, bytes] = {
    "a_good.csv": (HEADER + GOOD.format(n=1, comment="fine") + GOOD.format(n=2, comment='"1 MB: ' + "x" * 1_000_000 + '"')
                   + f"ZD-3,jo@acme.com,ACME,{FUTURE},4,2,Billing,,Billing,EMEA\n"
                   + "ZD-4,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,,2,Billing,blank csat,Billing,EMEA\n"
                   + "ZD-5,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,4,2,Billing,first,Billing,EMEA\n"
                   + "ZD-5,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,5,2,Billing,second,Billing,EMEA\n"
                   + GOOD.format(n=1, comment="fine")
                   + "ZD-6,jo@acme.com,=HYPERLINK(\"http://evil\"),2024-03-18T09:02:11+01:00,3,2,Billing,"
                     "\"'); DROP TABLE core.feedback; --\",Billing,EMEA\n"
                   + "ZD-7,not an email,ACME,2024-03-18T09:02:11+01:00,3,2,Billing,,Billing,EMEA\n"
                   + "ZD-8,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,3,2,Billing\n"
                   + GOOD.format(n=9, comment="original")).encode(),
    "b_bom_crlf.csv": ("\ufeff" + HEADER + GOOD.format(n=20, comment='"two\nlines"')).replace("\n", "\r\n").encode(),
    "c_cp1252.csv": (HEADER + GOOD.format(n=30, comment="Société")).encode("cp1252"),
    "d_empty.csv": b"",
    "e_header_only.csv": HEADER.encode(),
    "f_binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    "g_missing_column.csv": b"ticket_id,contact_email,company,csat\nZD-40,jo@acme.com,ACME,4\n",
    "i_missing_id.csv": (HEADER + ",jo@acme.com,ACME,2024-03-18T09:02:11+01:00,4,2,Billing,no id,Billing,EMEA\n").encode(),
    "h_resent.csv": (HEADER + GOOD.format(n=1, comment="fine") + GOOD.format(n=9, comment="changed")).encode(),
}


# A second source: the same survey exported by an old system in Windows-1252, with a check of its own.
LEGACY_SPEC = """
encoding: cp1252
expectations:
  - {expect: expect_column_values_to_be_in_set, column: agent_team, kwargs: {value_set: [EMEA, AMER]},
     rule: unknown_agent_team, expected: "expected a team we have: EMEA or AMER"}
"""
LEGACY_FILE = (HEADER + GOOD.format(n=50, comment="\"Société Générale, très bien\"")
               + "ZD-51,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,4,2,Billing,,Billing,APAC\n").encode("cp1252")


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("validation") / "home").create()
    write_seed_specs(home, max_reject_rate=0.9)
    service_spec = (home.sources / "service_followup.yaml").read_text()
    (home.sources / "service_legacy.yaml").write_text(
        service_spec.replace("name: service_followup", "name: service_legacy")
        .replace("landing/service/", "landing/service_legacy/") + LEGACY_SPEC)
    (home.landing / "service").mkdir(parents=True)
    (home.landing / "service_legacy").mkdir(parents=True)
    (home.landing / "service_legacy" / "export.csv").write_bytes(LEGACY_FILE)
    for name, data in SERVICE_FILES.items():
        (home.landing / "service" / name).write_bytes(data)
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def query(home: Home, sql: str, database: str = "pipeline") -> list[tuple]:
    return read_only(home.pipeline_db if database == "pipeline" else home.warehouse_db, sql)


def test_unreadable_files_are_rejected_with_a_reason_and_the_rest_loads(validated: Home) -> None:
    files = dict(query(validated, "select source_file, status || ': ' || coalesce(error, '') from meta.files"))
    prefix = "landing/service/"
    assert files[prefix + "a_good.csv"].startswith("loaded")
    assert files[prefix + "b_bom_crlf.csv"].startswith("loaded")
    assert files[prefix + "e_header_only.csv"].startswith("loaded")
    assert "rejected: landing/service/c_cp1252.csv: encoding:" in files[prefix + "c_cp1252.csv"]
    assert "`encoding: cp1252`" in files[prefix + "c_cp1252.csv"]
    assert "empty_file" in files[prefix + "d_empty.csv"]
    assert "not_text" in files[prefix + "f_binary.csv"]
    assert "missing_column" in files[prefix + "g_missing_column.csv"] and "survey_sent_at" in files[prefix + "g_missing_column.csv"]
    file_rejects = query(validated, "select source_file, rule from quarantine.rejects where source_row is null order by 1")
    assert [r[1] for r in file_rejects] == ["encoding", "empty_file", "not_text", "missing_column"]


def test_every_row_of_every_file_is_accounted_for(validated: Home) -> None:
    for source_file, read, loaded, rejected, duplicate in query(
            validated, "select source_file, rows_read, rows_loaded, rows_rejected, rows_duplicate from meta.files"):
        assert read == loaded + rejected + duplicate, source_file
    # ZD-1 twice and ZD-9 are superseded by h_resent.csv, the newer file of the same run.
    assert query(validated, "select rows_read, rows_loaded, rows_rejected, rows_duplicate from meta.files "
                            "where source_file like '%a_good.csv'") == [(11, 3, 5, 3)]
    assert query(validated, "select rows_read, rows_loaded, rows_rejected, rows_duplicate from meta.files "
                            "where source_file like '%h_resent.csv'") == [(2, 2, 0, 0)]


def test_bad_rows_are_quarantined_by_great_expectations_with_their_rule(validated: Home) -> None:
    rejects = query(validated, "select source_row, rule, detail from quarantine.rejects "
                               "where source_file like '%a_good.csv' order by source_row")
    assert [(r[0], r[1]) for r in rejects] == [(3, "responded_at_implausible"), (5, "id_duplicate"),
                                               (6, "id_duplicate"), (9, "email_malformed"), (10, "field_count")]
    assert f"value '{FUTURE}'" in rejects[0][2]
    assert "value 'not an email'" in rejects[3][2]
    validations = dict(query(validated, "select rule, n_failed from meta.validations "
                                        "where n_failed > 0 and source = 'service_followup'"))
    assert validations == {"responded_at_implausible": 1, "email_malformed": 1, "id_missing": 1}
    assert query(validated, "select detail from quarantine.rejects where source_file like '%i_missing_id.csv'") \
        == [("column 'ticket_id': is empty, expected a response id",)]


def test_a_declared_encoding_and_a_spec_expectation(validated: Home) -> None:
    comments = query(validated, "select comment from core.feedback where source = 'service_legacy'", "warehouse")
    assert comments == [("Société Générale, très bien",)]
    assert query(validated, "select source_row, rule, detail from quarantine.rejects where source = 'service_legacy'") \
        == [(2, "unknown_agent_team", "column 'agent_team': value 'APAC', expected a team we have: EMEA or AMER")]


def test_blank_score_loads_without_that_score(validated: Home) -> None:
    metrics = query(validated, "select s.metric from core.feedback f join core.feedback_scores s using (feedback_id) "
                               "where f.source_response_id = 'ZD-4'", "warehouse")
    assert metrics == [("ces",)]


def test_text_is_stored_as_text_whatever_it_looks_like(validated: Home) -> None:
    rows = dict(query(validated, "select source_response_id, account_name_raw || ' | ' || comment from core.feedback",
                      "warehouse"))
    assert rows["ZD-6"] == "=HYPERLINK(\"http://evil\") | '); DROP TABLE core.feedback; --"
    assert rows["ZD-20"] == "ACME | two\r\nlines"  # BOM and CRLF read, the quoted newline kept
    lengths = query(validated, "select length(comment) from core.feedback where source_response_id = 'ZD-2'",
                    "warehouse")
    assert lengths == [(1_000_000 + len("1 MB: "),)]


def test_the_newest_file_wins(validated: Home) -> None:
    comments = dict(query(validated, "select source_response_id, comment from core.feedback "
                                     "where source_response_id in ('ZD-1', 'ZD-9')", "warehouse"))
    assert comments == {"ZD-1": "fine", "ZD-9": "changed"}
    assert query(validated, "select source_file from core.feedback where source_response_id = 'ZD-9'", "warehouse") \
        == [("landing/service/h_resent.csv",)]


def test_data_docs_are_written(validated: Home) -> None:
    index = validated.reports / "data_docs" / "index.html"
    assert index.exists()
    assert "service_followup" in index.read_text(encoding="utf-8")


def test_resent_copies_are_duplicates_and_too_many_rejects_fail_the_run(home: Home) -> None:
    write_seed_landing(home, max_reject_rate=0.5)
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    # A later export repeats a loaded response unchanged (a duplicate) and corrects another (it replaces it).
    unchanged = next(line for line in SERVICE_CSV.splitlines(keepends=True) if line.startswith("ZD-4,"))
    resent = HEADER + unchanged \
        + "ZD-2,g.boss@gmail.com,Globex Corporation,2024-03-19T23:30:00-05:00,2,7,Outage,corrected,Core,AMER\n"
    (home.landing / "service" / "followup_2024-03-resent.csv").write_text(resent)
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    assert query(home, "select rows_read, rows_loaded, rows_duplicate from meta.files "
                       "where source_file like '%resent.csv'") == [(2, 1, 1)]
    assert query(home, "select comment from core.feedback where source_response_id = 'ZD-2'", "warehouse") \
        == [("corrected",)]
    before = query(home, "select count(*) from core.feedback", "warehouse")
    write_seed_specs(home, max_reject_rate=0.05)  # the documented default
    (home.landing / "service" / "followup_2024-04.csv").write_text(
        HEADER + GOOD.format(n=100, comment="ok") + "ZD-101,jo@acme.com,ACME,someday,4,2,Billing,,Billing,EMEA\n")
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 1
    assert "service_followup: too many rejected rows: 1 of 2 rows rejected (50.0%); limit 5%" in result.stderr
    assert query(home, "select count(*) from core.feedback", "warehouse") == before
    assert query(home, "select status, message from meta.runs order by started_at") == [("success", None)] * 2 + [
        ("failed", "service_followup: too many rejected rows: 1 of 2 rows rejected (50.0%); limit 5%")]


@pytest.mark.parametrize(("expectation", "key", "says"), [
    ({"expect": "expect_column_values_to_be_unique", "column": "agent_team"}, "expectations[0].expect",
     "judge each row on its own"),
    ({"expect": "expect_column_values_to_not_be_outliers", "column": "csat"}, "expectations[0].expect",
     "judge each row on its own"),
    ({"expect": "expect_column_mean_to_be_between", "column": "csat", "kwargs": {"min_value": 3}},
     "expectations[0].expect", "judge each row on its own"),
    ({"expect": "expect_column_values_to_match_like_pattern", "column": "agent_team", "kwargs": {"like_pattern": "E%"}},
     "expectations[0].expect", "judge each row on its own"),
    ({"expect": "expect_column_values_to_be_in_set", "column": "agent_team",
      "kwargs": {"value_set": ["EMEA"], "mostly": 0.9}}, "expectations[0].kwargs", "'mostly' is not supported"),
    ({"expect": "expect_column_values_to_be_in_set", "column": "agent_team",
      "kwargs": {"value_set": ["EMEA"], "meta": {"owner": "service"}}}, "expectations[0].kwargs", "got ['meta']"),
])
def test_a_spec_expectation_must_judge_each_row_on_its_own(expectation: dict, key: str, says: str) -> None:
    """Rows are validated in chunks and each failing row is quarantined: a check across rows would see a chunk."""
    spec = yaml.safe_load((builtin_sources_dir() / "service_followup.yaml").read_text())
    with pytest.raises(SpecError) as refused:
        parse_spec({**spec, "expectations": [expectation]}, "service_followup.yaml")
    assert refused.value.key == key and says in refused.value.expected
    allowed = {"expect": "expect_column_value_lengths_to_be_between", "column": "agent_team", "kwargs": {"max_value": 4}}
    assert parse_spec({**spec, "expectations": [allowed]}).expectations[0].expect == allowed["expect"]


def test_every_allowed_expectation_is_a_gx_row_check_with_the_arguments_gx_takes() -> None:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.expectation import ColumnMapExpectation

    for name, arguments in ROW_EXPECTATIONS.items():
        expectation = getattr(gxe, "".join(part.capitalize() for part in name.split("_")))
        assert issubclass(expectation, ColumnMapExpectation), name
        assert set(expectation.success_keys) - {"mostly"} == arguments, name
