"""More survey-tool exports loaded end to end by a spec into core.feedback: Google Forms (download and
linked Sheet), Typeform (Responses API JSON and results CSV), Zendesk satisfaction ratings (with users
and organisations side files) and a Salesforce report. Files of the wrong format are refused, named,
and leave the rest of the run alone."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from warehouse.home import Home

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"
UTC = dt.timezone.utc

SPECS = Path(__file__).parent / "connector_formats" / "specs"  # one spec per format, ready to copy
LANDING = [("google_forms", "google_forms_download.csv"), ("google_sheet", "google_forms_sheet.csv"),
           ("typeform_api", "typeform_responses.json"), ("typeform_csv", "typeform_results.csv"),
           ("zendesk", "zendesk_satisfaction_ratings.json"), ("zendesk", "zendesk_users.json"),
           ("zendesk", "zendesk_organizations.json"), ("salesforce", "salesforce_report.csv"),
           ("misdeclared", "surveymonkey.csv"),
           # files of the wrong format next to good ones: a Zendesk page among Typeform pages
           ("typeform_api", "zendesk_satisfaction_ratings.json")]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("more_formats") / "home").create()
    for spec in SPECS.glob("*.yaml"):
        shutil.copy(spec, home.sources / spec.name)
    for folder, sample in LANDING:
        (home.landing / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / sample, home.landing / folder / sample)
    # the next Forms download: cumulative (the earlier responses again) and one new response
    lines = (SAMPLES / "google_forms_download.csv").read_bytes().decode().split("\r\n")
    later = [*lines[:3], '"2024/04/05 3:30:00 PM GMT+2","li.wei@northwind.example","10","Public API",'
                         '"Northwind Traders","Satisfied",""']
    (home.landing / "google_forms" / "google_forms_download_2.csv").write_text("\r\n".join(later) + "\r\n")
    # a report cut short (its footer lost) next to the complete one
    report = (SAMPLES / "salesforce_report.csv").read_bytes()
    (home.landing / "salesforce" / "report_cut_short.csv").write_bytes(report[:report.index(b"\n\n") + 1])
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def feedback(home: Home, source: str, metric: str) -> dict[str, tuple]:
    rows = query(home.warehouse_db,
                 "select f.source_response_id, f.responded_at, s.score, f.account_name_raw, f.topics, f.attributes "
                 "from core.feedback f join core.feedback_scores s using (feedback_id) "
                 f"where f.source = '{source}' and s.metric = '{metric}' order by f.responded_at")
    return {r[0]: r[1:] for r in rows}


def rejects(home: Home, source: str) -> list[tuple]:
    return query(home.pipeline_db, "select source_file, source_row, rule from quarantine.rejects "
                                   f"where source = '{source}' order by source_file, source_row")


def files(home: Home, source: str) -> dict[str, tuple]:
    rows = query(home.pipeline_db, "select source_file, status, rows_read, rows_loaded, rows_rejected, error "
                                   f"from meta.files where source = '{source}'")
    return {Path(r[0]).name: r[1:] for r in rows}


@pytest.mark.parametrize("source", ["product_google_forms", "product_google_sheet"])
def test_google_forms_both_exports_load_with_utc_times_scores_and_feature_lists(loaded, source):
    nps = feedback(loaded, source, "nps")
    csat = feedback(loaded, source, "csat")

    assert [(v[0], v[1], v[2]) for v in nps.values()][:5] == [
        (dt.datetime(2024, 3, 18, 8, 2, 11, tzinfo=UTC), 9.0, "Northwind Traders"),
        (dt.datetime(2024, 3, 18, 15, 47, 3, tzinfo=UTC), 6.0, "Contoso Ltd"),
        (dt.datetime(2024, 3, 18, 23, 5, 59, tzinfo=UTC), 10.0, "Fabrikam, Inc."),
        (dt.datetime(2024, 3, 19, 7, 30, tzinfo=UTC), 8.0, "Tailspin Toys"),
        (dt.datetime(2024, 4, 2, 8, 15, 42, tzinfo=UTC), 3.0, "Adventure Works")]  # GMT+2 after the clock change
    assert sorted(v[1] for v in csat.values())[:5] == [1.0, 2.0, 3.0, 4.0, 4.0 if source == "product_google_forms" else 5.0]
    first = next(iter(nps.values()))
    assert first[3] == ["Dashboards", "Alerts", "Public API"]
    assert json.loads(first[4])["Which Acme features do you use?"] == ["Dashboards", "Alerts", "Public API"]
    assert all(len(i) == 32 for i in nps)  # the content hash stands in for the missing id
    assert rejects(loaded, source) == []


def test_the_next_cumulative_forms_download_adds_only_its_new_response(loaded):
    nps = feedback(loaded, "product_google_forms", "nps")

    assert len(nps) == 6 and list(nps.values())[-1][:3] == (dt.datetime(2024, 4, 5, 13, 30, tzinfo=UTC), 10.0,
                                                           "Northwind Traders")
    # 8 rows read, 6 responses: the two responses in both downloads are the same ids (the newest file wins)
    assert query(loaded.pipeline_db, "select sum(rows_read), sum(rows_loaded), sum(rows_duplicate) from meta.files "
                                     "where source = 'product_google_forms'") == [(8, 6, 2)]


def test_typeform_api_page_loads_answers_by_ref_and_hidden_fields(loaded):
    nps = feedback(loaded, "product_typeform_api", "nps")

    assert nps["21085286190ffad1248d17c4135ee56f"][:3] == (
        dt.datetime(2024, 3, 18, 9, 2, 11, tzinfo=UTC), 9.0, "Northwind Traders")
    assert [v[1] for v in nps.values()] == [9.0, 6.0, 10.0]
    fabrikam = nps["c7e2a9d4b1f84f0e9a6d3c2b1a0f9e8d"]
    assert fabrikam[3] == ["Alerts", "Exports, CSV and Sheets"]
    assert json.loads(fabrikam[4])["would_renew"] == "true"
    csat = feedback(loaded, "product_typeform_api", "csat")
    assert {k: v[1] for k, v in csat.items()} == {"21085286190ffad1248d17c4135ee56f": 5.0,
                                                  "610fc266478b41e4927945e20fe54ad2": 2.0,
                                                  "c7e2a9d4b1f84f0e9a6d3c2b1a0f9e8d": 4.0}
    # the partial response, and the one whose CSAT answer is "other" text the spec cannot map to a number
    assert [r[1:] for r in rejects(loaded, "product_typeform_api") if r[0].endswith("typeform_responses.json")] == [
        (3, "typeform_partial"), (5, "score_not_numeric")]


def test_typeform_download_gives_the_same_responses_as_the_api(loaded):
    api = feedback(loaded, "product_typeform_api", "nps")
    download = feedback(loaded, "product_typeform_csv", "nps")

    assert {k: v[:3] for k, v in download.items()} == {k: v[:3] for k, v in api.items()}
    assert [r[1:] for r in rejects(loaded, "product_typeform_csv")] == [(3, "typeform_partial"),
                                                                        (5, "score_not_numeric")]


def test_zendesk_good_and_bad_become_csat_and_unrated_ratings_are_quarantined(loaded):
    csat = feedback(loaded, "service_zendesk_csat", "csat")

    assert {k: v[1] for k, v in csat.items()} == {"360118802011": 1.0, "360118802012": 0.0, "360118802014": 1.0,
                                                  "360118802016": 0.0, "360118802017": 1.0}
    assert csat["360118802012"][:3] == (dt.datetime(2024, 3, 18, 16, 1, 40, tzinfo=UTC), 0.0, "Contoso Ltd")
    assert csat["360118802012"][3] == ["The issue took too long to resolve"]
    assert csat["360118802017"][2] is None  # the requester is not in the users file
    assert [r[1:] for r in rejects(loaded, "service_zendesk_csat")] == [(3, "zendesk_not_rated"),
                                                                        (5, "zendesk_not_rated")]
    status, read, loaded_rows, rejected, _ = files(loaded, "service_zendesk_csat")["zendesk_satisfaction_ratings.json"]
    assert (status, read, loaded_rows + rejected) == ("loaded", 7, 7)


def test_salesforce_report_loads_without_its_footer(loaded):
    csat = feedback(loaded, "service_salesforce_cases", "csat")

    assert list(csat) == ["500Dn00000Qa1bC", "500Dn00000Qa1bD", "500Dn00000Qa1bE", "500Dn00000Qa1bF"]
    assert csat["500Dn00000Qa1bC"][:3] == (dt.datetime(2024, 3, 18, 8, 2, tzinfo=UTC), 5.0, "Northwind Traders")
    assert csat["500Dn00000Qa1bF"][:3] == (dt.datetime(2024, 4, 2, 8, 15, tzinfo=UTC), 1.0, "Müller Maschinenbau GmbH")
    assert csat["500Dn00000Qa1bC"][3] == ["Dashboards", "Alerts"]
    assert len(feedback(loaded, "service_salesforce_cases", "nps")) == 4


def test_the_15_character_crm_id_joins_salesforce_typeform_and_zendesk(loaded):
    rows = query(loaded.warehouse_db, "select a.crm_ids, list_sort(list(distinct f.source)) from core.accounts a "
                                      "join core.feedback f using (account_id) where a.account_name = 'Fabrikam, Inc.' "
                                      "group by all")

    assert rows == [(["001Dn00000AbC12IAF"], ["product_google_forms", "product_google_sheet", "product_typeform_api",
                                              "product_typeform_csv", "service_salesforce_cases",
                                              "service_zendesk_csat"])]


def test_files_of_the_wrong_format_are_refused_by_name_and_the_rest_loads(loaded):
    cut = files(loaded, "service_salesforce_cases")
    assert cut["report_cut_short.csv"][0] == "rejected" and "not_salesforce_report" in cut["report_cut_short.csv"][4]
    assert cut["salesforce_report.csv"][:3] == ("loaded", 4, 4)

    typeform = files(loaded, "product_typeform_api")
    assert typeform["zendesk_satisfaction_ratings.json"][0] == "rejected"
    assert "Typeform Responses API" in typeform["zendesk_satisfaction_ratings.json"][4]

    misdeclared = files(loaded, "product_misdeclared")["surveymonkey.csv"]
    assert misdeclared[0] == "rejected" and "not_qualtrics" in misdeclared[4]
    assert ("landing/misdeclared/surveymonkey.csv", None, "not_qualtrics") in rejects(loaded, "product_misdeclared")
