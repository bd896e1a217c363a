"""Google Forms connector on the two exports a form owner really gets: the Forms download (every field
quoted, ``2024/03/18 9:02:11 AM GMT+1``, checkbox answers joined by ``;``) and the linked Sheet's CSV
(``3/18/2024 9:02:11``, joined by ``, ``, quotes only where needed). No id column: a content hash."""

from __future__ import annotations

import json

import duckdb
import pytest

from connector_testkit import SAMPLES, error_of, read_all
from connectors import LINEAGE_FIELDS

DOWNLOAD = SAMPLES / "google_forms_download.csv"
SHEET = SAMPLES / "google_forms_sheet.csv"
FEATURES = "Which Acme features do you use?"
OPTIONS = {"multi_select": [FEATURES]}
COLUMNS = ["Timestamp", "Email Address", "How likely are you to recommend Acme to a friend or colleague?", FEATURES,
           "Company", "How satisfied are you with onboarding?", "Anything else you would like to tell us?",
           "response_hash"]


@pytest.mark.parametrize("sample", [DOWNLOAD, SHEET])
def test_columns_are_the_question_titles_and_the_added_hash(sample):
    got = read_all("google_forms_csv", sample, options=OPTIONS)

    assert got.columns == COLUMNS
    assert got.batches[0].schema.names == [*COLUMNS, *LINEAGE_FIELDS]
    assert got.column("source_row") == [1, 2, 3, 4, 5] and got.rejects == []


def test_timestamps_stay_as_the_tool_wrote_them():
    assert read_all("google_forms_csv", DOWNLOAD).column("Timestamp")[::2] == [
        "2024/03/18 9:02:11 AM GMT+1", "2024/03/19 12:05:59 AM GMT+1", "2024/04/02 10:15:42 AM GMT+2"]
    assert read_all("google_forms_csv", SHEET).column("Timestamp")[::2] == [
        "3/18/2024 9:02:11", "3/19/2024 0:05:59", "4/2/2024 10:15:42"]


@pytest.mark.parametrize("sample", [DOWNLOAD, SHEET])
def test_checkbox_answers_become_the_same_json_lists_from_either_export(sample):
    features = read_all("google_forms_csv", sample, options=OPTIONS).column(FEATURES)

    assert [json.loads(v) if v else v for v in features] == [
        ["Dashboards", "Alerts", "Public API"], ["Dashboards"],
        ["Alerts", "Exports to Sheets", "Something for our auditors"], "", ["Public API"]]


def test_free_text_with_the_separator_is_not_split():
    got = read_all("google_forms_csv", DOWNLOAD, options=OPTIONS)

    assert got.column("Anything else you would like to tell us?")[:2] == [
        "Love the new dashboards; alerts could be louder.",
        'Setup took three calls.\nThe second engineer fixed it, "finally".']


def test_response_hash_is_deterministic_and_ignores_a_question_added_later(tmp_path):
    first = read_all("google_forms_csv", DOWNLOAD, options=OPTIONS).column("response_hash")
    assert first == read_all("google_forms_csv", DOWNLOAD, options=OPTIONS).column("response_hash")
    assert len(set(first)) == 5 and all(len(h) == 32 for h in first)

    lines = DOWNLOAD.read_bytes().decode().split("\r\n")
    widened = [lines[0] + ',"Which plan are you on?"'] + [line + ',""' for line in lines[1:3]]
    path = tmp_path / "next_download.csv"
    path.write_text("\r\n".join(widened) + "\r\n", encoding="utf-8")

    assert read_all("google_forms_csv", path, options=OPTIONS).column("response_hash") == first[:2]


def test_separator_may_be_given():
    got = read_all("google_forms_csv", SHEET, options={"multi_select": [FEATURES], "separator": ";"})

    assert got.column(FEATURES)[0] == '["Dashboards, Alerts, Public API"]'


def test_a_surveymonkey_file_is_not_google_forms():
    error = error_of("google_forms_csv", SAMPLES / "surveymonkey.csv")

    assert (error.rule, error.source_file) == ("not_google_forms", "surveymonkey.csv")
    assert "Timestamp" in error.detail and "'Respondent ID'" in error.detail


