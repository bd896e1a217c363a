"""CSV connector on the exports real tools write: quoting, BOMs, bad records, wrong encodings, binaries."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from connector_testkit import SAMPLES, error_of, read_all
from connectors import ConnectorError, read_file


def csv_error(path: Path, **kwargs) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        list(read_file("csv", path, path.name, **kwargs).batches)
    return caught.value


def test_quoted_commas_doubled_quotes_and_crlf_newlines_in_values():
    got = read_all("csv", SAMPLES / "sales_quoted_crlf.csv")

    assert got.columns == ["Opportunity ID", "Account Name", "Comment", "Amount"]
    assert got.column("Account Name") == ["ACME Corp., Inc.", "Globex", 'Initech "Intl"']
    assert got.column("Comment") == ['too expensive, "sadly"', "needs SSO\r\nand SCIM\r\nby Q3", ""]
    assert got.column("Amount") == ["12500.00", "800.00", "100.00"]
    assert got.column("source_row") == [1, 2, 3]
    assert got.rejects == []


def test_lineage_columns_come_last_and_name_the_file():
    got = read_all("csv", SAMPLES / "sales_quoted_crlf.csv")

    assert got.batches[0].schema.names[-2:] == ["source_file", "source_row"]
    assert "source_file" not in got.columns
    assert set(got.column("source_file")) == {"sales_quoted_crlf.csv"}


@pytest.mark.parametrize("sample, options, first_column, first_value", [
    ("excel_utf8_bom.csv", {}, "Response ID", "W1-1"),
    ("semicolon_eu.csv", {"delimiter": ";"}, "Kunde", "Müller GmbH"),
])
def test_utf8_bom_is_not_part_of_the_first_column_name(sample, options, first_column, first_value):
    got = read_all("csv", SAMPLES / sample, options=options)

    assert got.columns[0] == first_column
    assert not any("\ufeff" in name for name in got.columns)
    assert got.column(first_column)[0] == first_value


def test_bom_file_keeps_its_accented_text():
    got = read_all("csv", SAMPLES / "excel_utf8_bom.csv")

    assert got.column("Organisation") == ["Société Générale", "Müller & Söhne"]
    assert got.column("Comment") == ["très bien", ""]


def test_records_with_wrong_field_counts_come_back_as_rejects():
    got = read_all("csv", SAMPLES / "field_count.csv")

    assert [(r.source_row, r.rule, r.detail, r.raw_text) for r in got.rejects] == [
        (3, "field_count", "expected 3 fields, found 5", "3,Initech,too,many,fields"),
        (5, "field_count", "expected 3 fields, found 2", "5,Umbrella"),
    ]


def test_valid_records_keep_their_record_numbers_around_rejects_and_multiline_records():
    got = read_all("csv", SAMPLES / "field_count.csv")

    assert got.column("id") == ["1", "2", "4", "6"]
    assert got.column("source_row") == [1, 2, 4, 6]
    assert got.column("company") == ["Acme", "Globex", "Hooli\nXYZ", "Stark"]


def test_skip_rows_preamble_does_not_shift_record_numbers():
    got = read_all("csv", SAMPLES / "report_preamble.csv", options={"skip_rows": 2})

    assert got.columns == ["id", "company"]
    assert [r.source_row for r in got.rejects] == [2]
    assert got.column("source_row") == [1, 3]


@pytest.mark.parametrize("sample", ["legacy_cp1252.csv", "legacy_cp1252_header.csv"])
def test_cp1252_file_read_as_utf8_is_an_encoding_error_that_suggests_declaring_it(sample):
    error = csv_error(SAMPLES / sample)

    assert error.rule == "encoding"
    assert error.source_file == sample
    assert str(error).startswith(f"{sample}: encoding: ")
    assert "encoding:" in error.detail


def test_cp1252_file_reads_with_declared_encoding():
    got = read_all("csv", SAMPLES / "legacy_cp1252.csv", encoding="cp1252")

    assert got.column("company") == ["Société Générale", "Müller & Söhne"]
    assert got.column("city") == ["Paris", "Köln"]


def test_cp1252_header_reads_with_declared_encoding():
    got = read_all("csv", SAMPLES / "legacy_cp1252_header.csv", encoding="cp1252")

    assert got.columns == ["Numéro", "Société"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"  \n\t\n"],
                         ids=["zero_bytes", "bom_only", "blank_lines", "whitespace"])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "export.csv"
    path.write_bytes(content)

    error = csv_error(path)

    assert (error.rule, error.source_file) == ("empty_file", "export.csv")


def test_committed_empty_sample_is_refused():
    assert csv_error(SAMPLES / "empty.csv").rule == "empty_file"


def test_header_only_file_has_columns_and_no_rows():
    got = read_all("csv", SAMPLES / "header_only.csv")

    assert got.columns == ["ticket_id", "contact_email", "csat"]
    assert got.rows == []
    assert got.rejects == []


def test_header_only_file_without_final_newline_has_columns_and_no_rows():
    got = read_all("csv", SAMPLES / "header_only_no_newline.csv")

    assert got.columns == ["ticket_id", "contact_email", "csat"]
    assert got.rows == []


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00",
    b"id,name\n1,x\x00y\n",
], ids=["png", "zip_xlsx", "nul_in_text"])
def test_binary_file_named_csv_is_refused(tmp_path, content):
    path = tmp_path / "export.csv"
    path.write_bytes(content)

    error = csv_error(path)

    assert (error.rule, error.source_file) == ("not_text", "export.csv")


def test_semicolon_delimiter_option():
    got = read_all("csv", SAMPLES / "semicolon_eu.csv", options={"delimiter": ";"})

    assert got.columns == ["Kunde", "Betrag", "Datum", "Kommentar"]
    assert got.rows[0] == {"Kunde": "Müller GmbH", "Betrag": "1.234,50", "Datum": "31.12.2024",
                           "Kommentar": "Preis; zu hoch", "source_file": "semicolon_eu.csv", "source_row": 1}
    assert got.column("Betrag") == ["1.234,50", "0,99"]


def test_semicolon_file_read_with_default_delimiter_is_one_column():
    got = read_all("csv", SAMPLES / "semicolon_eu.csv")

    assert got.columns == ["Kunde;Betrag;Datum;Kommentar"]


def test_every_column_is_read_as_text():
    got = read_all("csv", SAMPLES / "text_stays_text.csv")

    schema = got.batches[0].schema
    assert {schema.field(name).type for name in got.columns} == {pa.string()}


@pytest.mark.parametrize("column, values", [
    ("id", ["007", "008", "009", "010"]),
    ("zip", ["01234", "00000", "", " 42 "]),
    ("amount", ["1.50", "-0", "1e3", "NaN"]),
    ("flag", ["TRUE", "FALSE", "NULL", "null"]),
    ("comment", ['=HYPERLINK("http://evil.example","click")', "'); DROP TABLE x;--", "+1 555 0100",
                 "@SUM(A1:A9)"]),
])
def test_values_stay_the_exact_text_of_the_file(column, values):
    assert read_all("csv", SAMPLES / "text_stays_text.csv").column(column) == values


@pytest.mark.parametrize("cell", ["x" * 1_048_576, "line of a long comment, with \"quotes\"\r\n" * 27_000],
                         ids=["one_line", "many_lines"])
def test_one_megabyte_comment_in_one_cell(tmp_path, cell):
    path = tmp_path / "long_comment.csv"
    quoted = '"' + cell.replace('"', '""') + '"'
    path.write_text(f"id,comment,after\r\n1,{quoted},x\r\n2,short,y\r\n", encoding="utf-8", newline="")

    got = read_all("csv", path)

    assert len(cell) >= 1_000_000
    assert got.column("comment") == [cell, "short"]
    assert got.column("after") == ["x", "y"]
    assert got.column("source_row") == [1, 2]
    assert got.rejects == []


def test_a_header_with_lineage_names_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,source_row\r\n1,2\r\n", encoding="utf-8")

    assert csv_error(path).rule == "reserved_column"


@pytest.mark.parametrize("header, columns", [
    ('id,Why?,score,Why?,Why?', ["id", "Why?", "score", "Why? (2)", "Why? (3)"]),
    ('id,,name', ["id", "column_2", "name"]),
    ('id,name,name (2),name', ["id", "name", "name (2)", "name (3)"]),  # a suffix never takes a real name
])
def test_repeated_and_blank_header_cells_get_names_and_every_value_is_kept(tmp_path, header, columns):
    path = tmp_path / "export.csv"
    path.write_text(f"{header}\r\n" + ",".join(f"v{i}" for i in range(len(columns))) + "\r\n", encoding="utf-8")

    got = read_all("csv", path)

    assert got.columns == columns
    assert got.rows == [{**{c: f"v{i}" for i, c in enumerate(columns)}, "source_file": "export.csv", "source_row": 1}]


def test_a_comma_ending_every_line_adds_no_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,comment,\r\n1,\"a, b\",\r\n2,c,\r\n3,broken\r\n", encoding="utf-8")

    got = read_all("csv", path)

    assert got.columns == ["id", "comment"]
    assert got.column("comment") == ["a, b", "c"]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(3, "field_count")]


def test_a_blank_headed_column_with_values_is_kept(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,\n1,\n2,kept\n", encoding="utf-8")

    assert read_all("csv", path).column("column_2") == ["", "kept"]


def test_an_unterminated_quote_rejects_the_file_instead_of_swallowing_records(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('a,b\n1,"unterminated\n2,ok\n3,ok\n')
    with pytest.raises(ConnectorError) as caught:
        read_all("csv", path)
    assert caught.value.rule == "csv_quoting" and "record 1" in str(caught.value)


def test_a_file_cut_inside_a_quoted_value_loads_its_complete_records_and_rejects_the_cut_one(tmp_path):
    # A copy that failed half-way through the Salesforce report: the last record ends inside its comment.
    whole = (SAMPLES / "sales_quoted_crlf.csv").read_bytes()
    path = tmp_path / "copied.csv"
    path.write_bytes(whole[:whole.index(b"SCIM") + 2])

    got = read_all("csv", path)

    assert got.column("Opportunity ID") == ["0065g00000OPP01AAA"] and got.column("source_row") == [1]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(2, "truncated_record")]
    assert got.rejects[0].raw_text == '0065g00000OPP02AAA,Globex,"needs SSO\r\nand SC'
    assert "cut short" in got.rejects[0].detail


def test_a_cut_after_a_quoted_record_spanning_lines_finds_the_record_start(tmp_path):
    whole = (SAMPLES / "sales_quoted_crlf.csv").read_bytes()
    path = tmp_path / "copied.csv"
    path.write_bytes(whole[:whole.index(b'Intl""",,') + 4])  # inside "Initech ""Intl"""

    got = read_all("csv", path)

    assert got.column("Opportunity ID") == ["0065g00000OPP01AAA", "0065g00000OPP02AAA"]
    assert [(r.source_row, r.rule, r.raw_text) for r in got.rejects] == [
        (3, "truncated_record", '0065g00000OPP03AAA,"Initech ""Intl')]


