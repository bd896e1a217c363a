"""Qualtrics connector on exports as Qualtrics writes them: three header rows (ids, question text,
ImportId JSON), numeric-values and choice-text exports, the legacy two-row exporter, previews and
unfinished responses kept aside as rejects."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from connector_testkit import SAMPLES, read_all
from connectors import LINEAGE_FIELDS, ConnectorError, read_file

NUMERIC, CHOICE_TEXT, LEGACY = (SAMPLES / n for n in ("qualtrics_numeric.csv", "qualtrics_choice_text.csv",
                                                      "qualtrics_legacy.csv"))
IDS = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
       "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
       "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
       "Q1", "Q1_4_TEXT", "Q2_1", "Q2_2", "Q3", "Q3_NPS_GROUP", "Q4", "Q5", "Q6"]
KEPT_IDS = ["R_1f3Xa9bC2dE4fG5", "R_2aB3cD4eF5gH6iJ", "R_5qRsTuVwXyZ9abc"]
PREVIEW_ID, UNFINISHED_ID = "R_3PrEvIeWxYz0123", "R_4uNfInIsHeD5678"


def qualtrics_error(path: Path, **kwargs) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        list(read_file("qualtrics_csv", path, path.name, **kwargs).batches)
    return caught.value


def write_export(tmp_path: Path, header_rows: int, records: list[str], name: str = "export.csv") -> Path:
    """The sample's first ``header_rows`` header rows, then the given records."""
    header = NUMERIC.read_bytes().split(b"\r\n")[:header_rows]
    path = tmp_path / name
    path.write_bytes(b"\r\n".join(header + [r.encode() for r in records]) + b"\r\n")
    return path


@pytest.mark.parametrize("sample", [NUMERIC, CHOICE_TEXT], ids=["numeric", "choice_text"])
def test_columns_are_the_column_ids_of_the_first_header_row(sample):
    got = read_all("qualtrics_csv", sample)

    assert got.columns == IDS
    assert got.batches[0].schema.names == [*IDS, *LINEAGE_FIELDS]
    assert not any("\ufeff" in c for c in got.columns)


@pytest.mark.parametrize("sample", [NUMERIC, CHOICE_TEXT], ids=["numeric", "choice_text"])
def test_header_rows_are_not_records_and_source_row_counts_responses(sample):
    got = read_all("qualtrics_csv", sample)

    assert got.column("ResponseId") == KEPT_IDS
    assert got.column("source_row") == [1, 2, 5]
    assert set(got.column("source_file")) == {sample.name}


@pytest.mark.parametrize("column, numeric, choice_text", [
    ("Status", ["0", "0", "0"], ["IP Address", "IP Address", "IP Address"]),
    ("Finished", ["1", "1", "1"], ["True", "True", "True"]),
    ("Q1", ["2", "1", "4"], ["Search engine", "Friend or colleague", "Other"]),
    ("Q2_1", ["4", "2", "4"], ["Satisfied", "Dissatisfied", "Satisfied"]),
    ("Q3", ["10", "6", "8"], ["10", "6", "8"]),
    ("Q3_NPS_GROUP", ["3", "1", "2"], ["Promoter", "Detractor", "Passive"]),
])
def test_numeric_and_choice_text_exports_differ_only_in_values(column, numeric, choice_text):
    assert read_all("qualtrics_csv", NUMERIC).column(column) == numeric
    assert read_all("qualtrics_csv", CHOICE_TEXT).column(column) == choice_text


def test_open_answers_keep_quoted_commas_newlines_and_non_ascii():
    got = read_all("qualtrics_csv", CHOICE_TEXT)

    assert got.column("Q4") == ['Faster shipping, please — and a "real" tracking page.\nThanks!',
                                "Très bien, mais la livraison était lente. 配送が遅い", ""]
    assert got.column("Q1_4_TEXT") == ["", "", 'Podcast, "Hard Fork"']
    assert got.column("Q6") == ["", "", "Keep it up,\nreally."]
    assert got.column("RecipientFirstName") == ["", "Zoë", ""]


def test_every_column_is_text():
    schema = read_all("qualtrics_csv", NUMERIC).batches[0].schema

    assert {schema.field(c).type for c in IDS} == {pa.string()}
    assert read_all("qualtrics_csv", NUMERIC).column("LocationLatitude") == ["39.7392", "48.8566", "52.52"]


