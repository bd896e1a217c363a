"""Typeform connectors: a Responses API page saved as JSON (answers keyed by field.ref, hidden fields,
partial responses) and the results download as CSV."""

from __future__ import annotations

import json
import pytest

from connector_testkit import SAMPLES, error_of, read_all
from connectors import LINEAGE_FIELDS

API_PAGE = SAMPLES / "typeform_responses.json"
RESULTS = SAMPLES / "typeform_results.csv"
FEATURES = "Which Acme features do you use?"
CHOICES = {"choice_columns": {FEATURES: ["Dashboards", "Alerts", "Exports", "Public API", "Other"]}}


# --- Responses API JSON ------------------------------------------------------------------------------

def test_one_row_per_submitted_item_with_answers_keyed_by_ref():
    got = read_all("typeform_json", API_PAGE)

    assert got.columns[:5] == ["response_id", "response_type", "landing_id", "landed_at", "submitted_at"]
    assert got.columns[11:] == ["account_id", "company", "email", "nps_recommend", "features_used",
                                "onboarding_csat", "would_renew", "01HS5V2KQ8M4Y7D1T3W9XJ6ZBC", "contact_email",
                                "renewal_date"]
    assert got.batches[0].schema.names == [*got.columns, *LINEAGE_FIELDS]
    assert got.column("source_row") == [1, 2, 4, 5]
    assert got.column("nps_recommend") == ["9", "6", "10", "3"]


def test_answer_types_come_back_as_text():
    rows = read_all("typeform_json", API_PAGE).rows
    row = rows[2]

    assert row["would_renew"] == "true" and row["renewal_date"] == "2024-09-30"
    assert rows[3]["onboarding_csat"] == "Never finished it, nobody called back"  # the "other" text of a choice
    assert json.loads(row["features_used"]) == ["Alerts", "Exports, CSV and Sheets"]
    assert row["submitted_at"] == "2024-03-19T00:05:59Z"


def test_choices_keep_the_other_text_and_unanswered_questions_are_empty():
    got = read_all("typeform_json", API_PAGE)

    assert json.loads(got.column("features_used")[0]) == ["Dashboards", "Alerts", "Slack digest"]
    assert got.column("features_used")[3] is None and got.column("contact_email")[0] is None


def test_a_partial_response_says_which_sign_gave_it_away(tmp_path):
    page = json.loads(API_PAGE.read_text(encoding="utf-8"))
    page["items"][2]["response_type"] = "completed"  # older pages have no type: only submitted_at tells
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")

    typed, untyped = read_all("typeform_json", API_PAGE).rejects[0], read_all("typeform_json", path).rejects[0]

    assert typed.detail.startswith("response_type is 'partial': ")
    assert untyped.detail.startswith("submitted_at is empty: ")


def test_a_response_never_submitted_carries_go_zero_time_and_is_partial(tmp_path):
    # Typeform's own example page: no response_type, answers [], submitted_at 0001-01-01T00:00:00Z.
    page = json.loads(API_PAGE.read_text(encoding="utf-8"))
    page["items"][0].pop("response_type")
    page["items"][0].update(submitted_at="0001-01-01T00:00:00Z", answers=[])
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")

    got = read_all("typeform_json", path)

    assert got.column("source_row") == [2, 4, 5]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(1, "typeform_partial"), (3, "typeform_partial")]
    assert got.rejects[0].detail.startswith("submitted_at is '0001-01-01T00:00:00Z': ")


@pytest.mark.parametrize("encoding", [None, "utf-8-sig"])
def test_a_page_saved_with_a_byte_order_mark_loads(tmp_path, encoding):
    path = tmp_path / "page.json"
    path.write_bytes(b"\xef\xbb\xbf" + API_PAGE.read_bytes())  # PowerShell's Out-File -Encoding utf8

    assert read_all("typeform_json", path, encoding=encoding).column("source_row") == [1, 2, 4, 5]


def test_hidden_fields_are_columns():
    got = read_all("typeform_json", API_PAGE)

    assert got.column("account_id") == ["001Dn00000XyZ9a", "", "001Dn00000AbC12", ""]
    assert got.column("company")[2] == "Fabrikam, Inc."


def test_partial_responses_are_rejects_unless_kept():
    got = read_all("typeform_json", API_PAGE)

    assert [(r.source_row, r.rule) for r in got.rejects] == [(3, "typeform_partial")]
    assert json.loads(got.rejects[0].raw_text)["response_id"] == "9b1ac8e1f0e24aa1b4c2c1a0b9e7d6f5"

    kept = read_all("typeform_json", API_PAGE, options={"include_partial": True})
    assert kept.column("source_row") == [1, 2, 3, 4, 5] and kept.rejects == []