def test_lines_of_separators_only_are_not_records(tmp_path):
    # Excel saves its "used range": rows once typed in and cleared come back as ,,,, after the data.
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbfid,nps,comment\r\n1,9,ok\r\n,,\r\n2,7,\r\n , ,\r\n,,\r\n")

    got = read_all("csv", path)

    assert got.column("id") == ["1", "2"] and got.column("source_row") == [1, 3]
    assert got.rejects == []


@pytest.mark.parametrize("declared", ["cp1252", "latin-1"])
def test_a_byte_order_mark_wins_over_the_declared_encoding(tmp_path, declared):
    # The spec was written for last year's cp1252 exports; the department now saves "CSV UTF-8".
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffCase Number,Account Name\r\n00001026,Müller Maschinenbau GmbH\r\n".encode("utf-8"))

    got = read_all("csv", path, encoding=declared)

    assert got.columns == ["Case Number", "Account Name"]
    assert got.column("Account Name") == ["Müller Maschinenbau GmbH"]


@pytest.mark.parametrize("declared", ["cp1252", "latin-1"])
def test_a_utf8_file_without_byte_order_mark_is_read_as_utf8_whatever_the_spec_declares(tmp_path, declared):
    # The spec was written for the CRM's cp1252 exports; this month's file is a Google Sheets download
    # (File > Download > CSV): UTF-8, no byte-order mark, CRLF line ends.
    path = tmp_path / "export.csv"
    path.write_bytes("Case Number,Account Name,Comment\r\n00001026,Müller Maschinenbau GmbH,très bien – merci\r\n"
                     .encode("utf-8"))

    got = read_all("csv", path, encoding=declared)

    assert got.column("Account Name") == ["Müller Maschinenbau GmbH"]
    assert got.column("Comment") == ["très bien – merci"]


