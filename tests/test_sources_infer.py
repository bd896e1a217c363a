"""`silobridge sources infer`: a spec proposed from each sample export loads that export end to end.

Every (sample file, format) pair in tests/connector_formats/samples is covered, found by name: a
sample whose name starts with a survey tool's name (``qualtrics_legacy.csv``) is read with that
tool's format of the same extension (``qualtrics_csv``), any other with the format its extension
names. A new connector's samples are picked up without touching this file. So are the seed silos'
exports that ``silobridge demo`` generates, one file per built-in spec.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from connectors import ConnectorError, available_formats, read_file
from schemas import builtin_sources_dir
from schemas.spec import SourceSpec, load_spec, parse_spec
from warehouse.home import Home
from warehouse.inference import InferenceError, default_name, infer_spec
from warehouse.inference.profile import FALLBACK_ENCODING, profile_file
from warehouse.inference.detect import (TimestampCounts, detect_choice_scale, detect_scale, detect_timestamp,
                                       leading_number)
from warehouse.inference.yaml_text import scalar

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"

# Reader fixtures that are not survey exports (no response time, no rows): infer refuses them, and says
# why. Every other sample must load (one naming no customer loads unattributed).
NOT_SURVEY_EXPORTS = {
    "excel_utf8_bom.csv": "no column holds timestamps",
    "field_count.csv": "no column holds timestamps",
    "header_only.csv": "no responses",
    "header_only_no_newline.csv": "no responses",
    "legacy_cp1252.csv": "no column holds timestamps",
    "legacy_cp1252_header.csv": "no column holds timestamps",
    "responses_wrapped.json": "records_key",  # unreadable without the option naming its records array
    "report_preamble.csv": "no column holds timestamps",
    "sales_quoted_crlf.csv": "no column holds timestamps",
    "text_stays_text.csv": "no column holds timestamps",
}

# What a reviewer would check first, for the samples whose content we know.
EXPECTED = {
    "qualtrics_numeric.csv": {"id": "ResponseId", "responded_at": "RecordedDate",
                              "account": {"email": "RecipientEmail"}, "metrics": {"Q3": "nps", "Q2_1": "csat"},
                              "comment": "Q4"},
    "qualtrics_choice_text.csv": {"id": "ResponseId", "responded_at": "RecordedDate",
                                  "account": {"email": "RecipientEmail"}, "metrics": {"Q3": "nps", "Q2_1": "csat"}},
    "qualtrics_legacy.csv": {"id": "V1", "responded_at": "V9", "account": {"email": "V5"},
                             "metrics": {"Q3": "nps"}, "comment": "Q4"},
    "surveymonkey.csv": {"id": "Respondent ID", "responded_at": "End Date", "account": {"email": "Email Address"},
                         "metrics": {"How likely is it that you would recommend Acme to a friend or colleague?": "nps",
                                     "How satisfied are you with Acme overall?": "csat"},
                         "comment": "What else should we know?"},
    "semicolon_eu.csv": {"responded_at": "Datum", "account": {"name": "Kunde"}, "comment": "Kommentar"},
    "google_forms_download.csv": {"id": "response_hash", "responded_at": "Timestamp", "account": {"name": "Company", "email": "Email Address"},
                                  "metrics": {"How likely are you to recommend Acme to a friend or colleague?": "nps"}},
    "google_forms_sheet.csv": {"id": "response_hash", "responded_at": "Timestamp", "account": {"name": "Company", "email": "Email Address"},
                               "metrics": {"How likely are you to recommend Acme to a friend or colleague?": "nps"}},
    "typeform_responses.json": {"id": "response_id", "responded_at": "submitted_at",
                                "account": {"name": "company", "email": "email", "crm_id": "account_id"},
                                "metrics": {"nps_recommend": "nps"}},
    "typeform_results.csv": {"id": "#", "responded_at": "Submit Date (UTC)",
                             "account": {"name": "company", "email": "email", "crm_id": "account_id"}},
    "salesforce_report.csv": {"id": "Case ID", "responded_at": "Date/Time Closed",
                              "account": {"name": "Account Name", "email": "Contact Email", "crm_id": "Account ID"},
                              "metrics": {"CSAT Score": "csat", "Likely to Recommend": "nps"},
                              "comment": "Survey Comment"},
    "zendesk_satisfaction_ratings.json": {"responded_at": "created_at", "metrics": {"score": "csat"},
                                          "comment": "comment"},
}


@dataclass(frozen=True)
class Case:
    """One export to infer a spec from: the file, its format, and the source name to give it."""

    file: Path
    format: str
    name: str
    expected: dict | None = None

    @property
    def id(self) -> str:
        return f"{self.file.name}-{self.format}"


def _format_for(sample: Path, formats: set[str]) -> str | None:
    extension = sample.suffix.lstrip(".")
    tools = [f for f in formats if f.endswith(f"_{extension}") and sample.name.startswith(f.split("_")[0])]
    if tools:
        return max(tools, key=len)
    return extension if extension in formats else None


def sample_cases() -> list[Case]:
    formats = available_formats()
    cases = []
    for sample in sorted(SAMPLES.iterdir()):
        fmt = _format_for(sample, formats) if sample.is_file() and not sample.name.startswith(".") else None
        if fmt:
            name = re.sub(r"[^a-z0-9]+", "_", f"{sample.stem}_{fmt}".lower())
            cases.append(Case(sample, fmt, name, EXPECTED.get(sample.name)))
    return cases


def _read_error(case: Case) -> ConnectorError | None:
    """Why the connector cannot read the sample, in UTF-8 or (as infer falls back to) cp1252; else None."""
    failure = None
    for encoding in (None, FALLBACK_ENCODING):
        try:
            list(read_file(case.format, case.file, case.file.name, encoding=encoding).batches)
            return None
        except ConnectorError as error:
            failure = error
            if error.rule != "encoding":
                break
    return failure


CASES = sample_cases()
SURVEY_CASES = [c for c in CASES if c.file.name not in NOT_SURVEY_EXPORTS and _read_error(c) is None]
REFUSED_CASES = [c for c in CASES if c not in SURVEY_CASES]
BUILTIN_SPECS = sorted(builtin_sources_dir().glob("*.yaml"))


def test_every_sample_is_covered():
    readable_by_some_format = {p.name for p in SAMPLES.iterdir() if p.suffix.lstrip(".") in available_formats()}
    assert {c.file.name for c in CASES} == readable_by_some_format
    assert {c.file.name for c in SURVEY_CASES} >= {"qualtrics_numeric.csv", "qualtrics_legacy.csv", "surveymonkey.csv"}


# --- one run loads every inferred spec --------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    """One export per built-in spec, from the demo's generator (the seed silos)."""
    from samples import generate_silos

    landing = tmp_path_factory.mktemp("seed") / "landing"
    generate_silos(landing, rows=2_000, seed=7)
    cases = []
    for spec_file in BUILTIN_SPECS:
        spec = load_spec(spec_file)
        first = sorted(landing.parent.glob(spec.path))[0]
        cases.append(Case(first, spec.format, f"seed_{spec.name}", {"builtin": spec}))
    return cases