@pytest.mark.parametrize("text, found", [
    ('[{"token": "a"}]', "a JSON array"),
    ('{"satisfaction_ratings": [], "count": 0}', "satisfaction_ratings"),
    ('{"items": {"token": "a"}}', "items is a JSON object"),
    ('{"items": [{"answers": []}]}', "lack their id"),
])
def test_json_that_is_not_a_typeform_page_is_refused(tmp_path, text, found):
    path = tmp_path / "responses.json"
    path.write_text(text, encoding="utf-8")

    error = error_of("typeform_json", path)

    assert (error.rule, error.source_file) == ("wrong_shape", "responses.json")
    assert "Typeform Responses API" in error.detail and found in error.detail


def test_invalid_json_is_refused(tmp_path):
    path = tmp_path / "responses.json"
    path.write_text('{"items": [', encoding="utf-8")

    assert error_of("typeform_json", path).rule == "json_parse"


def test_an_empty_page_has_the_fixed_columns(tmp_path):
    path = tmp_path / "responses.json"
    path.write_text('{"total_items": 0, "page_count": 1, "items": []}', encoding="utf-8")

    got = read_all("typeform_json", path)

    assert got.columns[0] == "response_id" and got.rows == []


# --- Results download CSV ------------------------------------------------------------------------------

def test_results_download_columns_and_partial_rows():
    got = read_all("typeform_csv", RESULTS, options=CHOICES)

    assert got.columns[0] == "#" and got.columns[-6:] == ["Response Type", "Start Date (UTC)", "Stage Date (UTC)",
                                                         "Submit Date (UTC)", "Network ID", "Tags"]
    assert got.column("source_row") == [1, 2, 4, 5]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(3, "typeform_partial")]
    assert got.column(FEATURES) == ['["Dashboards","Alerts","Slack digest"]', '["Dashboards"]', '["Alerts","Exports"]', ""]
    assert got.column("Will you renew?") == ["1", "0", "1", ""]


def test_results_download_keeps_partial_rows_when_asked():
    got = read_all("typeform_csv", RESULTS, options={"include_partial": True})

    assert got.column("source_row") == [1, 2, 3, 4, 5] and got.rejects == []


def test_a_google_forms_file_is_not_a_typeform_download():
    error = error_of("typeform_csv", SAMPLES / "google_forms_sheet.csv")

    assert error.rule == "not_typeform" and "Submit Date (UTC)" in error.detail


def test_results_download_gathers_a_questions_choice_columns_where_its_first_choice_was():
    got = read_all("typeform_csv", RESULTS, options=CHOICES)

    assert got.columns[1:4] == ["How likely are you to recommend Acme to a friend or colleague?", FEATURES,
                                "How satisfied were you with onboarding?"]
    assert "Dashboards" not in got.columns and "Other" not in got.columns


def test_results_download_without_choice_columns_keeps_one_column_per_choice():
    got = read_all("typeform_csv", RESULTS)

    assert got.column("Dashboards") == ["Dashboards", "Dashboards", "", ""]
    assert got.column("Other") == ["Slack digest", "", "", ""]


@pytest.mark.parametrize("choices, found", [
    ({FEATURES: ["Dashboards", "Widgets"]}, "['Widgets']"),
    ({FEATURES: ["Dashboards"], "Second": ["Dashboards"]}, "['Dashboards'] under two questions"),
    ({"Will you renew?": ["Dashboards"]}, "already columns of the file"),
    ({FEATURES: "Dashboards"}, f"options.choice_columns.{FEATURES}: expected a valid list, got 'Dashboards'"),
])
def test_choice_columns_must_name_columns_of_the_file_once(choices, found):
    error = error_of("typeform_csv", RESULTS, options={"choice_columns": choices})

    assert error.rule == "options" and found in error.detail


def test_the_apostrophe_typeform_puts_before_a_phone_number_is_dropped():
    assert read_all("typeform_csv", RESULTS).column("Your phone number") == ["+15555550123", "", "", ""]


def test_a_download_repeating_a_choice_label_and_other_loads(tmp_path):
    # Two multiple-selection questions sharing the label "Alerts", each with its "Other" column.
    path = tmp_path / "results.csv"
    path.write_text("#,Alerts,Other,Alerts,Other,Submit Date (UTC)\n"
                    "a1,Alerts,,,Pager,2024-03-18 09:02:11\n", encoding="utf-8")

    got = read_all("typeform_csv", path, options={"choice_columns": {
        "Features used": ["Alerts", "Other"], "Features wanted": ["Alerts (2)", "Other (2)"]}})

    assert got.columns == ["#", "Features used", "Features wanted", "Submit Date (UTC)"]
    assert got.rows[0]["Features used"] == '["Alerts"]' and got.rows[0]["Features wanted"] == '["Pager"]'