def test_a_file_that_is_not_utf8_is_still_read_in_the_declared_encoding():
    got = read_all("csv", SAMPLES / "legacy_cp1252.csv", encoding="cp1252")
    raw = (SAMPLES / "legacy_cp1252.csv").read_bytes().decode("cp1252")

    assert any(value and value in raw and not value.isascii() for column in got.columns for value in got.column(column))


def test_a_title_and_a_blank_line_before_the_header_keep_records_numbered(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Lost deals Q1\r\n\r\nid,nps\r\n1,9\r\n2,8,extra\r\n\r\n3,7\r\n", encoding="utf-8")

    got = read_all("csv", path, options={"skip_rows": 1})

    assert got.column("id") == ["1", "3"] and got.column("source_row") == [1, 3]
    assert [(r.source_row, r.raw_text) for r in got.rejects] == [(2, "2,8,extra")]


def test_quote_char_names_another_quote(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,comment\n1,'a, b'\n2,say \"hi\"\n", encoding="utf-8")

    got = read_all("csv", path, options={"quote_char": "'"})

    assert got.column("comment") == ["a, b", 'say "hi"'] and got.rejects == []


def test_quote_char_false_reads_a_file_that_quotes_nothing(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id,screen\n1,27" monitor\n2,laptop\n', encoding="utf-8")

    assert error_of("csv", path).rule == "csv_quoting"  # read with quotes, the lone one opens a value never closed
    assert read_all("csv", path, options={"quote_char": False}).column("screen") == ['27" monitor', "laptop"]