@dataclass
class Loaded:
    home: Home
    specs: dict[str, SourceSpec]
    infer_errors: dict[str, str]
    run_output: str
    run_ok: bool


def _infer_into(home: Home, case: Case) -> tuple[SourceSpec | None, str]:
    target = home.sources / f"{case.name}.yaml"
    result = silobridge("sources", "infer", "--home", str(home.root), str(case.file), "--format", case.format,
                        "--name", case.name, "-o", str(target))
    if result.returncode != 0:
        return None, result.stdout + result.stderr
    spec = load_spec(target)
    destination = home.root / spec.path
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(case.file, destination)
    return spec, result.stdout


def _load(home: Home, cases: list[Case]) -> Loaded:
    specs, errors = {}, {}
    for case in cases:
        spec, output = _infer_into(home, case)
        if spec is None:
            errors[case.name] = output
        else:
            specs[case.name] = spec
    run = silobridge("run", "--home", str(home.root), timeout=600)
    return Loaded(home, specs, errors, run.stdout + run.stderr, run.returncode == 0)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, seed_cases: list[Case]) -> Loaded:
    """Every survey sample and seed export, its spec inferred into one home, loaded by one run."""
    home = Home(tmp_path_factory.mktemp("infer") / "home").create()
    return _load(home, SURVEY_CASES + seed_cases)