@pytest.mark.parametrize("sample, status, finished", [
    (NUMERIC, "'1'", "'0'"),
    (CHOICE_TEXT, "'Survey Preview'", "'False'"),
], ids=["numeric", "choice_text"])
def test_previews_and_unfinished_responses_come_back_as_rejects(sample, status, finished):
    rejects = read_all("qualtrics_csv", sample).rejects

    assert [(r.source_row, r.rule) for r in rejects] == [(3, "qualtrics_preview"), (4, "qualtrics_unfinished")]
    preview, unfinished = rejects
    assert status in preview.detail and "include_previews: true" in preview.detail
    assert finished in unfinished.detail and "45% progress" in unfinished.detail
    assert "include_unfinished: true" in unfinished.detail
    assert PREVIEW_ID in preview.raw_text and UNFINISHED_ID in unfinished.raw_text


def test_reject_raw_text_is_the_record_as_csv():
    preview = read_all("qualtrics_csv", CHOICE_TEXT).rejects[0]

    assert preview.raw_text.startswith("2024-03-12 11:30:00,2024-03-12 11:31:12,Survey Preview,,100,72,True,")
    assert preview.raw_text.endswith(",Social media,,Neutral,Neutral,9,Promoter,test test,,")


@pytest.mark.parametrize("options, kept_rows, rejected_rules", [
    ({"include_previews": True}, [1, 2, 3, 5], ["qualtrics_unfinished"]),
    ({"include_unfinished": True}, [1, 2, 4, 5], ["qualtrics_preview"]),
    ({"include_previews": True, "include_unfinished": True}, [1, 2, 3, 4, 5], []),
])
def test_options_keep_previews_or_unfinished_responses_as_rows(options, kept_rows, rejected_rules):
    got = read_all("qualtrics_csv", NUMERIC, options=options)

    assert got.column("source_row") == kept_rows
    assert [r.rule for r in got.rejects] == rejected_rules


def test_columns_by_question_text_names_columns_by_the_second_header_row():
    got = read_all("qualtrics_csv", CHOICE_TEXT, options={"columns_by": "question_text"})

    assert got.columns[:9] == ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
                               "Duration (in seconds)", "Finished", "Recorded Date", "Response ID"]
    assert got.columns[-5:-2] == ["How likely are you to recommend Acme to a friend or colleague?",
                                  "How likely are you to recommend Acme to a friend or colleague? - Group",
                                  "What could we do better? Please be as specific as you can."]
    assert got.column("Response ID") == KEPT_IDS


def test_question_text_shared_by_two_columns_gets_the_column_id():
    got = read_all("qualtrics_csv", NUMERIC, options={"columns_by": "question_text"})

    assert got.columns[-2:] == ["Any other comments? (Q5)", "Any other comments? (Q6)"]
    assert got.column("Any other comments? (Q5)") == ["", "Merci, à bientôt", ""]


def test_question_text_columns_still_exclude_previews_and_unfinished():
    got = read_all("qualtrics_csv", NUMERIC, options={"columns_by": "question_text"})

    assert [r.rule for r in got.rejects] == ["qualtrics_preview", "qualtrics_unfinished"]


def test_legacy_export_has_two_header_rows_and_v_ids():
    got = read_all("qualtrics_csv", LEGACY)

    assert got.columns[:11] == ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1"]
    assert got.column("V1") == ["R_0Ul6gE2cYw8Hn7T", "R_3zZmULti1ine000"]
    assert got.column("source_row") == [1, 4]
    assert got.column("V3") == ["Anonymous", "Pérez, Ana"]
    assert got.column("Q4") == ["Ship faster, please", "Demasiado caro,\r\ny el soporte tarda."]


def test_legacy_export_finds_status_and_finished_by_their_text():
    got = read_all("qualtrics_csv", LEGACY)

    assert [(r.source_row, r.rule) for r in got.rejects] == [(2, "qualtrics_preview"), (3, "qualtrics_unfinished")]
    assert got.rejects[0].raw_text.startswith("R_1prEvIeW0000000,Default Response Set,")


