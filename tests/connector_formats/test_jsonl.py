"""JSON lines connector: nested values stay nested, late keys become columns, file order is kept."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from connector_testkit import SAMPLES, read_all
from connectors import ConnectorError, read_file


def test_nested_lists_stay_lists():
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl")

    assert got.column("requested_features") == [["SSO", "Dark mode"], [], ["API"], ["Reports", "SSO", "Export"]]
    assert pa.types.is_list(got.batches[0].schema.field("requested_features").type)


def test_nested_objects_stay_objects():
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl")

    assert got.column("device") == [None, None, None, {"os": "iOS", "version": "17.4"}]


def test_keys_first_seen_in_later_lines_are_columns():
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl")

    assert got.columns == ["response_id", "submitted", "nps", "requested_features", "comment", "app_version",
                           "device"]
    assert got.column("app_version") == [None, None, "2.2", "2.3"]


def test_null_and_empty_string_stay_apart():
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl")

    assert got.column("comment") == ["Great", None, "", "slow — très lent"]


def test_source_rows_are_one_to_n_in_file_order():
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl")

    assert got.column("response_id") == ["R-100", "R-101", "R-102", "R-103"]
    assert got.column("source_row") == [1, 2, 3, 4]
    assert set(got.column("source_file")) == {"product_survey.jsonl"}


def test_file_order_holds_for_many_lines(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps({"seq": n, "payload": "x" * (n % 7)}) + "\n" for n in range(1, 20_001)),
                    encoding="utf-8")

    got = read_all("jsonl", path)

    assert got.column("seq") == list(range(1, 20_001))
    assert got.column("source_row") == list(range(1, 20_001))


def test_crlf_lines_and_blank_lines(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b'{"id": "a"}\r\n{"id": "b"}\r\n\r\n{"id": "c"}\r\n')

    got = read_all("jsonl", path)

    assert got.column("id") == ["a", "b", "c"]
    assert got.column("source_row") == [1, 2, 3]


def test_a_file_cut_inside_its_last_record_loads_the_records_before_it(tmp_path):
    whole = (SAMPLES / "product_survey.jsonl").read_bytes()
    path = tmp_path / "copied.jsonl"
    path.write_bytes(whole[:whole.index(b'"device"')])  # the copy stopped inside R-103

    got = read_all("jsonl", path)

    assert got.column("response_id") == ["R-100", "R-101", "R-102"] and got.column("source_row") == [1, 2, 3]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(4, "truncated_record")]
    assert got.rejects[0].raw_text.startswith('{"response_id": "R-103"')


def test_a_last_line_without_line_break_that_parses_is_a_record(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}')

    got = read_all("jsonl", path)

    assert got.column("id") == ["a", "b"] and got.rejects == []


def test_a_file_of_one_cut_record_is_that_reject(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"id": "a", "comm')

    got = read_all("jsonl", path)

    assert got.rows == []
    assert [(r.source_row, r.rule) for r in got.rejects] == [(1, "truncated_record")]


def test_malformed_line_is_a_json_parse_error_naming_the_file():
    with pytest.raises(ConnectorError) as caught:
        list(read_file("jsonl", SAMPLES / "product_survey_truncated.jsonl", "product_survey_truncated.jsonl").batches)

    assert caught.value.rule == "json_parse"
    assert caught.value.source_file == "product_survey_truncated.jsonl"
    assert str(caught.value).startswith("product_survey_truncated.jsonl: json_parse: ")


@pytest.mark.parametrize("content, rule", [
    (b"", "empty_file"),
    (b"\n \n", "empty_file"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00", "not_text"),
])
def test_empty_and_binary_files_are_refused(tmp_path, content, rule):
    path = tmp_path / "export.jsonl"
    path.write_bytes(content)

    with pytest.raises(ConnectorError) as caught:
        list(read_file("jsonl", path, "export.jsonl").batches)

    assert (caught.value.rule, caught.value.source_file) == (rule, "export.jsonl")


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig"])
def test_utf8_declared_in_any_spelling_is_accepted(encoding):
    got = read_all("jsonl", SAMPLES / "product_survey.jsonl", encoding=encoding)

    assert len(got.rows) == 4


def test_a_non_utf8_encoding_is_refused():
    with pytest.raises(ConnectorError) as caught:
        read_file("jsonl", SAMPLES / "product_survey.jsonl", "product_survey.jsonl", encoding="cp1252")

    assert caught.value.rule == "encoding"


def test_values_of_mixed_types_come_back_as_their_text(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"nps": 9, "id": "a"}\n{"nps": "n/a", "id": "b"}\n{"nps": "7", "id": "c"}\n')
    assert read_all("jsonl", path).column("nps") == ["9", "n/a", "7"]


def test_strings_that_look_like_dates_keep_their_text(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text('{"id": "A1", "submitted": "18-03-2024", "ts": "2024-03-18T09:02:11+01:00"}\n'
                    '{"id": "A2", "submitted": "03-04-2024", "ts": "2024-03-19T09:02:11+01:00"}\n', encoding="utf-8")

    got = read_all("jsonl", path)

    assert got.column("submitted") == ["18-03-2024", "03-04-2024"]
    assert got.column("ts") == ["2024-03-18T09:02:11+01:00", "2024-03-19T09:02:11+01:00"]  # the offset as written
