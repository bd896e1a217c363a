"""SurveyMonkey connectors (CSV and Excel) on exports as SurveyMonkey writes them: question text over
answer options, a question spread over several columns, a UTF-8 BOM, CRLF, dates kept as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from connector_testkit import SAMPLES, read_all
from connectors import LINEAGE_FIELDS, ConnectorError, read_file

SAMPLE = SAMPLES / "surveymonkey.csv"
CHANNELS = "Which channels have you used to contact us? (Select all that apply)"
NPS = "How likely is it that you would recommend Acme to a friend or colleague?"
COLUMNS = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
           "Last Name", "Custom Data 1", "How satisfied are you with Acme overall?",
           f"{CHANNELS} - Email", f"{CHANNELS} - Phone", f"{CHANNELS} - Live chat",
           f"{CHANNELS} - Other (please specify)",
           "Please rate our support team on: - Speed", "Please rate our support team on: - Friendliness",
           NPS, "What else should we know?"]
QUESTION_ROW = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                "First Name", "Last Name", "Custom Data 1", "How satisfied are you with Acme overall?",
                CHANNELS, None, None, None, "Please rate our support team on:", None, NPS, "What else should we know?"]
OPTION_ROW = [None] * 9 + ["Response", "Email", "Phone", "Live chat", "Other (please specify)", "Speed",
                           "Friendliness", "Response", "Open-Ended Response"]


def error_of(fmt: str, path: Path, **kwargs) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        list(read_file(fmt, path, path.name, **kwargs).batches)
    return caught.value


# --- CSV -------------------------------------------------------------------------------------------

def test_columns_are_question_text_or_question_and_option():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert got.columns == COLUMNS
    assert got.batches[0].schema.names == [*COLUMNS, *LINEAGE_FIELDS]


def test_the_bom_is_not_part_of_the_first_column():
    assert SAMPLE.read_bytes().startswith(b"\xef\xbb\xbfRespondent ID,")
    assert read_all("surveymonkey_csv", SAMPLE).column("Respondent ID") == [
        "114544890763", "114544871002", "114544860417", "114544855218"]


def test_source_row_counts_responses_not_the_two_header_rows():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert got.column("source_row") == [1, 2, 3, 4]
    assert set(got.column("source_file")) == {"surveymonkey.csv"}
    assert got.rejects == []


def test_dates_stay_as_written():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert got.column("Start Date")[:2] == ["03/12/2024 04:48:11 AM", "03/12/2024 09:01:03 AM"]
    assert got.column("End Date")[3] == "03/13/2024 03:20:00 PM"


def test_multi_select_columns_hold_the_option_text_when_chosen():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert got.column(f"{CHANNELS} - Email") == ["Email", "", "", "Email"]
    assert got.column(f"{CHANNELS} - Phone") == ["", "Phone", "", "Phone"]
    assert got.column(f"{CHANNELS} - Other (please specify)") == ["", "Twitter / X, mostly", "", ""]


def test_open_answers_keep_quoted_commas_newlines_and_non_ascii():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert got.column("What else should we know?") == [
        'Great service, "five stars".\nWill buy again.', "Délai trop long — 配送が遅い", "",
        "Price, quality, speed: all fine"]
    assert got.column("First Name")[1] == "Zoë"
    assert got.column("Custom Data 1")[1] == "cohort-α"


def test_every_column_is_text():
    got = read_all("surveymonkey_csv", SAMPLE)

    assert {got.batches[0].schema.field(c).type for c in COLUMNS} == {pa.string()}
    assert got.column(NPS) == ["10", "6", "", "9"]


def test_a_question_asked_twice_gets_numbered_columns(tmp_path):
    path = tmp_path / "repeat.csv"
    path.write_bytes("Respondent ID,Any comments?,Any comments?,Rate us,\r\n"
                     ",Open-Ended Response,Open-Ended Response,Price,Price\r\n"
                     "1,first,second,Good,Bad\r\n".encode())

    got = read_all("surveymonkey_csv", path)

    assert got.columns == ["Respondent ID", "Any comments?", "Any comments? (2)", "Rate us - Price",
                           "Rate us - Price (2)"]
    assert got.rows[0]["Any comments? (2)"] == "second"


def test_record_with_the_wrong_field_count_is_a_reject_numbered_as_a_response(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(b"Respondent ID,Collector ID,Q1\r\n,,Response\r\n1,9,Yes\r\n2,9\r\n3,9,No\r\n")

    got = read_all("surveymonkey_csv", path)

    assert got.column("Respondent ID") == ["1", "3"]
    assert got.column("source_row") == [1, 3]
    assert [(r.source_row, r.rule, r.raw_text) for r in got.rejects] == [(2, "field_count", "2,9")]


@pytest.mark.parametrize("sample", ["qualtrics_numeric.csv", "qualtrics_legacy.csv", "sales_quoted_crlf.csv"])
def test_a_file_that_is_not_a_surveymonkey_export_is_refused(sample):
    error = error_of("surveymonkey_csv", SAMPLES / sample)

    assert (error.rule, error.source_file, error.line) == ("not_surveymonkey", sample, 1)
    assert "expected SurveyMonkey's two header rows starting with Respondent ID" in error.detail


def test_respondent_id_with_a_single_header_row_is_refused(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_bytes(b"Respondent ID,Q1\r\n114544890763,Yes\r\n")

    assert error_of("surveymonkey_csv", path).rule == "not_surveymonkey"


def test_header_only_export_has_columns_and_no_rows(tmp_path):
    path = tmp_path / "none_yet.csv"
    path.write_bytes(b"\r\n".join(SAMPLE.read_bytes().split(b"\r\n")[:2]) + b"\r\n")

    got = read_all("surveymonkey_csv", path)

    assert (got.columns, got.rows, got.rejects) == (COLUMNS, [], [])


# --- Excel -----------------------------------------------------------------------------------------

XLSX_RESPONSES = [
    [114544890763, 431234567, "03/12/2024 04:48:11 AM", "03/12/2024 04:52:40 AM", "203.0.113.7", None, None, None,
     None, "Very satisfied", "Email", None, "Live chat", None, "Good", "Excellent", 10,
     'Great service, "five stars".\nWill buy again.'],
    [None] * 18,                                                            # blank row: not a response
    [114544871002, 431234567, dt.datetime(2024, 3, 12, 9, 1, 3), "03/12/2024 09:05:59 AM", "198.51.100.23",
     "zoe.lefevre@example.fr", "Zoë", "Lefèvre", "cohort-α", "Neutral", None, "Phone", None, "Twitter / X, mostly",
     "Poor", "Good", 6, "Délai trop long — 配送が遅い"],
]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet"
    for row in [QUESTION_ROW, OPTION_ROW, *XLSX_RESPONSES]:
        sheet.append(row)
    path = tmp_path / "customer_survey.xlsx"
    book.save(path)
    return path


def test_xlsx_columns_match_the_csv_export(workbook):
    got = read_all("surveymonkey_xlsx", workbook)

    assert got.columns == COLUMNS
    assert got.batches[0].schema.names == [*COLUMNS, *LINEAGE_FIELDS]


def test_xlsx_blank_rows_are_skipped_and_source_row_counts_from_the_first_response(workbook):
    got = read_all("surveymonkey_xlsx", workbook)

    assert got.column("source_row") == [1, 3]
    assert set(got.column("source_file")) == {"customer_survey.xlsx"}


@pytest.mark.parametrize("column, values", [
    ("Respondent ID", ["114544890763", "114544871002"]),
    ("Start Date", ["03/12/2024 04:48:11 AM", "2024-03-12 09:01:03"]),
    (NPS, ["10", "6"]),
    (f"{CHANNELS} - Phone", [None, "Phone"]),
    ("What else should we know?", ['Great service, "five stars".\nWill buy again.', "Délai trop long — 配送が遅い"]),
])
def test_xlsx_cells_come_back_as_text(workbook, column, values):
    assert read_all("surveymonkey_xlsx", workbook).column(column) == values


def test_xlsx_every_column_is_text(workbook):
    schema = read_all("surveymonkey_xlsx", workbook).batches[0].schema

    assert {schema.field(c).type for c in COLUMNS} == {pa.string()}


def test_xlsx_sheet_option(tmp_path, workbook):
    book = openpyxl.load_workbook(workbook)
    book.create_sheet("Notes", 0).append(["Exported from SurveyMonkey"])
    book.save(workbook)

    assert error_of("surveymonkey_xlsx", workbook).rule == "not_surveymonkey"
    assert read_all("surveymonkey_xlsx", workbook, options={"sheet": "Sheet"}).columns == COLUMNS


def test_xlsx_that_is_not_a_surveymonkey_export_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Response ID", "NPS"])
    book.active.append(["W1-1", 9])
    path = tmp_path / "plain.xlsx"
    book.save(path)

    error = error_of("surveymonkey_xlsx", path)

    assert (error.rule, error.source_file) == ("not_surveymonkey", "plain.xlsx")
    assert "expected SurveyMonkey's two header rows starting with Respondent ID" in error.detail


def test_csv_named_xlsx_is_an_xlsx_error(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(SAMPLE.read_bytes())

    assert error_of("surveymonkey_xlsx", path).rule == "xlsx"