def test_legacy_export_by_question_text_uses_the_metadata_names():
    got = read_all("qualtrics_csv", LEGACY, options={"columns_by": "question_text"})

    assert got.columns[:10] == ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
                                "IPAddress", "Status", "StartDate", "EndDate", "Finished"]
    assert got.column("Finished") == ["1", "1"]


@pytest.mark.parametrize("sample", ["surveymonkey.csv", "sales_quoted_crlf.csv", "excel_utf8_bom.csv"])
def test_a_file_that_is_not_a_qualtrics_export_is_refused(sample):
    error = qualtrics_error(SAMPLES / sample)

    assert (error.rule, error.source_file, error.line) == ("not_qualtrics", sample, 1)
    assert "expected Qualtrics' header rows: column ids, question text, ImportId JSON" in error.detail


def test_qualtrics_ids_without_the_import_id_row_are_refused(tmp_path):
    path = write_export(tmp_path, 2, ['2024-03-12 09:15:02,2024-03-12 09:19:40,0,203.0.113.7,100,278,1,'
                                      '2024-03-12 09:19:40,R_x,,,,,,,anonymous,EN,2,,4,5,10,3,ok,,'])

    assert qualtrics_error(path).rule == "not_qualtrics"


def test_header_only_export_has_columns_and_no_rows(tmp_path):
    got = read_all("qualtrics_csv", write_export(tmp_path, 3, []))

    assert (got.columns, got.rows, got.rejects) == (IDS, [], [])


def test_record_with_the_wrong_field_count_is_a_reject_numbered_as_a_response(tmp_path):
    good = ("2024-03-12 09:15:02,2024-03-12 09:19:40,0,203.0.113.7,100,278,1,2024-03-12 09:19:40,R_{},"
            ",,,,,,anonymous,EN,2,,4,5,10,3,ok,,")
    path = write_export(tmp_path, 3, [good.format("a"), "2024-03-12 09:15:02,cut short", good.format("c")])

    got = read_all("qualtrics_csv", path)

    assert got.column("ResponseId") == ["R_a", "R_c"]
    assert got.column("source_row") == [1, 3]
    assert [(r.source_row, r.rule, r.raw_text) for r in got.rejects] == [
        (2, "field_count", "2024-03-12 09:15:02,cut short")]


def test_unknown_columns_by_value_is_refused():
    assert qualtrics_error(NUMERIC, options={"columns_by": "label"}).rule == "options"


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf")

    assert qualtrics_error(path).rule == "empty_file"


RECORD = ("2024-03-12 09:15:02,2024-03-12 09:19:40,{status},203.0.113.7,100,278,1,2024-03-12 09:19:40,{id},,,,,,,"
          "anonymous,EN,2,,4,5,10,3,ok,,")


@pytest.mark.parametrize("statuses", [
    ["0", "1", "2", "8", "9", "12", "16", "17"],
    ["IP Address", "Survey Preview", "Survey Test", "Spam", "Survey Preview Spam", "Imported Spam", "Offline",
     "Offline Survey Preview"],
], ids=["numeric", "choice_text"])
def test_previews_test_responses_and_spam_come_back_as_rejects_of_their_own(tmp_path, statuses):
    path = write_export(tmp_path, 3, [RECORD.format(status=s, id=f"R_{i}") for i, s in enumerate(statuses)])

    got = read_all("qualtrics_csv", path)

    assert got.column("ResponseId") == ["R_0", "R_6"]  # a response, and an offline one
    assert [(r.source_row, r.rule) for r in got.rejects] == [
        (2, "qualtrics_preview"), (3, "qualtrics_test"), (4, "qualtrics_spam"), (5, "qualtrics_preview"),
        (6, "qualtrics_spam"), (8, "qualtrics_preview")]
    assert "a generated test response" in got.rejects[1].detail and "include_previews: true" in got.rejects[1].detail
    assert "flagged as spam" in got.rejects[2].detail and "include_spam: true" in got.rejects[2].detail


def test_the_options_keep_test_responses_and_spam(tmp_path):
    path = write_export(tmp_path, 3, [RECORD.format(status=s, id=f"R_{s}") for s in ("2", "8")])

    assert read_all("qualtrics_csv", path, options={"include_previews": True}).column("ResponseId") == ["R_2"]
    assert read_all("qualtrics_csv", path, options={"include_spam": True}).column("ResponseId") == ["R_8"]


