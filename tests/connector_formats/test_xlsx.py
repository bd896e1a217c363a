"""Excel connector on workbooks written by openpyxl: every cell as text, blank rows skipped, sheets chosen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from connector_testkit import read_all
from connectors import ConnectorError, read_file

HEADER = ["Response ID", "Submitted", "NPS", "Share", "Code", "Comment"]
RESPONSES = [
    HEADER,
    ["W1-1", dt.datetime(2024, 1, 15, 9, 30), 9, 0.25, "007", "Solid"],
    [None] * 6,                                                             # fully blank: not a record
    ["W1-2", dt.datetime(2024, 1, 16, 18, 0, 5), 10, 1.5, "008", None],
    [None, None, None, None, None, "   "],                                  # whitespace only: not a record
    ["W1-3", dt.date(2024, 7, 1), 1234567, -3.0, None, "Too slow; très lent"],
]
NOTES = [["Note", "Author"], ["Wave 1 closed", "Kim"]]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    responses = book.active
    responses.title = "Responses"
    for row in RESPONSES:
        responses.append(row)
    notes = book.create_sheet("Notes")
    for row in NOTES:
        notes.append(row)
    path = tmp_path / "planning_wave1.xlsx"
    book.save(path)
    return path


def test_header_becomes_the_columns(workbook):
    got = read_all("xlsx", workbook)

    assert got.columns == HEADER
    assert got.batches[0].schema.names == [*HEADER, "source_file", "source_row"]
    assert set(got.column("source_file")) == {"planning_wave1.xlsx"}


@pytest.mark.parametrize("column, values", [
    ("Response ID", ["W1-1", "W1-2", "W1-3"]),
    ("Submitted", ["2024-01-15 09:30:00", "2024-01-16 18:00:05", "2024-07-01 00:00:00"]),
    ("NPS", ["9", "10", "1234567"]),
    ("Share", ["0.25", "1.5", "-3"]),
    ("Code", ["007", "008", None]),
    ("Comment", ["Solid", None, "Too slow; très lent"]),
])
def test_every_cell_comes_back_as_text(workbook, column, values):
    assert read_all("xlsx", workbook).column(column) == values


def test_every_column_is_a_string_column(workbook):
    schema = read_all("xlsx", workbook).batches[0].schema

    assert {str(schema.field(name).type) for name in HEADER} == {"string"}


def test_blank_rows_are_skipped_and_later_rows_keep_their_position(workbook):
    got = read_all("xlsx", workbook)

    assert got.column("source_row") == [1, 3, 5]


@pytest.mark.parametrize("sheet", ["Notes", 1])
def test_sheet_option_by_name_or_index(workbook, sheet):
    got = read_all("xlsx", workbook, options={"sheet": sheet})

    assert got.columns == ["Note", "Author"]
    assert got.column("Note") == ["Wave 1 closed"]
    assert got.column("source_row") == [1]


def test_first_sheet_is_the_default(workbook):
    assert read_all("xlsx", workbook).columns == read_all("xlsx", workbook, options={"sheet": "Responses"}).columns


def test_header_only_sheet_has_columns_and_no_rows(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    path = tmp_path / "empty_wave.xlsx"
    book.save(path)

    got = read_all("xlsx", path)

    assert (got.columns, got.rows) == (HEADER, [])


def test_missing_sheet_is_an_xlsx_error(workbook):
    with pytest.raises(ConnectorError) as caught:
        read_file("xlsx", workbook, "planning_wave1.xlsx", options={"sheet": "Wave 2"})

    assert (caught.value.rule, caught.value.source_file) == ("xlsx", "planning_wave1.xlsx")
    assert "Wave 2" in caught.value.detail


@pytest.mark.parametrize("make_bytes", [
    lambda real: b"Response ID,NPS\r\nW1-1,9\r\n",
    lambda real: b"",
    lambda real: b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00" + b"\x00" * 64,
    lambda real: real[: len(real) // 2],
], ids=["csv_renamed", "empty", "zip_header_only", "truncated_workbook"])
def test_a_file_that_is_not_a_workbook_is_an_xlsx_error(tmp_path, workbook, make_bytes):
    path = tmp_path / "export.xlsx"
    path.write_bytes(make_bytes(workbook.read_bytes()))

    with pytest.raises(ConnectorError) as caught:
        list(read_file("xlsx", path, "export.xlsx").batches)

    assert (caught.value.rule, caught.value.source_file) == ("xlsx", "export.xlsx")


def test_repeated_and_blank_header_cells_keep_fastexcels_names_and_empty_rows_above_are_skipped(tmp_path):
    book = openpyxl.Workbook()
    for row in ([None] * 4, ["id", "Why?", None, "Why?"], ["1", "a", "x", "b"], ["2", "c", None, "d"]):
        book.active.append(row)
    path = tmp_path / "repeated.xlsx"
    book.save(path)

    got = read_all("xlsx", path)

    assert got.columns == ["id", "Why?", "__UNNAMED__2", "Why?_1"]  # what specs written for it name
    assert got.column("Why?_1") == ["b", "d"] and got.column("__UNNAMED__2") == ["x", None]


def test_header_row_skips_a_title_above_the_header(tmp_path):
    book = openpyxl.Workbook()
    for row in (["Planning survey, wave 1"], HEADER, RESPONSES[1]):
        book.active.append(row)
    path = tmp_path / "titled.xlsx"
    book.save(path)

    got = read_all("xlsx", path, options={"header_row": 1})

    assert got.columns == HEADER and got.column("Response ID") == ["W1-1"]