def _loaded_for(loaded: Loaded, case: Case, tmp_path: Path) -> Loaded:
    """The shared run, or (when it failed) a run of this case alone, so that the failure names its case."""
    if loaded.run_ok:
        return loaded
    return _load(Home(tmp_path / "alone").create(), [case])


def _check_loads(loaded: Loaded, case: Case, tmp_path: Path) -> SourceSpec:
    assert case.name not in loaded.infer_errors, loaded.infer_errors.get(case.name)
    outcome = _loaded_for(loaded, case, tmp_path)
    assert outcome.run_ok, outcome.run_output
    spec = outcome.specs[case.name]
    n_feedback, n_with_time = query(outcome.home.warehouse_db,
                                    f"select count(*), count(responded_at) from core.feedback where source = '{spec.name}'")[0]
    assert n_feedback > 0 and n_with_time == n_feedback, outcome.run_output
    if spec.scores:
        metrics = {m for (m,) in query(outcome.home.warehouse_db,
                                       "select distinct metric from core.feedback_scores join core.feedback "
                                       f"using (feedback_id) where source = '{spec.name}'")}
        assert metrics and metrics <= {s.metric for s in spec.scores}
    return spec


def _check_expected(spec: SourceSpec, expected: dict) -> None:
    if "id" in expected:
        assert spec.id == expected["id"]
    assert spec.responded_at.column == expected["responded_at"]
    for key, column in expected.get("account", {}).items():
        assert getattr(spec.account, key) == column
    metrics = {s.column: s.metric for s in spec.scores}
    for column, metric in expected.get("metrics", {}).items():
        assert metrics.get(column) == metric
    if "comment" in expected:
        assert spec.comment == expected["comment"]


@pytest.mark.parametrize("case", SURVEY_CASES, ids=lambda c: c.id)
def test_inferred_spec_loads_the_sample_end_to_end(loaded: Loaded, case: Case, tmp_path: Path) -> None:
    spec = _check_loads(loaded, case, tmp_path)
    assert spec.format == case.format and spec.path == f"landing/{case.name}/{case.file.name}"
    if case.expected:
        _check_expected(spec, case.expected)


@pytest.mark.parametrize("index", range(len(BUILTIN_SPECS)), ids=[p.stem for p in BUILTIN_SPECS])
def test_inferred_spec_of_a_seed_export_matches_its_builtin_spec(loaded: Loaded, seed_cases: list[Case], index: int,
                                                                 tmp_path: Path) -> None:
    case = seed_cases[index]
    spec = _check_loads(loaded, case, tmp_path)
    builtin: SourceSpec = case.expected["builtin"]
    assert spec.id == builtin.id
    assert spec.responded_at.column == builtin.responded_at.column
    assert spec.account == builtin.account
    assert (spec.topic.column if spec.topic else None) == (builtin.topic.column if builtin.topic else None)
    assert spec.comment == builtin.comment
    assert {(s.column, tuple(s.scale), s.higher_is_better) for s in spec.scores} == {
        (s.column, tuple(s.scale), s.higher_is_better) for s in builtin.scores}
    assert set(spec.attributes) <= set(builtin.attributes) | {"Wave", "wave"}  # a constant wave is kept as text


# --- refusals and the command line ----------------------------------------------------------------------

@pytest.mark.parametrize("case", REFUSED_CASES, ids=lambda c: c.id)
def test_a_file_that_is_no_survey_export_is_refused_with_the_reason(case: Case) -> None:
    result = silobridge("sources", "infer", str(case.file), "--format", case.format)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert f"error: cannot infer a spec from {case.file}" in result.stderr
    unreadable = _read_error(case)
    assert (unreadable.detail if unreadable else NOT_SURVEY_EXPORTS[case.file.name]) in result.stderr


