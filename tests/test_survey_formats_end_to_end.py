"""Survey-tool exports loaded end to end by a spec: Qualtrics and SurveyMonkey into core.feedback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.home import Home

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"

QUALTRICS_SPEC = """
name: product_qualtrics
department: product
survey: Relationship NPS (Qualtrics)
format: qualtrics_csv
path: landing/qualtrics/*.csv
id: ResponseId
responded_at: {column: RecordedDate, timezone: America/Denver}   # the ImportId row says America/Denver
account: {email: RecipientEmail}
comment: Q4
scores:
  - {column: Q3, metric: nps, scale: [0, 10]}
  - {column: Q2_1, metric: price_satisfaction, scale: [1, 5]}
max_reject_rate: 0.9
"""

SURVEYMONKEY_SPEC = """
name: service_surveymonkey
department: service
survey: Support survey (SurveyMonkey)
format: surveymonkey_csv
path: landing/surveymonkey/*.csv
id: Respondent ID
responded_at: {column: End Date, format: "%m/%d/%Y %I:%M:%S %p", timezone: UTC}
account: {email: Email Address, name: Custom Data 1}
comment: What else should we know?
scores:
  - column: How satisfied are you with Acme overall?
    metric: csat
    scale: [1, 5]
    values: {Very satisfied: 5, Satisfied: 4, Neutral: 3, Dissatisfied: 2, Very dissatisfied: 1}
  - column: How likely is it that you would recommend Acme to a friend or colleague?
    metric: nps
    scale: [0, 10]
max_reject_rate: 0.9
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("formats") / "home").create()
    (home.sources / "product_qualtrics.yaml").write_text(QUALTRICS_SPEC)
    (home.sources / "service_surveymonkey.yaml").write_text(SURVEYMONKEY_SPEC)
    for folder, sample in (("qualtrics", "qualtrics_numeric.csv"), ("surveymonkey", "surveymonkey.csv")):
        (home.landing / folder).mkdir(parents=True)
        shutil.copy(SAMPLES / sample, home.landing / folder / sample)
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def published(home: Home, sql: str) -> list[tuple]:
    return query(home.warehouse_db, sql)


def test_qualtrics_responses_load_with_utc_times_and_scores(loaded: Home) -> None:
    rows = published(loaded, "select f.source_response_id, f.responded_at, s.score, s.nps_category from core.feedback f "
                         "join core.feedback_scores s using (feedback_id) "
                         "where f.source = 'product_qualtrics' and s.metric = 'nps' order by 1")
    assert len(rows) == 3  # the preview and the unfinished response are not responses
    first = dict((r[0], r[1:]) for r in rows)["R_1f3Xa9bC2dE4fG5"]
    assert first == (dt.datetime(2024, 3, 12, 15, 19, 40, tzinfo=dt.timezone.utc), 10.0, "promoter")  # Denver, MDT
    rejects = duckdb.connect(str(loaded.pipeline_db), read_only=True).execute(
        "select rule from quarantine.rejects where source = 'product_qualtrics' order by source_row").fetchall()
    assert rejects == [("qualtrics_preview",), ("qualtrics_unfinished",)]


def test_surveymonkey_choice_text_becomes_numbers(loaded: Home) -> None:
    rows = published(loaded, "select f.source_response_id, f.responded_at, s.score, f.comment from core.feedback f "
                         "join core.feedback_scores s using (feedback_id) "
                         "where f.source = 'service_surveymonkey' and s.metric = 'csat' order by 1")
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["114544890763"] == (dt.datetime(2024, 3, 12, 4, 52, 40, tzinfo=dt.timezone.utc), 5.0,
                                     'Great service, "five stars".\nWill buy again.')
