"""The sample-data generator, on real files: exact headers, files that read back, the promised mess."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import openpyxl
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from samples import SampleSummary, generate_silos

ROWS = 5000

SALES_HEADER = ("Opportunity ID,Account Name,Account ID,Close Date,Loss Reason,Competitor,Likelihood to Reconsider,"
                "Comment,Amount,Opportunity Owner")
SERVICE_HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team"
XLSX_HEADER = ["Response ID", "Submitted", "User Email", "Organisation", "NPS", "Requested Features", "Comment",
               "Role", "Wave"]
JSONL_KEYS = ["response_id", "submitted", "user_email", "organisation_name", "nps", "requested_features", "comment",
              "role", "wave", "app_version"]
FREE_MAIL = {"gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de", "orange.fr", "hotmail.com", "icloud.com"}


@dataclass(frozen=True)
class Generated:
    landing: Path
    summary: SampleSummary
    truth: list[dict]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("silos")
    summary = generate_silos(root / "landing", rows=ROWS, seed=7, truth_path=root / "truth.parquet")
    return Generated(root / "landing", summary, pq.read_table(root / "truth.parquet").to_pylist())


def files_of(generated: Generated, folder: str, suffix: str) -> list[Path]:
    return sorted(p for p in generated.summary.files if p.parent.name == folder and p.suffix == suffix)


def csv_records(path: Path) -> list[dict[str, str]]:
    """Python's own CSV reader: a second opinion next to Arrow's."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def jsonl_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def xlsx_records(path: Path) -> list[dict]:
    """Typed cells as Excel holds them (datetimes, numbers), via openpyxl."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row)) for row in rows]


def records(generated: Generated, source: str) -> list[tuple[Path, dict]]:
    """(file, record) of every data record of a source, in file and record order."""
    folder, suffix, read = {
        "sales_lost_business": ("sales", ".csv", csv_records),
        "service_followup": ("service", ".csv", csv_records),
        "product_planning_xlsx": ("product", ".xlsx", xlsx_records),
        "product_planning_jsonl": ("product", ".jsonl", jsonl_records),
    }[source]
    return [(path, record) for path in files_of(generated, folder, suffix) for record in read(path)]


def test_each_source_is_split_into_a_few_files_named_by_period(generated: Generated) -> None:
    names = {kind: [p.name for p in files_of(generated, folder, suffix)]
             for kind, folder, suffix in [("sales", "sales", ".csv"), ("service", "service", ".csv"),
                                          ("xlsx", "product", ".xlsx"), ("jsonl", "product", ".jsonl")]}
    assert names["sales"][0] == "lost_business_2024Q1.csv" and names["sales"][-1] == "lost_business_2025Q2.csv"
    assert names["service"][0] == "followup_2024-01.csv" and names["service"][-1] == "followup_2025-06.csv"
    assert names["xlsx"] == ["planning_wave1.xlsx", "planning_wave2.xlsx", "planning_wave3.xlsx"]
    assert names["jsonl"][0] == "planning_2024-10.jsonl"
    for listed in names.values():
        assert 2 <= len(listed) <= 24
    assert all(p.is_file() and p.is_relative_to(generated.landing) for p in generated.summary.files)
    assert sum(generated.summary.rows_per_source.values()) == ROWS


def test_csv_headers_are_exactly_the_specs_columns(generated: Generated) -> None:
    for path in files_of(generated, "sales", ".csv"):
        assert path.read_bytes().split(b"\r\n", 1)[0].decode() == SALES_HEADER
    for path in files_of(generated, "service", ".csv"):
        assert path.read_bytes().split(b"\n", 1)[0].decode() == SERVICE_HEADER


@pytest.mark.parametrize("source, folder", [("sales_lost_business", "sales"), ("service_followup", "service")])
def test_csv_files_read_back_whole_with_arrow_and_python(generated: Generated, source: str, folder: str) -> None:
    total = 0
    for path in files_of(generated, folder, ".csv"):
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                               convert_options=pacsv.ConvertOptions(strings_can_be_null=False,
                                                                    column_types={c: "string" for c in
                                                                                  ("Comment", "comment", "csat")}))
        python = csv_records(path)
        comment = "Comment" if folder == "sales" else "comment"
        assert table.column(comment).to_pylist() == [r[comment] for r in python]
        total += table.num_rows
    assert total == generated.summary.rows_per_source[source]


def test_comments_with_line_breaks_quotes_and_non_ascii_text_survive(generated: Generated) -> None:
    comments = [r["Comment"] for _, r in records(generated, "sales_lost_business")]
    comments += [r["comment"] for _, r in records(generated, "service_followup")]
    comments += [r["comment"] or "" for _, r in records(generated, "product_planning_jsonl")]
    assert sum(c == "" for c in comments) > len(comments) / 4  # many customers leave no comment
    assert any("\n" in c and "," in c for c in comments)
    assert any("\r\n" in c for c in comments)
    assert any('"' in c for c in comments)
    assert any("ä" in c or "ö" in c or "ü" in c or "ß" in c for c in comments)
    assert any("é" in c for c in comments)
    assert any("ありがとう" in c for c in comments)
    assert any("😍" in c or "🚀" in c for c in comments)
    assert 'Your rep said "next quarter" three times.' in " ".join(comments)


def test_json_lines_parse_one_object_per_line(generated: Generated) -> None:
    rows = records(generated, "product_planning_jsonl")
    assert len(rows) == generated.summary.rows_per_source["product_planning_jsonl"]
    for _, record in rows:
        assert list(record) == JSONL_KEYS
        assert isinstance(record["requested_features"], list)
        assert all(isinstance(f, str) and f for f in record["requested_features"])
        assert isinstance(record["wave"], int) and record["wave"] in (4, 5, 6)
    valid = [r for _, r in rows if r["submitted"] and r["submitted"].endswith("Z")]
    assert all(dt.datetime.fromisoformat(r["submitted"]).tzinfo == dt.timezone.utc for r in valid)
    assert any(r["requested_features"] == [] for _, r in rows)
    assert any(len(r["requested_features"]) >= 2 for _, r in rows)


def test_workbooks_open_with_fastexcel_and_hold_typed_cells(generated: Generated) -> None:
    total = 0
    for path in files_of(generated, "product", ".xlsx"):
        sheet = fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_arrow()
        assert sheet.schema.names == XLSX_HEADER
        total += sheet.num_rows
    assert total == generated.summary.rows_per_source["product_planning_xlsx"] <= 20_000
    cells = [r for _, r in records(generated, "product_planning_xlsx")]
    assert sum(isinstance(r["Submitted"], dt.datetime) for r in cells) >= len(cells) - 10
    assert sum(isinstance(r["NPS"], int) for r in cells) >= len(cells) - 10
    assert any(r["Requested Features"] and "; " in r["Requested Features"] for r in cells)
    assert any(r["Requested Features"] is None for r in cells)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(generated: Generated, tmp_path: Path) -> None:
    again = generate_silos(tmp_path / "again" / "landing", rows=ROWS, seed=7)
    other = generate_silos(tmp_path / "other" / "landing", rows=ROWS, seed=8)
    assert again == SampleSummary(
        [tmp_path / "again" / "landing" / p.relative_to(generated.landing) for p in generated.summary.files],
        *[getattr(generated.summary, f) for f in ("rows_per_source", "distinct_accounts", "invalid_rows_per_source",
                                                  "duplicate_rows_per_source")])
    for path in generated.summary.files:
        relative = path.relative_to(generated.landing)
        assert (tmp_path / "again" / "landing" / relative).read_bytes() == path.read_bytes(), relative
    differing = [p for p in generated.summary.files
                 if not (tmp_path / "other" / "landing" / p.relative_to(generated.landing)).exists()
                 or (tmp_path / "other" / "landing" / p.relative_to(generated.landing)).read_bytes() != p.read_bytes()]
    assert len(differing) == len(generated.summary.files)
    assert other.rows_per_source == generated.summary.rows_per_source


def salesforce_checksum(id15: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    return "".join(alphabet[sum(1 << i for i, ch in enumerate(id15[chunk:chunk + 5]) if "A" <= ch <= "Z")]
                   for chunk in (0, 5, 10))


def test_salesforce_ids_carry_the_case_checksum_and_accounts_come_in_both_forms(generated: Generated) -> None:
    sales = [r for _, r in records(generated, "sales_lost_business")]
    opportunity_ids = [r["Opportunity ID"] for r in sales if r["Opportunity ID"]]
    account_ids = [r["Account ID"] for r in sales if r["Account ID"]]
    assert all(len(i) == 18 and i.startswith("006") for i in opportunity_ids)
    assert all(i.startswith("001") and len(i) in (15, 18) for i in account_ids)
    for salesforce_id in opportunity_ids + [i for i in account_ids if len(i) == 18]:
        assert salesforce_id[15:] == salesforce_checksum(salesforce_id[:15]), salesforce_id
    short, long_prefixes = {i for i in account_ids if len(i) == 15}, {i[:15] for i in account_ids if len(i) == 18}
    assert len(short & long_prefixes) >= 10  # the same account in both forms
    assert any(r["Account ID"] == "" for r in sales)  # sometimes blank


def test_truth_names_the_account_of_every_row_by_file_and_record_number(generated: Generated) -> None:
    rows_per_file = Counter(r["source_file"] for r in generated.truth)
    for path in generated.summary.files:
        read = {".csv": csv_records, ".jsonl": jsonl_records, ".xlsx": xlsx_records}[path.suffix](path)
        assert rows_per_file[path.relative_to(generated.landing.parent).as_posix()] == len(read)
    assert set(rows_per_file) == {p.relative_to(generated.landing.parent).as_posix() for p in generated.summary.files}
    assert all(f.startswith("landing/") for f in rows_per_file)
    numbers = defaultdict(list)
    for r in generated.truth:
        numbers[r["source_file"]].append(r["source_row"])
    assert all(n == list(range(1, len(n) + 1)) for n in numbers.values())
    assert Counter(r["source"] for r in generated.truth) == generated.summary.rows_per_source
    assert len({r["true_account_key"] for r in generated.truth}) == generated.summary.distinct_accounts >= 50


def test_about_two_percent_of_accounts_give_most_of_the_responses(generated: Generated) -> None:
    per_account = Counter(r["true_account_key"] for r in generated.truth)
    n_top = math.ceil(0.02 * len(per_account))
    top_share = sum(n for _, n in per_account.most_common(n_top)) / len(generated.truth)
    assert top_share >= 0.4


def test_the_same_account_is_spelled_differently_across_silos(generated: Generated) -> None:
    true_account = {(t["source_file"], t["source_row"]): t["true_account_key"] for t in generated.truth}
    names_by_account: dict[str, set[str]] = defaultdict(set)
    for source, column in [("sales_lost_business", "Account Name"), ("service_followup", "company"),
                           ("product_planning_xlsx", "Organisation"), ("product_planning_jsonl", "organisation_name")]:
        record_number: Counter[Path] = Counter()
        for path, record in records(generated, source):
            record_number[path] += 1
            key = (path.relative_to(generated.landing.parent).as_posix(), record_number[path])
            if record[column]:
                names_by_account[true_account[key]].add(record[column])
    biggest = max(names_by_account, key=lambda a: len(names_by_account[a]))
    spellings = names_by_account[biggest]
    assert len(spellings) >= 6
    assert len({s.strip().lower() for s in spellings}) < len(spellings)  # case or stray spaces only
    globex_accounts = {a for a, names in names_by_account.items() if any("globex" in n.lower() for n in names)}
    assert len(globex_accounts) >= 2  # look-alikes are different accounts
    assert any(n == "Societe Lumiere SA" for names in names_by_account.values() for n in names)  # accents dropped


def test_some_contacts_write_from_free_mail_addresses(generated: Generated) -> None:
    emails = [r["contact_email"] for _, r in records(generated, "service_followup")]
    domains = Counter(e.rsplit("@", 1)[1] for e in emails)
    free = sum(n for d, n in domains.items() if d in FREE_MAIL)
    assert 0.05 < free / len(emails) < 0.3
    assert all("@" in e and " " not in e for e in emails)


def is_int_between(value: object, low: int, high: int) -> bool:
    if isinstance(value, str):
        value = int(value) if value.isdigit() else None
    return isinstance(value, int) and low <= value <= high


def parses(value: object, parse) -> bool:
    try:
        return bool(value) and parse(value) is not None
    except (TypeError, ValueError):
        return False


def is_valid(source: str, r: dict) -> bool:
    """The row rules of the built-in specs, restated independently."""
    if source == "sales_lost_business":
        return bool(r["Opportunity ID"]) and parses(r["Close Date"], lambda v: dt.datetime.strptime(v, "%m/%d/%Y")) \
            and is_int_between(r["Likelihood to Reconsider"], 0, 10)
    if source == "service_followup":
        return bool(r["ticket_id"]) and parses(r["survey_sent_at"], dt.datetime.fromisoformat) \
            and is_int_between(r["csat"], 1, 5) and is_int_between(r["effort"], 1, 7)
    if source == "product_planning_xlsx":
        return bool(r["Response ID"]) and isinstance(r["Submitted"], dt.datetime) and is_int_between(r["NPS"], 0, 10)
    return bool(r["response_id"]) and parses(r["submitted"], dt.datetime.fromisoformat) \
        and is_int_between(r["nps"], 0, 10)


@pytest.mark.parametrize("source", ["sales_lost_business", "service_followup", "product_planning_xlsx",
                                    "product_planning_jsonl"])
def test_invalid_rows_are_few_present_and_counted(generated: Generated, source: str) -> None:
    invalid = [r for _, r in records(generated, source) if not is_valid(source, r)]
    assert len(invalid) == generated.summary.invalid_rows_per_source[source] >= 1
    assert len(invalid) <= 0.01 * generated.summary.rows_per_source[source] + 1


@pytest.mark.parametrize("source", ["sales_lost_business", "service_followup", "product_planning_xlsx",
                                    "product_planning_jsonl"])
def test_duplicated_rows_are_few_present_and_counted(generated: Generated, source: str) -> None:
    files_by_row: dict[str, list[Path]] = defaultdict(list)
    for path, record in records(generated, source):
        files_by_row[json.dumps(record, default=str)].append(path)
    copies = sum(len(files) - 1 for files in files_by_row.values())
    assert copies == generated.summary.duplicate_rows_per_source[source] >= 1
    assert copies <= 0.005 * generated.summary.rows_per_source[source] + 1
    if source == "service_followup":  # enough copies for both kinds
        repeated = [files for files in files_by_row.values() if len(files) > 1]
        assert any(files[0] == files[1] for files in repeated)  # within one file
        assert any(files[0] != files[1] for files in repeated)  # again in a later file


def test_truth_file_under_landing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="under the landing folder"):
        generate_silos(tmp_path / "landing", rows=200, truth_path=tmp_path / "landing" / "truth.parquet")


def test_too_few_rows_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate_silos(tmp_path / "landing", rows=10)
