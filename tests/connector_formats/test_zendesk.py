"""Zendesk satisfaction ratings: a ratings page as the API returns it, ``offered`` / ``unoffered``
ratings accounted for as rejects, requesters and organisations named through side files."""

from __future__ import annotations

import json
import shutil

import pytest

from connector_testkit import SAMPLES, error_of, read_all
from connectors import LINEAGE_FIELDS
from connectors.zendesk_csat_json import COLUMNS

RATINGS = SAMPLES / "zendesk_satisfaction_ratings.json"
SIDE_FILES = {"users": "zendesk_users.json", "organizations": "zendesk_organizations.json"}


def test_answered_ratings_are_rows_and_the_others_rejects():
    got = read_all("zendesk_csat_json", RATINGS, options=SIDE_FILES)

    assert got.columns == COLUMNS and got.batches[0].schema.names == [*COLUMNS, *LINEAGE_FIELDS]
    assert got.column("score") == ["good", "bad", "good", "bad", "good"]
    assert got.column("source_row") == [1, 2, 4, 6, 7]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(3, "zendesk_not_rated"), (5, "zendesk_not_rated")]
    assert "'offered'" in got.rejects[0].detail and "'unoffered'" in got.rejects[1].detail
    assert json.loads(got.rejects[0].raw_text)["ticket_id"] == 48219


def test_every_rating_is_a_row_or_a_reject():
    got = read_all("zendesk_csat_json", RATINGS)

    total = json.loads(RATINGS.read_text())["count"]
    assert len(got.rows) + len(got.rejects) == total == 7


def test_ids_keep_every_digit_and_times_their_zone():
    row = read_all("zendesk_csat_json", RATINGS).rows[1]

    assert (row["id"], row["ticket_id"], row["requester_id"]) == ("360118802012", "48215", "396174510212")
    assert row["created_at"] == "2024-03-18T15:47:03Z"
    assert (row["reason"], row["reason_code"]) == ("The issue took too long to resolve", "5")


def test_side_files_name_the_requester_and_the_organisation():
    rows = read_all("zendesk_csat_json", RATINGS, options=SIDE_FILES).rows

    assert [(r["requester_name"], r["requester_email"], r["organization_name"]) for r in rows[:3]] == [
        ("Dana Lee", "dana.lee@northwind.example", "Northwind Traders"),
        ("Martin Okafor", "m.okafor@contoso.example", "Contoso Ltd"),
        ("Sam Ortiz", "sam.ortiz@fabrikam.example", "Fabrikam, Inc.")]
    assert rows[2]["organization_external_id"] == "001Dn00000AbC12"
    assert json.loads(rows[1]["organization_domains"]) == ["contoso.example", "contoso-uk.example"]
    assert rows[4]["requester_name"] is None  # a requester the users file does not hold (deleted user)


def test_without_side_files_the_columns_are_there_and_empty():
    rows = read_all("zendesk_csat_json", RATINGS).rows

    assert {r["requester_email"] for r in rows} == {None} and {r["organization_name"] for r in rows} == {None}


def test_a_named_side_file_that_is_missing_refuses_the_file(tmp_path):
    shutil.copy(RATINGS, tmp_path / RATINGS.name)

    error = error_of("zendesk_csat_json", tmp_path / RATINGS.name, options=SIDE_FILES)

    assert (error.rule, error.source_file) == ("side_file", RATINGS.name)
    assert "zendesk_users.json" in error.detail and "missing" in error.detail


def test_a_side_file_of_the_wrong_shape_is_named(tmp_path):
    shutil.copy(RATINGS, tmp_path / RATINGS.name)
    (tmp_path / "users.json").write_text('{"organizations": []}', encoding="utf-8")

    error = error_of("zendesk_csat_json", tmp_path / RATINGS.name, options={"users": "users.json"})

    assert error.rule == "side_file" and "users file 'users.json'" in error.detail and "users[]" in error.detail


@pytest.mark.parametrize("sample", ["typeform_responses.json", "zendesk_users.json", "responses_array.json"])
def test_json_that_is_not_a_ratings_page_is_refused(sample):
    error = error_of("zendesk_csat_json", SAMPLES / sample)

    assert (error.rule, error.source_file) == ("wrong_shape", sample)
    assert "satisfaction_ratings[]" in error.detail


def test_a_user_listed_twice_does_not_double_a_rating(tmp_path):
    shutil.copy(RATINGS, tmp_path / RATINGS.name)
    users = json.loads((SAMPLES / "zendesk_users.json").read_text())
    users["users"] += users["users"]
    (tmp_path / "users.json").write_text(json.dumps(users), encoding="utf-8")

    got = read_all("zendesk_csat_json", tmp_path / RATINGS.name, options={"users": "users.json"})

    assert got.column("source_row") == [1, 2, 4, 6, 7] and got.column("requester_name")[0] == "Dana Lee"