def test_a_comma_ending_every_line_adds_no_column(tmp_path):
    path = tmp_path / "trailing_comma.csv"
    path.write_bytes(NUMERIC.read_bytes().replace(b"\r\n", b",\r\n"))  # values hold LF only, records end CRLF

    got = read_all("qualtrics_csv", path)

    assert got.columns == IDS
    assert got.column("ResponseId") == KEPT_IDS
    assert [r.rule for r in got.rejects] == ["qualtrics_preview", "qualtrics_unfinished"]


def test_a_legacy_export_ending_every_line_with_a_comma_loads(tmp_path):
    # As the legacy exporter wrote it: BOM, LF, a comma at the end of every line (header rows too).
    path = tmp_path / "legacy.csv"
    path.write_bytes("\ufeffV1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2,\n"
                     "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,"
                     "EndDate,Finished,How likely are you to recommend us?,Why?,\n"
                     "R_2YPOQ602ER1jkf1,Default Response Set,Anonymous,,,130.92.34.66,0,2017-07-18 08:28:09,"
                     "2017-07-18 08:28:48,1,9,Hello World!,\n"
                     "R_1ogVL2lfSf1qgXX,Default Response Set,Anonymous,,,130.92.34.66,1,2017-07-18 08:29:01,"
                     "2017-07-18 08:29:30,1,3,preview,\n".encode())

    got = read_all("qualtrics_csv", path)

    assert got.columns == [f"V{i}" for i in range(1, 11)] + ["Q1", "Q2"]
    assert got.column("Q2") == ["Hello World!"]
    assert [(r.source_row, r.rule) for r in got.rejects] == [(2, "qualtrics_preview")]


def test_two_questions_with_the_same_export_tag_both_load(tmp_path):
    rows = NUMERIC.read_bytes().split(b"\r\n")
    rows[0] = rows[0].replace(b",Q5,Q6", b",Q5,Q5")  # two questions tagged Q5 (their ImportIds still differ)
    path = tmp_path / "shared_tag.csv"
    path.write_bytes(b"\r\n".join(rows))

    got = read_all("qualtrics_csv", path)

    assert got.columns[-2:] == ["Q5", "Q5 (2)"]
    assert got.column("Q5") == ["", "Merci, à bientôt", ""]
    assert len(got.column("Q5 (2)")) == 3


def test_the_read_says_which_zone_the_import_id_row_gives_the_dates_in():
    zones = read_all_zones(NUMERIC)

    assert zones == {"StartDate": "America/Denver", "EndDate": "America/Denver", "RecordedDate": "America/Denver"}
    assert read_all_zones(LEGACY) == {}  # the legacy exporter does not say


def read_all_zones(path: Path) -> dict[str, str]:
    read = read_file("qualtrics_csv", path, path.name)
    list(read.batches)
    return read.zones


def test_an_export_through_the_api_stating_z_is_read_as_utc(tmp_path):
    path = tmp_path / "api.csv"
    path.write_bytes(NUMERIC.read_bytes().replace(b'""timeZone"":""America/Denver""', b'""timeZone"":""Z""'))

    assert set(read_all_zones(path).values()) == {"UTC"}


def test_an_export_cut_inside_its_last_response_loads_the_responses_before_it(tmp_path):
    whole = (SAMPLES / "qualtrics_numeric.csv").read_bytes()
    path = tmp_path / "copied.csv"
    path.write_bytes(whole[:whole.rindex(b"really.") + 3])

    got = read_all("qualtrics_csv", path)
    complete = read_all("qualtrics_csv", SAMPLES / "qualtrics_numeric.csv")

    assert got.column("ResponseId") == complete.column("ResponseId")[:-1]
    assert [r for r in got.rejects if r.rule != "truncated_record"] == complete.rejects
    cut = [r for r in got.rejects if r.rule == "truncated_record"]
    assert len(cut) == 1 and cut[0].raw_text.startswith("2024-03-13 14:22:09") and cut[0].raw_text.endswith("rea")
    assert cut[0].source_row == complete.column("source_row")[-1]
