"""The connector registry: which formats exist, what an unknown one does, lineage on every format."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connector_testkit import SAMPLES
from connectors import LINEAGE_FIELDS, ConnectorError, available_formats, not_response_rules, read_file


SURVEY_TOOL_FORMATS = {"qualtrics_csv", "surveymonkey_csv", "surveymonkey_xlsx", "google_forms_csv", "typeform_csv",
                       "typeform_json", "zendesk_csat_json", "salesforce_report_csv"}


def test_available_formats_include_the_five_connectors():
    assert available_formats() >= {"csv", "jsonl", "json", "xlsx", "parquet"}


def test_available_formats_include_the_survey_tools_design_md_lists():
    assert available_formats() >= SURVEY_TOOL_FORMATS


def test_helper_modules_are_not_formats():
    assert not {"base", "text", "_json_reader", "_json_document", "_lists", "_survey_headers"} & available_formats()


@pytest.mark.parametrize("fmt", ["xml", "CSV", "tsv", "base", "_json_reader", "connectors.csv", ""])
def test_unknown_format_is_refused(tmp_path, fmt):
    path = tmp_path / "export.csv"
    path.write_text("id\n1\n", encoding="utf-8")

    with pytest.raises(ConnectorError) as caught:
        read_file(fmt, path, "export.csv")

    assert (caught.value.rule, caught.value.source_file) == ("unknown_format", "export.csv")
    assert "csv" in caught.value.detail


def _write_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["id"])
    book.active.append(["a"])
    book.save(path)


def _write_parquet(path: Path) -> None:
    pq.write_table(pa.table({"id": ["a"]}), path)


@pytest.mark.parametrize("fmt, sample, write", [
    ("csv", "sales_quoted_crlf.csv", None),
    ("jsonl", "product_survey.jsonl", None),
    ("json", "responses_array.json", None),
    ("xlsx", "export.xlsx", _write_xlsx),
    ("parquet", "export.parquet", _write_parquet),
    ("google_forms_csv", "google_forms_download.csv", None),
    ("typeform_json", "typeform_responses.json", None),
    ("typeform_csv", "typeform_results.csv", None),
    ("zendesk_csat_json", "zendesk_satisfaction_ratings.json", None),
    ("salesforce_report_csv", "salesforce_report.csv", None),
])
def test_every_format_carries_lineage_under_the_given_name(tmp_path, fmt, sample, write):
    path = SAMPLES / sample
    if write is not None:
        path = tmp_path / sample
        write(path)

    got = read_file(fmt, path, f"landing/{sample}", encoding="latin-1" if fmt == "salesforce_report_csv" else None)
    batches = list(got.batches)

    assert not set(LINEAGE_FIELDS) & set(got.columns)
    assert batches and all(b.schema.names == [*got.columns, *LINEAGE_FIELDS] for b in batches)
    assert all(b.schema.field("source_row").type == pa.int64() for b in batches)
    assert {v for b in batches for v in b.column("source_file").to_pylist()} == {f"landing/{sample}"}


def test_path_may_be_a_string():
    got = read_file("csv", str(SAMPLES / "header_only.csv"), "header_only.csv")

    assert got.columns == ["ticket_id", "contact_email", "csat"]


def test_records_that_are_not_responses_are_named_by_their_connectors():
    # Set aside, not counted against the reject-rate limit; a broken record is still a reject.
    assert not_response_rules() == {"qualtrics_preview", "qualtrics_test", "qualtrics_spam", "qualtrics_unfinished",
                                    "typeform_partial",
                                    "zendesk_not_rated"}
    assert "field_count" not in not_response_rules()
