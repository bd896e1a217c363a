"""Real exports as their tools write them, through a spec and the pipeline's own load steps (``sources check``'s
dry run: raw, staging, GX validation and core in an in-memory DuckDB): nothing loads wrongly, nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from schemas.spec import parse_spec
from warehouse.dry_run import DryRunReport, dry_run_file
from warehouse.home import Home
from warehouse.inference import infer_spec

from conftest import PRODUCT_JSONL, query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"
SPECS = Path(__file__).parent / "connector_formats" / "specs"


def check(spec: str | dict, file: Path, limit: int = 20) -> DryRunReport:
    data = yaml.safe_load(spec) if isinstance(spec, str) else spec
    return dry_run_file(parse_spec(data, "test.yaml"), file, limit)


def rejects(report: DryRunReport) -> list[tuple[int, str]]:
    return [(row, rule) for row, rule, _ in report.first_rejects]


# --- two-digit years and implausible times ------------------------------------------------------------

# Excel (US locale) writes its default date-time cells as m/d/yy h:mm when it saves a survey download as CSV.
EXCEL_US_CSV = ("Respondent,Company,Submitted,Rating\r\n"
                "1001,Acme Corp,8/25/22 15:47,4\r\n"
                "1002,Globex,8/26/22 9:05,5\r\n"
                "1003,Initech,12/1/22 17:30,2\r\n")

EXCEL_SPEC = """
name: excel_us
department: service
survey: Quarterly pulse
format: csv
path: landing/pulse/*.csv
id: Respondent
responded_at: {column: Submitted, format: "%m/%d/%Y %H:%M"}
account: {name: Company}
scores: [{column: Rating, metric: csat, scale: [1, 5]}]
"""


def test_two_digit_years_are_inferred_as_such(tmp_path: Path) -> None:
    path = tmp_path / "pulse" / "pulse_2022.csv"
    path.parent.mkdir()
    path.write_text(EXCEL_US_CSV, encoding="utf-8", newline="")

    spec = infer_spec(path, "csv").spec

    assert spec.responded_at.format == "%m/%d/%y %H:%M"
    report = check(spec.model_dump(), path)
    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    assert [str(row[1])[:10] for row in report.preview] == ["2022-08-25", "2022-08-26", "2022-12-01"]


def test_a_time_before_the_plausible_window_is_a_row_reject_not_the_year_22(tmp_path: Path) -> None:
    path = tmp_path / "pulse.csv"
    path.write_text(EXCEL_US_CSV.replace("12/1/22 17:30", "12/1/2022 17:30"), encoding="utf-8", newline="")

    report = check(EXCEL_SPEC, path)  # the spec says four-digit years; two rows were saved with two

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert rejects(report) == [(1, "responded_at_implausible"), (2, "responded_at_implausible")]
    assert "'8/25/22 15:47'" in report.first_rejects[0][2] and "1990-01-01" in report.first_rejects[0][2]


def test_the_window_start_is_set_per_spec(tmp_path: Path) -> None:
    path = tmp_path / "pulse.csv"
    path.write_text(EXCEL_US_CSV.replace("/22 ", "/2022 "), encoding="utf-8", newline="")
    spec = yaml.safe_load(EXCEL_SPEC)
    spec["responded_at"]["earliest"] = "2022-08-26"

    report = check(spec, path)

    assert rejects(report) == [(1, "responded_at_implausible")]


# --- one hand-typed row in a Google Sheets export --------------------------------------------------------

def test_a_row_typed_by_hand_into_the_sheet_is_the_only_row_rejected(tmp_path: Path) -> None:
    sample = SAMPLES / "google_forms_sheet_hand_typed.csv"

    report = check((SPECS / "product_google_sheet.yaml").read_text(), sample)

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (7, 6, 1)
    assert rejects(report) == [(6, "responded_at_unparseable")]
    assert "'09.04.2024 14:30'" in report.first_rejects[0][2]


def test_infer_reads_the_layout_of_the_majority_of_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "feature_feedback.csv"
    path.write_bytes((SAMPLES / "google_forms_sheet_hand_typed.csv").read_bytes())

    inferred = infer_spec(path, "google_forms_csv")

    assert inferred.spec.responded_at.format == "%m/%d/%Y %H:%M:%S"
    assert "responded_at" in inferred.proposal.guesses  # one value of seven does not parse: said, and marked


# --- e-mail addresses pasted with blanks -------------------------------------------------------------------

def test_an_email_with_surrounding_blanks_or_a_tab_loads(tmp_path: Path) -> None:
    # A Google Forms download whose "Work e-mail" answers were pasted from a spreadsheet cell.
    path = tmp_path / "responses.csv"
    path.write_bytes(
        b'"Timestamp","Work e-mail","Company","How likely are you to recommend Acme to a friend or colleague?"\r\n'
        b'"2024/03/18 9:02:11 AM GMT+1","dana.lee@northwind.example\t","Northwind Traders","9"\r\n'
        b'"2024/03/18 4:47:03 PM GMT+1","  m.okafor@contoso.example ","Contoso Ltd","6"\r\n'
        b'"2024/03/19 8:30:00 AM GMT+1","\tjon@tailspin.example","Tailspin Toys","8"\r\n')
    spec = {"name": "forms", "department": "product", "survey": "NPS", "format": "google_forms_csv",
            "path": "landing/forms/*.csv", "id": "response_hash",
            "responded_at": {"column": "Timestamp", "format": "%Y/%m/%d %I:%M:%S %p %Z"},
            "account": {"email": "Work e-mail", "name": "Company"},
            "scores": [{"column": "How likely are you to recommend Acme to a friend or colleague?", "metric": "nps",
                        "scale": [0, 10]}]}

    report = check(spec, path)

    assert (report.rows_loaded, report.rows_rejected) == (3, 0), report.first_rejects
    assert [row[3] for row in report.preview] == ["northwind.example", "contoso.example", "tailspin.example"]


# --- Qualtrics 2016/17 ---------------------------------------------------------------------------------

QUALTRICS_2017_SPEC = """
name: relationship_2017
department: service
survey: Relationship survey 2017
format: qualtrics_csv
path: landing/relationship/*.csv
id: ResponseId
responded_at: {column: RecordedDate, timezone: America/Denver}
account: {email: RecipientEmail}
comment: Q3
scores:
  - {column: Q1, metric: nps, scale: [0, 10]}
  - {column: Q2_1, metric: onboarding, scale: [1, 5], no_score: [-1]}
  - {column: Q2_2, metric: account_management, scale: [1, 5], no_score: [-1, N/A]}
"""


def test_a_qualtrics_2017_export_loads_and_its_no_basis_answers_carry_no_score() -> None:
    report = check(QUALTRICS_2017_SPEC, SAMPLES / "qualtrics_2017_python_import_ids.csv")

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0), report.first_rejects
    scores = {row[0]: sorted(row[5]) for row in report.preview}
    assert scores == {"R_1f3Xa9bC2dE4fG5": ["nps=9.0", "onboarding=4.0"],
                      "R_2aB3cD4eF5gH6iJ": ["account_management=3.0", "nps=6.0", "onboarding=2.0"],
                      "R_3kL4mN5oP6qR7sT": ["account_management=5.0", "nps=10.0"]}


def test_without_no_score_a_minus_one_is_still_off_the_scale() -> None:
    spec = QUALTRICS_2017_SPEC.replace(", no_score: [-1]}", "}")

    report = check(spec, SAMPLES / "qualtrics_2017_python_import_ids.csv")

    assert rejects(report) == [(3, "score_out_of_range")]


# --- a spec's declared encoding and this month's UTF-8 file ---------------------------------------------

def test_a_utf8_export_under_a_cp1252_spec_loads_its_names_ungarbled(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Case Number,Account Name,Closed,CSAT\r\n"
                     "00001026,Müller Maschinenbau GmbH,2024-03-18T09:02:11Z,5\r\n".encode("utf-8"))
    spec = {"name": "cases", "department": "service", "survey": "Case CSAT", "format": "csv",
            "path": "landing/cases/*.csv", "id": "Case Number", "responded_at": "Closed",
            "account": {"name": "Account Name"}, "encoding": "cp1252",
            "scores": [{"column": "CSAT", "metric": "csat", "scale": [1, 5]}]}

    report = check(spec, path)

    assert [row[2] for row in report.preview] == ["Müller Maschinenbau GmbH"]


# --- infer on a cp1252 file with ';' -----------------------------------------------------------------

def test_infer_reads_a_cp1252_semicolon_export_whose_comments_hold_commas(tmp_path: Path) -> None:
    # Excel in a German locale: "CSV (Trennzeichen-getrennt)" is cp1252 with ';', CRLF, and commas in free text.
    path = tmp_path / "kundenumfrage.csv"
    path.write_bytes("Datum;Kunde;E-Mail;Zufriedenheit;Kommentar\r\n"
                     "18.03.2024 09:02;Müller GmbH;hans@mueller.example;4;Sehr gut, schnell geliefert\r\n"
                     "19.03.2024 10:15;Bäcker AG;eva@baecker.example;2;Zu teuer, leider\r\n".encode("cp1252"))

    result = silobridge("sources", "infer", str(path), "--format", "csv")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    spec = parse_spec(yaml.safe_load(result.stdout))
    assert (spec.encoding, spec.options, spec.account.name) == ("cp1252", {"delimiter": ";"}, "Kunde")


# --- a run: an anonymous form, and files cut short by a failed copy -------------------------------------

# Microsoft Forms' "Open in Excel" of an anonymous form: no customer column, "anonymous" where the e-mail would be.
MS_FORMS_ROWS = [
    ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time",
     "How likely are you to recommend Contoso to a friend or colleague?", "What should we improve?"],
    [1, dt.datetime(2024, 3, 18, 9, 1, 44), dt.datetime(2024, 3, 18, 9, 2, 11), "anonymous", None, None, 9,
     "Faster replies from support"],
    [2, dt.datetime(2024, 3, 18, 16, 45, 10), dt.datetime(2024, 3, 18, 16, 47, 3), "anonymous", None, None, 4, None],
]
ANONYMOUS_SPEC = """
name: pulse_anonymous
department: product
survey: Anonymous pulse (Microsoft Forms)
format: xlsx
path: landing/pulse/*.xlsx
id: Id
responded_at: Completion time
comment: What should we improve?
scores: [{column: "How likely are you to recommend Contoso to a friend or colleague?", metric: nps, scale: [0, 10]}]
"""
PLANNING_SPEC = (Path(__file__).parents[1] / "schemas" / "builtin_sources" / "product_planning_jsonl.yaml").read_text()


@pytest.fixture(scope="module")
def cut_and_anonymous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, subprocess.CompletedProcess[str]]:
    home = Home(tmp_path_factory.mktemp("real_exports") / "home").create()
    (home.sources / "pulse_anonymous.yaml").write_text(ANONYMOUS_SPEC)
    (home.sources / "product_planning_jsonl.yaml").write_text(PLANNING_SPEC + "max_reject_rate: 0.5\n")
    (home.sources / "relationship_2017.yaml").write_text(
        QUALTRICS_2017_SPEC + "max_reject_rate: 0.5\n")
    for folder in ("pulse", "product", "relationship"):
        (home.landing / folder).mkdir(parents=True)
    workbook = openpyxl.Workbook()
    for row in MS_FORMS_ROWS:
        workbook.active.append(row)
    workbook.save(home.landing / "pulse" / "Pulse(1-2).xlsx")
    fourth = {**PRODUCT_JSONL[0], "response_id": "R-103", "comment": "slow — très lent"}
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*PRODUCT_JSONL, fourth]).encode()
    (home.landing / "product" / "planning_copy.jsonl").write_bytes(jsonl[:jsonl.index("très".encode())])
    qualtrics = (SAMPLES / "qualtrics_2017_python_import_ids.csv").read_bytes()
    (home.landing / "relationship" / "relationship_copy.csv").write_bytes(qualtrics[:qualtrics.index(b"the new reports")])
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home, result


def test_an_anonymous_form_loads_unattributed_and_the_run_says_so(cut_and_anonymous) -> None:
    home, result = cut_and_anonymous

    assert "warning: source pulse_anonymous names no customer column" in result.stdout
    rows = query(home.warehouse_db, "select source_response_id, account_id, account_name_raw, email_domain "
                                    "from core.feedback where source = 'pulse_anonymous' order by source_row")
    assert rows == [("1", None, None, None), ("2", None, None, None)]
    assert query(home.warehouse_db, "select count(*) from core.feedback_scores s join core.feedback f "
                                    "using (feedback_id) where f.source = 'pulse_anonymous'") == [(2,)]


def test_sources_check_warns_of_a_spec_without_customer_columns(cut_and_anonymous) -> None:
    home, _ = cut_and_anonymous

    result = silobridge("sources", "check", "--home", str(home.root), "pulse_anonymous")

    assert result.returncode == 0, result.stderr
    assert "warning: source pulse_anonymous names no customer column" in result.stderr
    assert "would load 2, reject 0" in result.stdout


@pytest.mark.parametrize("source, file, counts, rejected", [
    # the conftest's planning export has one e-mail that is none ("not-an-email"): rejected on its own
    ("product_planning_jsonl", "landing/product/planning_copy.jsonl", (4, 2, 2), [(3, "email_malformed"),
                                                                                  (4, "truncated_record")]),
    ("relationship_2017", "landing/relationship/relationship_copy.csv", (3, 2, 1), [(3, "truncated_record")]),
])
def test_a_file_cut_by_a_failed_copy_loads_its_complete_records(cut_and_anonymous, source, file, counts,
                                                               rejected) -> None:
    home, _ = cut_and_anonymous

    files = query(home.pipeline_db, "select status, rows_read, rows_loaded, rows_rejected, rows_duplicate "
                                    f"from meta.files where source_file = '{file}'")
    rejects = query(home.pipeline_db, "select source, source_file, source_row, rule from quarantine.rejects "
                                      f"where source_file = '{file}' order by source_row")

    assert files == [("loaded", *counts, 0)]
    assert rejects == [(source, file, row, rule) for row, rule in rejected]