def test_a_timestamp_of_neither_layout_is_refused(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("Timestamp,Q\n2024-03-18T09:02:11Z,a\n", encoding="utf-8")

    error = error_of("google_forms_csv", path)

    assert error.rule == "not_google_forms" and "2024-03-18T09:02:11Z" in error.detail


def test_a_row_typed_by_hand_into_the_linked_sheet_does_not_refuse_the_file():
    # Someone typed a response into the Sheet in their own date layout; the rest is the Sheet's export.
    got = read_all("google_forms_csv", SAMPLES / "google_forms_sheet_hand_typed.csv", options={"multi_select": [FEATURES]})

    assert got.column("Timestamp")[-2:] == ["09.04.2024 14:30", "4/10/2024 11:20:05"]
    assert got.column(FEATURES)[-1] == '["Dashboards","Alerts"]'  # the layout (and its separator) of the majority
    assert got.column("source_row") == list(range(1, 8)) and got.rejects == []


def test_a_file_where_most_timestamps_fit_neither_layout_is_refused(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("Timestamp,Q\n09.04.2024 14:30,a\n10.04.2024 09:12,b\n3/18/2024 9:02:11,c\n", encoding="utf-8")

    error = error_of("google_forms_csv", path)

    assert error.rule == "not_google_forms" and "09.04.2024 14:30" in error.detail


def test_multi_select_must_name_columns_of_the_file():
    error = error_of("google_forms_csv", DOWNLOAD, options={"multi_select": ["Features"]})

    assert error.rule == "options" and "Features" in error.detail


def test_a_localised_form_names_its_timestamp_column(tmp_path):
    path = tmp_path / "respuestas.csv"
    path.write_text('"Marca temporal","¿Qué usa?"\n"2024/03/18 9:02:11 AM GMT+1","A;B"\n', encoding="utf-8")

    got = read_all("google_forms_csv", path, options={"timestamp_column": "Marca temporal", "multi_select": ["¿Qué usa?"]})

    assert got.column("¿Qué usa?") == ['["A","B"]']


def test_an_owner_zone_written_as_its_short_name_becomes_its_offset(tmp_path):
    # A US owner's download: EST in winter, EDT in summer (what Forms writes where the locale has a name).
    path = tmp_path / "responses.csv"
    path.write_text('"Timestamp","Score"\r\n"2024/01/15 6:31:58 PM EST","9"\r\n"2024/07/01 9:02:11 AM EDT","7"\r\n'
                    '"2024/07/01 9:03:00 AM GMT+1","8"\r\n', encoding="utf-8")

    got = read_all("google_forms_csv", path)

    assert got.column("Timestamp") == ["2024/01/15 6:31:58 PM GMT-5", "2024/07/01 9:02:11 AM GMT-4",
                                       "2024/07/01 9:03:00 AM GMT+1"]
    utc = duckdb.execute("select strftime(strptime(unnest($t), '%Y/%m/%d %I:%M:%S %p %Z') at time zone 'UTC', "
                         "'%Y-%m-%d %H:%M')", {"t": got.column("Timestamp")}).fetchall()
    assert utc == [("2024-01-15 23:31",), ("2024-07-01 13:02",), ("2024-07-01 08:03",)]


def test_zone_offsets_name_a_zone_the_connector_cannot_guess(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text('"Timestamp","Score"\r\n"2024/01/15 6:31:58 PM IST","9"\r\n', encoding="utf-8")

    assert read_all("google_forms_csv", path).column("Timestamp") == ["2024/01/15 6:31:58 PM IST"]  # will not parse
    assert read_all("google_forms_csv", path, options={"zone_offsets": {"IST": "GMT+5:30"}}).column("Timestamp") == [
        "2024/01/15 6:31:58 PM GMT+5:30"]
    assert error_of("google_forms_csv", path, options={"zone_offsets": {"IST": "+5:30"}}).rule == "options"


def test_the_response_hash_is_taken_before_the_zone_is_rewritten(tmp_path):
    offset, named = tmp_path / "offset.csv", tmp_path / "named.csv"
    offset.write_text('"Timestamp","Score"\r\n"2024/01/15 6:31:58 PM GMT-5","9"\r\n', encoding="utf-8")
    named.write_text('"Timestamp","Score"\r\n"2024/01/15 6:31:58 PM EST","9"\r\n', encoding="utf-8")

    assert read_all("google_forms_csv", offset).column("response_hash") != read_all(
        "google_forms_csv", named).column("response_hash")  # each stays what it was for the text it hashes


@pytest.mark.parametrize("stamp", ["2024/03/18 9:02:11", "2024/3/18 9:02:11", "2024-03-18 09:02:11",
                                   "18-3-2024 9:02:11", "18.03.2024 09:02:11", "18/03/2024 09:02:11"])
def test_a_sheet_in_any_locale_is_recognised(tmp_path, stamp):
    path = tmp_path / "sheet.csv"
    path.write_text(f"Timestamp,Features\n{stamp},\"A, B\"\n", encoding="utf-8")

    assert read_all("google_forms_csv", path, options={"multi_select": ["Features"]}).column("Features") == [
        '["A","B"]']


def test_identical_answers_in_the_same_second_stay_two_responses(tmp_path):
    path = tmp_path / "anonymous.csv"
    path.write_text('"Timestamp","Score","Why?"\r\n' + '"2024/03/18 9:02:11 AM GMT+1","10",""\r\n' * 2
                    + '"2024/03/18 9:02:12 AM GMT+1","9",""\r\n', encoding="utf-8")
    alone = tmp_path / "alone.csv"
    alone.write_text('"Timestamp","Score","Why?"\r\n"2024/03/18 9:02:11 AM GMT+1","10",""\r\n', encoding="utf-8")

    hashes = read_all("google_forms_csv", path).column("response_hash")

    assert len(set(hashes)) == 3
    assert hashes[0] == read_all("google_forms_csv", alone).column("response_hash")[0]  # the first keeps its id


def test_two_questions_with_the_same_title_both_load(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text('"Timestamp","Score","Why?","Onboarding","Why?"\r\n'
                    '"2024/03/18 9:02:11 AM GMT+1","9","Great dashboards","Very satisfied","Fast setup"\r\n',
                    encoding="utf-8")

    got = read_all("google_forms_csv", path)

    assert got.columns == ["Timestamp", "Score", "Why?", "Onboarding", "Why? (2)", "response_hash"]
    assert got.column("Why? (2)") == ["Fast setup"]