def test_a_declared_encoding_is_used_and_kept(tmp_path: Path) -> None:
    declared = silobridge("sources", "infer", str(SAMPLES / "legacy_cp1252_header.csv"), "--format", "csv",
                          "--encoding", "utf-8")
    assert declared.returncode == 2 and "encoding" in declared.stderr  # declared wrongly: no fallback
    export = tmp_path / "export.csv"
    export.write_bytes("Kunde;Datum;Kommentar\nMüller GmbH;31.12.2024;Preis zu hoch\n".encode("cp1252"))
    guessed = infer_spec(export, "csv")
    assert (guessed.spec.encoding, guessed.spec.options) == ("cp1252", {"delimiter": ";"})
    assert "encoding" in guessed.proposal.guesses
    kept = infer_spec(SAMPLES / "semicolon_eu.csv", "csv", encoding="utf-8")
    assert kept.spec.encoding == "utf-8" and "encoding" not in kept.proposal.guesses


def test_without_output_the_spec_is_printed_and_parses(tmp_path: Path) -> None:
    result = silobridge("sources", "infer", "--home", str(tmp_path), str(SAMPLES / "surveymonkey.csv"),
                        "--format", "surveymonkey_csv", "--name", "service_surveymonkey")
    assert result.returncode == 0, result.stderr
    spec = parse_spec(yaml.safe_load(result.stdout))
    assert spec.name == "service_surveymonkey" and spec.path == "landing/service_surveymonkey/surveymonkey.csv"
    assert "# guess:" in result.stdout and result.stdout.startswith("# Proposed by `silobridge sources infer`")
    assert not tmp_path.joinpath("sources").exists()  # nothing written without -o


def test_a_written_spec_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "reviewed.yaml"
    target.write_text("# reviewed by hand\n")
    result = silobridge("sources", "infer", str(SAMPLES / "surveymonkey.csv"), "--format", "surveymonkey_csv",
                        "-o", str(target))
    assert result.returncode == 2 and "exists" in result.stderr
    assert target.read_text() == "# reviewed by hand\n"


def test_unknown_format_and_bad_name_are_usage_errors() -> None:
    unknown = silobridge("sources", "infer", str(SAMPLES / "surveymonkey.csv"), "--format", "sm_csv")
    assert unknown.returncode == 2 and "surveymonkey_csv" in unknown.stderr
    bad_name = silobridge("sources", "infer", str(SAMPLES / "surveymonkey.csv"), "--format", "surveymonkey_csv",
                          "--name", "Service Survey")
    assert bad_name.returncode == 2 and "key 'name'" in bad_name.stderr


