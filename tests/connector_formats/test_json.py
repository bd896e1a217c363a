"""JSON document connector: a top-level array of records, or records wrapped under a key."""

from __future__ import annotations

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
