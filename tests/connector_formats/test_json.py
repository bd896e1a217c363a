"""JSON document connector: a top-level array of records, or records wrapped under a key."""

from __future__ import annotations

import json

import pytest

from connector_testkit import SAMPLES, read_all
from connectors import ConnectorError, read_file

EXPECTED_IDS = ["R-100", "R-101", "R-102"]


def test_top_level_array():
    got = read_all("json", SAMPLES / "responses_array.json")

    assert got.columns == ["response_id", "submitted", "nps", "requested_features", "comment", "app_version"]
    assert got.column("response_id") == EXPECTED_IDS
    assert got.column("requested_features") == [["SSO", "Dark mode"], [], ["API"]]
    assert got.column("app_version") == [None, None, "2.2"]
    assert got.column("source_row") == [1, 2, 3]


def test_records_wrapped_under_a_key():
    got = read_all("json", SAMPLES / "responses_wrapped.json", options={"records_key": "data"})

    assert got.columns == ["response_id", "submitted", "nps", "requested_features", "comment", "app_version"]
    assert got.column("response_id") == EXPECTED_IDS
    assert got.column("nps") == [10, 6, 8]
    assert got.column("source_row") == [1, 2, 3]
    assert set(got.column("source_file")) == {"responses_wrapped.json"}


@pytest.mark.parametrize("sample, options", [
    ("responses_wrapped.json", {}),
    ("responses_wrapped.json", {"records_key": "items"}),
])
def test_wrapped_records_without_the_right_key_are_a_json_parse_error(sample, options):
    with pytest.raises(ConnectorError) as caught:
        list(read_file("json", SAMPLES / sample, sample, options=options).batches)

    assert (caught.value.rule, caught.value.source_file) == ("json_parse", sample)


def test_json_lines_read_as_a_json_document_is_a_json_parse_error():
    with pytest.raises(ConnectorError) as caught:
        list(read_file("json", SAMPLES / "product_survey.jsonl", "product_survey.jsonl").batches)

    assert caught.value.rule == "json_parse"


@pytest.mark.parametrize("text, options", [
    ("[]", {}),
    ('{"data": [], "links": {"next": null}}', {"records_key": "data"}),  # the last page of a cursor export
])
def test_an_empty_page_has_no_records_and_no_columns(tmp_path, text, options):
    path = tmp_path / "page.json"
    path.write_text(text, encoding="utf-8")

    got = read_all("json", path, options=options)

    assert (got.columns, got.rows, got.rejects) == ([], [], [])


@pytest.mark.parametrize("wrapped", [False, True])
def test_strings_that_look_like_dates_times_or_uuids_keep_their_text(tmp_path, wrapped):
    records = [{"id": "0F8FAD5B-D9CB-469F-A165-70867728950E", "submitted": "03-04-2024", "at": "09:30", "nps": 9},
               {"id": "7C9E6679-7425-40DE-944B-E07FC1F90AE7", "submitted": "03-05-2024", "at": "10:30", "nps": 7}]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": records} if wrapped else records), encoding="utf-8")

    got = read_all("json", path, options={"records_key": "data"} if wrapped else {})

    assert got.column("id") == [r["id"] for r in records]  # not lower-cased as a UUID
    assert got.column("submitted") == ["03-04-2024", "03-05-2024"]  # not read as 3 April and 3 May
    assert got.column("at") == ["09:30", "10:30"]
    assert got.column("nps") == [9, 7]  # JSON numbers stay numbers


def test_a_nested_date_the_reader_cannot_read_back_keeps_the_file_loading(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps([{"id": "A", "d": "2024-04-03", "nested": {"when": "03-04-2024"}}]), encoding="utf-8")

    assert read_all("json", path).column("id") == ["A"]


def test_keys_differing_only_in_case_keep_their_values(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps([{"id": "1", "Score": "9", "created": "2024-01-01"},
                                {"id": "2", "score": "7", "created": "2024-01-02"}]), encoding="utf-8")

    got = read_all("json", path)

    assert got.column("Score")[0] == "9" and "7" in got.rows[1].values()