def test_the_readme_walkthrough_shows_the_current_proposal() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ cat home/sources/product_relationship_nps.yaml\n", 1)[1].split("```", 1)[0]
    assert shown == infer_spec(SAMPLES / "qualtrics_numeric.csv", "qualtrics_csv", "product_relationship_nps").text


def test_every_guess_is_marked_and_every_key_explained() -> None:
    inferred = infer_spec(SAMPLES / "qualtrics_numeric.csv", "qualtrics_csv")
    lines = inferred.text.splitlines()
    guessed = [line for line in lines if "# guess:" in line]
    assert len(guessed) == len(inferred.proposal.guesses) > 0
    assert not any(line.startswith("responded_at:") for line in guessed)  # the ImportId row states the zone
    assert inferred.spec.responded_at.timezone == "America/Denver"
    assert any(line.startswith("department:") for line in guessed)
    assert "Q3  #" not in inferred.text and "How likely are you to recommend" in inferred.text  # question text
    assert "RecipientFirstName" in inferred.text.split("personal data")[1]  # left out, and said so
    assert "RecipientFirstName" not in inferred.spec.attributes and "IPAddress" not in inferred.spec.attributes


# --- the rules, case by case ------------------------------------------------------------------------------

CRM_EXPORT = (
    "Opportunity ID,Account ID,Account Name,Contact Email,First Name,IP Address,Opportunity Owner,Closed At,"
    "Wave,Amount,Effort,Satisfaction,Why did you choose us?\n"
    "0065g00000OPP01AAA,0015g00000Xyz12,ACME Corp.,jo@acme.com,Jo,203.0.113.7,Sam Seller,2024-03-18T09:02:11Z,"
    "2,12500.50,2,5,\"Price, and the people\"\n"
    "0065g00000OPP02AAA,0015g00000Xyz12AAB,Acme Corporation,al@acme.com,Al,198.51.100.2,Sam Seller,"
    "2024-03-19T10:00:00Z,2,800.00,7,1,Support was slow to answer us\n"
    "0065g00000OPP03AAA,0015g00000Glb77,Globex,gi@globex.com,Gi,192.0.2.1,Ana Rep,2024-03-20T11:30:00Z,2,100.00,"
    "4,3,Nothing in particular to add here\n"
)


@pytest.fixture(scope="module")
def crm_spec(tmp_path_factory: pytest.TempPathFactory) -> SourceSpec:
    path = tmp_path_factory.mktemp("crm") / "sales" / "won_deals_2024-03.csv"
    path.parent.mkdir()
    path.write_text(CRM_EXPORT, encoding="utf-8")
    return infer_spec(path, "csv").spec


@pytest.mark.parametrize("role, column", [
    (lambda s: s.name, "won_deals"),                       # dated part of the file name dropped
    (lambda s: s.department, "sales"),                     # from the folder
    (lambda s: s.id, "Opportunity ID"),                    # unique Salesforce ids, but not an account's (006)
    (lambda s: s.account.crm_id, "Account ID"),            # 15- and 18-character ids with the account prefix 001
    (lambda s: s.account.name, "Account Name"),
    (lambda s: s.account.email, "Contact Email"),
    (lambda s: s.responded_at.column, "Closed At"),
    (lambda s: s.comment, "Why did you choose us?"),
    (lambda s: {(x.column, x.metric, tuple(x.scale), x.higher_is_better) for x in s.scores},
     {("Effort", "ces", (1.0, 7.0), False), ("Satisfaction", "csat", (1.0, 5.0), True)}),
    (lambda s: s.attributes, ["Wave", "Amount"]),          # a constant and decimals are no scores
])
def test_roles_of_a_crm_export(crm_spec: SourceSpec, role, column):
    assert role(crm_spec) == column


def test_personal_columns_stay_out(crm_spec: SourceSpec):
    assert not {"First Name", "IP Address", "Opportunity Owner"} & set(crm_spec.mapped_columns())


# A SurveyMonkey-style results export of an event survey: questions that mention a street or what came first,
# beside columns that hold a respondent's name, address and phone number.
EVENT_EXPORT = (
    "Respondent ID,End Date,Company,First name,Street address,Phone,Which session did you attend first?,"
    "How easy was it to find the venue from the street?,What did you like first and foremost about the day?\r\n"
    "114227001,03/12/2024 04:48:11 PM,Acme Corp,Dana,221B Baker Street,+44 20 7946 0958,Keynote,Very easy,"
    "\"The keynote, and meeting other users\"\r\n"
    "114227002,03/12/2024 05:02:40 PM,Globex,Mo,12 Main St,+1 (555) 555-0123,Workshops,Easy,The hands-on workshop\r\n"
    "114227003,03/13/2024 09:15:02 AM,Initech,Zoë,Hauptstraße 5,030 1234567,Keynote,Difficult,"
    "Honestly the coffee\r\n"
    "114227004,03/13/2024 10:30:00 AM,Umbrella,Gi,1600 Amphitheatre Parkway,+49 30 901820,Panel,Very easy,"
    "Talking to the product team\r\n"
)


def test_personal_data_is_told_by_the_values_not_by_words_of_the_question(tmp_path: Path):
    path = tmp_path / "events" / "summit_2024.csv"
    path.parent.mkdir()
    path.write_text(EVENT_EXPORT, encoding="utf-8", newline="")

    inferred = infer_spec(path, "csv")

    kept = set(inferred.spec.mapped_columns())
    assert {"Which session did you attend first?", "How easy was it to find the venue from the street?",
            "What did you like first and foremost about the day?"} <= kept
    assert not {"First name", "Street address", "Phone"} & kept

@pytest.mark.parametrize("histogram, hint, scale, kind, sure", [
    ({1: 4, 2: 1, 3: 9, 4: 20, 5: 30}, None, (1, 5), "csat_like", True),
    ({2: 1, 3: 1, 4: 1}, None, (1, 5), "csat_like", False),          # top never reached: 1-5 or 1-7?
    ({1: 5, 3: 2, 6: 1, 7: 4}, None, (1, 7), "effort_like", True),
    ({0: 3, 4: 1, 6: 2, 9: 5, 10: 9}, None, (0, 10), "nps_like", True),
    ({6: 1, 8: 1, 10: 1}, None, (0, 10), "nps_like", True),
    ({3: 1, 4: 2}, "nps_like", (0, 10), "nps_like", True),            # "recommend" decides for a small sample
    ({1: 50, 2: 40, 3: 30, 4: 20, 5: 10, 9: 1}, None, (1, 5), "csat_like", True),  # one typo is rejected later
    ({1: 30, 2: 20, 6: 5, 7: 9}, "csat_like", (1, 7), "effort_like", True),  # the answers overrule the name
])
def test_scale_rules(histogram, hint, scale, kind, sure):
    guess = detect_scale(histogram, hint)
    assert (guess.scale, guess.kind, guess.sure) == (scale, kind, sure)


@pytest.mark.parametrize("histogram", [
    {4: 90},                      # a constant (the survey wave)
    {0: 40, 1: 60},               # a flag
    {1: 1, 2: 1, 40: 3, 75: 9},   # a percentage
    {-1: 5, 3: 5},                # below every scale
    {},
])
def test_numbers_on_no_scale_are_not_scores(histogram):
    assert detect_scale(histogram) is None


@pytest.mark.parametrize("counts, fmt, has_offset, sure", [
    (TimestampCounts(10, 10, 0), None, True, True),                                   # 2024-03-18T09:02:11+01:00
    (TimestampCounts(10, 0, 10), None, False, True),                                  # 2024-03-18 09:02:11
    (TimestampCounts(10, 4, 6), None, False, True),                                   # some with an offset
    (TimestampCounts(4, 0, 0, {"%m/%d/%Y": 4, "%d/%m/%Y": 1}), "%m/%d/%Y", False, True),  # 03/13/2024 decides
    (TimestampCounts(4, 0, 0, {"%m/%d/%Y": 4, "%d/%m/%Y": 4}), "%m/%d/%Y", False, False),  # 03/04/2024: ambiguous
    (TimestampCounts(4, 0, 0, {"%d/%m/%Y": 4, "%m/%d/%Y": 2}), "%d/%m/%Y", False, True),
    (TimestampCounts(100, 0, 0, {"%d.%m.%Y": 93}), "%d.%m.%Y", False, False),         # 7% would be rejected
    (TimestampCounts(7, 0, 0, {"%m/%d/%Y %H:%M:%S": 6}), "%m/%d/%Y %H:%M:%S", False, False),  # a hand-typed row
    (TimestampCounts(3, 0, 0, {"%Y/%m/%d %I:%M:%S %p %Z": 3}), "%Y/%m/%d %I:%M:%S %p %Z", True, True),
])
def test_timestamp_rules(counts, fmt, has_offset, sure):
    guess = detect_timestamp(counts)
    assert (guess.format, guess.has_offset, guess.sure) == (fmt, has_offset, sure)


@pytest.mark.parametrize("counts", [TimestampCounts(0, 0, 0), TimestampCounts(10, 0, 5),
                                    TimestampCounts(10, 0, 0, {"%d.%m.%Y": 5})])  # half is no majority
def test_too_few_parsed_values_are_no_timestamp(counts):
    assert detect_timestamp(counts) is None


@pytest.mark.parametrize("values, expected_format, offset, ambiguous", [
    (["2024-03-18T09:02:11+01:00", "2024-03-19T23:30:00-05:00", "2024-03-20T10:00:00Z"], None, True, None),
    (["2024-03-12 09:15:02", "2024-03-13 14:22:09"], None, False, None),
    (["03/12/2024 04:48:11 AM", "03/11/2024 03:14:15 PM"], "%m/%d/%Y %I:%M:%S %p", False, "%d/%m/%Y %I:%M:%S %p"),
    (["03/12/2024 04:48:11 AM", "03/28/2024 03:14:15 PM"], "%m/%d/%Y %I:%M:%S %p", False, None),
    (["3/18/2024 9:02:11", "3/18/2024 16:47:03"], "%m/%d/%Y %H:%M:%S", False, None),
    (["18/03/2024 09:02", "01/04/2024 16:47"], "%d/%m/%Y %H:%M", False, None),
    (["31.12.2024", "01.01.2025"], "%d.%m.%Y", False, None),
    (["2024/03/18 9:02:11 AM GMT+1", "2024/03/18 4:47:03 PM GMT+1"], "%Y/%m/%d %I:%M:%S %p %Z", True, None),
    (["Mar 18, 2024", "Apr 2, 2024"], "%b %d, %Y", False, None),
    (["8/25/22 15:47", "8/26/22 9:05"], "%m/%d/%y %H:%M", False, None),  # Excel's m/d/yy: not the year 22
    (["3/18/24 9:01:44", "3/19/24 16:45:10"], "%m/%d/%y %H:%M:%S", False, None),  # Microsoft Forms' CSV
])
def test_timestamp_layouts_are_read_off_a_real_file(tmp_path: Path, values, expected_format, offset, ambiguous):
    path = tmp_path / "export.csv"
    path.write_text("when,company\n" + "".join(f'"{v}",Acme\n' for v in values), encoding="utf-8")
    guess = detect_timestamp(profile_file(path, "csv").column("when").timestamp_counts)
    assert (guess.format, guess.has_offset, guess.ambiguous_with) == (expected_format, offset, ambiguous)


@pytest.mark.parametrize("answers, scale, mapped", [
    (["Very satisfied", "Neutral", "Dissatisfied"], (1, 5), {"Very satisfied": 5, "Neutral": 3, "Dissatisfied": 2}),
    (["Strongly agree", "Disagree"], (1, 5), {"Strongly agree": 5, "Disagree": 2}),
    (["Very easy", "Difficult"], (1, 5), {"Very easy": 1, "Difficult": 4}),
    (["good", "bad"], (1, 5), {"good": 5, "bad": 1}),
    (["Excellent", "Good", "Poor"], (1, 5), {"Excellent": 5, "Good": 3, "Poor": 1}),
    (["10 - Extremely likely", "0 - Not at all likely", "7"], (0, 10), {"10 - Extremely likely": 10,
                                                                      "0 - Not at all likely": 0}),
    (["Very satisfied", "Satisfied", "It was fine once we found the docs"], (1, 5),
     {"Very satisfied": 5, "Satisfied": 4}),
])
def test_answer_texts_of_a_labelled_scale_become_values(answers, scale, mapped):
    choice = detect_choice_scale(answers)
    assert choice.scale == scale
    assert {k: v for k, v in choice.values.items() if k in answers} == mapped
    assert "It was fine once we found the docs" not in choice.values


@pytest.mark.parametrize("answers", [["Email", "Phone"], ["Admin", "User"], ["Satisfied"], ["yes", "no"], ["3", "4"]])
def test_other_answer_texts_are_not_scores(answers):
    assert detect_choice_scale(answers) is None


@pytest.mark.parametrize("text, number", [("10 - Extremely likely", 10), ("0 – Not at all", 0), ("7", None),
                                          ("Very satisfied", None), ("3. Neutral", 3)])
def test_leading_number(text, number):
    assert leading_number(text) == number


@pytest.mark.parametrize("file, name", [("followup_2024-03.csv", "followup"), ("lost_business_2024Q1.csv", "lost_business"),
                                        ("Relationship NPS export.csv", "relationship_nps_export"),
                                        ("2024-03.csv", "source_2024"), ("qualtrics_numeric.csv", "qualtrics_numeric")])
def test_default_name(file, name):
    assert default_name(Path(file)) == name


@pytest.mark.parametrize("value", ["Response ID", "Q3: recommend?", "yes", "No", "null", "~", "10", "1e3", "#",
                                   "- item", "a # b", "What could we do better?\nPlease be specific.", "%m/%d/%Y",
                                   "Société Générale — 配送", " padded ", "", "@home", "'quoted'", '"quoted"', "a\\b",
                                   "tab\there", "\u2028", ";"])
def test_scalars_read_back_as_written(value):
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}
    assert yaml.safe_load(f"[{scalar(value)}]") == [value]


def test_infer_errors_are_typed():
    with pytest.raises(InferenceError, match="no column holds timestamps"):
        infer_spec(SAMPLES / "sales_quoted_crlf.csv", "csv")
    with pytest.raises(ConnectorError):
        infer_spec(SAMPLES / "surveymonkey.csv", "qualtrics_csv")
